package ui

// A step back in a replay does not play the recording again from its
// start: the panels only grow forwards, but what they hold after a row is
// a Readings, which can be copied. Every checkpointEvery rows played, the
// replay keeps a copy; a step back starts from the newest copy at or
// before the row asked for and plays on from there: checkpointEvery rows
// at most, where from the start it was every row (1.42 s a key at 2M
// rows, before the recordings were capped at a day).
//
// The whole past is in the copy: the events shown (the newest
// maxEvents), the peak of memory seen, the counters' last values. The
// graphs show the last HistoryLen readings, which the copy holds too.

import (
	"slices"
	"time"

	"vme50-tui/cgroup"
)

// checkpointEvery is how many rows apart the copies are: a step back
// plays at most this many rows (some 3 ms), and a day's recording
// (345,600 rows) keeps 168 copies, 14 MB in all (measured).
const checkpointEvery = 2048

// A checkpoint is the readings after row row was pushed.
type checkpoint struct {
	row int
	r   Readings
}

// keepCheckpoint copies the readings if row j, just pushed, is one to
// keep and none is kept there yet.
func (r *Replay) keepCheckpoint(j int) {
	if j%checkpointEvery != checkpointEvery-1 {
		return
	}
	if _, found := r.checkpointAt(j); found {
		return
	}
	i, _ := slices.BinarySearchFunc(r.checkpoints, j, func(c checkpoint, row int) int { return c.row - row })
	r.checkpoints = slices.Insert(r.checkpoints, i, checkpoint{row: j, r: r.panels.r.clone()})
}

// checkpointAt is the index of the newest checkpoint at or before row i,
// and whether it is row i itself; -1 for none.
func (r *Replay) checkpointAt(i int) (int, bool) {
	k, found := slices.BinarySearchFunc(r.checkpoints, i, func(c checkpoint, row int) int { return c.row - row })
	if found {
		return k, true
	}
	return k - 1, false
}

// restore puts fresh panels at the newest checkpoint at or before row i
// and returns the row to play on from: 0 when there is none.
func (r *Replay) restore(i int) (from int) {
	r.panels = r.newPanels()
	k, _ := r.checkpointAt(i)
	if k < 0 {
		return 0
	}
	c := r.checkpoints[k]
	r.panels.r = c.r.clone() // the copy stays as it was, for the next step back
	r.now = r.samples[c.row].Stats.Time
	return c.row + 1
}

// clone is a copy of the readings that shares nothing that either would
// change: the slices are copied (a history appends into spare capacity,
// which two copies would overwrite for each other). The readings' values
// (cgroup.Stats, whose Pressure no one changes, the rates) are copied as
// they are. TestReadingsCloneKnowsEveryField fails when a field is added
// that this does not know.
func (r *Readings) clone() Readings {
	c := *r
	c.memory, c.cores = r.memory.clone(), r.cores.clone()
	c.ioRead, c.ioWrite = r.ioRead.clone(), r.ioWrite.clone()
	for i := range r.stall {
		c.stall[i] = r.stall[i].clone()
	}
	c.ioWindow = slices.Clone(r.ioWindow)
	c.netWindow = slices.Clone(r.netWindow)
	c.events = slices.Clone(r.events)
	c.victims = slices.Clone(r.victims)
	return c
}

func (h *sampleHistory) clone() sampleHistory {
	return sampleHistory{values: slices.Clone(h.values), limits: slices.Clone(h.limits), times: slices.Clone(h.times)}
}

// newPanels are empty panels for this replay's recording, timed by its
// clock.
func (r *Replay) newPanels() *Panels {
	p := NewPanels(r.files, r.version)
	p.SetClock(func() time.Time { return r.now })
	p.SetSize(r.panelsSize())
	if r.version == cgroup.V1 {
		p.SetPressureNote("pressure: cgroup v2 only")
	}
	return p
}
