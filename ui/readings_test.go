package ui

import (
	"testing"
	"time"

	"vme50-tui/cgroup"
)

// The readings model alone, without drawing: samples from panelSample
// (panels_test.go), times from panelsT0.

// pushAt pushes s with the clock at its own time, as the app does.
func pushAt(r *Readings, s cgroup.Stats) bool { return r.Push(s, s.Time) }

func TestReadingsCores(t *testing.T) {
	var r Readings
	first := panelSample(0)
	pushAt(&r, first)
	if r.CPU().ok {
		t.Fatal("a rate from one sample")
	}
	second := panelSample(time.Second)
	second.CPU.UsageUsec = first.CPU.UsageUsec + 500_000 // half a second of CPU in a second
	pushAt(&r, second)
	if cpu := r.CPU(); !cpu.ok || cpu.cores != 0.5 || cpu.interval != time.Second {
		t.Fatalf("rate %+v, want 0.5 cores over 1s", cpu)
	}
	// A quarter of a second of CPU in 250 ms is one whole core.
	third := panelSample(1250 * time.Millisecond)
	third.CPU.UsageUsec = second.CPU.UsageUsec + 250_000
	pushAt(&r, third)
	if cpu := r.CPU(); cpu.cores != 1 {
		t.Errorf("cores = %v, want 1", cpu.cores)
	}
	// The history of cores starts with the first rate.
	if got := r.Cores().values; len(got) != 2 || got[0] != 0.5 || got[1] != 1 {
		t.Errorf("cores history %v, want [0.5 1]", got)
	}
}

func TestReadingsThrottleDeltas(t *testing.T) {
	var r Readings
	a := panelSample(0)
	a.CPU.NrThrottled, a.CPU.ThrottledUsec = 10, 1_000_000
	pushAt(&r, a)
	b := panelSample(250 * time.Millisecond)
	b.CPU.UsageUsec = a.CPU.UsageUsec + 125_000
	b.CPU.NrThrottled, b.CPU.ThrottledUsec = 13, 1_120_000
	pushAt(&r, b)
	cpu := r.CPU()
	if cpu.throttled != 3 || cpu.throttledUsec != 120_000 {
		t.Errorf("deltas: %d periods, %d µs; want 3, 120000", cpu.throttled, cpu.throttledUsec)
	}
	if got := cpu.perSecond(cpu.throttled); got != 12 {
		t.Errorf("%v periods/s, want 12", got)
	}
}

func TestReadingsCounterReset(t *testing.T) {
	var r Readings
	pushAt(&r, panelSample(0))
	s := panelSample(time.Second)
	s.CPU.UsageUsec = 10 // went backwards: a new cgroup, not negative usage
	pushAt(&r, s)
	if r.CPU().ok {
		t.Errorf("a counter reset gave a rate: %+v", r.CPU())
	}
	if counterIncrease(5, 3) != 0 || counterIncrease(3, 5) != 2 {
		t.Error("counterIncrease")
	}
	// A memory counter going down (0, 3, 1, 2) is a new baseline, not an
	// event; up from there is one.
	for i, kills := range []uint64{3, 1, 2} {
		s.Time = s.Time.Add(time.Second)
		s.Memory.Events.OOMKill = kills
		pushAt(&r, s)
		if want := []int{1, 1, 2}[i]; len(r.Events()) != want {
			t.Errorf("oom_kill ... -> %d: %d events, want %d", kills, len(r.Events()), want)
		}
	}
	// Two samples at the same time: no interval to divide by.
	if cpu := cpuBetween(s, s); cpu.ok {
		t.Errorf("a zero interval gave a rate: %+v", cpu)
	}
}

// Readings arrive from goroutines in any order: only a newer one counts.
func TestReadingsLateSampleIgnored(t *testing.T) {
	var r Readings
	if pushAt(&r, cgroup.Stats{}) || r.HasSample() {
		t.Fatal("a sample without a time was taken")
	}
	newer := panelSample(time.Second)
	if !pushAt(&r, newer) {
		t.Fatal("the first sample was not taken")
	}
	rev := r.Rev()
	late := panelSample(0)
	late.Memory.Current = 1
	for _, s := range []cgroup.Stats{late, newer, {}} {
		if pushAt(&r, s) {
			t.Errorf("sample at %v taken after one at %v", s.Time, newer.Time)
		}
	}
	if r.Last().Time != newer.Time || r.PeakSeen() != newer.Memory.Current ||
		len(r.Memory().values) != 1 || r.Rev() != rev {
		t.Errorf("a late sample changed the readings: last %v, peak %d, %d in history, rev %d -> %d",
			r.Last().Time, r.PeakSeen(), len(r.Memory().values), rev, r.Rev())
	}
}

func TestReadingsPeakSeen(t *testing.T) {
	var r Readings
	for i, mib := range []uint64{4, 30, 12} {
		s := panelSample(time.Duration(i) * time.Second)
		s.Memory.Current = mib << 20
		pushAt(&r, s)
	}
	if r.PeakSeen() != 30<<20 {
		t.Errorf("peak %d, want 30 MiB", r.PeakSeen())
	}
}

func TestReadingsHistoryBounded(t *testing.T) {
	var r Readings
	s := panelSample(0)
	for i := range 3 * HistoryLen {
		s.Time = panelsT0.Add(time.Duration(i) * 250 * time.Millisecond)
		s.CPU.UsageUsec += 1000
		pushAt(&r, s)
	}
	if len(r.Memory().values) != HistoryLen || len(r.Cores().values) != HistoryLen {
		t.Errorf("history holds %d and %d samples, want %d", len(r.Memory().values), len(r.Cores().values), HistoryLen)
	}
	if span := r.Memory().span(HistoryLen); span != (HistoryLen-1)*250*time.Millisecond {
		t.Errorf("span %v", span)
	}
}

// An OOM kill is an event, seen at the clock's time; it flashes for
// FlashFor, and a new one restarts the flash.
func TestReadingsEventFlash(t *testing.T) {
	var r Readings
	t0 := panelsT0
	r.Push(panelSample(0), t0)
	s := panelSample(250 * time.Millisecond)
	s.Memory.Events.OOMKill = 1
	seen := t0.Add(300 * time.Millisecond) // the clock, not the sample's time
	r.Push(s, seen)

	events := r.Events()
	if len(events) != 1 || events[0] != (Event{Time: seen, At: s.Time, Kind: EventOOMKill, Text: "oom_kill 0 -> 1", victims: 1}) {
		t.Fatalf("events %+v", events)
	}
	checkFlash := func(at time.Time, want bool) {
		t.Helper()
		if got := r.Flashing(at).has(EventOOMKill); got != want {
			t.Errorf("at %v: flashing %v, want %v", at.Sub(seen), got, want)
		}
	}
	checkFlash(seen, true)
	checkFlash(seen.Add(FlashFor-time.Nanosecond), true)
	checkFlash(seen.Add(FlashFor), false)
	if r.Flashing(seen).has(EventOOM) {
		t.Error("oom flashes without going up")
	}
	if until, ok := r.FlashDeadline(seen); !ok || !until.Equal(seen.Add(FlashFor)) {
		t.Errorf("deadline %v %v", until, ok)
	}

	// A second kill a second later: the flash runs FlashFor from it.
	s.Time = s.Time.Add(time.Second)
	s.Memory.Events.OOMKill = 2
	again := seen.Add(time.Second)
	r.Push(s, again)
	checkFlash(seen.Add(FlashFor), true)
	checkFlash(again.Add(FlashFor), false)
	if _, ok := r.FlashDeadline(again.Add(FlashFor)); ok {
		t.Error("a deadline after every flash ended")
	}
	if n := len(r.Events()); n != 2 || r.Events()[1].Text != "oom_kill 1 -> 2" {
		t.Errorf("events %+v", r.Events())
	}
}

// The first sample is a baseline: counts already above zero are no event.
func TestReadingsFirstSampleIsNoEvent(t *testing.T) {
	var r Readings
	s := panelSample(0)
	s.Memory.Events = cgroup.MemoryEvents{Max: 117, OOM: 1, OOMKill: 1}
	pushAt(&r, s)
	if len(r.Events()) != 0 || r.Flashing(s.Time) != 0 {
		t.Errorf("events %+v from the first sample", r.Events())
	}
}

func TestReadingsEventsBounded(t *testing.T) {
	var r Readings
	s := panelSample(0)
	pushAt(&r, s)
	for i := range 2 * maxEvents {
		s.Time = s.Time.Add(time.Second)
		s.Memory.Events.OOMKill = uint64(i + 1)
		pushAt(&r, s)
	}
	events := r.Events()
	if len(events) != maxEvents || events[len(events)-1].Text != "oom_kill 199 -> 200" {
		t.Errorf("%d events, the last %+v", len(events), events[len(events)-1])
	}
}

// Rev moves with what a view draws, and stays for an idle container whose
// graphs are flat: then nothing is drawn again.
func TestReadingsRev(t *testing.T) {
	var r Readings
	s := panelSample(0)
	for i := range HistoryLen + 2 {
		s.Time = panelsT0.Add(time.Duration(i) * 250 * time.Millisecond)
		pushAt(&r, s)
	}
	rev := r.Rev()
	s.Time = s.Time.Add(250 * time.Millisecond)
	pushAt(&r, s)
	if r.Rev() != rev {
		t.Error("an unchanged idle sample moved Rev")
	}
	s.Time = s.Time.Add(250 * time.Millisecond)
	s.Memory.Current += 4096
	pushAt(&r, s)
	if r.Rev() == rev {
		t.Error("a new reading did not move Rev")
	}
	rev = r.Rev()
	r.PushDisk(diskReading{used: 1, size: 2, ok: true})
	r.PushDisk(diskReading{used: 1, size: 2, ok: true})
	if r.Rev() != rev+1 || r.Disk().used != 1 {
		t.Errorf("two equal disk readings: rev %d -> %d", rev, r.Rev())
	}
}
