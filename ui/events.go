package ui

import (
	"fmt"
	"time"

	"vme50-tui/cgroup"
)

// An Event is something that happened to a container at a moment, as
// opposed to a level that is read again every sample: a memory counter
// going up (a process OOM-killed). The panels flash an event's counter
// for FlashFor; a log or a graph marker can show them later.
type Event struct {
	// Time is when the event was seen: the clock passed to Push, which
	// is the clock the flashes are timed by.
	Time time.Time
	Kind EventKind
	Text string // in the counter's words: "oom_kill 2"
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
	numEventKinds
)

// counterNames are the words of memory.events for each counter kind.
var counterNames = [numEventKinds]string{"max", "oom", "oom_kill"}

// memoryCounts are the memory.events counters, by kind.
func memoryCounts(e cgroup.MemoryEvents) [numEventKinds]uint64 {
	return [numEventKinds]uint64{e.Max, e.OOM, e.OOMKill}
}

// noteIncreases adds an event for every counter that went up. A counter
// that went down (a new cgroup under the same readings) is a new
// baseline, not an event.
func (r *Readings) noteIncreases(prev, cur cgroup.MemoryEvents, now time.Time) {
	before, after := memoryCounts(prev), memoryCounts(cur)
	for k := range after {
		if after[k] > before[k] {
			text := fmt.Sprintf("%s %d", counterNames[k], after[k])
			r.addEvent(Event{Time: now, Kind: EventKind(k), Text: text})
		}
	}
}

func (r *Readings) addEvent(e Event) {
	r.events = append(r.events, e)
	if len(r.events) > maxEvents {
		r.events = r.events[len(r.events)-maxEvents:]
	}
}

// Events is what happened, oldest first (the newest maxEvents).
func (r *Readings) Events() []Event { return r.events }

// ---- flashing ----

// flashSet has bit k set while events of kind k are highlighted.
type flashSet uint8

func (f flashSet) has(k EventKind) bool { return f&(1<<k) != 0 }

// flashEnds is when the highlight of each kind ends: FlashFor after its
// newest event (zero: never flashed). A new event restarts the flash.
func (r *Readings) flashEnds() [numEventKinds]time.Time {
	var ends [numEventKinds]time.Time
	seen := 0
	for i := len(r.events) - 1; i >= 0 && seen < len(ends); i-- {
		if e := r.events[i]; ends[e.Kind].IsZero() {
			ends[e.Kind] = e.Time.Add(FlashFor)
			seen++
		}
	}
	return ends
}

// Flashing is the set of kinds highlighted at now.
func (r *Readings) Flashing(now time.Time) flashSet {
	var f flashSet
	for k, until := range r.flashEnds() {
		if now.Before(until) {
			f |= 1 << k
		}
	}
	return f
}

// FlashDeadline is when the next highlight after now ends.
func (r *Readings) FlashDeadline(now time.Time) (time.Time, bool) {
	var next time.Time
	for _, until := range r.flashEnds() {
		if until.After(now) && (next.IsZero() || until.Before(next)) {
			next = until
		}
	}
	return next, !next.IsZero()
}
