package ui

// A recording of the readings with their events: one row per reading,
// its events in the row's last column. A row is written one reading late,
// when the next reading comes: the kernel's report of an OOM kill's victim
// may come a moment after the counter that says it killed, and the row of
// the kill should name whom.

import (
	"time"

	"vme50-tui/cgroup"
	"vme50-tui/record"
)

// PushRecording takes reading s, as Push, and writes the reading before it
// to f (nil: none) with the events marked at it. It tells whether s was
// taken, and the recording's first write error, once.
func (r *Readings) PushRecording(s cgroup.Stats, now time.Time, f *record.File) (bool, error) {
	prev, had := r.last, r.have
	if !r.Push(s, now) {
		return false, nil
	}
	if f == nil || !had {
		return true, nil
	}
	return true, f.Write(prev, Recorded(r.EventsAt(prev.Time))...)
}

// EndRecording writes the newest reading, with its events and those told
// since (the exit), and closes f.
func (r *Readings) EndRecording(f *record.File) error {
	var err error
	if r.have {
		events := append(r.EventsAt(r.last.Time), r.Pending()...)
		err = f.Write(r.last, Recorded(events)...)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
