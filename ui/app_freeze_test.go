package ui

import (
	"errors"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"vme50-tui/cgroup"
)

// freezes is what the fake's Freeze has been asked, in order.
func (f *fakeContainer) freezesAsked() []bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]bool(nil), f.freezes...)
}

// ctrl+g f freezes the current container from a Cmd, never inside Update;
// the tab says paused from the next reading on, the CPU panel shows the
// freezer's file and no CPU, the status line the write; f again thaws.
func TestFreezeKey(t *testing.T) {
	a, _ := onContainerScreen(t, 160, 40)
	f := withTab(t, a)
	// A busy second, then the freeze: the counters stand still.
	busy := f.Stats
	st, _ := busy()
	st.Time = st.Time.Add(time.Second)
	st.CPU.UsageUsec += 1_000_000
	f.setStats(st)
	drive(a, sampleTickMsg{})
	wantContains(t, plain(a), "1 3f2a9c1d box running", "1.00 cores of")

	drive(a, press('g', tea.ModCtrl))
	_, cmd := a.Update(text("f"))
	if len(f.freezesAsked()) != 0 || cmd == nil {
		t.Fatal("f froze inside Update, or returned no Cmd")
	}
	drive(a, cmd())
	if got := f.freezesAsked(); len(got) != 1 || !got[0] {
		t.Fatalf("Freeze asked %v, want [true]", got)
	}
	s := plain(a)
	wantContains(t, s, "1 3f2a9c1d box paused", "cgroup.freeze <- 1: box is paused",
		"cgroup.freeze 1: frozen, no CPU until thawed", "0.00 cores of")
	// A second later, still frozen: no CPU used, still paused.
	st, _ = f.Stats()
	st.Time = st.Time.Add(time.Second)
	f.setStats(st)
	drive(a, sampleTickMsg{})
	wantContains(t, plain(a), "1 3f2a9c1d box paused", "0.00 cores of")

	prefix(a, text("f"))
	if got := f.freezesAsked(); len(got) != 2 || got[1] {
		t.Fatalf("Freeze asked %v, want [true false]", got)
	}
	s = plain(a)
	wantContains(t, s, "1 3f2a9c1d box running", "cgroup.freeze <- 0: box runs again")
	wantLacks(t, s, "frozen, no CPU")
}

// Keys typed while the container is frozen still go to its terminal: the
// kernel keeps them until it thaws. ctrl+g f shows in the help.
func TestFreezeKeepsKeysAndHelp(t *testing.T) {
	a, _ := onContainerScreen(t, 160, 40)
	f := withTab(t, a)
	prefix(a, text("f"))
	typeText(a, "ls")
	f.expectInput(t, "ls")
	drive(a, press('g', tea.ModCtrl))
	wantContains(t, plain(a), "^g f freeze/thaw")
	drive(a, esc())
	prefix(a, text("?"))
	wantContains(t, plain(a), "^g f   freeze/thaw")
}

// A freeze the kernel refuses (v1 without the freezer) is a line in the
// status, and the tab stays as it was; an ended container is not frozen.
func TestFreezeRefused(t *testing.T) {
	a, _ := onContainerScreen(t, 160, 40)
	f := withTab(t, a)
	f.setFailing(errors.New("cgroup v1: the freezer controller is not mounted"))
	prefix(a, text("f"))
	wantContains(t, plain(a), "not written (cgroup.freeze <- 1): cgroup v1: the freezer controller is not mounted",
		"1 3f2a9c1d box running")
	f.setFailing(nil)
	f.exit(0)
	deliver(t, a, "the end", func() bool { return a.tabs[0].ended })
	prefix(a, text("f"))
	if got := f.freezesAsked(); len(got) != 0 {
		t.Errorf("an ended container was frozen: %v", got)
	}
}

// On an exec's tab, f freezes the container it runs in (Freeze on the
// exec: runtime.Exec goes through the container's Found), and the exec's
// tab says paused.
func TestFreezeFromExecTab(t *testing.T) {
	a, _, h := withOwnOnHost(t)
	prefix(a, text("e"))
	drive(a, enter())
	x := h.execCalls()[0].c
	deliver(t, a, "the exec's reading", func() bool { return a.tabs[1].panels.Readings().HasSample() })
	prefix(a, text("f"))
	if got := x.freezesAsked(); len(got) != 1 || !got[0] {
		t.Fatalf("the exec's Freeze asked %v", got)
	}
	wantContains(t, plain(a), "2 exec box paused")
}

// The compact summary of a small screen says frozen, and memory.events
// high where memory.high is set.
func TestCompactSaysFrozenAndHigh(t *testing.T) {
	p, _ := newTestPanels(cgroup.V2)
	s := panelSample(0)
	s.Frozen = true
	p.Push(s)
	p.SetSize(80, 1)
	wantContains(t, stripANSI(p.Compact()), "cpu – thr 0 frozen | pids 3/40")
	s = panelSample(time.Second)
	s.Memory.High, s.Memory.Events.High = 16<<20, 420
	p.Push(s)
	c := stripANSI(p.Compact())
	wantContains(t, c, "mem 24.0/32.0 MiB high 420 oom_kill 0 | cpu") // the percent of memory.max gives way
	if strings.Contains(c, "\n") {
		t.Errorf("more than a line at 80 columns:\n%s", c)
	}
}
