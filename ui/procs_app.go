package ui

// The process list in the app (ctrl+g t): shown in the terminal's place,
// read at every reading interval while it is on screen and never while
// it is not: reading /proc for each process of a container costs a few
// files per process, and a hidden list needs none of it.

import (
	"time"

	tea "charm.land/bubbletea/v2"

	"vme50-tui/runtime"
)

// procsMsg is one reading of tab key's processes.
type procsMsg struct {
	key     string
	procs   []runtime.Process
	victims []runtime.OOMKill
	err     error
	at      time.Time
}

// readProcs lists a container's processes (cgroup.procs, then /proc for
// each) and the kernel's reports of its OOM kills, off the UI's goroutine.
func readProcs(key string, c Container) tea.Cmd {
	return func() tea.Msg {
		procs, err := c.Processes()
		return procsMsg{key: key, procs: procs, victims: c.OOMVictims(), err: err, at: time.Now()}
	}
}

// procList is tab t's process list, made and sized on first use.
func (a *App) procList(t *tab) *ProcList {
	if t.procs == nil {
		t.procs = NewProcList(t.name(), "cgroup.procs")
		a.resizeTab(t)
	}
	return t.procs
}

// toggleProcs shows or hides the process list, and reads it at once when
// it shows.
func (a *App) toggleProcs() tea.Cmd {
	a.views.procs = !a.views.procs
	if a.views.procs {
		a.views.zoom = false // the list is what was asked for
	}
	return a.readShownProcs(true)
}

// procsShown tells whether the current tab's process list is on screen:
// not under the help, the menu or the host view.
func (a *App) procsShown() bool {
	return a.mode == modeContainers && a.current() != nil && a.shown() == viewProcs &&
		a.overlay != overlayHelp && a.overlay != overlayLessons && a.overlay != overlayHost
}

// readShownProcs reads the processes of the list on screen, if one is,
// unless a reading is still under way; an ended container's only when
// asked (now) or never read yet, for its victims: its processes are gone.
func (a *App) readShownProcs(now bool) tea.Cmd {
	if !a.procsShown() {
		return nil
	}
	t := a.current()
	l := a.procList(t)
	if l.reading || t.ended && l.listed && !now {
		return nil
	}
	l.reading = true
	return readProcs(t.key, t.c)
}

// procsRead gives a reading to its tab's list.
func (a *App) procsRead(msg procsMsg) {
	if t := a.tabByKey(msg.key); t != nil {
		l := a.procList(t)
		l.reading = false
		l.Set(msg.procs, msg.victims, msg.err, msg.at)
	}
}

// procsEnded empties the list of tab key's container, which has ended:
// no process is left, and the kernel's reports of its kills, as its end
// found them, are all that remains to show.
func (a *App) procsEnded(key string) {
	if t := a.tabByKey(key); t != nil && t.procs != nil {
		victims := t.c.OOMVictims()
		if len(t.result.OOMVictims) > len(victims) {
			victims = t.result.OOMVictims
		}
		t.procs.Set(nil, victims, nil, a.now())
	}
}
