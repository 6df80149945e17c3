package ui

// The containers' lifecycle: started, sampled, ended, restarted, closed,
// and all of them shut down at the end. The messages come from Cmds on
// goroutines of their own (tab.go); what takes time or touches the
// kernel (a kill, a close) runs in a Cmd too, never inside Update.

import (
	"fmt"
	"slices"
	"time"

	tea "charm.land/bubbletea/v2"

	"vme50-tui/cgroup"
	"vme50-tui/record"
	"vme50-tui/runtime"
)

// lifecycle takes the news of the containers to their tabs.
func (a *App) lifecycle(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case startedMsg:
		return a.addTab(msg)
	case endedMsg:
		if t := a.tabByKey(msg.id); t != nil {
			a.finish(t, msg.result)
		}
	case statsMsg:
		a.takeStats(msg)
	case statsBatchMsg:
		for _, m := range msg.readings {
			a.takeStats(m)
		}
		if msg.tick {
			return a.nextTick()
		}
	case sampleTickMsg:
		return a.sample()
	case PaneOutputMsg:
		return a.updatePane(msg.ID, msg)
	case PaneClosedMsg:
		return a.updatePane(msg.ID, msg)
	case errMsg:
		return a.failed(msg.err)
	case shutdownMsg:
		return a.stopped()
	case attachedMsg:
		return a.addAttached(msg)
	case execStartedMsg:
		return a.addExec(msg)
	}
	return nil
}

// takeStats gives a reading to its tab, if that still runs.
func (a *App) takeStats(msg statsMsg) {
	if t := a.tabByKey(msg.id); t != nil && !t.ended {
		a.take(t, msg.stats)
		t.panels.PushDisk(msg.disk)
		t.panels.PushNet(msg.net)
	}
}

// sample reads every running container's cgroup files now, all in one
// Cmd, and does the rest of a tick's work.
func (a *App) sample() tea.Cmd {
	cmds := a.tickWork()
	if keys, cs := a.runningContainers(); len(cs) > 0 {
		cmds = append(cmds, readAllStats(keys, cs))
	}
	return tea.Batch(cmds...)
}

// nextTick follows the sampler's tick, whose readings were just taken:
// the rest of a tick's work, and the next tick, which reads the
// containers that run now.
func (a *App) nextTick() tea.Cmd {
	keys, cs := a.tickContainers()
	return tea.Batch(append(a.tickWork(), sampleEvery(a.cfg.Interval, keys, cs))...)
}

// tickContainers names the containers the next tick reads: the shown
// one (every one in the compare view) and any that records, at every
// tick; the hidden rest once a second. A hidden tab's graphs and events
// need no more, its numbers are not on the screen, and reading ten
// containers four times a second cost ten idle containers twice one
// (issue 13's budget).
func (a *App) tickContainers() (keys []string, cs []Container) {
	a.ticks++
	every := 1 // ticks a second apart
	if a.cfg.Interval > 0 {
		every = max(int(time.Second/a.cfg.Interval), 1)
	}
	all := a.views.compare || a.ticks%every == 0
	shown := a.current()
	for _, t := range a.tabs {
		if !t.ended && (all || t == shown || t.rec != nil) {
			keys, cs = append(keys, t.key), append(cs, t.c)
		}
	}
	return keys, cs
}

// tickWork is what a tick does besides reading the containers: the host
// view's listing, the kernel log's new lines.
func (a *App) tickWork() []tea.Cmd {
	var cmds []tea.Cmd
	if a.overlay == overlayHost {
		cmds = append(cmds, a.listHost())
	}
	if t := a.current(); t != nil && a.views.log {
		t.log.SetEntries(t.c.Log()) // the events the readings found
	}
	return cmds
}

// runningContainers names the containers whose tabs run.
func (a *App) runningContainers() (keys []string, cs []Container) {
	for _, t := range a.tabs {
		if !t.ended {
			keys, cs = append(keys, t.key), append(cs, t.c)
		}
	}
	return keys, cs
}

// failed shows an error: a container that did not start, a form whose
// whole Spec failed its check.
func (a *App) failed(err error) tea.Cmd {
	a.status = err.Error()
	values := FormValues{Options: a.cfg.Options}
	switch {
	case a.mode == modeForm && a.form.Submitted():
		// A finished huh form takes no more keys: a fresh one, with
		// what was typed, to fix the value the check refused.
		values = a.form.Values()
	case len(a.tabs) > 0 || a.mode == modeForm || a.overlay == overlayLessons:
		return nil
	}
	// Nothing to look at, or a form that cannot go on: back to the
	// form, to fix what failed.
	return a.showForm(values)
}

// stopped quits: every container has ended and been cleaned up (shutdown);
// those still running a moment ago end here, their recordings with them.
func (a *App) stopped() tea.Cmd {
	for _, t := range a.tabs {
		switch {
		case t.ended:
		case t.kind == tabAttached:
			t.c.Close() // not ours to end: it runs on
		default:
			a.finish(t, t.c.Wait())
		}
	}
	return tea.Quit
}

// addTab shows a container that has just started.
func (a *App) addTab(msg startedMsg) tea.Cmd {
	t := a.newTab(msg.c.ID(), tabStarted, msg.c)
	t.plan = msg.plan
	a.resizeTab(t) // again, with the lesson's box beside the panels
	if path := msg.plan.Record; path != "" {
		if msg.replaceID != "" {
			// A restart records anew, and keeps the last run's file.
			path = record.FreePath(path)
			a.status = "recording to " + path
		}
		var err error
		if t.rec, err = record.Create(path); err != nil {
			a.status = fmt.Sprintf("recording to %s: %v", path, err)
		} else {
			t.rec.Start(time.Now())
		}
	}
	// The start, marked on the graphs and in the recording at the first
	// reading, with what a replay needs to name the host's files.
	spec := msg.c.Spec()
	t.panels.Note(EventStart, StartWords(a.cfg.Host.Version, a.cfg.Host.Files(), spec.Hostname, spec.Limits))
	if l := msg.plan.Lesson; l != nil && !a.isFull() && !a.views.compare {
		// No room for the lesson's text beside a small terminal (the
		// compare view has its own box for it).
		a.status = l.Title + ": " + l.Watch(a.cfg.Host.Files())
	}
	return a.showTab(t, msg.replaceID)
}

// newTab makes the tab of a container: a terminal pane if it has a
// terminal, its panels and kernel log, sized to the screen.
func (a *App) newTab(key string, kind tabKind, c Container) *tab {
	t := &tab{key: key, kind: kind, c: c,
		panels: NewPanels(a.cfg.Host.Files(), a.cfg.Host.Version),
		log:    NewKernelLog()}
	t.panels.SetPressureNote(a.pressureNote)
	t.panels.SetInterval(a.cfg.Interval)
	t.panels.SetNetwork(c.Spec().Network, c.Address())
	if c.Pty() != nil {
		cols, rows := a.paneSize()
		t.pane = NewPane(key, c.Pty(), cols, rows, c.Resize)
	}
	t.log.SetEntries(c.Log())
	a.resizeTab(t)
	return t
}

// showTab puts t on screen: in the place of the tab replaceKey names (a
// restart), or as a new tab; and starts watching its container.
func (a *App) showTab(t *tab, replaceKey string) tea.Cmd {
	if i := slices.IndexFunc(a.tabs, func(x *tab) bool { return replaceKey != "" && x.key == replaceKey }); i >= 0 {
		a.tabs[i] = t
		a.active = i
	} else {
		a.tabs = append(a.tabs, t)
		a.active = len(a.tabs) - 1
	}
	cmds := []tea.Cmd{waitContainer(t.key, t.c), readStats(t.key, t.c)}
	if t.pane != nil {
		cmds = append(cmds, t.pane.Init())
	}
	return tea.Batch(cmds...)
}

// restart starts a new container with the settings of tab i, in its
// place; an exec's tab execs its command again. A container attached
// from elsewhere has nothing here to restart it with.
func (a *App) restart(i int) tea.Cmd {
	t := a.tabs[i]
	switch {
	case t.restarting:
		return nil // one new container per r
	case t.kind == tabAttached:
		a.status = t.name() + " was started elsewhere: nothing to restart it with here"
		return nil
	}
	t.restarting = true
	t.closePane()
	cols, rows := a.paneSize()
	if t.kind == tabExec {
		return tea.Batch(closeContainer(t), a.startExec(*t.exec, t.key))
	}
	return tea.Batch(closeContainer(t), a.start(t.plan, cols, rows, t.c.ID()))
}

// closePane stops the tab's terminal pane, if it has one.
func (t *tab) closePane() {
	if t.pane != nil {
		t.pane.Close()
	}
}

// closeTab takes tab i away, its ended container with it (or, attached
// from elsewhere, lets go of it).
func (a *App) closeTab(i int) tea.Cmd {
	t := a.tabs[i]
	t.closePane()
	a.endRecording(t)
	a.tabs = append(a.tabs[:i], a.tabs[i+1:]...)
	a.active = max(0, min(a.active, len(a.tabs)-1))
	return closeContainer(t)
}

// killContainer kills a tab's container; endedMsg reports its end, once
// it is cleaned up.
func killContainer(t *tab) tea.Cmd {
	c := t.c
	return func() tea.Msg {
		c.Kill()
		return nil
	}
}

// closeContainer lets go of an ended container's terminal.
func closeContainer(t *tab) tea.Cmd {
	c := t.c
	return func() tea.Msg {
		c.Close()
		return nil
	}
}

// stopping is the status line while shutdown waits for the containers.
const stopping = "stopping containers…"

// shutdown kills every container, waits until each is cleaned up (its
// processes, cgroup and overlay gone), then quits.
func (a *App) shutdown() tea.Cmd {
	a.status = stopping
	return func() tea.Msg {
		a.Shutdown()
		return shutdownMsg{}
	}
}

// Shutdown kills every container and waits for their cleanup. It is safe
// to call more than once, from any goroutine, and after the program has
// ended (main does, for the ways out that bypass the quit key).
func (a *App) Shutdown() {
	cs := a.all.list()
	for _, c := range cs {
		c.Kill()
	}
	for _, c := range cs {
		c.Wait()
		c.Close()
	}
}

// launch starts the containers of a plan: one, or a lesson's several.
func (a *App) launch(p plan) tea.Cmd {
	twins, err := p.twins()
	if err != nil {
		a.status = err.Error()
		return nil
	}
	if p.Lesson != nil && p.Lesson.Compare {
		a.views.compare = true
	}
	cols, rows := a.paneSize()
	cmds := []tea.Cmd{a.start(p, cols, rows, "")}
	for _, t := range twins {
		cmds = append(cmds, a.start(t, cols, rows, ""))
	}
	return tea.Sequence(cmds...) // in order: the tabs too
}

// take gives a reading to the tab's panels and recording, unless it is
// not newer than the last one: readings come from Cmds on goroutines of
// their own and, the final one, from the container's end, in any order.
//
// The kernel's reports of OOM kills are taken first: a report and the
// counter that says the kill are written moments apart, and the event of
// the kill names its victim (the recording's row of it, written a reading
// late, too).
func (a *App) take(t *tab, st cgroup.Stats) {
	t.panels.Readings().NoteVictims(t.c.OOMVictims())
	if _, err := t.panels.PushRecording(st, t.rec); err != nil {
		a.status = err.Error()
	}
}

// finish shows how a tab's container ended: its final reading, taken
// after its last process died, the end of its recording, its whole log.
func (a *App) finish(t *tab, r runtime.Result) {
	t.ended, t.result = true, r
	if a.overlay == overlayLimits && a.limits.ID() == t.key {
		a.closeLimits() // nothing left to write into
		a.status = "the container ended: its limits were not written"
	}
	if t.kind == tabStarted {
		// Marked at the final reading, if it is newer than the last.
		t.panels.Readings().NoteVictims(r.OOMVictims)
		t.panels.Note(EventExit, ExitWords(r))
	}
	a.take(t, r.Stats)
	a.endRecording(t)
	t.log.SetEntries(t.c.Log())
}

func (a *App) endRecording(t *tab) {
	if t.rec == nil {
		return
	}
	if err := t.panels.Readings().EndRecording(t.rec); err != nil {
		a.status = err.Error()
	}
	t.rec = nil
}
