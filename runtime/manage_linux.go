package runtime

import (
	"errors"
	"fmt"

	"golang.org/x/sys/unix"
)

// Signal sends sig to the container's PID 1. The pid written down may
// have been reused by another process since PID 1 ended, so the signal
// goes through a pidfd: opened first, then the process it names is
// checked to have PID 1's start time. A pidfd keeps naming the process it
// was opened on, so once the check passes no other process can get the
// signal. Note that PID 1 of a PID namespace only gets the signals it has
// a handler for (SIGKILL aside). A container that has not run its command
// yet, or has ended, is an *EndedError or says so.
func (f Found) Signal(sig unix.Signal) error {
	f = f.current()
	if f.Init.PID == 0 {
		if !f.StillRunning() {
			return &EndedError{ID: f.ID}
		}
		return fmt.Errorf("container %s: its command has not started yet", f.ID)
	}
	fd, err := f.openInit() // PID 1 itself, never a later process given its pid
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	err = unix.PidfdSendSignal(fd, sig, nil, 0)
	if errors.Is(err, unix.ESRCH) {
		return &EndedError{ID: f.ID}
	}
	if err != nil {
		return fmt.Errorf("container %s: send %s to PID 1 (pid %d): %w", f.ID, unix.SignalName(sig), f.Init.PID, err)
	}
	return nil
}
