package runtime

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"vme50-tui/cgroup"
)

// described gives the fake container ab12cd34ef56 a PID 1 in its
// description, as recordInit does once the command runs.
func described(t *testing.T, init ProcessID) {
	t.Helper()
	dir := filepath.Join(StateDir, "ab12cd34ef56")
	m := readMeta(dir)
	m.Init = init
	if err := writeMeta(dir, m); err != nil {
		t.Fatal(err)
	}
}

func TestState(t *testing.T) {
	h, f, leaf := fakeRunning(t, nil)
	if got := f.State(h); got != StateStarting {
		t.Errorf("no PID 1 yet: state %q, want %q", got, StateStarting)
	}
	// PID 1 written after the container was found: read again.
	described(t, ProcessID{PID: 4242, StartTime: 7})
	if got := f.State(h); got != StateRunning {
		t.Errorf("PID 1 recorded: state %q, want %q", got, StateRunning)
	}
	f, _ = Find("web")

	// Frozen: v2's cgroup.events.
	os.WriteFile(filepath.Join(leaf, "cgroup.events"), []byte("populated 1\nfrozen 1\n"), 0o644)
	if got := f.State(h); got != StatePaused {
		t.Errorf("frozen 1: state %q, want %q", got, StatePaused)
	}
	os.WriteFile(filepath.Join(leaf, "cgroup.events"), []byte("populated 1\nfrozen 0\n"), 0o644)
	if got := f.State(h); got != StateRunning {
		t.Errorf("frozen 0: state %q, want %q", got, StateRunning)
	}

	// A stop under way, by a process that runs (us), outweighs the rest.
	if err := f.markStopping(); err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(filepath.Join(StateDir, f.ID, stoppingFile))
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("%s: %v, mode %v; want root's alone", stoppingFile, err, info.Mode())
	}
	if got := f.State(h); got != StateStopping {
		t.Errorf("marked stopping: state %q, want %q", got, StateStopping)
	}
	// A stop that died half-way leaves a marker that says nothing.
	os.WriteFile(filepath.Join(StateDir, f.ID, stoppingFile), []byte(deadOwner+"\n"), 0o600)
	if got := f.State(h); got != StateRunning {
		t.Errorf("marked by a dead stop: state %q, want %q", got, StateRunning)
	}
}

// On v1 the container's freezer cgroup says FROZEN once paused.
func TestStatePausedV1(t *testing.T) {
	tempStateDir(t)
	fakeState(t, "ab12cd34ef56", us(t), "web")
	described(t, ProcessID{PID: 4242, StartTime: 7})
	root := t.TempDir()
	roots := map[string]string{}
	for _, c := range []string{"memory", "cpu", "cpuacct", "pids", "freezer"} {
		roots[c] = filepath.Join(root, c)
	}
	h := cgroup.NewHost(cgroup.V1, "", roots)
	f, err := Find("web")
	if err != nil {
		t.Fatal(err)
	}
	if got := f.State(h); got != StateRunning {
		t.Errorf("no cgroup: state %q, want %q", got, StateRunning)
	}
	for _, r := range roots {
		os.MkdirAll(filepath.Join(r, cgroup.Parent, f.ID), 0o755)
	}
	freezer := filepath.Join(root, "freezer", cgroup.Parent, f.ID)
	for state, want := range map[string]State{"THAWED": StateRunning, "FREEZING": StateRunning, "FROZEN": StatePaused} {
		os.WriteFile(filepath.Join(freezer, "freezer.state"), []byte(state+"\n"), 0o644)
		if got := f.State(h); got != want {
			t.Errorf("freezer.state %s: state %q, want %q", state, got, want)
		}
	}
}

func TestOwnerPIDAndUptime(t *testing.T) {
	tempStateDir(t)
	fakeState(t, "ab12cd34ef56", us(t), "web")
	f, err := Find("web")
	if err != nil {
		t.Fatal(err)
	}
	if got := f.OwnerPID(); got != os.Getpid() {
		t.Errorf("OwnerPID() = %d, want %d", got, os.Getpid())
	}
	if (Found{}).OwnerPID() != 0 {
		t.Error("no owner file: want pid 0")
	}
	f.Created = time.Now().Add(-90 * time.Second)
	if up := f.Uptime(); up < 90*time.Second || up > 100*time.Second {
		t.Errorf("Uptime() = %s, want 90s", up)
	}
}

func TestStatsFound(t *testing.T) {
	h, f, _ := fakeRunning(t, map[string]string{"memory.current": "12345\n", "memory.max": "max\n", "pids.current": "3\n", "pids.max": "40\n"})
	st, err := f.Stats(h)
	if err != nil {
		t.Fatal(err)
	}
	if st.Memory.Current != 12345 || st.Memory.Max != cgroup.Unlimited || st.Pids.Current != 3 || st.Pids.Max != 40 {
		t.Errorf("stats %+v", st)
	}
	os.RemoveAll(filepath.Join(StateDir, f.ID))
	var ended *EndedError
	if _, err := f.Stats(h); !errors.As(err, &ended) {
		t.Errorf("ended: err = %v, want *EndedError", err)
	}
}

func TestCoresUsed(t *testing.T) {
	t0 := time.Now()
	at := func(d time.Duration, usec uint64) cgroup.Stats {
		return cgroup.Stats{Time: t0.Add(d), CPU: cgroup.CPUStats{UsageUsec: usec}}
	}
	if c, ok := CoresUsed(at(0, 1000), at(250*time.Millisecond, 126000)); !ok || c != 0.5 {
		t.Errorf("125 ms of CPU in 250 ms: %v %v, want 0.5 cores", c, ok)
	}
	if _, ok := CoresUsed(at(0, 1000), at(0, 2000)); ok {
		t.Error("no interval: want not ok")
	}
	if _, ok := CoresUsed(at(0, 5000), at(time.Second, 2000)); ok {
		t.Error("a counter that went back: want not ok")
	}
}

func TestSampleAll(t *testing.T) {
	h, f, _ := fakeRunning(t, map[string]string{"cpu.stat": "usage_usec 1000\n", "pids.current": "2\n"})
	gone := Found{Meta: Meta{ID: "dead00000001"}, owner: deadOwner}
	samples := SampleAll(h, []Found{f, gone}, 10*time.Millisecond)
	if len(samples) != 2 {
		t.Fatalf("%d samples", len(samples))
	}
	if s := samples[0]; s.Err != nil || !s.CoresOK || s.Cores != 0 || s.Stats.Pids.Current != 2 {
		t.Errorf("sample %+v", s)
	}
	var ended *EndedError
	if !errors.As(samples[1].Err, &ended) {
		t.Errorf("ended container: err = %v", samples[1].Err)
	}
}

// A container whose owner died is not signalled: stop and kill remove
// what it left, and say it has ended.
func TestKillOwnerDead(t *testing.T) {
	h, f, leaf := fakeRunning(t, nil)
	f.Init = ProcessID{PID: 999999999, StartTime: 1}
	os.WriteFile(filepath.Join(StateDir, f.ID, ownerFile), []byte(deadOwner+"\n"), 0o600)
	var ended *EndedError
	if err := f.Kill(h, 9); !errors.As(err, &ended) {
		t.Errorf("err = %v, want *EndedError", err)
	}
	for _, dir := range []string{leaf, filepath.Join(StateDir, f.ID)} {
		if _, err := os.Stat(dir); err == nil {
			t.Errorf("%s was left behind", dir)
		}
	}
}

func TestFormatUptime(t *testing.T) {
	for d, want := range map[time.Duration]string{
		-time.Second: "0s", 0: "0s", 5 * time.Second: "5s", 59*time.Second + 999*time.Millisecond: "59s",
		192 * time.Second: "3m12s", time.Hour - time.Second: "59m59s",
		2*time.Hour + 4*time.Minute: "2h04m", 26*time.Hour + 30*time.Minute: "1d02h",
	} {
		if got := FormatUptime(d); got != want {
			t.Errorf("FormatUptime(%s) = %q, want %q", d, got, want)
		}
	}
}
