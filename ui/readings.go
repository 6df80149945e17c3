package ui

import (
	"time"

	"vme50-tui/cgroup"
)

// Readings is one container's cgroup readings over time: the model that
// the panels and the compare view draw from, and that knows nothing of
// drawing. The app reads the cgroup files into a cgroup.Stats every
// --interval (250 ms) and pushes each one here; Readings keeps what a
// single reading cannot tell:
//
//   - rates: cpu.stat's counters only grow, so "how busy is it now" is
//     the difference between two readings (CPURate);
//   - history: the last HistoryLen values of memory and of cores used,
//     for the graphs;
//   - the peak of memory seen, for kernels without a peak file;
//   - events: a memory counter going up (an OOM kill), a limit file
//     changing (memory.max lowered from here or from another terminal),
//     the freezer's state changing, and what the app tells (the start,
//     the end, the OOM killer's victim), with the time and the reading
//     they were seen at, so the panels can flash them and the graphs
//     and recordings mark them.
//
// The zero Readings is ready to use.
type Readings struct {
	fresh     cgroup.Fresh // only readings newer than the last count
	last      cgroup.Stats
	have      bool                       // last holds a sample
	cpu       cpuRate                    // between the last two samples
	rates     rates                      // the other counters between the last two samples
	memory    sampleHistory              // memory current, bytes
	cores     sampleHistory              // CPU cores used
	ioRead    sampleHistory              // bytes read per second, under io.max's rbps
	ioWrite   sampleHistory              // bytes written per second, under io.max's wbps
	stall     [numPressure]sampleHistory // PSI some: percent of each interval stalled
	ioWindow  []cgroup.Stats             // the readings of the last second, for the I/O rates
	peakSeen  uint64                     // highest memory current pushed
	disk      diskReading                // the container's layer tmpfs
	net       netRates                   // eth0's bytes per second (panels_net.go)
	netWindow []netSample                // the readings of eth0 in the last second
	events    []Event                    // oldest first, at most maxEvents
	victims   []string                   // the kernel's reports of OOM kills not joined to their event yet
	// victimsSeen counts the reports taken (NoteVictims); recorded says
	// the events come from a recording (PushRecorded), not from here.
	victimsSeen int
	recorded    bool
	files       cgroup.Files // the names limit changes are told in
	rev         uint64       // counts the changes a view would draw
	// drawn is the time of the reading rev last counted: an idle
	// container's graphs scroll once a second (Push).
	drawn time.Time
	// interval is the sampler's (SetInterval); 0: every reading is one
	// sample of the graphs.
	interval time.Duration
}

// maxSlots bounds the samples one reading fills: two seconds' worth at
// the default interval, a hidden tab's second with room to spare.
const maxSlots = 8

// SetInterval says how far apart the sampler reads. The graphs' x axis
// counts samples, so a reading that comes n intervals after the last (a
// hidden tab is read once a second, App.tickContainers) is added n
// times, an interval apart: otherwise a second hidden would take one
// sample's width, and a steady climb would look steep while hidden.
func (r *Readings) SetInterval(d time.Duration) { r.interval = d }

// slots is how many samples a reading at t stands for.
func (r *Readings) slots(t time.Time) int {
	if r.interval <= 0 || !r.have {
		return 1
	}
	n := int((t.Sub(r.last.Time) + r.interval/2) / r.interval)
	return min(max(n, 1), maxSlots)
}

// FlashFor is how long a counter stays highlighted after it went up: long
// enough to catch the eye of a class, short enough that the next event
// flashes anew.
const FlashFor = 1500 * time.Millisecond

// HistoryLen is how many samples the graphs keep: a minute at the default
// 250 ms interval, more than the widest panel shows.
const HistoryLen = 240

// maxEvents bounds the event list. Flashing needs only the newest event of
// each kind; the rest is for a log of what happened, and a container that
// is OOM-killed in a loop must not grow it without end.
const maxEvents = 100

// Push takes one sample, seen at now by the clock that times flashes. It
// returns false, and keeps nothing, when the sample is not newer than the
// last one: readings come from Cmds on goroutines of their own and, the
// final one, from the container's end, in any order. A sample without a
// Time is no reading at all (a final reading that failed).
func (r *Readings) Push(s cgroup.Stats, now time.Time) bool {
	if !r.fresh.Take(s) {
		return false
	}
	// The first sample is only a baseline: counters that were already
	// above zero (a restarted container, panels opened late) are no event.
	prevCPU, prevRates := r.cpu, r.rates
	events, pending := len(r.events), r.hasPending()
	if r.have {
		r.cpu = cpuBetween(r.last, s)
		r.rates = ratesBetween(r.last, s)
		r.rates.read, r.rates.write = r.ioRates(s)
		r.noteIncreases(r.last.Memory.Events, s.Memory.Events, now, s.Time)
		if !r.recorded { // a recording tells these itself
			r.noteLimitChanges(r.last, s, now)
			r.noteFreezing(r.last, s, now)
		}
	}
	r.markPending(s.Time)
	points := r.points(s)
	same := r.drawsTheSame(s, prevCPU, prevRates, points)
	// Each sample keeps the limit it was read under, so the graphs' limit
	// line steps where the limit changed.
	n := r.slots(s.Time)
	for _, pt := range points {
		// Each sample it stands for holds its values: a rate is the
		// interval's average, a level is known at its end only.
		for i := n - 1; i >= 0; i-- {
			pt.hist.add(s.Time.Add(-time.Duration(i)*r.interval), pt.value, pt.limit)
		}
	}
	// Only the graphs would move: the same numbers as the last reading,
	// no event to mark.
	scrolls := !same && r.sameNumbers(s, prevCPU, prevRates) && !pending && len(r.events) == events
	r.peakSeen = max(r.peakSeen, s.Memory.Current)
	r.last, r.have = s, true
	switch {
	case same:
	case scrolls && !r.recorded && s.Time.Unix() == r.drawn.Unix():
		// The graphs of an idle container scroll once a second, not at
		// every reading: a reading that changes no number changes no
		// frame, and every changed frame costs the terminal renderer a
		// whole screen's work (issue 13). A changed number is drawn at
		// once.
	default:
		r.rev++
		r.drawn = s.Time
	}
	return true
}

// sameNumbers tells whether sample s shows the numbers the last reading
// showed: the same values and the same rates.
func (r *Readings) sameNumbers(s cgroup.Stats, prevCPU cpuRate, prevRates rates) bool {
	return r.have && r.cpu.ok && prevCPU.ok && sameReading(r.last, s) && r.cpu.sameAs(prevCPU) && r.rates == prevRates
}

// hasPending tells whether an event waits for a reading to be marked at.
func (r *Readings) hasPending() bool {
	return len(r.events) > 0 && r.events[len(r.events)-1].At.IsZero()
}

// drawsTheSame tells whether a view of the readings with sample s would
// look exactly as it does: the same reading as the last one, the same
// rates, and graphs already full of that very value (dropping the oldest
// sample and adding an equal one moves nothing). An idle container is like
// that most of the time; then Rev stays, and nothing is drawn again.
func (r *Readings) drawsTheSame(s cgroup.Stats, prevCPU cpuRate, prevRates rates, points []point) bool {
	if !r.sameNumbers(s, prevCPU, prevRates) {
		return false
	}
	for _, pt := range points {
		if !pt.hist.fullOf(pt.value, pt.limit) {
			return false
		}
	}
	return true
}

// sameReading tells whether two readings hold the same values, whenever
// they were read. The pressure is compared by value, not by pointer.
func sameReading(a, b cgroup.Stats) bool {
	a.Time, b.Time = time.Time{}, time.Time{}
	pa, pb := a.Pressure, b.Pressure
	a.Pressure, b.Pressure = nil, nil
	return a == b && (pa == nil) == (pb == nil) && (pa == nil || *pa == *pb)
}

// A point is what one sample adds to one history: a value under a limit.
type point struct {
	hist         *sampleHistory
	value, limit float64
}

// points are what sample s adds to the histories, once the rates up to it
// are known: memory always, the rest once there is an interval to divide
// by, the stall only where the kernel keeps it.
func (r *Readings) points(s cgroup.Stats) []point {
	pts := []point{{&r.memory, float64(s.Memory.Current), memoryLimit(s.Memory)}}
	if r.cpu.ok {
		q, _ := quotaCores(s.CPU)
		pts = append(pts, point{&r.cores, r.cpu.cores, q})
	}
	if r.rates.ok {
		pts = append(pts,
			point{&r.ioRead, r.rates.read, bpsLimit(s.IO.ReadBpsMax)},
			point{&r.ioWrite, r.rates.write, bpsLimit(s.IO.WriteBpsMax)})
	}
	if r.rates.ok && r.rates.pressure {
		for i := range r.stall {
			pts = append(pts, point{&r.stall[i], r.rates.stall[i], 0})
		}
	}
	return pts
}

// HasSample tells whether a sample has been pushed.
func (r *Readings) HasSample() bool { return r.have }

// Last is the newest sample (the zero Stats before the first).
func (r *Readings) Last() cgroup.Stats { return r.last }

// CPU is the rate between the last two samples.
func (r *Readings) CPU() cpuRate { return r.cpu }

// Memory is the history of memory current, in bytes.
func (r *Readings) Memory() *sampleHistory { return &r.memory }

// Cores is the history of CPU cores used.
func (r *Readings) Cores() *sampleHistory { return &r.cores }

// Rates are the counters other than the CPU's between the last two
// samples: memory.events high, the bytes of io.stat, the stall of PSI.
func (r *Readings) Rates() rates { return r.rates }

// IORead and IOWrite are the histories of bytes read and written per
// second, each sample under its io.max limit (0: none).
func (r *Readings) IORead() *sampleHistory  { return &r.ioRead }
func (r *Readings) IOWrite() *sampleHistory { return &r.ioWrite }

// Stall is the history of one resource's PSI some: the percent of each
// interval in which some process of the group waited for it.
func (r *Readings) Stall(k pressureKind) *sampleHistory { return &r.stall[k] }

// PeakSeen is the highest memory current pushed: the peak for kernels
// without memory.peak (v2 before Linux 5.19).
func (r *Readings) PeakSeen() uint64 { return r.peakSeen }

// Rev changes whenever a view of the readings would change: a new sample
// that draws differently, a new disk reading. Views key their memo by it.
// (Flashes end by time alone: views key by Flashing too.)
func (r *Readings) Rev() uint64 { return r.rev }

// ---- disk ----

// diskReading is what a container has written into its layer tmpfs (its
// overlay's upper layer and /tmp), against the tmpfs's size, --disk-limit.
// It is not a cgroup file, so it comes apart from the Stats.
type diskReading struct {
	used, size uint64
	ok         bool
}

// PushDisk takes the latest reading of the container's layer.
func (r *Readings) PushDisk(d diskReading) {
	if d != r.disk {
		r.disk = d
		r.rev++
	}
}

// Disk is the latest reading of the container's layer.
func (r *Readings) Disk() diskReading { return r.disk }

// ---- history ----

// sampleHistory is a bounded series of samples for a graph, oldest first,
// each with the limit it was read under (0: none), so that a graph can
// draw the limit as it was at every moment.
type sampleHistory struct {
	values []float64
	limits []float64
	times  []time.Time
}

func (h *sampleHistory) add(t time.Time, v, limit float64) {
	h.values = append(h.values, v)
	h.limits = append(h.limits, limit)
	h.times = append(h.times, t)
	if len(h.values) > HistoryLen {
		// Re-slicing drops the oldest; append copies into a fresh array
		// when the old one is full, so memory stays bounded.
		h.values = h.values[len(h.values)-HistoryLen:]
		h.limits = h.limits[len(h.limits)-HistoryLen:]
		h.times = h.times[len(h.times)-HistoryLen:]
	}
}

// fullOf tells whether the history is full and every sample in it is v
// under limit.
func (h *sampleHistory) fullOf(v, limit float64) bool {
	if len(h.values) < HistoryLen {
		return false
	}
	for i, x := range h.values {
		if x != v || h.limits[i] != limit {
			return false
		}
	}
	return true
}

// span is the time covered by the newest n samples.
func (h *sampleHistory) span(n int) time.Duration {
	n = min(n, len(h.times))
	if n < 2 {
		return 0
	}
	return h.times[len(h.times)-1].Sub(h.times[len(h.times)-n])
}

// ---- CPU between two samples ----

// cpuRate is what happened between two samples. cpu.stat's counters only
// grow, so "how busy is it now" is the difference of two readings divided
// by the wall time between them.
type cpuRate struct {
	ok            bool // false until two samples, or after a counter reset
	interval      time.Duration
	cores         float64 // CPU time used per wall time: 0.5 = half a core
	throttled     uint64  // periods throttled in the interval (nr_throttled)
	throttledUsec uint64  // time spent throttled in the interval
}

func cpuBetween(prev, cur cgroup.Stats) cpuRate {
	interval := cur.Time.Sub(prev.Time)
	if interval <= 0 || cur.CPU.UsageUsec < prev.CPU.UsageUsec {
		return cpuRate{}
	}
	used := cur.CPU.UsageUsec - prev.CPU.UsageUsec
	return cpuRate{
		ok:            true,
		interval:      interval,
		cores:         float64(used) / float64(interval.Microseconds()),
		throttled:     counterIncrease(prev.CPU.NrThrottled, cur.CPU.NrThrottled),
		throttledUsec: counterIncrease(prev.CPU.ThrottledUsec, cur.CPU.ThrottledUsec),
	}
}

// sameAs tells whether two rates draw the same. The interval is left out:
// it jitters by a millisecond or two, and the panels show rates per
// second, not the interval.
func (c cpuRate) sameAs(o cpuRate) bool {
	return c.cores == o.cores && c.throttled == o.throttled && c.throttledUsec == o.throttledUsec
}

// perSecond turns a counter's increase over the interval into a rate. A
// rate, not the raw increase: the interval jitters, and "+0/s" of an idle
// container then reads the same every sample, so nothing is drawn again.
func (c cpuRate) perSecond(delta uint64) float64 {
	return float64(delta) / c.interval.Seconds()
}

// counterIncrease is b-a for a counter, 0 if it went backwards (a reset).
func counterIncrease(a, b uint64) uint64 {
	if b < a {
		return 0
	}
	return b - a
}

// ---- the other counters between two samples ----

// ioWindowSpan is the time the I/O rates are taken over. A reader under
// io.max gets its bytes in bursts (vme50-hog io reads 1 MiB at a time:
// two a second at 2 MiB/s), so a quarter of a second holds 0 or 4 MiB/s;
// a second holds the rate the limit allows.
const ioWindowSpan = time.Second

// ioRates are the bytes read and written per second over the last
// ioWindowSpan (or as much of it as there are readings), up to s.
func (r *Readings) ioRates(s cgroup.Stats) (read, write float64) {
	if len(r.ioWindow) == 0 {
		r.ioWindow = append(r.ioWindow, r.last)
	}
	var secs float64
	r.ioWindow, secs = slide(r.ioWindow, s, func(s cgroup.Stats) time.Time { return s.Time }, ioWindowSpan)
	if secs <= 0 {
		return 0, 0
	}
	first := r.ioWindow[0]
	return float64(counterIncrease(first.IO.ReadBytes, s.IO.ReadBytes)) / secs,
		float64(counterIncrease(first.IO.WriteBytes, s.IO.WriteBytes)) / secs
}

// slide adds s, read at(s), to a window of readings and drops those more
// than span before it, two at least kept: the first one left is where
// the rates over the window are counted from, secs before s.
func slide[T any](window []T, s T, at func(T) time.Time, span time.Duration) (_ []T, secs float64) {
	window = append(window, s)
	for len(window) > 2 && !at(window[1]).After(at(s).Add(-span)) {
		window = window[1:]
	}
	return window, at(s).Sub(at(window[0])).Seconds()
}

// pressureKind is one of PSI's three resources, in the order of its files.
type pressureKind int

const (
	pressureCPU pressureKind = iota
	pressureMemory
	pressureIO
	numPressure
)

// rates are the counters that only grow, other than the CPU's, turned into
// what happened per second (or per interval) between two samples.
type rates struct {
	ok          bool    // false until two samples
	high        float64 // memory.events high per second: allocations throttled over memory.high
	read, write float64 // bytes per second (io.stat rbytes, wbytes), over the last second
	// pressure: both samples have PSI; stall is, per resource, the share
	// of the interval in percent that some process was stalled (the
	// growth of some's total), full the same for all of them at once.
	pressure    bool
	stall, full [numPressure]float64
}

func ratesBetween(prev, cur cgroup.Stats) rates {
	interval := cur.Time.Sub(prev.Time)
	if interval <= 0 {
		return rates{}
	}
	secs := interval.Seconds()
	perSecond := func(a, b uint64) float64 { return float64(counterIncrease(a, b)) / secs }
	r := rates{
		ok:   true,
		high: perSecond(prev.Memory.Events.High, cur.Memory.Events.High),
		// read and write come from Push, over the last second (ioRates).
	}
	if a, b := prev.Pressure, cur.Pressure; a != nil && b != nil {
		r.pressure = true
		usec := float64(interval.Microseconds())
		share := func(x, y uint64) float64 { return min(float64(counterIncrease(x, y))/usec*100, 100) }
		for k, pair := range [numPressure][2]cgroup.PSI{{a.CPU, b.CPU}, {a.Memory, b.Memory}, {a.IO, b.IO}} {
			r.stall[k] = share(pair[0].Some.Total, pair[1].Some.Total)
			r.full[k] = share(pair[0].Full.Total, pair[1].Full.Total)
		}
	}
	return r
}

// psiOf is one resource's pressure file in a reading.
func psiOf(p *cgroup.Pressure, k pressureKind) cgroup.PSI {
	switch k {
	case pressureCPU:
		return p.CPU
	case pressureMemory:
		return p.Memory
	}
	return p.IO
}

// bpsLimit is an io.max bandwidth as a graph's limit: 0 without one.
func bpsLimit(v uint64) float64 {
	if !isLimited(v) {
		return 0
	}
	return float64(v)
}

// memoryLimit is memory.max as a graph's limit: 0 without one.
func memoryLimit(m cgroup.MemoryStats) float64 {
	if !isLimited(m.Max) {
		return 0
	}
	return float64(m.Max)
}

// quotaCores is cpu.max as cores: 50000 per 100000 µs is 0.5 cores.
func quotaCores(c cgroup.CPUStats) (float64, bool) {
	if c.QuotaUsec == cgroup.Unlimited || c.QuotaUsec == 0 || c.PeriodUsec == 0 {
		return 0, false
	}
	return float64(c.QuotaUsec) / float64(c.PeriodUsec), true
}
