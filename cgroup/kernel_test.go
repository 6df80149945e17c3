package cgroup

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"syscall"
	"testing"
	"time"
)

// kernelHost is this machine's cgroup tree, for a kernel test: it skips
// without VME50_E2E=1 and fails when not root.
func kernelHost(t *testing.T) *Host {
	t.Helper()
	if os.Getenv("VME50_E2E") != "1" {
		t.Skip("uses the real cgroup tree: run as root with VME50_E2E=1")
	}
	if os.Geteuid() != 0 {
		t.Fatal("VME50_E2E=1: this test needs root")
	}
	h, err := Detect()
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// TestKernelLeaf is a kernel test (README, "Development"): it uses this
// machine's real cgroup tree, as root, and only with VME50_E2E=1. It makes
// vme50/test-<random>, limits it, runs a memory hog into its OOM kill and
// a sleeper into Kill, and removes the leaf again.
func TestKernelLeaf(t *testing.T) {
	h := kernelHost(t)
	h.Trace = func(op, path, value string) { t.Logf("%s %s %s", op, path, value) }
	m := createTestLeaf(t, h)

	limits := Limits{MemoryMax: 32 << 20, CPUWeight: 300, CPUQuotaUsec: 50000, PidsMax: 40}
	if err := m.Set(limits); err != nil {
		t.Fatal(err)
	}
	s, err := m.Stats()
	if err != nil {
		t.Fatal(err)
	}
	if s.Memory.Max != limits.MemoryMax || s.CPU.Weight != 300 || s.CPU.QuotaUsec != 50000 ||
		s.CPU.PeriodUsec != 100000 || s.Pids.Max != 40 {
		t.Errorf("limits read back as %+v", s)
	}

	runHogIntoOOM(t, m)
	s, err = m.Stats()
	if err != nil {
		t.Fatal(err)
	}
	// memory.peak exists from Linux 5.19 on; v1's max_usage_in_bytes always.
	hasPeak := exists(filepath.Join(m.Paths()[0], m.Files().MemoryPeak))
	if s.Memory.Events.OOMKill == 0 || (hasPeak && s.Memory.Peak == 0) {
		t.Errorf("after the hog: %+v", s.Memory)
	}

	killSleeper(t, m)
	if err := m.Destroy(); err != nil {
		t.Fatal(err)
	}
	for _, p := range m.Paths() {
		if _, err := os.Stat(p); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s still there: %v", p, err)
		}
	}
	if ids, _ := h.List(); slices.Contains(ids, m.ID()) {
		t.Errorf("List still has %s", m.ID())
	}
}

// createTestLeaf makes vme50/test-<random> and removes it when the test
// ends, whatever happened.
func createTestLeaf(t *testing.T, h *Host) Manager {
	b := make([]byte, 4)
	rand.Read(b)
	m, err := h.Create("test-" + hex.EncodeToString(b))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := errors.Join(m.Kill(), m.Destroy()); err != nil {
			t.Error(err)
		}
	})
	return m
}

// runHogIntoOOM starts a shell that waits for a line, moves it into m,
// then lets it become dd with a 64 MiB buffer: twice the limit.
func runHogIntoOOM(t *testing.T, m Manager) {
	hog := exec.Command("sh", "-c", "read go; exec dd if=/dev/zero of=/dev/null bs=64M count=1")
	release, err := hog.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := hog.Start(); err != nil {
		t.Fatal(err)
	}
	if err := m.AddProc(hog.Process.Pid); err != nil {
		hog.Process.Kill()
		hog.Wait()
		t.Fatal(err)
	}
	release.Write([]byte("go\n"))
	err = hog.Wait()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Errorf("the hog ended with %v, want the OOM killer's SIGKILL", err)
	}
}

// killSleeper moves a sleep into m and checks that Kill ends it.
func killSleeper(t *testing.T, m Manager) {
	sleep := exec.Command("sleep", "60")
	if err := sleep.Start(); err != nil {
		t.Fatal(err)
	}
	defer sleep.Wait()
	if err := m.AddProc(sleep.Process.Pid); err != nil {
		sleep.Process.Kill()
		t.Fatal(err)
	}
	if pids, err := m.Procs(); err != nil || !slices.Contains(pids, sleep.Process.Pid) {
		t.Errorf("Procs = %v, %v; want %d in it", pids, err, sleep.Process.Pid)
	}
	// The sleeper is our child: until we reap it, it is a zombie, and a
	// zombie has already left its cgroup, so Kill does not wait for us.
	if err := m.Kill(); err != nil {
		t.Fatal(err)
	}
	if pids, err := m.Procs(); err != nil || len(pids) != 0 {
		t.Errorf("after Kill, Procs = %v, %v", pids, err)
	}
}

// TestKernelFreeze freezes a leaf holding a busy loop: its CPU time stops
// growing; thawed, it grows again; frozen again, Kill still ends it (v1
// must thaw after the SIGKILL for it to die).
func TestKernelFreeze(t *testing.T) {
	h := kernelHost(t)
	m := createTestLeaf(t, h)
	busy := exec.Command("sh", "-c", "read go; while :; do :; done")
	release, _ := busy.StdinPipe()
	if err := busy.Start(); err != nil {
		t.Fatal(err)
	}
	defer busy.Wait()
	if err := m.AddProc(busy.Process.Pid); err != nil {
		busy.Process.Kill()
		t.Fatal(err)
	}
	release.Write([]byte("go\n"))
	usage := func() uint64 {
		s, err := m.Stats()
		if err != nil {
			t.Fatal(err)
		}
		return s.CPU.UsageUsec
	}
	grew := func() uint64 {
		before := usage()
		time.Sleep(300 * time.Millisecond)
		return usage() - before
	}
	// A busy loop gets at least a tenth of a CPU even on a loaded host;
	// frozen, it gets nothing at all.
	const running, still = 30_000, 1_000
	if g := grew(); g < running {
		t.Fatalf("the loop used %d µs in 300 ms before the freeze", g)
	}
	if err := m.Freeze(true); err != nil {
		t.Fatal(err)
	}
	if s, _ := m.Stats(); !s.Frozen {
		t.Error("Stats.Frozen false after Freeze(true)")
	}
	if g := grew(); g > still {
		t.Errorf("frozen, the loop still used %d µs in 300 ms", g)
	}
	if err := m.Freeze(false); err != nil {
		t.Fatal(err)
	}
	if g := grew(); g < running {
		t.Errorf("thawed, the loop used only %d µs in 300 ms", g)
	}
	if err := m.Freeze(true); err != nil {
		t.Fatal(err)
	}
	if err := m.Kill(); err != nil {
		t.Fatalf("Kill of a frozen leaf: %v", err)
	}
}
