package ui

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"vme50-tui/cgroup"
)

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
// the extra lines before a graph, then the graphs (the CPU one first),
// then the boxes (the compact summary is left).
func TestPanelsDegrades(t *testing.T) {
	p, _ := newTestPanels(cgroup.V2)
	pushClimb(p, panelSample(0), 20)
	cases := []struct {
		h                  int
		memGraph, cpuGraph bool
		extra, boxes       bool
	}{
		{28, true, true, true, true},
		{23, true, true, false, true},   // both graphs, the extra lines gone
		{20, true, false, false, true},  // room for one graph: memory's
		{17, false, false, false, true}, // text, no graph
		{14, false, false, false, false},
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
		check("extra lines", tc.extra, "peak 24.0 MiB")
		check("boxes", tc.boxes, "╭─ memory.current")
		check("compact", !tc.boxes, "mem 24.0/32.0 MiB")
		if tc.boxes {
			// Never blank: the pressure's line, and the I/O's, stay.
			check("pressure", true, "pressure: ")
			check("io", true, "read 0 B/s · write 0 B/s")
		}
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
