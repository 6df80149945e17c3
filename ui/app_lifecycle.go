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
		if t := a.tabByID(msg.id); t != nil {
			a.finish(t, msg.result)
		}
	case statsMsg:
		if t := a.tabByID(msg.id); t != nil && !t.ended {
			a.take(t, msg.stats)
			t.panels.PushDisk(msg.disk)
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
	}
	return nil
}

// sample reads every running container's cgroup files, each in a Cmd of
// its own, and ticks again.
func (a *App) sample() tea.Cmd {
	cmds := []tea.Cmd{sampleEvery(a.cfg.Interval)}
	for _, t := range a.tabs {
		if !t.ended {
			cmds = append(cmds, readStats(t.c))
		}
	}
	if t := a.current(); t != nil && a.views.log {
		t.log.SetEntries(t.c.Log()) // the events the readings found
	}
	return tea.Batch(cmds...)
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
		if !t.ended {
			a.finish(t, t.c.Wait())
		}
	}
	return tea.Quit
}

// addTab shows a container that has just started.
func (a *App) addTab(msg startedMsg) tea.Cmd {
	cols, rows := a.paneSize()
	t := &tab{c: msg.c, plan: msg.plan,
		pane:   NewPane(msg.c.ID(), msg.c.Pty(), cols, rows, msg.c.Resize),
		panels: NewPanels(a.cfg.Host.Files(), a.cfg.Host.Version),
		log:    NewKernelLog()}
	t.log.SetEntries(t.c.Log())
	a.resizeTab(t)
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
	if l := msg.plan.Lesson; l != nil && !a.isFull() && !a.views.compare {
		// No room for the lesson's text beside a small terminal (the
		// compare view has its own box for it).
		a.status = l.Title + ": " + l.Watch(a.cfg.Host.Files())
	}
	if i := slices.IndexFunc(a.tabs, func(x *tab) bool { return msg.replaceID != "" && x.c.ID() == msg.replaceID }); i >= 0 {
		a.tabs[i] = t
		a.active = i
	} else {
		a.tabs = append(a.tabs, t)
		a.active = len(a.tabs) - 1
	}
	return tea.Batch(t.pane.Init(), waitContainer(t.c), readStats(t.c))
}

// restart starts a new container with the settings of tab i, in its place.
func (a *App) restart(i int) tea.Cmd {
	t := a.tabs[i]
	if t.restarting {
		return nil // one new container per r
	}
	t.restarting = true
	t.pane.Close()
	cols, rows := a.paneSize()
	return tea.Batch(closeContainer(t), a.start(t.plan, cols, rows, t.c.ID()))
}

// closeTab takes tab i away, its ended container with it.
func (a *App) closeTab(i int) tea.Cmd {
	t := a.tabs[i]
	t.pane.Close()
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
func (a *App) take(t *tab, st cgroup.Stats) {
	if !t.panels.Push(st) {
		return
	}
	if t.rec != nil {
		if err := t.rec.Write(st); err != nil {
			a.status = err.Error()
		}
	}
}

// finish shows how a tab's container ended: its final reading, taken
// after its last process died, the end of its recording, its whole log.
func (a *App) finish(t *tab, r runtime.Result) {
	t.ended, t.result = true, r
	if a.overlay == overlayLimits && a.limits.ID() == t.c.ID() {
		a.closeLimits() // nothing left to write into
		a.status = "the container ended: its limits were not written"
	}
	a.take(t, r.Stats)
	a.endRecording(t)
	t.log.SetEntries(t.c.Log())
}

func (a *App) endRecording(t *tab) {
	if t.rec == nil {
		return
	}
	if err := t.rec.Close(); err != nil {
		a.status = err.Error()
	}
	t.rec = nil
}
