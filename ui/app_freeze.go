package ui

// Freezing a container (ctrl+g f): the cgroup freezer stops every process
// of it where it stands, as `vme50-tui pause` and `docker pause` do. It
// gets no CPU (the panels show zero cores), its terminal stops answering
// (the shell echoes nothing), and no signal reaches it; ctrl+g f again
// resumes everything as it was. The write touches the kernel and waits
// for it to finish, so it runs in a Cmd; the tab says paused from the
// next reading on, whoever froze it.

import (
	tea "charm.land/bubbletea/v2"

	"vme50-tui/cgroup"
)

// frozenMsg is the answer of a freeze or thaw.
type frozenMsg struct {
	id     string
	frozen bool // what was asked
	err    error
}

// freeze freezes the tab's container, or thaws it if its latest reading
// says it is frozen.
func (a *App) freeze(t *tab) tea.Cmd {
	if t.freezing {
		return nil // one write at a time
	}
	if !t.panels.Readings().HasSample() {
		a.status = "no reading of the container yet: try again in a moment"
		return nil
	}
	want := !t.paused()
	t.freezing = true
	key, c := t.key, t.c
	return func() tea.Msg { return frozenMsg{id: key, frozen: want, err: c.Freeze(want)} }
}

// frozen says what the write did, and reads the container at once: the
// tab's label, the CPU panel and the kernel log follow.
func (a *App) frozen(msg frozenMsg) tea.Cmd {
	t := a.tabByKey(msg.id)
	if t == nil {
		return nil
	}
	t.freezing = false
	what := freezeWrite(a.cfg.Host, msg.frozen)
	switch {
	case msg.err != nil:
		a.status = "not written (" + what + "): " + msg.err.Error()
	case msg.frozen:
		a.status = what + ": " + t.name() + " is paused, its processes get no CPU (ctrl+g f resumes it)"
	default:
		a.status = what + ": " + t.name() + " runs again"
	}
	t.log.SetEntries(t.c.Log())
	if t.ended {
		return nil
	}
	return readStats(t.key, t.c)
}

// freezeWrite is the write in the kernel's words: "cgroup.freeze <- 1",
// v1 "freezer.state <- FROZEN".
func freezeWrite(h *cgroup.Host, frozen bool) string {
	file := h.Files().Freeze
	if h.Version == cgroup.V1 {
		if frozen {
			return file + " <- FROZEN"
		}
		return file + " <- THAWED"
	}
	if frozen {
		return file + " <- 1"
	}
	return file + " <- 0"
}
