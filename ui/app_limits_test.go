package ui

import (
	"errors"
	"runtime"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"vme50-tui/cgroup"
)

// updates is what the fake's Update has been asked to write.
func (f *fakeContainer) writes() []cgroup.Limits {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]cgroup.Limits(nil), f.updates...)
}

// retype empties the field in focus (ctrl+u) and types s.
func retype(a *App, s string) {
	drive(a, press('u', tea.ModCtrl))
	for _, r := range s {
		drive(a, text(string(r)))
	}
}

func tabKey() tea.KeyPressMsg { return press(tea.KeyTab, 0) }

// ctrl+g u opens the editor over the panels, prefilled from the latest
// reading (withTab's: 48M, weight 100, no quota, no pids limit).
func TestLimitEditorPrefilled(t *testing.T) {
	a, _ := onContainerScreen(t, 160, 40)
	withTab(t, a)
	prefix(a, text("u"))
	screenIs(t, a, "the editor", modeContainers, overlayLimits, "Limits of box")
	s := plain(a)
	wantContains(t, s, "memory.max", "48M", "memory.high      max", "memory+swap      48M", // no swap
		"cpu.weight", "100", "cpu.max (cores)", "pids.max",
		"/ # ", // the terminal stays beside it
		"EBUSY", "kills nothing")
	if strings.Contains(s, "memory.current / memory.max") {
		t.Errorf("the panels still show under the editor:\n%s", s)
	}
}

// A value the flags' parser refuses is a message in the editor, and
// nothing is written; esc then leaves everything as it was.
func TestLimitEditorBadValue(t *testing.T) {
	a, _ := onContainerScreen(t, 160, 40)
	f := withTab(t, a)
	prefix(a, text("u"))
	retype(a, "12X")
	drive(a, enter())
	screenIs(t, a, "a refused value", modeContainers, overlayLimits, `unknown unit "X"`)
	drive(a, esc())
	screenIs(t, a, "esc", modeContainers, noOverlay, "memory.current / memory.max")
	if w := f.writes(); len(w) != 0 {
		t.Errorf("written: %+v", w)
	}
}

// Enter writes only the changed fields, in one Update, from a Cmd; the
// status line says what was written.
func TestLimitEditorWritesChanged(t *testing.T) {
	a, _ := onContainerScreen(t, 160, 40)
	f := withTab(t, a)
	prefix(a, text("u"))
	retype(a, "32M")
	drive(a, tabKey()) // memory.high, memory+swap and the weight, left as they are
	drive(a, tabKey())
	drive(a, tabKey())
	drive(a, tabKey())
	retype(a, "0.5")
	drive(a, tabKey())
	retype(a, "0") // no limit, as it was (in other words): no write of pids.max
	_, cmd := a.Update(enter())
	if len(f.writes()) != 0 || cmd == nil {
		t.Fatal("enter wrote inside Update, or returned no Cmd")
	}
	drive(a, cmd())
	want := cgroup.Limits{MemoryMax: 32 << 20, CPUQuotaUsec: 50000, CPUPeriodUsec: 100000}
	if w := f.writes(); len(w) != 1 || w[0] != want {
		t.Errorf("written %+v, want one write of %+v", w, want)
	}
	screenIs(t, a, "written", modeContainers, noOverlay, "memory.max <- 32.0 MiB, cpu.max <- 0.50 cores")
}

// Esc, and enter with nothing changed, write nothing.
func TestLimitEditorEscWritesNothing(t *testing.T) {
	a, _ := onContainerScreen(t, 160, 40)
	f := withTab(t, a)
	prefix(a, text("u"))
	retype(a, "16M")
	drive(a, esc())
	prefix(a, text("u"))
	screenIs(t, a, "opened again", modeContainers, overlayLimits, "48M")
	drive(a, enter())
	screenIs(t, a, "unchanged", modeContainers, noOverlay, "nothing written")
	if w := f.writes(); len(w) != 0 {
		t.Errorf("written: %+v", w)
	}
}

// The nudges: one write each, a step from the latest reading.
func TestNudgeKeys(t *testing.T) {
	a, _ := onContainerScreen(t, 160, 40)
	f := withTab(t, a)
	prefix(a, text("-"))
	prefix(a, text("["))
	prefix(a, text("]")) // no quota in the reading yet: nothing to raise
	want := []cgroup.Limits{
		{MemoryMax: 36 << 20},
		{CPUQuotaUsec: uint64(runtime.NumCPU()) * 100000, CPUPeriodUsec: 100000},
	}
	w := f.writes()
	if len(w) != len(want) || w[0] != want[0] || w[1] != want[1] {
		t.Errorf("written %+v, want %+v", w, want)
	}
	screenIs(t, a, "no quota to raise", modeContainers, noOverlay, "no quota to raise: nothing written")
	prefix(a, text("+"))
	screenIs(t, a, "memory up", modeContainers, noOverlay, "memory.max <- 64.0 MiB")
}

// A write the kernel refuses is a message in the status line.
func TestLimitWriteError(t *testing.T) {
	a, _ := onContainerScreen(t, 160, 40)
	f := withTab(t, a)
	f.mu.Lock()
	f.failing = errors.New("write memory.limit_in_bytes: device or resource busy")
	f.mu.Unlock()
	prefix(a, text("-"))
	screenIs(t, a, "refused", modeContainers, noOverlay, "not written (memory.max <- 36.0 MiB): write memory.limit_in_bytes: device or resource busy")
}

// The container's end closes its editor: nothing left to write into.
func TestLimitEditorClosedByEnd(t *testing.T) {
	a, _ := onContainerScreen(t, 160, 40)
	f := withTab(t, a)
	prefix(a, text("u"))
	f.exit(0)
	deliver(t, a, "the end", func() bool { return a.tabs[0].ended })
	screenIs(t, a, "ended", modeContainers, noOverlay, "limits were not written")
}
