package ui

import (
	"fmt"
	"strings"
	"time"

	"vme50-tui/cgroup"
	"vme50-tui/record"
)

// An Event is something that happened to a container at a moment, as
// opposed to a level that is read again every sample: a memory counter
// going up (a process OOM-killed), a limit changed, the container
// started, paused, resumed or ended. The panels flash an event's counter
// for FlashFor; the graphs mark it on their time axis, at the reading it
// was seen in; a recording keeps it in that reading's row.
type Event struct {
	// Time is when the event was seen: the clock passed to Push, which
	// is the clock the flashes are timed by.
	Time time.Time
	// At is the reading it is marked at (its Stats.Time): the one it was
	// seen in, or for what the app tells (Note), the next one. Zero until
	// that reading comes: the graphs mark it at their newest sample.
	At   time.Time
	Kind EventKind
	Text string // in the file's words: "oom_kill 1 -> 2", "memory.max 48.0 MiB"
	// victims is how many of the kills this oom_kill event counts still
	// wait for the kernel's report of whom it killed (NoteVictims).
	victims int
}

// EventKind says what happened.
type EventKind int

const (
	// EventMemoryMax: memory use hit the limit (v2 memory.events max,
	// v1 memory.failcnt); the kernel reclaimed, the container lives.
	EventMemoryMax EventKind = iota
	// EventOOM: reclaim was not enough (v2 memory.events oom).
	EventOOM
	// EventOOMKill: the OOM killer killed a process (memory.events
	// oom_kill, v1 memory.oom_control).
	EventOOMKill
	// EventLimit: a limit file (memory.max, cpu.max, pids.max) reads
	// differently from the reading before. Whoever wrote it: this TUI,
	// `vme50-tui update` from another terminal, or echo as root.
	EventLimit
	// EventStart: the container started (the app tells it: Note).
	EventStart
	// EventPause and EventResume: the freezer's state changed (ctrl+g f,
	// `vme50-tui pause` from another terminal), seen in the readings.
	EventPause
	EventResume
	// EventExit: the container ended (the app tells it, with its status).
	EventExit
	numEventKinds
)

// recordedKinds are the kinds a graph marks and a recording keeps, in
// the recording's words. max and oom only flash: under pressure they
// climb every reading, and would mark every column.
var recordedKinds = map[EventKind]record.EventKind{
	EventStart:   record.EventStart,
	EventOOMKill: record.EventOOMKill,
	EventLimit:   record.EventLimit,
	EventPause:   record.EventPause,
	EventResume:  record.EventResume,
	EventExit:    record.EventExit,
}

// Words are the event as the recording and the graphs' axis say it:
// "oom_kill vme50-hog pid 7 ...", "limit memory.max 48.0 MiB".
func (e Event) Words() string {
	kind, ok := recordedKinds[e.Kind]
	if !ok || strings.HasPrefix(e.Text, string(kind)+" ") { // "oom_kill 0 -> 1"
		return e.Text
	}
	return record.Event{Kind: kind, Detail: e.Text}.String()
}

// numCounters: the kinds before EventLimit are memory.events counters.
const numCounters = EventLimit

// counterNames are the words of memory.events for each counter kind.
var counterNames = [numCounters]string{"max", "oom", "oom_kill"}

// memoryCounts are the memory.events counters, by kind.
func memoryCounts(e cgroup.MemoryEvents) [numCounters]uint64 {
	return [numCounters]uint64{e.Max, e.OOM, e.OOMKill}
}

// noteIncreases adds an event for every counter that went up, marked at
// reading at. A counter that went down (a new cgroup under the same
// readings) is a new baseline, not an event. An OOM kill is told in the
// counter's words until the kernel's report says whom it killed.
func (r *Readings) noteIncreases(prev, cur cgroup.MemoryEvents, now, at time.Time) {
	before, after := memoryCounts(prev), memoryCounts(cur)
	for k := range after {
		if after[k] > before[k] {
			text := fmt.Sprintf("%s %d -> %d", counterNames[k], before[k], after[k])
			e := Event{Time: now, At: at, Kind: EventKind(k), Text: text}
			if e.Kind == EventOOMKill && r.recorded {
				continue // the recording's own event names the victim
			}
			if e.Kind == EventOOMKill {
				e.victims = int(min(after[k]-before[k], 100))
			}
			r.addEvent(e)
		}
	}
	r.joinVictims()
}

// noteLimitChanges adds an event for every limit that reads differently
// from the reading before, in the file's name and its new value. The
// Stats say Unlimited for a limit that is not set, on both versions.
func (r *Readings) noteLimitChanges(prev, cur cgroup.Stats, now time.Time) {
	at := cur.Time
	f := r.names()
	var changed []string
	if prev.Memory.Max != cur.Memory.Max {
		changed = append(changed, f.MemoryMax+" "+limitSize(cur.Memory.Max))
	}
	if prev.Memory.High != cur.Memory.High && f.MemoryHigh != "" {
		changed = append(changed, f.MemoryHigh+" "+limitSize(cur.Memory.High))
	}
	if prev.CPU.QuotaUsec != cur.CPU.QuotaUsec || prev.CPU.PeriodUsec != cur.CPU.PeriodUsec {
		changed = append(changed, f.CPUMax+" "+quotaText(cur.CPU))
	}
	if prev.Pids.Max != cur.Pids.Max {
		changed = append(changed, f.PidsMax+" "+limitCount(cur.Pids.Max))
	}
	for _, text := range changed {
		r.addEvent(Event{Time: now, At: at, Kind: EventLimit, Text: text})
	}
}

// noteFreezing adds a pause or a resume where the freezer's state differs
// from the reading before, in the freezer file's words. Whoever froze it:
// ctrl+g f, `vme50-tui pause`, or echo as root.
func (r *Readings) noteFreezing(prev, cur cgroup.Stats, now time.Time) {
	if prev.Frozen == cur.Frozen {
		return
	}
	file := r.names().Freeze
	state := map[bool]string{true: "1", false: "0"}[cur.Frozen]
	if file == "freezer.state" { // v1 says it in words
		state = map[bool]string{true: "FROZEN", false: "THAWED"}[cur.Frozen]
	}
	kind := EventResume
	if cur.Frozen {
		kind = EventPause
	}
	r.addEvent(Event{Time: now, At: cur.Time, Kind: kind, Text: file + " " + state})
}

// SetFiles names the files limit changes are told in (the host's); the
// zero Readings tells them in cgroup v2's names.
func (r *Readings) SetFiles(f cgroup.Files) { r.files = f }

func (r *Readings) names() cgroup.Files {
	if r.files.MemoryMax == "" {
		return cgroup.Files{MemoryMax: "memory.max", MemoryHigh: "memory.high", CPUMax: "cpu.max", PidsMax: "pids.max",
			Freeze: "cgroup.freeze"}
	}
	return r.files
}

func (r *Readings) addEvent(e Event) {
	r.events = append(r.events, e)
	if len(r.events) > maxEvents {
		r.events = r.events[len(r.events)-maxEvents:]
	}
	r.rev++ // the graphs mark it
}

// Events is what happened, oldest first (the newest maxEvents).
func (r *Readings) Events() []Event { return r.events }

// ---- flashing ----

// flashSet has bit k set while events of kind k are highlighted.
type flashSet uint8

func (f flashSet) has(k EventKind) bool { return f&(1<<k) != 0 }

// flashEnds is when the highlight of each kind that is highlighted at now
// ends: FlashFor after its newest event (zero: none). A new event
// restarts the flash. Events come in the order of the clock, so the scan
// stops at the first that has stopped flashing: every older one has too,
// and a View (on every key) costs a look at the last few events, not at
// the hundred an OOM loop leaves.
func (r *Readings) flashEnds(now time.Time) [numEventKinds]time.Time {
	var ends [numEventKinds]time.Time
	for i := len(r.events) - 1; i >= 0; i-- {
		e := r.events[i]
		until := e.Time.Add(FlashFor)
		if !until.After(now) {
			break
		}
		if ends[e.Kind].IsZero() {
			ends[e.Kind] = until
		}
	}
	return ends
}

// Flashing is the set of kinds highlighted at now: the panels' memo key,
// worked out on every View, so it scans as flashEnds does, without its
// table.
func (r *Readings) Flashing(now time.Time) flashSet {
	var f flashSet
	for i := len(r.events) - 1; i >= 0 && r.events[i].Time.Add(FlashFor).After(now); i-- {
		f |= 1 << r.events[i].Kind
	}
	return f
}

// FlashDeadline is when the next highlight after now ends.
func (r *Readings) FlashDeadline(now time.Time) (time.Time, bool) {
	var next time.Time
	for _, until := range r.flashEnds(now) {
		if !until.IsZero() && (next.IsZero() || until.Before(next)) {
			next = until
		}
	}
	return next, !next.IsZero()
}
