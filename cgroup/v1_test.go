package cgroup

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// sampleV1 is the v1 dump's leaf, opened as "sample".
func sampleV1(t *testing.T, change func(files map[string]string)) (*Host, Manager) {
	h := fakeV1Host(t)
	files := leafFiles(t, v1Sample)
	if change != nil {
		change(files)
	}
	fakeV1Leaf(t, h, "sample", files)
	return h, h.Open("sample")
}

func TestV1StatsSample(t *testing.T) {
	_, m := sampleV1(t, nil)
	s, err := m.Stats()
	if err != nil {
		t.Fatal(err)
	}
	statsEqual(t, s, Stats{
		Memory: MemoryStats{
			Current: 253952,
			Max:     33554432,
			Peak:    33554432,
			Events:  MemoryEvents{Max: 117, OOM: 1, OOMKill: 1},
			Anon:    0,
			File:    0,
			High:    Unlimited, // v1 has none
			SwapMax: Unlimited, // memsw unlimited
		},
		CPU: CPUStats{
			UsageUsec:     462885, // 462885641 ns
			UserUsec:      300000,
			SystemUsec:    176000,
			NrPeriods:     11,
			NrThrottled:   9,
			ThrottledUsec: 470785, // 470785437 ns
			Weight:        300,    // from cpu.shares 3072
			QuotaUsec:     50000,
			PeriodUsec:    100000,
		},
		Pids: PidsStats{Current: 0, Max: 40},
		IO:   IOStats{ReadBpsMax: Unlimited, WriteBpsMax: Unlimited}, // no blkio hierarchy in the fake
	})
}

func TestV1StatsUnlimitedAndOldKernel(t *testing.T) {
	_, m := sampleV1(t, func(f map[string]string) {
		f["memory/memory.limit_in_bytes"] = "9223372036854771712\n"
		f["cpu/cpu.cfs_quota_us"] = "-1\n"
		f["cpu/cpu.shares"] = "1024\n"
		f["pids/pids.max"] = "max\n"
		// Before Linux 4.7: user and system time only in ticks.
		delete(f, "cpuacct/cpuacct.usage_user")
		delete(f, "cpuacct/cpuacct.usage_sys")
	})
	s, err := m.Stats()
	if err != nil {
		t.Fatal(err)
	}
	if s.Memory.Max != Unlimited || s.CPU.QuotaUsec != Unlimited || s.Pids.Max != Unlimited {
		t.Errorf("limits not Unlimited: %+v", s)
	}
	if s.CPU.Weight != 100 {
		t.Errorf("weight %d from shares 1024, want 100", s.CPU.Weight)
	}
	// cpuacct.stat: user 29, system 17 ticks of 10 ms.
	if s.CPU.UserUsec != 290000 || s.CPU.SystemUsec != 170000 {
		t.Errorf("user %d, system %d µs; want 290000, 170000", s.CPU.UserUsec, s.CPU.SystemUsec)
	}
}

func TestV1StatsErrors(t *testing.T) {
	h := fakeV1Host(t)
	if _, err := h.Open("gone").Stats(); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing leaf: err = %v", err)
	}
	// Gone from one hierarchy only: still an error.
	_, m := sampleV1(t, nil)
	if err := os.RemoveAll(m.Paths()[3]); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Stats(); err == nil {
		t.Error("Stats of a half-removed leaf worked")
	}
	_, m = sampleV1(t, func(f map[string]string) { f["cpu/cpu.stat"] = "nr_periods eleven\n" })
	if _, err := m.Stats(); err == nil || !strings.Contains(err.Error(), "cpu.stat") {
		t.Errorf("err = %v, want cpu.stat named", err)
	}
}

// freshV1 is what a new leaf's limit files say.
var freshV1 = map[string]string{
	"memory/memory.limit_in_bytes":       "9223372036854771712\n",
	"memory/memory.memsw.limit_in_bytes": "9223372036854771712\n",
	"cpu/cpu.shares":                     "1024\n",
	"cpu/cpu.cfs_period_us":              "100000\n",
	"cpu/cpu.cfs_quota_us":               "-1\n",
	"pids/pids.max":                      "max\n",
}

func TestV1Set(t *testing.T) {
	h := fakeV1Host(t)
	fakeV1Leaf(t, h, "ab12", freshV1)
	var log []string
	traceInto(h, baseOf(h), &log)
	err := h.Open("ab12").Set(Limits{MemoryMax: 32 << 20, CPUWeight: 300, CPUQuotaUsec: 50000, PidsMax: 40})
	if err != nil {
		t.Fatal(err)
	}
	equalLines(t, "changes", log, []string{
		"write memory/vme50/ab12/memory.limit_in_bytes 33554432",
		"write memory/vme50/ab12/memory.memsw.limit_in_bytes 33554432",
		"write cpu/vme50/ab12/cpu.shares 3072",
		"write cpu/vme50/ab12/cpu.cfs_period_us 100000",
		"write cpu/vme50/ab12/cpu.cfs_quota_us 50000",
		"write pids/vme50/ab12/pids.max 40",
	})
	for file, want := range map[string]string{
		"memory/memory.limit_in_bytes":       "33554432",
		"memory/memory.memsw.limit_in_bytes": "33554432",
		"cpu/cpu.shares":                     "3072",
		"cpu/cpu.cfs_period_us":              "100000",
		"cpu/cpu.cfs_quota_us":               "50000",
		"pids/pids.max":                      "40",
	} {
		controller, name, _ := strings.Cut(file, "/")
		if got := readFile(t, filepath.Join(h.V1Roots[controller], Parent, "ab12", name)); got != want {
			t.Errorf("%s = %q, want %q", file, got, want)
		}
	}
}

func TestV1SetMemoryRaisedWritesMemswFirst(t *testing.T) {
	h := fakeV1Host(t)
	fakeV1Leaf(t, h, "ab12", map[string]string{
		"memory/memory.limit_in_bytes":       "33554432\n",
		"memory/memory.memsw.limit_in_bytes": "33554432\n",
	})
	var log []string
	traceInto(h, filepath.Join(h.V1Roots["memory"], Parent, "ab12"), &log)
	if err := h.Open("ab12").Set(Limits{MemoryMax: 64 << 20}); err != nil {
		t.Fatal(err)
	}
	equalLines(t, "changes", log, []string{
		"write memory.memsw.limit_in_bytes 67108864",
		"write memory.limit_in_bytes 67108864",
	})
	log = nil
	if err := h.Open("ab12").Set(Limits{MemoryMax: Unlimited}); err != nil {
		t.Fatal(err)
	}
	equalLines(t, "changes", log, []string{
		"write memory.memsw.limit_in_bytes -1",
		"write memory.limit_in_bytes -1",
	})
}

func TestV1SetWithoutSwapAccounting(t *testing.T) {
	// Kernels without swap accounting have no memory.memsw.* files.
	h := fakeV1Host(t)
	fakeV1Leaf(t, h, "ab12", map[string]string{"memory/memory.limit_in_bytes": "9223372036854771712\n"})
	if err := h.Open("ab12").Set(Limits{MemoryMax: 32 << 20}); err != nil {
		t.Fatal(err)
	}
	memsw := filepath.Join(h.V1Roots["memory"], Parent, "ab12", "memory.memsw.limit_in_bytes")
	if got := readFile(t, memsw); got != "<missing>" {
		t.Errorf("memory.memsw.limit_in_bytes was created: %q", got)
	}
}

func TestV1AddProcAndProcs(t *testing.T) {
	h := fakeV1Host(t)
	files := map[string]string{}
	for _, c := range v1Controllers {
		files[c+"/cgroup.procs"] = ""
	}
	fakeV1Leaf(t, h, "ab12", files)
	m := h.Open("ab12")
	if err := m.AddProc(4321); err != nil {
		t.Fatal(err)
	}
	for _, p := range m.Paths() {
		if got := readFile(t, filepath.Join(p, "cgroup.procs")); got != "4321" {
			t.Errorf("%s = %q", p, got)
		}
	}
	// Procs is the union: a process moved into some hierarchies only
	// still shows.
	writeFiles(t, m.Paths()[0], map[string]string{"cgroup.procs": "7\n4321\n"})
	pids, err := m.Procs()
	if err != nil || len(pids) != 2 || pids[0] != 7 || pids[1] != 4321 {
		t.Errorf("Procs = %v, %v", pids, err)
	}
}

func TestV1KillEmpty(t *testing.T) {
	_, m := sampleV1(t, nil)
	start := time.Now()
	if err := m.Kill(); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("Kill of an empty leaf took %s", d)
	}
}

// TestKillSignalsListedProcesses puts a real child of ours in a fake
// cgroup.procs. Kill must SIGKILL it; since the fake file never empties,
// Kill then gives up and names it.
func TestKillSignalsListedProcesses(t *testing.T) {
	defer func(p time.Duration) { killPatience = p }(killPatience)
	killPatience = 100 * time.Millisecond
	sleep := exec.Command("sleep", "60")
	if err := sleep.Start(); err != nil {
		t.Fatal(err)
	}
	pid := strconv.Itoa(sleep.Process.Pid)
	_, m := sampleV1(t, func(f map[string]string) { f["pids/cgroup.procs"] = pid + "\n" })

	err := m.Kill()
	if err == nil || !strings.Contains(err.Error(), "still holds processes ["+pid+"]") {
		t.Errorf("err = %v, want the survivor named", err)
	}
	err = sleep.Wait()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Errorf("sleep ended with %v, want SIGKILL", err)
	}
}

func TestV1OpenDir(t *testing.T) {
	_, m := sampleV1(t, nil)
	if _, err := m.OpenDir(); !errors.Is(err, ErrNoCloneInto) {
		t.Errorf("err = %v, want ErrNoCloneInto", err)
	}
}

func TestV1Files(t *testing.T) {
	h, m := sampleV1(t, nil)
	f := m.Files()
	for _, name := range []string{f.MemoryCurrent, f.MemoryMax, f.MemoryPeak, f.MemoryEvents,
		f.MemoryStat, f.CPUUsage, f.CPUStat, f.CPUWeight, f.CPUMax, f.PidsCurrent, f.PidsMax} {
		controller, _, _ := strings.Cut(name, ".")
		path := filepath.Join(h.V1Roots[controller], Parent, "sample", name)
		if _, err := os.Stat(path); err != nil {
			t.Errorf("Files names %q, which a real v1 leaf does not have", name)
		}
	}
}

func TestSharesAndWeight(t *testing.T) {
	for _, c := range []struct{ weight, shares uint64 }{
		{1, 10}, {100, 1024}, {300, 3072}, {500, 5120}, {10000, 102400},
	} {
		if got := SharesFromWeight(c.weight); got != c.shares {
			t.Errorf("SharesFromWeight(%d) = %d, want %d", c.weight, got, c.shares)
		}
		if got := WeightFromShares(c.shares); got != c.weight {
			t.Errorf("WeightFromShares(%d) = %d, want %d", c.shares, got, c.weight)
		}
	}
	// Every weight --cpu-shares takes comes back unchanged from v1.
	for w := uint64(1); w <= 10000; w++ {
		if got := WeightFromShares(SharesFromWeight(w)); got != w {
			t.Fatalf("weight %d -> shares %d -> weight %d", w, SharesFromWeight(w), got)
		}
	}
	if got := SharesFromWeight(0); got != 2 {
		t.Errorf("SharesFromWeight(0) = %d, want the kernel's minimum 2", got)
	}
	if got := SharesFromWeight(1 << 60); got != 262144 {
		t.Errorf("SharesFromWeight(2^60) = %d, want the kernel's maximum 262144", got)
	}
	if got := WeightFromShares(2); got != 1 {
		t.Errorf("WeightFromShares(2) = %d, want 1", got)
	}
	if got := WeightFromShares(Unlimited); got == 0 {
		t.Error("WeightFromShares overflowed")
	}
}
