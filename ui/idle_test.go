package ui

import (
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"vme50-tui/cgroup"
	"vme50-tui/record"
	"vme50-tui/runtime"
)

// The idle TUI's cost (issue 13): what a tick reads, lays out and draws.

// withTabs gives the app n containers' tabs, the last one shown.
func withTabs(t *testing.T, a *App, n int) []*fakeContainer {
	t.Helper()
	var fs []*fakeContainer
	for i := range n {
		spec := runtime.Spec{Rootfs: testRootfs(t), Args: []string{"/bin/sh"}, Hostname: "box"}
		id := []string{"aaaaaaaa0001", "bbbbbbbb0002", "cccccccc0003"}[i]
		fs = append(fs, withPlannedTab(t, a, plan{FormValues{Options: prefilled(t)}, spec}, id))
	}
	return fs
}

// One tick reads every running container in one Cmd, whose one message
// brings all the readings: one Update and one View a tick, not one per
// container.
func TestTickReadsEveryContainerInOneMessage(t *testing.T) {
	a, _ := onContainerScreen(t, 200, 50)
	withTabs(t, a, 3)
	msgs := runAll(a, a.sample())
	if len(msgs) != 1 {
		t.Fatalf("a tick brought %d messages, want 1: %#v", len(msgs), msgs)
	}
	batch, ok := msgs[0].(statsBatchMsg)
	if !ok || len(batch.readings) != 3 {
		t.Fatalf("a tick brought %#v, want the readings of 3 containers", msgs[0])
	}
	for i, id := range []string{"aaaaaaaa0001", "bbbbbbbb0002", "cccccccc0003"} {
		if batch.readings[i].id != id {
			t.Errorf("reading %d is %s's, want %s's", i, batch.readings[i].id, id)
		}
	}
}

// The sampler's tick reads on its timer's goroutine and is itself the
// message with the readings; taking it schedules the next tick, for the
// containers the next one reads, and nothing else: one goroutine a tick.
func TestSamplerTickIsItsReadings(t *testing.T) {
	a, _ := onContainerScreen(t, 200, 50)
	fs := withTabs(t, a, 2)
	keys, cs := a.runningContainers()
	st := idleReading(time.Unix(5000, 0))
	st.Pids.Current = 7
	fs[0].setStats(st)
	msg := sampleEvery(time.Millisecond, keys, cs)()
	batch, ok := msg.(statsBatchMsg)
	if !ok || !batch.tick || len(batch.readings) != 2 {
		t.Fatalf("the tick brought %#v, want the readings of 2 containers", msg)
	}
	_, cmd := a.Update(batch)
	if a.tabs[0].panels.Readings().Last().Pids.Current != 7 {
		t.Errorf("the tick's reading was not taken")
	}
	if cmd == nil || !nameHas(cmdName(cmd), timerCmds) {
		t.Fatalf("after a tick: %v, want the next tick alone", cmdName(cmd))
	}
	next, ok := runNow(cmd).(statsBatchMsg)
	if !ok || !next.tick || len(next.readings) == 0 {
		t.Errorf("the next tick brought %#v", next)
	}
}

// The shown container is read at every tick, the hidden ones once a
// second; all of them at every tick in the compare view, and one that
// records.
func TestHiddenTabsReadOnceASecond(t *testing.T) {
	a, _ := onContainerScreen(t, 200, 50)
	withTabs(t, a, 3)
	every := int(time.Second / a.cfg.Interval)
	if every < 2 {
		t.Fatalf("interval %s: a second is %d ticks", a.cfg.Interval, every)
	}
	count := func() map[string]int {
		n := map[string]int{}
		for range 4 * every {
			keys, _ := a.tickContainers()
			for _, k := range keys {
				n[k]++
			}
		}
		return n
	}
	shown, hidden := a.current().key, a.tabs[0].key
	if n := count(); n[shown] != 4*every || n[hidden] != 4 {
		t.Errorf("in 4 s: shown tab read %d times, a hidden one %d; want %d and 4", n[shown], n[hidden], 4*every)
	}
	a.tabs[0].rec = &record.File{}
	if n := count(); n[hidden] != 4*every {
		t.Errorf("in 4 s: a hidden tab that records read %d times, want %d", n[hidden], 4*every)
	}
	a.tabs[0].rec = nil
	a.views.compare = true
	if n := count(); n[a.tabs[1].key] != 4*every {
		t.Errorf("in 4 s of the compare view: a tab read %d times, want %d", n[a.tabs[1].key], 4*every)
	}
}

// idleReading is the reading of an idle container at second sec: the
// same numbers every time.
func idleReading(at time.Time) cgroup.Stats {
	st := cgroup.Stats{Time: at}
	st.Memory = cgroup.MemoryStats{Current: 12 << 20, Max: 48 << 20, Peak: 13 << 20, Anon: 10 << 20, File: 2 << 20}
	st.CPU = cgroup.CPUStats{Weight: 100, QuotaUsec: cgroup.Unlimited, PeriodUsec: 100000, UsageUsec: 5000}
	st.Pids = cgroup.PidsStats{Current: 1, Max: cgroup.Unlimited}
	st.IO = cgroup.IOStats{ReadBpsMax: cgroup.Unlimited, WriteBpsMax: cgroup.Unlimited}
	return st
}

// A tick whose readings change no number changes no frame: the app's View
// is the very same string, and neither the panels nor the screen are
// laid out again. A hidden tab's panels are never laid out at all.
func TestIdleTickKeepsTheFrame(t *testing.T) {
	a, _ := onContainerScreen(t, 200, 50)
	fs := withTabs(t, a, 2)
	shown, hidden := a.tabs[1], a.tabs[0]
	hiddenRenders := hidden.panels.renders // drawn while it was the newest
	clock := time.Unix(1000, 0)
	tick := func() {
		clock = clock.Add(250 * time.Millisecond)
		for _, f := range fs {
			f.setStats(idleReading(clock))
		}
		drive(a, sampleTickMsg{})
	}
	// The graphs fill with the idle readings.
	for range HistoryLen + 2 {
		tick()
		a.View()
	}
	before := a.View().Content
	renders, frames := shown.panels.renders, a.frames
	for range 8 {
		tick()
		if got := a.View().Content; got != before {
			t.Fatalf("an idle tick changed the frame")
		}
	}
	if shown.panels.renders != renders || a.frames != frames {
		t.Errorf("idle ticks laid out again: %d panel renders, %d screens",
			shown.panels.renders-renders, a.frames-frames)
	}
	if hidden.panels.renders != hiddenRenders {
		t.Errorf("a hidden tab's panels were laid out %d times", hidden.panels.renders-hiddenRenders)
	}
	if n := len(hidden.panels.Readings().Memory().values); n < HistoryLen {
		t.Errorf("the hidden tab kept %d readings: it must read on (recordings, OOM news)", n)
	}
	// A changed number is drawn at the next tick.
	clock = clock.Add(250 * time.Millisecond)
	st := idleReading(clock)
	st.Pids.Current = 2
	fs[1].setStats(st)
	drive(a, sampleTickMsg{})
	if a.View().Content == before || shown.panels.renders != renders+1 {
		t.Errorf("a new number was not drawn")
	}
}

// Before the graphs are full, an idle container's graphs scroll: once a
// second, not at every reading; a changed number is drawn at once, and a
// replay (whose readings come as fast as it is stepped) at every reading.
func TestIdleGraphsScrollOnceASecond(t *testing.T) {
	p := NewPanels(cgroup.Files{}, cgroup.V1)
	p.SetSize(60, 40)
	at := time.Unix(1000, 0)
	for range 3 { // the rates need two readings
		at = at.Add(250 * time.Millisecond)
		p.Push(idleReading(at))
		p.View()
	}
	before := p.renders
	for range 16 { // four seconds
		at = at.Add(250 * time.Millisecond)
		p.Push(idleReading(at))
		p.View()
	}
	if n := p.renders - before; n < 3 || n > 5 {
		t.Errorf("four idle seconds drew the panels %d times, want one a second", n)
	}
	before = p.renders
	at = at.Add(250 * time.Millisecond)
	st := idleReading(at)
	st.Memory.Current += 4096
	p.Push(st)
	p.View()
	if p.renders != before+1 {
		t.Errorf("a changed number was not drawn at once")
	}

	replay := NewPanels(cgroup.Files{}, cgroup.V1)
	replay.SetSize(60, 40)
	at = time.Unix(1000, 0)
	for i := range 8 {
		at = at.Add(250 * time.Millisecond)
		replay.PushRecorded(idleReading(at), nil)
		replay.View()
		if i >= 2 && replay.renders != i+1 {
			t.Fatalf("a replay's reading %d was not drawn (%d renders)", i, replay.renders)
		}
	}
}

// The start screen is not drawn again while nothing reaches the form: a
// tick leaves it as it was; a key redraws it.
func TestStartScreenIdleIsNotRedrawn(t *testing.T) {
	a, _ := newTestApp(t, prefilled(t))
	drive(a, tea.WindowSizeMsg{Width: 200, Height: 50})
	first := a.View().Content
	draws, fields := a.startDraws, formLinesDrawn
	for range 4 {
		drive(a, sampleTickMsg{})
		if a.View().Content != first {
			t.Fatal("a tick changed the start screen")
		}
	}
	if a.startDraws != draws || formLinesDrawn != fields {
		t.Errorf("ticks drew the start screen %d times more, its fields %d times",
			a.startDraws-draws, formLinesDrawn-fields)
	}
	drive(a, enter()) // to the next field
	if a.View().Content == first || a.startDraws != draws+1 {
		t.Errorf("a key did not redraw the start screen (%d draws)", a.startDraws-draws)
	}
}

// A reading that comes a second after the last, as a hidden tab's does,
// stands for the four samples of that second: the graphs' x axis stays
// time, a steady climb stays straight. Without an interval, or for the
// shown tab's readings, one reading is one sample; a long gap fills at
// most maxSlots.
func TestHiddenSecondFillsItsSamples(t *testing.T) {
	var r Readings
	r.SetInterval(250 * time.Millisecond)
	at := func(d time.Duration) cgroup.Stats {
		s := panelSample(d)
		s.Memory.Current = uint64(d / time.Millisecond << 10) // a steady climb
		return s
	}
	for _, d := range []time.Duration{0, 250 * time.Millisecond, 1250 * time.Millisecond, 1500 * time.Millisecond} {
		r.Push(at(d), panelsT0.Add(d))
	}
	h := r.memory
	if len(h.times) != 7 {
		t.Fatalf("readings at 0, 0.25, 1.25 and 1.5 s made %d samples, want 7", len(h.times))
	}
	for i := 1; i < len(h.times); i++ {
		if gap := h.times[i].Sub(h.times[i-1]); gap != 250*time.Millisecond {
			t.Errorf("samples %d and %d are %s apart, want 250ms", i-1, i, gap)
		}
	}
	r.Push(at(20*time.Second), panelsT0.Add(20*time.Second))
	if n := len(r.memory.times); n != 7+maxSlots {
		t.Errorf("a reading 18.5 s late made %d samples, want %d", n-7, maxSlots)
	}
	var plain Readings
	for _, d := range []time.Duration{0, time.Second, 2 * time.Second} {
		plain.Push(at(d), panelsT0.Add(d))
	}
	if n := len(plain.memory.times); n != 3 {
		t.Errorf("without an interval, 3 readings made %d samples", n)
	}
}
