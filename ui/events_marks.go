package ui

// The events the readings cannot see for themselves (the start, the end,
// whom the OOM killer killed), the events of a recording played back,
// and the marks they leave on the graphs' time axis.

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"charm.land/lipgloss/v2"
	"golang.org/x/sys/unix"

	"vme50-tui/cgroup"
	"vme50-tui/record"
	"vme50-tui/runtime"
)

// Note adds an event the app saw happen at now (the start, the end): it
// is marked at the next reading, where its effect shows first, and until
// that reading comes at the newest one.
func (r *Readings) Note(kind EventKind, text string, now time.Time) {
	r.addEvent(Event{Time: now, Kind: kind, Text: text})
}

// markPending marks the events told since the last reading at reading at.
func (r *Readings) markPending(at time.Time) {
	for i := len(r.events) - 1; i >= 0 && r.events[i].At.IsZero(); i-- {
		r.events[i].At = at
	}
}

// NoteVictims takes the kernel's reports of the container's OOM kills so
// far, oldest first (Container.OOMVictims): each new one names the victim
// of the oldest oom_kill event that waits for one. The report and the
// counter are written moments apart, in either order: a report that came
// first waits for its counter.
func (r *Readings) NoteVictims(all []runtime.OOMKill) {
	for _, k := range all[min(r.victimsSeen, len(all)):] {
		r.victims = append(r.victims, VictimWords(k))
	}
	r.victimsSeen = max(r.victimsSeen, len(all))
	r.joinVictims()
}

// joinVictims gives the oom_kill events that wait for their victims the
// reports that wait for their event, in order.
func (r *Readings) joinVictims() {
	for i := range r.events {
		e := &r.events[i]
		for e.Kind == EventOOMKill && e.victims > 0 && len(r.victims) > 0 {
			if strings.HasPrefix(e.Text, "oom_kill ") && strings.Contains(e.Text, " -> ") {
				e.Text = r.victims[0] // the counter's words, until now
			} else {
				e.Text += " and " + r.victims[0]
			}
			r.victims, e.victims = r.victims[1:], e.victims-1
			r.rev++
		}
	}
	// A report with no kill counted after it (a counter that was already
	// up at the first reading): at most a few are kept waiting.
	if len(r.victims) > maxEvents {
		r.victims = r.victims[len(r.victims)-maxEvents:]
	}
}

// VictimWords is an OOM killer's victim in the words of an event: "vme50-hog
// pid 7 in the container, anon-rss 63.2 MiB".
func VictimWords(k runtime.OOMKill) string {
	where := fmt.Sprintf("pid %d on the host", k.PID)
	if k.ContainerPID > 0 {
		where = fmt.Sprintf("pid %d in the container", k.ContainerPID)
	}
	return fmt.Sprintf("%s %s, anon-rss %s", k.Task, where, cgroup.FormatSize(k.AnonRSS))
}

// StartWords are the start event's words: the cgroup version (which files
// a replay names), the hostname and the limits set, "cgroup v1, hostname
// box, memory.limit_in_bytes 32.0 MiB, pids.max 40".
func StartWords(version cgroup.Version, files cgroup.Files, hostname string, lim cgroup.Limits) string {
	words := []string{version.String()} // "cgroup v1"
	if hostname != "" {
		words = append(words, "hostname "+hostname)
	}
	if lim.MemoryMax > 0 {
		words = append(words, files.MemoryMax+" "+limitSize(lim.MemoryMax))
	}
	if lim.CPUQuotaUsec > 0 {
		period := cmp.Or(lim.CPUPeriodUsec, 100000) // none given: the kernel's default
		words = append(words, files.CPUMax+" "+coresText(lim.CPUQuotaUsec, period))
	}
	if lim.PidsMax > 0 {
		words = append(words, files.PidsMax+" "+limitCount(lim.PidsMax))
	}
	return strings.Join(words, ", ")
}

// ExitWords are the exit event's words: "status 0", "status 137
// (SIGKILL, OOM-killed)".
func ExitWords(r runtime.Result) string {
	text := fmt.Sprintf("status %d", r.ExitCode)
	var why []string
	if r.Signal != 0 {
		why = append(why, unix.SignalName(r.Signal))
	}
	if r.OOMKilled {
		why = append(why, "OOM-killed")
	}
	if len(why) > 0 {
		text += " (" + strings.Join(why, ", ") + ")"
	}
	return text
}

// EventsAt are the events marked at reading at (its Stats.Time), oldest
// first; Pending those that wait for a reading.
func (r *Readings) EventsAt(at time.Time) []Event {
	var out []Event
	for _, e := range r.events {
		if e.At.Equal(at) {
			out = append(out, e)
		}
	}
	return out
}

// Pending are the events told since the newest reading.
func (r *Readings) Pending() []Event { return r.EventsAt(time.Time{}) }

// Recorded are the events a recording keeps, in its words.
func Recorded(events []Event) []record.Event {
	var out []record.Event
	for _, e := range events {
		if kind, ok := recordedKinds[e.Kind]; ok {
			out = append(out, record.Event{Kind: kind, Detail: e.Text})
		}
	}
	return out
}

// PushRecorded takes a reading of a recording with the events its row
// tells. The recording's events are the ones the live readings saw (and
// more: the victim, the start), so from then on these readings no longer
// find limit changes, pauses and OOM kills themselves; the counters that
// only flash (max, oom) they still do.
//
// A row no newer than the one before (time_ms counts milliseconds: a
// final reading a moment after the last) adds no reading, but its events
// still happened: they are marked at the last reading.
func (r *Readings) PushRecorded(s cgroup.Stats, events []record.Event, now time.Time) bool {
	r.recorded = true
	taken := r.Push(s, now)
	if !taken && !r.have {
		return false
	}
	at := r.last.Time
	for _, e := range events {
		for kind, name := range recordedKinds {
			if name == e.Kind {
				r.addEvent(Event{Time: now, At: at, Kind: kind, Text: e.Detail})
			}
		}
	}
	return taken
}

// ---- marks on the graphs ----

// eventMarks are how each kind is marked on a graph's axis: a letter a
// class can read without colour, and a colour for those who have it.
// rank decides which mark a column shows when it holds two.
var eventMarks = map[EventKind]struct {
	glyph rune
	style *lipgloss.Style
	rank  int
}{
	EventStart:   {'S', &panelStyle.data, 1},
	EventPause:   {'P', &panelStyle.warn, 2},
	EventResume:  {'R', &panelStyle.warn, 2},
	EventLimit:   {'L', &panelStyle.mark, 3},
	EventExit:    {'E', &panelStyle.mark, 4},
	EventOOMKill: {'K', &panelStyle.bad, 5},
}

// marks are the event marks of a history's samples, one per sample (the
// zero Mark: none), or nil when none of its samples has one. An event is
// marked at the first sample read at or after its reading (the CPU's
// history starts a reading later than memory's); a pending one at the
// newest sample; one older than the history, nowhere, unless the history
// is not full yet (it starts with the container).
func (r *Readings) marks(h *sampleHistory) []Mark {
	n := len(h.times)
	if n == 0 || len(r.events) == 0 {
		return nil
	}
	var out []Mark
	for _, e := range r.events {
		m, ok := eventMarks[e.Kind]
		if !ok {
			continue
		}
		i := n - 1
		if !e.At.IsZero() {
			i, _ = slices.BinarySearchFunc(h.times, e.At, func(t, at time.Time) int { return t.Compare(at) })
			switch {
			case i == n:
				i = n - 1
			case i == 0 && e.At.Before(h.times[0]) && n >= HistoryLen:
				continue // scrolled out
			}
		}
		if out == nil {
			out = make([]Mark, n)
		}
		if out[i].Glyph == 0 || m.rank >= out[i].rank {
			out[i] = Mark{Glyph: m.glyph, Style: m.style, Words: e.Words(), rank: m.rank}
		}
	}
	return out
}
