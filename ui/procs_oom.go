package ui

import (
	"fmt"

	"vme50-tui/cgroup"
	"vme50-tui/runtime"
)

// The OOM killer's kills in the status line. A reading of memory.events
// (v1: memory.oom_control) counts a kill; the kernel's own report of it,
// from its log (runtime.OOMKill), says whom it killed and how big it was.
// The two come moments apart, in either order: the status names the
// victim once its report is in, or, where the kernel's log cannot be read
// (the kernel log panel says why, once), tells the count alone.

// oomNews is what the status has told of a tab's OOM kills.
type oomNews struct {
	counted uint64 // the kills the readings have counted
	seen    bool   // a reading has been looked at
	told    int    // the kernel's reports the status has told of
	// waiting is since when a counted kill waits for its report; zero
	// when none does.
	waiting int64 // unix nanoseconds
}

// oomReportWait is how long a counted kill waits for the kernel's report
// before the status tells the count alone.
const oomReportWait = 1e9 // ns

// noteOOMKills tells, in the status, of the OOM kills the readings or the
// kernel's reports brought since the last time.
func (a *App) noteOOMKills() {
	now := a.now().UnixNano()
	for _, t := range a.tabs {
		n := max(t.panels.Readings().Last().Memory.Events.OOMKill, t.result.OOMKills)
		if !t.oom.seen && t.panels.Readings().HasSample() {
			t.oom.seen = true
			if t.kind == tabAttached {
				// Started elsewhere: its kills before it was opened
				// here are old news.
				t.oom.counted, t.oom.told = n, len(t.c.OOMVictims())
			}
		}
		if n > t.oom.counted {
			t.oom.counted = n
			if t.oom.waiting == 0 {
				t.oom.waiting = now
			}
		}
		if t.oom.waiting == 0 {
			continue
		}
		victims := t.c.OOMVictims()
		if len(t.result.OOMVictims) > len(victims) {
			victims = t.result.OOMVictims // an ended container's, as its end found them
		}
		switch {
		case len(victims) > t.oom.told:
			a.status = a.where(t) + killedSentence(victims[len(victims)-1])
			t.oom.told = len(victims)
			if uint64(t.oom.told) >= t.oom.counted {
				t.oom.waiting = 0
			}
		case now-t.oom.waiting >= oomReportWait:
			a.status = fmt.Sprintf("%sthe OOM killer killed a process (%s: oom_kill %d); the kernel's log did not say which",
				a.where(t), t.c.Files().MemoryEvents, t.oom.counted)
			t.oom.waiting = 0
		}
	}
}

// where names the tab a status is about, unless it is the one on screen.
func (a *App) where(t *tab) string {
	if t == a.current() {
		return ""
	}
	return t.name() + ": "
}

// killedSentence is the kill as the status tells it: "the kernel killed
// vme50-hog (pid 7 in the container), anon-rss 63.2 MiB".
func killedSentence(k runtime.OOMKill) string {
	where := fmt.Sprintf("pid %d on the host", k.PID)
	if k.ContainerPID > 0 {
		where = fmt.Sprintf("pid %d in the container", k.ContainerPID)
	}
	return fmt.Sprintf("the kernel killed %s (%s), anon-rss %s",
		runtime.Printable(k.Task), where, cgroup.FormatSize(k.AnonRSS))
}
