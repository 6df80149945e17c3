package cgroup

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// A cgroup.procs that lists our own process (on v1 it does while a thread
// of ours steps into the leaf to fork there) kills the others, never us:
// without the guard this test's process is the one killed.
func TestKillListedSparesUs(t *testing.T) {
	sleeper := exec.Command("sleep", "60")
	if err := sleeper.Start(); err != nil {
		t.Fatal(err)
	}
	defer sleeper.Process.Kill()
	procs := filepath.Join(t.TempDir(), "cgroup.procs")
	list := strconv.Itoa(os.Getpid()) + "\n" + strconv.Itoa(sleeper.Process.Pid) + "\n"
	if err := os.WriteFile(procs, []byte(list), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := killListed(procs); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- sleeper.Wait() }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("the other process listed was not killed")
	}
}
