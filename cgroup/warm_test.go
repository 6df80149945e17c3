package cgroup

import (
	"os"
	"path/filepath"
	"testing"
)

func TestOwnCgroup(t *testing.T) {
	self := "12:devices:/user.slice\n8:pids:/user.slice/user-1000.slice/session-3.scope\n4:cpu,cpuacct:/user.slice\n0::/user.slice\n"
	for _, tc := range []struct{ text, mount, controller, want string }{
		{self, "/sys/fs/cgroup/pids", "pids", "/sys/fs/cgroup/pids/user.slice/user-1000.slice/session-3.scope"},
		{self, "/sys/fs/cgroup/cpu,cpuacct", "cpuacct", "/sys/fs/cgroup/cpu,cpuacct/user.slice"},
		{"8:pids:/\n", "/sys/fs/cgroup/pids", "pids", "/sys/fs/cgroup/pids"},
		{"8:pids:/../../etc\n", "/sys/fs/cgroup/pids", "pids", "/sys/fs/cgroup/pids/etc"}, // never above the mount
		{"0::/user.slice\n", "/sys/fs/cgroup/pids", "pids", ""},                           // v2 only
		{self, "", "pids", ""},
	} {
		if got := ownCgroup(tc.text, tc.mount, tc.controller); got != tc.want {
			t.Errorf("ownCgroup(%q, %s) = %q, want %q", tc.text, tc.controller, got, tc.want)
		}
	}
}

// noOpMove writes only into a cgroup that lists us already.
func TestNoOpMoveOnlyWhereListed(t *testing.T) {
	dir := t.TempDir()
	procs := filepath.Join(dir, "cgroup.procs")
	write := func(s string) {
		if err := os.WriteFile(procs, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("1\n77\n")
	if noOpMove(dir, 42) {
		t.Error("moved into a cgroup that does not list us")
	}
	if data, _ := os.ReadFile(procs); string(data) != "1\n77\n" {
		t.Errorf("cgroup.procs changed: %q", data)
	}
	write("1\n42\n77\n")
	if !noOpMove(dir, 42) {
		t.Error("no write into the cgroup that lists us")
	}
	if noOpMove(filepath.Join(dir, "missing"), 42) {
		t.Error("moved into a missing cgroup")
	}
}

// TestKernelWarmMigration: on the real tree, the warm-up moves us nowhere
// (our cgroups are the same after), and on v1 it does write.
func TestKernelWarmMigration(t *testing.T) {
	if os.Getenv("VME50_E2E") != "1" {
		t.Skip("uses the real cgroup tree: run as root with VME50_E2E=1")
	}
	if os.Geteuid() != 0 {
		t.Fatal("VME50_E2E=1: this test needs root")
	}
	host, err := Detect()
	if err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile("/proc/self/cgroup")
	moved := warmMigration()
	after, _ := os.ReadFile("/proc/self/cgroup")
	if string(before) != string(after) {
		t.Errorf("our cgroups changed:\n%s\nto\n%s", before, after)
	}
	if host.Version == V2 && moved {
		t.Error("a move on v2, which needs none")
	}
	t.Logf("%s: moved into our own cgroup: %v", host.Version, moved)
}
