package ui

// Changing a running container's limits: the editor (ctrl+g u) as an
// overlay, the nudge keys (ctrl+g - + [ ]), and the write. The write
// touches the kernel, so it runs in a Cmd, never inside Update; its
// answer (limitsWrittenMsg) says in the status line what was written or
// why not, and brings a fresh reading and the kernel log, where the
// runtime traced the write ("memory.max <- 50331648").

import (
	goruntime "runtime"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"vme50-tui/cgroup"
)

// limitsWrittenMsg is the answer of a write into a container's cgroup.
type limitsWrittenMsg struct {
	id  string
	lim cgroup.Limits
	err error // EBUSY (v1, memory below usage), the container ended, …
}

// writeLimits writes lim into the cgroup of tab key's container c, off
// the UI's goroutine.
func writeLimits(key string, c Container, lim cgroup.Limits) tea.Cmd {
	return func() tea.Msg { return limitsWrittenMsg{id: key, lim: lim, err: c.Update(lim)} }
}

// runningTab is the current tab if its container runs and has been read
// at least once: the editor and the nudges start from its latest reading.
func (a *App) runningTab() (*tab, bool) {
	t := a.current()
	switch {
	case t == nil:
		return nil, false
	case t.ended:
		a.status = "the container has ended: no limits to change"
		return nil, false
	case !t.panels.Readings().HasSample():
		a.status = "no reading of its limits yet: try again in a moment"
		return nil, false
	}
	return t, true
}

// openLimits puts the editor over the current container's panels.
func (a *App) openLimits() {
	t, ok := a.runningTab()
	if !ok {
		return
	}
	h := a.cfg.Host
	a.limits = NewLimitEditor(t.key, t.name(), t.panels.Readings().Last(), h.Files(), h.Version)
	a.limits.SetWidth(a.limitsWidth())
	a.overlay = overlayLimits
}

// limitsWidth is the editor's width: the panels' column beside the
// terminal, or the whole screen on a small one.
func (a *App) limitsWidth() int {
	if t := a.current(); a.isFull() && (t == nil || t.pane != nil) {
		return a.panelsWidth()
	}
	return a.width
}

func (a *App) closeLimits() {
	a.limits = nil
	a.overlay = noOverlay
}

func (a *App) updateLimits(msg tea.Msg) tea.Cmd {
	var cmd tea.Cmd
	a.limits, cmd = a.limits.Update(msg)
	return cmd
}

// limitsDone takes the editor's end: write what changed, or nothing.
func (a *App) limitsDone(msg tea.Msg) tea.Cmd {
	a.closeLimits()
	switch msg := msg.(type) {
	case LimitsChosenMsg:
		if t := a.tabByKey(msg.ID); t != nil && !t.ended {
			return writeLimits(t.key, t.c, msg.Limits)
		}
		a.status = "the container has ended: nothing written"
	case LimitEditorClosedMsg:
		if msg.Unchanged {
			a.status = "no limit changed: nothing written"
		}
	}
	return nil
}

// nudge runs a nudge key on the current container, and tells whether k
// was one: one step of its memory limit or CPU quota, one write.
func (a *App) nudge(k tea.KeyPressMsg) (tea.Cmd, bool) {
	var step func(cgroup.Stats) (cgroup.Limits, error)
	switch keys := a.keys; {
	case key.Matches(k, keys.MemoryDown), key.Matches(k, keys.MemoryUp):
		up := key.Matches(k, keys.MemoryUp)
		step = func(s cgroup.Stats) (cgroup.Limits, error) { return memoryStep(s.Memory, up) }
	case key.Matches(k, keys.QuotaDown), key.Matches(k, keys.QuotaUp):
		up := key.Matches(k, keys.QuotaUp)
		step = func(s cgroup.Stats) (cgroup.Limits, error) { return quotaStep(s.CPU, up, goruntime.NumCPU()) }
	default:
		return nil, false
	}
	t, ok := a.runningTab()
	if !ok {
		return nil, true
	}
	lim, err := step(t.panels.Readings().Last())
	if err != nil {
		a.status = err.Error() + ": nothing written"
		return nil, true
	}
	return writeLimits(t.key, t.c, lim), true
}

// limitsWritten says what a write did, and reads the container again at
// once: the graph's line moves, and the kernel log shows the write.
func (a *App) limitsWritten(msg limitsWrittenMsg) tea.Cmd {
	h := a.cfg.Host
	what := written(msg.lim, h.Files(), h.Version)
	if msg.err != nil {
		a.status = "not written (" + what + "): " + msg.err.Error()
	} else {
		a.status = what
	}
	t := a.tabByKey(msg.id)
	if t == nil {
		return nil
	}
	t.log.SetEntries(t.c.Log())
	if t.ended {
		return nil
	}
	return readStats(t.key, t.c)
}
