package e2e

import (
	"strings"
	"syscall"
	"testing"
)

// --pids-limit below init's own threads (init is a Go program: 5 or 6
// tasks before its exec): the container starts, and its command runs
// under the limit asked for. Init used to die ("failed to create new OS
// thread", status 2) below 6; now pids.max is written while init holds
// before its exec (Config.HoldExec).
func TestLeanPidsLimitBelowInitsThreads(t *testing.T) {
	clean(t)
	// 1: the shell alone, which runs, says so, and cannot fork (busybox
	// sh then gives up, status 2, before "after").
	r := run(t, "--pids-limit", "1", "/bin/sh", "-c", "echo ran; /bin/true; echo after")
	wantCode(t, r, 2)
	if strings.TrimSpace(r.stdout) != "ran" || !strings.Contains(r.stderr, "can't fork") {
		t.Errorf("--pids-limit 1: stdout %q, want the shell run and its fork refused\nstderr: %s", r.stdout, r.stderr)
	}
	// 2: the shell and one child.
	r = run(t, "--pids-limit", "2", "/bin/sh", "-c", "/bin/true && echo forked")
	wantCode(t, r, 0)
	if strings.TrimSpace(r.stdout) != "forked" {
		t.Errorf("--pids-limit 2: stdout %q, want one fork\nstderr: %s", r.stdout, r.stderr)
	}
	for _, n := range []string{"3", "4", "5"} {
		wantCode(t, run(t, "--pids-limit", n, "/bin/true"), 0)
	}
	// The kernel log says when the limit came.
	r = run(t, "--verbose", "--pids-limit", "2", "/bin/true")
	wantCode(t, r, 0)
	hold := strings.Index(r.stderr, "waits before its execve")
	set := strings.Index(r.stderr, "pids.max <- 2")
	if hold < 0 || set < hold {
		t.Errorf("the kernel log does not show pids.max written while init holds:\n%s", r.stderr)
	}
}

// An exec into a container whose pids.max leaves its helper (a Go
// program, born in the container's cgroup) too few tasks is refused in
// one line that says how to make room; it crashed with the Go runtime's
// dump ("failed to create new OS thread"). With room made, it runs.
func TestLeanExecRefusedUnderTinyPidsLimit(t *testing.T) {
	clean(t)
	cmd, id := startContainer(t, "--pids-limit", "3", "/bin/sleep", "1000")
	r := vme50(t, "exec", id, "/bin/true")
	wantCode(t, r, 125)
	oneLine(t, r, "pids.max 3")
	if !strings.Contains(r.stderr, "update --pids-limit") || strings.Contains(r.stderr, "goroutine") {
		t.Errorf("the refusal does not say how to make room:\n%s", r.stderr)
	}
	wantCode(t, vme50(t, "update", "--pids-limit", "16", id), 0)
	wantCode(t, vme50(t, "exec", id, "/bin/true"), 0)
	cmd.Process.Signal(syscall.SIGTERM)
	finish(t, cmd, cmd.Wait())
}
