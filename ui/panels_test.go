package ui

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"vme50-tui/cgroup"
)

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
		"memory.events high 0 max 0 oom 0 oom_kill 0",
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
		"memory.events high 0 max",
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

	// Half a second of CPU in a second (the rate itself: TestReadingsCores).
	second := panelSample(time.Second)
	second.CPU.UsageUsec = first.CPU.UsageUsec + 500_000
	p.Push(second)
	wantContains(t, stripANSI(p.View()), "0.50/0.50 cores 100%")

	// A quarter of a second of CPU in 250 ms is one whole core: twice
	// the quota (the kernel allows it within a period's slack).
	third := panelSample(1250 * time.Millisecond)
	third.CPU.UsageUsec = second.CPU.UsageUsec + 250_000
	p.Push(third)
	wantContains(t, stripANSI(p.View()), "1.00/0.50 cores 200%")
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
	p.Push(b) // (the deltas themselves: TestReadingsThrottleDeltas)
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

	// The same count again, in a newer sample, is no new event.
	s.Time = s.Time.Add(time.Second)
	p.Push(s)
	wantLacks(t, p.View(), panelStyle.flash.Render("oom_kill 1"))
}

func TestPanelsFirstSampleDoesNotFlash(t *testing.T) {
	p, _ := newTestPanels(cgroup.V1)
	p.SetSize(50, 28)
	s := panelSample(0)
	s.Memory.Events = cgroup.MemoryEvents{Max: 117, OOM: 1, OOMKill: 1}
	p.Push(s)
	if p.r.Flashing(p.now()) != 0 {
		t.Error("counters flash on the first sample: it is only a baseline")
	}
	wantContains(t, stripANSI(p.View()), "memory.oom_control oom_kill 1", "memory.failcnt 117")
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
