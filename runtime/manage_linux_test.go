package runtime

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
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

// Stop: SIGTERM to PID 1, then it waits for the owner to clean up; an
// owner that dies meanwhile is cleaned up after by Stop itself.
func TestStopWaitsForOwner(t *testing.T) {
	for _, ownerDies := range []bool{false, true} {
		h, f, leaf := fakeRunning(t, nil)
		child := exec.Command("sleep", "30")
		if err := child.Start(); err != nil {
			t.Fatal(err)
		}
		id, err := identify(child.Process.Pid)
		if err != nil {
			t.Fatal(err)
		}
		described(t, id)
		dir := filepath.Join(StateDir, f.ID)
		// The owner: reaps PID 1, then removes the state directory, or
		// dies without doing so.
		reaped := make(chan *os.ProcessState, 1)
		go func() {
			child.Wait()
			reaped <- child.ProcessState
			if ownerDies {
				os.WriteFile(filepath.Join(dir, ownerFile), []byte(deadOwner+"\n"), 0o600)
				return
			}
			os.RemoveAll(dir) // the real owner removes the cgroup first
		}()
		start := time.Now()
		if err := f.Stop(h, 20*time.Second); err != nil {
			t.Fatalf("owner dies %v: %v", ownerDies, err)
		}
		if took := time.Since(start); took > 5*time.Second {
			t.Errorf("owner dies %v: Stop took %s: it waited out the grace", ownerDies, took)
		}
		if ps := <-reaped; ps.Sys().(syscall.WaitStatus).Signal() != syscall.SIGTERM {
			t.Errorf("owner dies %v: PID 1 ended %v, want by SIGTERM", ownerDies, ps)
		}
		if _, err := os.Stat(dir); err == nil {
			t.Errorf("owner dies %v: %s left behind", ownerDies, dir)
		}
		if _, err := os.Stat(leaf); ownerDies && err == nil {
			t.Errorf("owner died: its cgroup %s left behind", leaf)
		}
	}
}
