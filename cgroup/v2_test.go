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

	"golang.org/x/sys/unix"
)

// sampleV2 is the v2 dump's leaf, opened as "sample".
func sampleV2(t *testing.T) (*Host, Manager) {
	h := fakeV2Host(t)
	fakeV2Leaf(t, h, "sample", leafFiles(t, v2Sample))
	return h, h.Open("sample")
}

// statsEqual compares two readings, except for their time.
func statsEqual(t *testing.T, got, want Stats) {
	t.Helper()
	if got.Time.IsZero() {
		t.Error("Stats.Time not set")
	}
	got.Time, want.Time = time.Time{}, time.Time{}
	if (got.Pressure == nil) != (want.Pressure == nil) || got.Pressure != nil && *got.Pressure != *want.Pressure {
		t.Errorf("Pressure:\n got  %+v\n want %+v", got.Pressure, want.Pressure)
	}
	got.Pressure, want.Pressure = nil, nil
	if got != want {
		t.Errorf("Stats:\n got  %+v\n want %+v", got, want)
	}
}

func TestV2StatsSample(t *testing.T) {
	_, m := sampleV2(t)
	s, err := m.Stats()
	if err != nil {
		t.Fatal(err)
	}
	statsEqual(t, s, Stats{
		Memory: MemoryStats{
			Current: 303104,
			Max:     33554432,
			Peak:    33554432,
			Events:  MemoryEvents{Max: 220, OOM: 8, OOMKill: 1},
			High:    Unlimited,
			SwapMax: Unlimited,
		},
		CPU: CPUStats{
			UsageUsec:     4582559,
			UserUsec:      3558707,
			SystemUsec:    1023851,
			NrPeriods:     93,
			NrThrottled:   91,
			ThrottledUsec: 6758680,
			Weight:        300,
			QuotaUsec:     50000,
			PeriodUsec:    100000,
		},
		Pids: PidsStats{Current: 0, Max: 40},
		// No io.max in the sample (its io controller was off).
		IO: IOStats{ReadBpsMax: Unlimited, WriteBpsMax: Unlimited},
		Pressure: &Pressure{
			CPU: PSI{Some: PSILine{Avg10: 23.77, Avg60: 5.30, Avg300: 1.15, Total: 3995514},
				Full: PSILine{Avg10: 23.77, Avg60: 5.30, Avg300: 1.15, Total: 3990806}},
			Memory: PSI{Some: PSILine{Total: 14076}, Full: PSILine{Total: 14036}},
		},
	})
}

func TestV2StatsUnlimitedAndOldKernel(t *testing.T) {
	h := fakeV2Host(t)
	files := leafFiles(t, v2Sample)
	delete(files, "memory.peak") // before Linux 5.19
	files["memory.max"] = "max\n"
	files["cpu.max"] = "max 100000\n"
	files["pids.max"] = "max\n"
	fakeV2Leaf(t, h, "old", files)
	s, err := h.Open("old").Stats()
	if err != nil {
		t.Fatal(err)
	}
	if s.Memory.Peak != 0 || s.Memory.Max != Unlimited || s.CPU.QuotaUsec != Unlimited ||
		s.CPU.PeriodUsec != 100000 || s.Pids.Max != Unlimited {
		t.Errorf("got %+v", s)
	}
}

func TestV2StatsControllersOff(t *testing.T) {
	// A leaf with only the core files: limits read as Unlimited.
	h := fakeV2Host(t)
	fakeV2Leaf(t, h, "bare", map[string]string{"cgroup.procs": ""})
	s, err := h.Open("bare").Stats()
	if err != nil {
		t.Fatal(err)
	}
	if s.Memory.Max != Unlimited || s.CPU.QuotaUsec != Unlimited || s.Pids.Max != Unlimited || s.Memory.Current != 0 {
		t.Errorf("got %+v", s)
	}
}

func TestV2StatsErrors(t *testing.T) {
	h := fakeV2Host(t)
	if _, err := h.Open("gone").Stats(); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing leaf: err = %v", err)
	}
	for file, text := range map[string]string{
		"memory.current": "lots\n",
		"memory.events":  "oom_kill x\n",
		"cpu.max":        "50000\n",
	} {
		files := leafFiles(t, v2Sample)
		files[file] = text
		fakeV2Leaf(t, h, "junk", files)
		_, err := h.Open("junk").Stats()
		if err == nil || !strings.Contains(err.Error(), file) {
			t.Errorf("%s = %q: err = %v, want it named", file, text, err)
		}
	}
}

// freshV2 is what a new leaf's limit files say.
var freshV2 = map[string]string{
	"memory.max":   "max\n",
	"cpu.weight":   "100\n",
	"cpu.max":      "max 100000\n",
	"pids.max":     "max\n",
	"cgroup.procs": "",
}

func TestV2Set(t *testing.T) {
	h := fakeV2Host(t)
	dir := fakeV2Leaf(t, h, "ab12", freshV2)
	var log []string
	traceInto(h, dir, &log)
	m := h.Open("ab12")
	err := m.Set(Limits{MemoryMax: 32 << 20, CPUWeight: 300, CPUQuotaUsec: 50000, PidsMax: 40})
	if err != nil {
		t.Fatal(err)
	}
	equalLines(t, "changes", log, []string{
		"write memory.max 33554432",
		"write cpu.weight 300",
		"write cpu.max 50000 100000",
		"write pids.max 40",
	})
	for file, want := range map[string]string{
		"memory.max": "33554432",
		"cpu.weight": "300",
		"cpu.max":    "50000 100000",
		"pids.max":   "40",
	} {
		if got := readFile(t, filepath.Join(dir, file)); got != want {
			t.Errorf("%s = %q, want %q", file, got, want)
		}
	}

	log = nil
	if err := m.Set(Limits{}); err != nil || len(log) != 0 {
		t.Errorf("Set of zero Limits: %v, wrote %q", err, log)
	}
	if err := m.Set(Limits{MemoryMax: Unlimited, CPUQuotaUsec: 25000, CPUPeriodUsec: 50000}); err != nil {
		t.Fatal(err)
	}
	equalLines(t, "changes", log, []string{"write memory.max max", "write cpu.max 25000 50000"})
}

func TestV2AddProcAndProcs(t *testing.T) {
	h := fakeV2Host(t)
	dir := fakeV2Leaf(t, h, "ab12", map[string]string{"cgroup.procs": ""})
	m := h.Open("ab12")
	if err := m.AddProc(4321); err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, filepath.Join(dir, "cgroup.procs")); got != "4321" {
		t.Errorf("cgroup.procs = %q", got)
	}
	writeFiles(t, dir, map[string]string{"cgroup.procs": "104\n105\n"})
	pids, err := m.Procs()
	if err != nil || len(pids) != 2 || pids[0] != 104 || pids[1] != 105 {
		t.Errorf("Procs = %v, %v", pids, err)
	}
}

func TestV2KillWithCgroupKill(t *testing.T) {
	h, m := sampleV2(t)
	var log []string
	traceInto(h, m.Paths()[0], &log)
	if err := m.Kill(); err != nil {
		t.Fatal(err)
	}
	equalLines(t, "changes", log, []string{"write cgroup.kill 1"})
}

func TestV2KillWithFreezer(t *testing.T) {
	// Linux 5.2 to 5.13: no cgroup.kill, but cgroup.freeze.
	h, m := sampleV2(t)
	dir := m.Paths()[0]
	if err := os.Remove(filepath.Join(dir, "cgroup.kill")); err != nil {
		t.Fatal(err)
	}
	// A real process listed in the fake leaf: the kill must reach it,
	// between the freeze and the thaw.
	sleep := exec.Command("sleep", "60")
	if err := sleep.Start(); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "cgroup.procs"), []byte(strconv.Itoa(sleep.Process.Pid)+"\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "cgroup.events"), []byte("populated 0\nfrozen 0\n"), 0o644)
	var log []string
	traceInto(h, dir, &log)
	if err := m.Kill(); err != nil {
		t.Fatal(err)
	}
	equalLines(t, "changes", log, []string{"write cgroup.freeze 1", "write cgroup.freeze 0"})
	err := sleep.Wait()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Errorf("the listed process ended with %v, want SIGKILL", err)
	}
}

func TestV2KillWaitsForPopulated(t *testing.T) {
	defer func(p time.Duration) { killPatience = p }(killPatience)
	killPatience = 50 * time.Millisecond
	h := fakeV2Host(t)
	// Processes still exiting: cgroup.procs is empty, but the group is
	// populated until the last one is gone.
	fakeV2Leaf(t, h, "ab12", map[string]string{
		"cgroup.kill":   "",
		"cgroup.procs":  "",
		"cgroup.events": "populated 1\nfrozen 0\n",
	})
	err := h.Open("ab12").Kill()
	if err == nil || !strings.Contains(err.Error(), "still holds processes") {
		t.Errorf("err = %v, want a timeout", err)
	}
}

func TestV2OpenDir(t *testing.T) {
	_, m := sampleV2(t)
	fd, err := m.OpenDir()
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(fd)
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil || st.Mode&unix.S_IFMT != unix.S_IFDIR {
		t.Errorf("fd %d is not the leaf directory: %v", fd, err)
	}
	h := fakeV2Host(t)
	if _, err := h.Open("gone").OpenDir(); err == nil {
		t.Error("OpenDir of a missing leaf worked")
	}
}

func TestV2Files(t *testing.T) {
	_, m := sampleV2(t)
	f := m.Files()
	for _, name := range []string{f.MemoryCurrent, f.MemoryMax, f.MemoryPeak, f.MemoryEvents,
		f.MemoryStat, f.CPUUsage, f.CPUStat, f.CPUWeight, f.CPUMax, f.PidsCurrent, f.PidsMax} {
		if _, err := os.Stat(filepath.Join(m.Paths()[0], name)); err != nil {
			t.Errorf("Files names %q, which a real v2 leaf does not have", name)
		}
	}
}

// A leaf its owner removed meanwhile (the container ended on the signal a
// stop sent before its kill) has nothing left to kill: no error.
func TestV2KillOfAGoneLeaf(t *testing.T) {
	_, m := sampleV2(t)
	if err := os.RemoveAll(m.Paths()[0]); err != nil {
		t.Fatal(err)
	}
	if err := m.Kill(); err != nil {
		t.Errorf("Kill of a removed leaf: %v", err)
	}
}
