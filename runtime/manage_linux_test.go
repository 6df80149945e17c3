package runtime

import (
	"errors"
	"os/exec"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// Signal reaches PID 1 only while the pid written down is still the same
// process: a pid with another start time (reused) gets nothing.
func TestSignalChecksStartTime(t *testing.T) {
	tempStateDir(t)
	child := exec.Command("sleep", "30")
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- child.Wait() }()
	t.Cleanup(func() { child.Process.Kill(); <-done })
	id, err := identify(child.Process.Pid)
	if err != nil {
		t.Fatal(err)
	}

	reused := Found{Meta: Meta{ID: "ab12cd34ef56", Init: ProcessID{PID: id.PID, StartTime: id.StartTime + 1}}}
	var ended *EndedError
	if err := reused.Signal(unix.SIGTERM); !errors.As(err, &ended) {
		t.Errorf("another start time: err = %v, want *EndedError", err)
	}
	select {
	case err := <-done:
		t.Fatalf("a process with another start time was signalled: %v", err)
	case <-time.After(100 * time.Millisecond):
	}

	same := Found{Meta: Meta{ID: "ab12cd34ef56", Init: id}}
	if err := same.Signal(unix.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGTERM {
			t.Errorf("child ended with %v, want SIGTERM", err)
		}
		done <- err // for the cleanup
	case <-time.After(5 * time.Second):
		t.Fatal("the signal did not arrive")
	}
	if err := same.Signal(unix.SIGTERM); !errors.As(err, &ended) {
		t.Errorf("reaped: err = %v, want *EndedError", err)
	}
	var notStarted Found
	notStarted.ID = "c0ffee000001"
	if err := notStarted.Signal(unix.SIGTERM); err == nil {
		t.Error("no PID 1: want an error")
	}
}
