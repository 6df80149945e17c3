package e2e

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"vme50-tui/cgroup"
)

// TestLeanInitBornInItsCgroup: on cgroup v1 the container's init is born
// in its leaf, forked by a thread of vme50-tui that steps into the leaf
// ("0" into each hierarchy's tasks) and back out, so that no process is
// moved (a pid into cgroup.procs), which costs a grace period of several
// milliseconds per start (cgroup/thread.go). The kernel log says so; the
// command is in the leaf of every hierarchy; and no thread of vme50-tui
// stayed there (its Kill would kill vme50-tui itself).
func TestLeanInitBornInItsCgroup(t *testing.T) {
	clean(t)
	if host(t).Version != cgroup.V1 {
		t.Skip("cgroup v2: init is born in its cgroup by clone3(CLONE_INTO_CGROUP)")
	}
	r := run(t, "--verbose", "--network", "none", "/bin/true")
	wantCode(t, r, 0)
	if n := strings.Count(r.stderr, "tasks <- 0"); n != 2*hierarchies(t) {
		t.Errorf("%d writes of 0 into a tasks file, want one into and one out of each hierarchy; kernel log:\n%s", n, r.stderr)
	}
	if strings.Contains(r.stderr, "cgroup.procs <- ") {
		t.Errorf("init was moved into its cgroup after its start (the slow way):\n%s", r.stderr)
	}

	cmd, id := startContainer(t, "--network", "none", "/bin/sleep", "30")
	sleep := commandPid(t, id)
	ours := threadsOf(t, cmd.Process.Pid)
	h := host(t)
	for _, c := range h.V1Controllers() {
		leaf := filepath.Join(h.V1Roots[c], cgroup.Parent, id)
		data, err := os.ReadFile(filepath.Join(leaf, "tasks"))
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Fields(string(data)); len(got) != 1 || got[0] != strconv.Itoa(sleep) {
			t.Errorf("%s/tasks = %v, want only the command, %d (vme50-tui's threads: %v)", leaf, got, sleep, ours)
		}
	}
	for _, tid := range ours {
		data, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(cmd.Process.Pid), "task", tid, "cgroup"))
		if err != nil {
			continue // a thread gone meanwhile
		}
		if strings.Contains(string(data), "/"+cgroup.Parent+"/"+id) {
			t.Errorf("vme50-tui's thread %s is still in the container's cgroup:\n%s", tid, data)
		}
	}
	syscall.Kill(sleep, syscall.SIGKILL)
	wantCode(t, finish(t, cmd, cmd.Wait()), 137)
}

// hierarchies is how many v1 hierarchies hold a leaf: co-mounted
// controllers (cpu,cpuacct) share one.
func hierarchies(t *testing.T) int {
	h := host(t)
	seen := map[string]bool{}
	for _, c := range h.V1Controllers() {
		seen[h.V1Roots[c]] = true
	}
	return len(seen)
}

// threadsOf lists a process's thread ids.
func threadsOf(t *testing.T, pid int) []string {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join("/proc", strconv.Itoa(pid), "task"))
	if err != nil {
		t.Fatal(err)
	}
	var tids []string
	for _, e := range entries {
		tids = append(tids, e.Name())
	}
	return tids
}
