package initproc

import (
	"fmt"
	"unsafe"

	"golang.org/x/sys/unix"
)

// holdExec tells the parent that init is about to exec the command and
// waits until the parent closes the config pipe: the parent lowers
// pids.max meanwhile (Config.HoldExec). Init is a Go program: before its
// exec it runs a few threads of its own (the scheduler's, the system-call
// monitor), each a task that pids.max counts, and the runtime dies when
// it cannot start one ("failed to create new OS thread"). So a limit
// below those threads (--pids-limit 1 to 5 or so) is set only now, when
// init needs no new thread and the command does not exist yet: the exec
// then ends every thread but one, and the command starts under its limit.
//
// The wait is a raw read(2): a blocking system call made the usual way
// lets the scheduler hand this thread's work to a new thread, which the
// lowered limit may refuse.
func holdExec() error {
	if err := sendStatus(StatusMessage{Hold: true,
		Step: "# waits before its execve for pids.max to be lowered (its own threads count as tasks)"}); err != nil {
		return err
	}
	if err := status.Flush(); err != nil {
		return fmt.Errorf("init: status pipe: %w", err)
	}
	var b [64]byte
	for {
		n, _, errno := unix.RawSyscall(unix.SYS_READ, ConfigFD, uintptr(unsafe.Pointer(&b[0])), uintptr(len(b)))
		switch {
		case errno == unix.EINTR:
		case errno != 0:
			return fmt.Errorf("init: waiting for the config pipe's end: %w", errno)
		case n == 0:
			return nil
		}
	}
}
