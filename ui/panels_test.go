package ui

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"vme50-tui/cgroup"
)

// go test ./ui/ -run PanelsGolden -update-panels rewrites the golden files.
// (Not -update: teatest's golden package already defines that flag.)
var updatePanels = flag.Bool("update-panels", false, "rewrite ui/testdata/panels-*.golden")

var panelsT0 = time.Date(2025, 3, 14, 9, 0, 0, 0, time.UTC)

// panelsClock is a hand-stepped time for the flashes.
type panelsClock struct{ t time.Time }

func (c *panelsClock) now() time.Time { return c.t }

// newTestPanels returns panels with the host's real file names for v, a
// hand clock at panelsT0 and a 4-CPU host, so output does not depend on the
// machine the tests run on.
func newTestPanels(v cgroup.Version) (*Panels, *panelsClock) {
	clk := &panelsClock{t: panelsT0}
	p := NewPanels(cgroup.NewHost(v, "", nil).Files(), v)
	p.SetClock(clk.now)
	p.hostCPUs = 4
	return p, clk
}

// panelSample is a v2-like reading: 32 MiB limit, half a core of quota,
// weight 300, 40 pids, at panelsT0 + at.
func panelSample(at time.Duration) cgroup.Stats {
	return cgroup.Stats{
		Time: panelsT0.Add(at),
		Memory: cgroup.MemoryStats{
			Current: 24 << 20,
			Max:     32 << 20,
			Anon:    20 << 20,
			File:    3 << 20,
		},
		CPU: cgroup.CPUStats{
			UsageUsec:  1_000_000,
			Weight:     300,
			QuotaUsec:  50_000,
			PeriodUsec: 100_000,
		},
		Pids: cgroup.PidsStats{Current: 3, Max: 40},
	}
}

// stripANSI is a View without its escape sequences.
func stripANSI(s string) string { return ansi.Strip(s) }

func wantContains(t *testing.T, text string, wants ...string) {
	t.Helper()
	for _, want := range wants {
		if !strings.Contains(text, want) {
			t.Errorf("missing %q in:\n%s", want, text)
		}
	}
}

func wantLacks(t *testing.T, text string, unwanted ...string) {
	t.Helper()
	for _, u := range unwanted {
		if strings.Contains(text, u) {
			t.Errorf("unexpected %q in:\n%s", u, text)
		}
	}
}

// checkViewSize fails unless view is exactly w x h cells.
func checkViewSize(t *testing.T, view string, w, h int) {
	t.Helper()
	if h == 0 {
		if view != "" {
			t.Errorf("%dx%d: want empty view, got %q", w, h, view)
		}
		return
	}
	rows := strings.Split(view, "\n")
	if len(rows) != h {
		t.Errorf("%dx%d: %d rows", w, h, len(rows))
	}
	for i, r := range rows {
		if got := ansi.StringWidth(r); got != w {
			t.Errorf("%dx%d: row %d is %d wide: %q", w, h, i, got, stripANSI(r))
		}
	}
}

func TestPanelsMemoryGauge(t *testing.T) {
	p, _ := newTestPanels(cgroup.V2)
	p.SetSize(50, 28)
	p.Push(panelSample(0))
	view := stripANSI(p.View())
	wantContains(t, view,
		"memory.current / memory.max",
		"24.0/32.0 MiB  75%",
		"peak 24.0 MiB (seen here)", // no memory.peak: the highest pushed
		"memory.stat anon 20.0 MiB file 3.0 MiB",
		"memory.events max 0 oom 0 oom_kill 0",
		"pids.current / pids.max",
		"3/40   8%",
	)
}

func TestPanelsMemoryPeakFromKernel(t *testing.T) {
	p, _ := newTestPanels(cgroup.V2)
	p.SetSize(50, 28)
	s := panelSample(0)
	s.Memory.Peak = 31 << 20
	p.Push(s)
	wantContains(t, stripANSI(p.View()), "memory.peak 31.0 MiB")
}

func TestPanelsNoLimits(t *testing.T) {
	p, _ := newTestPanels(cgroup.V2)
	s := panelSample(0)
	s.Memory.Max, s.CPU.QuotaUsec, s.Pids.Max = cgroup.Unlimited, cgroup.Unlimited, cgroup.Unlimited
	p.Push(s)
	s = panelSample(time.Second)
	s.Memory.Max, s.CPU.QuotaUsec, s.Pids.Max = cgroup.Unlimited, cgroup.Unlimited, cgroup.Unlimited
	s.CPU.UsageUsec += 2_000_000
	p.Push(s)
	wantContains(t, stripANSI(p.Compact()), "mem 24.0 MiB oom_kill 0 | cpu 2.00 cores thr 0 | pids 3")
	p.SetSize(50, 28)
	view := stripANSI(p.View())
	wantContains(t, view,
		"24.0 MiB · no limit",
		"top 24.0 MiB (peak, no limit)",
		"2.00 cores of 4 CPUs",
		"cpu.max max 100000 (no quota)",
		"top 4 CPUs (host), no quota",
		"3 · no limit",
	)
	wantLacks(t, view, "┄") // no limit, no line
}

func TestPanelsFileNamesV2(t *testing.T) {
	p, _ := newTestPanels(cgroup.V2)
	p.SetSize(50, 28)
	p.Push(panelSample(0))
	view := stripANSI(p.View())
	wantContains(t, view,
		"memory.current / memory.max",
		"memory.events max",
		"─ cpu.stat ─",
		"cpu.max 50000 100000 = 0.50 cores",
		"cpu.weight 300",
		"throttled_usec",
		"pids.current / pids.max",
	)
	wantLacks(t, view, "usage_in_bytes", "cpu.shares", "cpuacct", "throttled_time")
}

func TestPanelsFileNamesV1(t *testing.T) {
	p, _ := newTestPanels(cgroup.V1)
	p.SetSize(50, 28)
	p.Push(panelSample(0))
	view := stripANSI(p.View())
	wantContains(t, view,
		"memory.usage_in_bytes / memory.limit_in_bytes",
		"memory.oom_control oom_kill 0",
		"memory.failcnt 0",
		"total_rss 20.0 MiB total_cache 3.0 MiB",
		"cpuacct.usage · cpu.stat",
		"cpu.cfs_quota_us 50000 = 0.50 cores",
		"cpu.shares 3072 (weight 300)",
		"throttled_time",
		"pids.current / pids.max",
	)
	wantLacks(t, view, "memory.current", "memory.events", "cpu.weight", "cpu.max", "throttled_usec")
}

func TestPanelsCoresFromTwoSamples(t *testing.T) {
	p, _ := newTestPanels(cgroup.V2)
	p.SetSize(50, 28)
	first := panelSample(0)
	p.Push(first)
	wantContains(t, stripANSI(p.View()), "cores used: after the next sample")

	second := panelSample(time.Second)
	second.CPU.UsageUsec = first.CPU.UsageUsec + 500_000 // half a second of CPU in a second
	p.Push(second)
	if !p.cpu.ok || p.cpu.cores != 0.5 {
		t.Fatalf("cores = %v (ok %v), want 0.5", p.cpu.cores, p.cpu.ok)
	}
	wantContains(t, stripANSI(p.View()), "0.50/0.50 cores 100%")

	// A quarter of a second of CPU in 250 ms is one whole core: twice
	// the quota (the kernel allows it within a period's slack).
	third := panelSample(1250 * time.Millisecond)
	third.CPU.UsageUsec = second.CPU.UsageUsec + 250_000
	p.Push(third)
	wantContains(t, stripANSI(p.View()), "1.00/0.50 cores 200%")
}

func TestPanelsCPUCounterReset(t *testing.T) {
	p, _ := newTestPanels(cgroup.V2)
	p.Push(panelSample(0))
	s := panelSample(time.Second)
	s.CPU.UsageUsec = 10 // went backwards: a new cgroup, not negative usage
	p.Push(s)
	if p.cpu.ok {
		t.Errorf("a counter reset gave a reading: %+v", p.cpu)
	}
	// Same time twice: no interval to divide by.
	p.Push(s)
	if p.cpu.ok {
		t.Errorf("a zero interval gave a reading: %+v", p.cpu)
	}
}

func TestPanelsThrottleDeltas(t *testing.T) {
	p, _ := newTestPanels(cgroup.V2)
	p.SetSize(50, 28)
	a := panelSample(0)
	a.CPU.NrThrottled, a.CPU.ThrottledUsec = 10, 1_000_000
	p.Push(a)
	b := panelSample(250 * time.Millisecond)
	b.CPU.UsageUsec = a.CPU.UsageUsec + 125_000
	b.CPU.NrThrottled, b.CPU.ThrottledUsec = 13, 1_120_000
	p.Push(b)
	if p.cpu.throttled != 3 || p.cpu.throttledUsec != 120_000 {
		t.Errorf("deltas: %d periods, %d µs; want 3, 120000", p.cpu.throttled, p.cpu.throttledUsec)
	}
	view := stripANSI(p.View())
	wantContains(t, view,
		"nr_throttled 13 (+12/s)",
		"throttled_usec 1.12s (+480ms/s)",
	)
	// A moving counter is drawn in the warning style.
	wantContains(t, p.View(), panelStyle.warn.Render("+12/s"))

	// Nothing throttled in the next interval: +0, plain.
	c := panelSample(500 * time.Millisecond)
	c.CPU = b.CPU
	c.CPU.UsageUsec += 10_000
	p.Push(c)
	wantContains(t, stripANSI(p.View()), "nr_throttled 13 (+0/s)", "throttled_usec 1.12s (+0s/s)")
}

func TestPanelsFlashOnOOMKill(t *testing.T) {
	p, clk := newTestPanels(cgroup.V2)
	p.SetSize(50, 28)
	p.Push(panelSample(0))

	clk.t = panelsT0.Add(250 * time.Millisecond)
	s := panelSample(250 * time.Millisecond)
	s.Memory.Events = cgroup.MemoryEvents{Max: 5, OOM: 1, OOMKill: 1}
	p.Push(s)
	view := p.View()
	wantContains(t, view,
		panelStyle.flash.Render("oom_kill 1"),
		panelStyle.flash.Render("oom 1"),
		panelStyle.flash.Render("max 5"),
	)
	wantContains(t, p.Compact(), panelStyle.flash.Render("oom_kill 1"))
	if until, ok := p.FlashDeadline(); !ok || !until.Equal(clk.t.Add(FlashFor)) {
		t.Errorf("FlashDeadline = %v, %v; want %v", until, ok, clk.t.Add(FlashFor))
	}

	// Still flashing just before 1.5 s, with no new sample...
	clk.t = panelsT0.Add(250*time.Millisecond + FlashFor - time.Millisecond)
	wantContains(t, p.View(), panelStyle.flash.Render("oom_kill 1"))
	renders := p.renders

	// ...and gone at 1.5 s, again with no new sample: the flash ending is
	// enough to redraw. oom_kill stays red: a process died.
	clk.t = panelsT0.Add(250*time.Millisecond + FlashFor)
	view = p.View()
	if p.renders != renders+1 {
		t.Errorf("the end of a flash did not redraw (renders %d -> %d)", renders, p.renders)
	}
	wantLacks(t, view, panelStyle.flash.Render("oom_kill 1"))
	wantContains(t, view, panelStyle.bad.Render("oom_kill 1"))
	if _, ok := p.FlashDeadline(); ok {
		t.Error("FlashDeadline reports a flash after it ended")
	}

	// The same count again is no new event.
	p.Push(s)
	wantLacks(t, p.View(), panelStyle.flash.Render("oom_kill 1"))
}

func TestPanelsFirstSampleDoesNotFlash(t *testing.T) {
	p, _ := newTestPanels(cgroup.V1)
	p.SetSize(50, 28)
	s := panelSample(0)
	s.Memory.Events = cgroup.MemoryEvents{Max: 117, OOM: 1, OOMKill: 1}
	p.Push(s)
	if p.flashing(p.now()) != 0 {
		t.Error("counters flash on the first sample: it is only a baseline")
	}
	wantContains(t, stripANSI(p.View()), "memory.oom_control oom_kill 1", "memory.failcnt 117")
}

func TestPanelsViewExactSize(t *testing.T) {
	sizes := [][2]int{
		{50, 28}, {40, 20}, {60, 40}, {46, 24}, {50, 15}, {50, 12},
		{50, 8}, {30, 3}, {19, 5}, {10, 4}, {120, 1}, {1, 1}, {0, 0}, {50, 0},
	}
	for _, v := range []cgroup.Version{cgroup.V1, cgroup.V2} {
		p, _ := newTestPanels(v)
		for _, size := range sizes { // before any sample: a waiting message
			p.SetSize(size[0], size[1])
			checkViewSize(t, p.View(), size[0], size[1])
		}
		pushClimb(p, dumpStats(v), 100)
		for _, size := range sizes {
			p.SetSize(size[0], size[1])
			checkViewSize(t, p.View(), size[0], size[1])
		}
	}
}

// TestPanelsDegrades checks what goes first when the screen is short:
// graphs, then extra lines, then the boxes (the compact summary is left).
func TestPanelsDegrades(t *testing.T) {
	p, _ := newTestPanels(cgroup.V2)
	pushClimb(p, panelSample(0), 20)
	cases := []struct {
		h                  int
		memGraph, cpuGraph bool
		extra, boxes       bool
	}{
		{28, true, true, true, true},
		{20, true, false, true, true},  // room for one graph: memory's
		{17, false, false, true, true}, // all text, no graph
		{14, false, false, false, true},
		{5, false, false, false, false},
	}
	for _, tc := range cases {
		p.SetSize(50, tc.h)
		view := stripANSI(p.View())
		check := func(what string, want bool, text string) {
			if strings.Contains(view, text) != want {
				t.Errorf("h=%d: %s shown = %v, want %v:\n%s", tc.h, what, !want, want, view)
			}
		}
		check("memory graph", tc.memGraph, "┄ memory.max")
		check("cpu graph", tc.cpuGraph, "┄ cpu.max")
		check("extra lines", tc.extra, "memory.stat")
		check("boxes", tc.boxes, "╭─ memory.current")
		check("compact", !tc.boxes, "mem 24.0/32.0 MiB")
	}
}

func TestPanelsViewCached(t *testing.T) {
	p, clk := newTestPanels(cgroup.V2)
	p.SetSize(50, 28)
	p.Push(panelSample(0))
	first := p.View()
	clk.t = clk.t.Add(time.Minute) // time passing alone changes nothing
	if p.View() != first || p.renders != 1 {
		t.Errorf("View redrew without a change: %d renders", p.renders)
	}
	p.SetSize(50, 28) // the same size again
	p.View()
	if p.renders != 1 {
		t.Errorf("SetSize to the same size redrew: %d renders", p.renders)
	}
	p.Push(panelSample(time.Second))
	p.View()
	p.View()
	if p.renders != 2 {
		t.Errorf("after Push: %d renders, want 2", p.renders)
	}
	p.SetSize(40, 20)
	p.View()
	if p.renders != 3 {
		t.Errorf("after SetSize: %d renders, want 3", p.renders)
	}
}

func TestPanelsCompact(t *testing.T) {
	p, _ := newTestPanels(cgroup.V2)
	if got := p.Compact(); got != "waiting for the first cgroup sample…" {
		t.Errorf("Compact before a sample = %q", got)
	}
	a := panelSample(0)
	a.CPU.NrThrottled = 10
	p.Push(a)
	b := panelSample(time.Second)
	b.CPU.UsageUsec += 480_000
	b.CPU.NrThrottled = 12
	b.Memory.Events.OOMKill = 1
	p.Push(b)
	want := "mem 24.0/32.0 MiB 75% oom_kill 1 | cpu 0.48/0.50 cores thr 12 | pids 3/40"
	if got := stripANSI(p.Compact()); got != want {
		t.Errorf("Compact = %q, want %q", got, want)
	}
	// Too narrow for one line: two, each cut to the width.
	p.SetSize(40, 2)
	lines := strings.Split(stripANSI(p.Compact()), "\n")
	if len(lines) != 2 || lines[0] != "mem 24.0/32.0 MiB 75% oom_kill 1" || lines[1] != "cpu 0.48/0.50 cores thr 12 | pids 3/40" {
		t.Errorf("Compact at width 40 = %q", lines)
	}
}

// TestPanelsNarrowKeepsOOMKill: however narrow, the count of killed
// processes stays on screen.
func TestPanelsNarrowKeepsOOMKill(t *testing.T) {
	for _, v := range []cgroup.Version{cgroup.V1, cgroup.V2} {
		p, _ := newTestPanels(v)
		s := panelSample(0)
		s.Memory.Events = cgroup.MemoryEvents{Max: 1234567, OOM: 89, OOMKill: 7}
		p.Push(s)
		for _, w := range []int{60, 40, 30, 20, 19, 12} {
			p.SetSize(w, 28)
			wantContains(t, stripANSI(p.View()), "oom_kill 7")
			for _, line := range strings.Split(stripANSI(p.Compact()), "\n") {
				if ansi.StringWidth(line) > w {
					t.Errorf("width %d: compact line %q is wider", w, line)
				}
			}
			wantContains(t, stripANSI(p.Compact()), "oom_kill 7")
		}
	}
}

func TestPanelsHistoryBounded(t *testing.T) {
	p, _ := newTestPanels(cgroup.V2)
	pushClimb(p, panelSample(0), 3*HistoryLen)
	if len(p.memory.values) != HistoryLen || len(p.cores.values) != HistoryLen {
		t.Errorf("history holds %d and %d samples, want %d", len(p.memory.values), len(p.cores.values), HistoryLen)
	}
}

// TestPanelsGolden draws both versions at 50x28 from the real dumps in
// cgroup/testdata, after a minute of memory climbing to the limit and a
// busy loop held to its quota.
func TestPanelsGolden(t *testing.T) {
	for _, tc := range []struct {
		version cgroup.Version
		golden  string
	}{
		{cgroup.V2, "testdata/panels-v2-50x28.golden"},
		{cgroup.V1, "testdata/panels-v1-50x28.golden"},
	} {
		p, _ := newTestPanels(tc.version)
		p.SetSize(50, 28)
		pushClimb(p, dumpStats(tc.version), HistoryLen)
		view := p.View()
		checkViewSize(t, view, 50, 28)
		comparePanelsGolden(t, tc.golden, stripANSI(view)+"\n")
	}
}

func comparePanelsGolden(t *testing.T, path, got string) {
	t.Helper()
	if *updatePanels {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./ui/ -run PanelsGolden -update-panels)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs:\n--- got\n%s--- want\n%s", path, got, want)
	}
}

// pushClimb pushes n samples 250 ms apart whose limits and memory events
// are last's: memory climbs in a sawtooth to the limit and ends at last's
// value; the last sample brings one more OOM kill. CPU counters grow from
// last's: an idle shell (0.05 cores), then, for the last 40 samples, a
// busy loop held to 0.5 cores and throttled every other sample.
func pushClimb(p *Panels, last cgroup.Stats, n int) {
	limit := last.Memory.Max
	if !isLimited(limit) {
		limit = 64 << 20
	}
	cpu := last.CPU
	for i := range n {
		s := last
		s.Time = panelsT0.Add(time.Duration(i) * 250 * time.Millisecond)
		s.Memory.Current = limit / 100 * uint64(20+(i*3)%81) // 20%..100%
		busy := n-1-i < 40
		switch {
		case i == 0:
		case busy:
			cpu.UsageUsec += 125_000
			if (n-1-i)%2 == 0 {
				cpu.NrThrottled++
				cpu.ThrottledUsec += 50_000
			}
		default:
			cpu.UsageUsec += 12_500
		}
		s.CPU = cpu
		if i < n-1 {
			s.Memory.Events.OOM = last.Memory.Events.OOM - 1
			s.Memory.Events.OOMKill = last.Memory.Events.OOMKill - 1
		} else {
			s.Memory.Current = last.Memory.Current
		}
		p.Push(s)
	}
}

// dumpStats reads the sample leaf dumped from a real kernel (see
// cgroup/testdata/README.md) through the cgroup package: the dump is
// unpacked into a fake tree and read with a Manager, as the sampler does.
func dumpStats(v cgroup.Version) cgroup.Stats {
	dump := "../cgroup/testdata/v2-kernel-6.1-leaf.txt"
	if v == cgroup.V1 {
		dump = "../cgroup/testdata/v1-hybrid-kernel-6.18-leaf.txt"
	}
	root, err := os.MkdirTemp("", "panels")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(root)
	roots := map[string]string{}
	for name, content := range readCgroupDump(dump) {
		dir := filepath.Join(root, cgroup.Parent, "sample")
		if controller, file, ok := strings.Cut(name, "/"); ok { // v1: memory/memory.stat
			roots[controller] = filepath.Join(root, controller)
			dir, name = filepath.Join(root, controller, cgroup.Parent, "sample"), file
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			panic(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			panic(err)
		}
	}
	s, err := cgroup.NewHost(v, root, roots).Open("sample").Stats()
	if err != nil {
		panic(err)
	}
	return s
}

// readCgroupDump returns a dump's leaf files, name -> content: "=== NAME" starts
// a file, "=== END" ends the dump, mountinfo sections ("=== /proc/...")
// and unreadable files ("head: error ...") are left out.
func readCgroupDump(path string) map[string]string {
	data, err := os.ReadFile(path)
	if err != nil {
		panic(err)
	}
	files := map[string]string{}
	name := ""
	for panelLine := range strings.Lines(string(data)) {
		if title, ok := strings.CutPrefix(panelLine, "=== "); ok {
			name = strings.TrimSpace(title)
			if name == "END" || strings.HasPrefix(name, "/") {
				name = ""
			}
			continue
		}
		if name != "" && !strings.HasPrefix(panelLine, "head: ") {
			files[name] += panelLine
		}
	}
	return files
}

// BenchmarkPanelsPushView is the cost of one sample on screen: Push and a
// full redraw at the usual size.
func BenchmarkPanelsPushView(b *testing.B) {
	p, _ := newTestPanels(cgroup.V2)
	p.SetSize(50, 28)
	pushClimb(p, panelSample(0), HistoryLen)
	s := panelSample(0)
	for i := 0; b.Loop(); i++ {
		s.Time = s.Time.Add(250 * time.Millisecond)
		s.CPU.UsageUsec += 100_000
		p.Push(s)
		_ = p.View()
	}
}

// BenchmarkPanelsViewCached is View between samples: what every key press
// and every burst of terminal output costs the panels.
func BenchmarkPanelsViewCached(b *testing.B) {
	p, _ := newTestPanels(cgroup.V2)
	p.SetSize(50, 28)
	pushClimb(p, panelSample(0), HistoryLen)
	p.View()
	for b.Loop() {
		_ = p.View()
	}
}

// An idle container's panels are not drawn again once its graphs are flat.
func TestPanelsIdleIsNotRedrawn(t *testing.T) {
	p := NewPanels(cgroup.Files{}, cgroup.V2)
	p.SetSize(50, 28)
	s := panelSample(0)
	for i := 0; i < HistoryLen+2; i++ {
		s.Time = time.Unix(1000, 0).Add(time.Duration(i) * 250 * time.Millisecond)
		p.Push(s)
		p.View()
	}
	before := p.renders
	for i := 0; i < 10; i++ {
		s.Time = s.Time.Add(250 * time.Millisecond)
		p.Push(s)
		p.View()
	}
	if p.renders != before {
		t.Errorf("%d redraws of an unchanged idle container", p.renders-before)
	}
	// Anything new is drawn at once.
	s.Time = s.Time.Add(250 * time.Millisecond)
	s.Memory.Current += 4096
	p.Push(s)
	p.View()
	if p.renders != before+1 {
		t.Errorf("a new reading was not drawn")
	}
}

// What the container wrote into its layer, against --disk-limit, under
// the pids gauge; redrawn when it changes, absent until read.
func TestPanelsDiskGauge(t *testing.T) {
	p, _ := newTestPanels(cgroup.V2)
	p.SetSize(50, 28)
	p.Push(panelSample(0))
	if view := stripANSI(p.View()); strings.Contains(view, "disk ") {
		t.Errorf("a disk line before any reading:\n%s", view)
	}
	p.PushDisk(diskReading{used: 12 << 20, size: 1 << 30, ok: true})
	wantContains(t, stripANSI(p.View()), "disk 12.0 MiB/1.0 GiB   1%")
	p.PushDisk(diskReading{used: 768 << 20, size: 1 << 30, ok: true})
	wantContains(t, stripANSI(p.View()), "disk 768.0 MiB/1.0 GiB  75%")
}
