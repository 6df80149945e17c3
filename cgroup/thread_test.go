package cgroup

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// threadHost is a fake v1 host with cpu and cpuacct co-mounted, a leaf
// "t1" with empty tasks files, and the calling thread's cgroups: the root
// of memory and pids, /user.slice of cpu,cpuacct, as thread-self lists
// them (the hierarchies' own order, not ours).
func threadHost(t *testing.T) (*Host, Manager) {
	root := t.TempDir()
	cpu := filepath.Join(root, "cpu,cpuacct")
	h := NewHost(V1, "", map[string]string{
		"memory": filepath.Join(root, "memory"), "cpu": cpu, "cpuacct": cpu, "pids": filepath.Join(root, "pids"),
	})
	for _, mount := range h.v1Mounts() {
		writeFiles(t, filepath.Join(mount, Parent, "t1"), map[string]string{"tasks": ""})
		writeFiles(t, mount, map[string]string{"tasks": "", "cgroup.procs": ""})
	}
	writeFiles(t, filepath.Join(cpu, "user.slice"), map[string]string{"tasks": ""})
	self := filepath.Join(root, "thread-self-cgroup")
	writeFiles(t, root, map[string]string{"thread-self-cgroup": "" +
		"5:pids:/\n" +
		"3:cpu,cpuacct:/user.slice\n" +
		"2:memory:/\n" +
		"1:name=systemd:/user.slice/session-1.scope\n" +
		"0::/\n"})
	old := threadCgroups
	threadCgroups = self
	t.Cleanup(func() { threadCgroups = old })
	return h, h.Open("t1")
}

func TestEnterThreadStepsIntoTheLeafAndBack(t *testing.T) {
	h, m := threadHost(t)
	var writes []string
	h.Trace = func(op, path, value string) { writes = append(writes, path+" <- "+value) }
	leave, err := m.(ThreadMover).EnterThread()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range m.Paths() {
		if got := readFile(t, filepath.Join(p, "tasks")); got != "0" {
			t.Errorf("%s/tasks = %q, want 0 (the calling thread)", p, got)
		}
	}
	if len(writes) != 3 {
		t.Fatalf("entering wrote %v, want one tasks file per hierarchy (3)", writes)
	}
	if err := leave(); err != nil {
		t.Fatal(err)
	}
	cpu := h.V1Roots["cpu"]
	for _, home := range []string{h.V1Roots["memory"], filepath.Join(cpu, "user.slice"), h.V1Roots["pids"]} {
		if got := readFile(t, filepath.Join(home, "tasks")); got != "0" {
			t.Errorf("back home: %s/tasks = %q, want 0", home, got)
		}
	}
	if got := readFile(t, filepath.Join(cpu, "tasks")); got != "" {
		t.Errorf("the cpu hierarchy's root got %q: the thread was in user.slice", got)
	}
	if len(writes) != 6 {
		t.Errorf("wrote %v, want 3 in and 3 back", writes)
	}
}

func TestEnterThreadWithoutAHomeMovesNothing(t *testing.T) {
	h, m := threadHost(t)
	writeFiles(t, filepath.Dir(threadCgroups), map[string]string{"thread-self-cgroup": "2:memory:/\n5:pids:/\n"})
	var writes []string
	h.Trace = func(op, path, value string) { writes = append(writes, path) }
	if _, err := m.(ThreadMover).EnterThread(); err == nil {
		t.Fatal("no cpu line in thread-self's cgroups, yet EnterThread did not fail")
	}
	if len(writes) != 0 {
		t.Errorf("a failed EnterThread wrote %v", writes)
	}
}

func TestEnterThreadHalfWayGoesBack(t *testing.T) {
	h, m := threadHost(t)
	// The pids leaf has no tasks file: the third write fails.
	if err := os.Remove(filepath.Join(h.V1Roots["pids"], Parent, "t1", "tasks")); err != nil {
		t.Fatal(err)
	}
	if _, err := m.(ThreadMover).EnterThread(); err == nil {
		t.Fatal("EnterThread did not fail")
	}
	for _, home := range []string{h.V1Roots["memory"], filepath.Join(h.V1Roots["cpu"], "user.slice")} {
		if got := readFile(t, filepath.Join(home, "tasks")); got != "0" {
			t.Errorf("%s/tasks = %q: the thread was not moved back", home, got)
		}
	}
}

func TestLeaveFallsBackToMovingTheProcess(t *testing.T) {
	h, m := threadHost(t)
	leave, err := m.(ThreadMover).EnterThread()
	if err != nil {
		t.Fatal(err)
	}
	// The memory root's tasks refuses the thread (a directory in the
	// fake): the whole process goes back through cgroup.procs.
	mem := h.V1Roots["memory"]
	os.Remove(filepath.Join(mem, "tasks"))
	if err := os.Mkdir(filepath.Join(mem, "tasks"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := leave(); err != nil {
		t.Fatalf("leave: %v (the fallback worked)", err)
	}
	if got, want := readFile(t, filepath.Join(mem, "cgroup.procs")), strconv.Itoa(os.Getpid()); got != want {
		t.Errorf("memory's cgroup.procs = %q, want our pid %s", got, want)
	}
}
