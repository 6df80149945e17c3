package ui

import (
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"vme50-tui/cgroup"
	"vme50-tui/record"
)

// generatedRecording is n rows of a container that does a bit of
// everything, drawn by seed: memory that wanders and is OOM-killed,
// limits changed, pauses, CPU and I/O, pressure, rows read in the same
// millisecond, and events of every kind at random rows.
func generatedRecording(seed uint64, n int, withEvents bool) *record.Recording {
	rng := rand.New(rand.NewPCG(seed, seed+1))
	cols := strings.Split(record.Header, ",")
	if !withEvents {
		cols = cols[:len(cols)-1]
	}
	rec := &record.Recording{Columns: cols}
	var st cgroup.Stats
	st.Memory.Max, st.Memory.High = 64<<20, cgroup.Unlimited
	st.Pids.Max, st.CPU.QuotaUsec, st.CPU.PeriodUsec = 32, 50000, 100000
	at := time.Duration(0)
	kinds := []record.EventKind{record.EventStart, record.EventOOMKill, record.EventLimit, record.EventPause, record.EventResume, record.EventExit, "later_kind"}
	for i := range n {
		if rng.IntN(50) != 0 { // a row in the same millisecond now and then
			at += time.Duration(200+rng.IntN(100)) * time.Millisecond
		}
		st.Time = time.Unix(0, 0).Add(at)
		st.Memory.Current = uint64(rng.IntN(64)) << 20
		st.CPU.UsageUsec += uint64(rng.IntN(250000))
		st.CPU.NrThrottled += uint64(rng.IntN(3))
		st.IO.ReadBytes += uint64(rng.IntN(1 << 20))
		st.IO.WriteBytes += uint64(rng.IntN(1 << 20))
		st.Pids.Current = uint64(1 + rng.IntN(8))
		if rng.IntN(100) == 0 {
			st.Memory.Events.OOMKill++
		}
		if rng.IntN(30) == 0 {
			st.Memory.Events.High += uint64(rng.IntN(10))
		}
		if rng.IntN(200) == 0 {
			st.Memory.Max = uint64(16+rng.IntN(64)) << 20
		}
		if rng.IntN(150) == 0 {
			st.Frozen = !st.Frozen
		}
		if rng.IntN(2) == 0 {
			st.Pressure = &cgroup.Pressure{}
			st.Pressure.CPU.Some.Total = uint64(i) * 1000
		} else {
			st.Pressure = nil
		}
		s := record.Sample{At: at, Stats: st}
		if withEvents {
			for range rng.IntN(40) / 37 * (1 + rng.IntN(3)) { // mostly none, now and then a few
				s.Events = append(s.Events, record.Event{Kind: kinds[rng.IntN(len(kinds))], Detail: "row " + time.Duration(i).String()})
			}
		}
		rec.Samples = append(rec.Samples, s)
	}
	return rec
}

// Stepping back to a row shows what playing forward to it shows, and so
// does playing on from there: a property over generated recordings, rows
// drawn at random and on either side of each checkpoint.
func TestReplayBackIsForward(t *testing.T) {
	const n = 3*checkpointEvery + 700
	for _, tc := range []struct {
		seed   uint64
		events bool
	}{{1, true}, {2, true}, {3, false}} {
		rec := generatedRecording(tc.seed, n, tc.events)
		rows := []int{0, 1, n - 1}
		for c := checkpointEvery - 1; c < n; c += checkpointEvery {
			rows = append(rows, c-1, c, c+1)
		}
		rng := rand.New(rand.NewPCG(tc.seed, 7))
		for range 12 {
			rows = append(rows, rng.IntN(n))
		}
		back := NewReplay("gen.csv", rec, "")
		back.Update(tea.WindowSizeMsg{Width: 160, Height: 50})
		back.pauseAt(n - 1)
		for _, i := range rows {
			forward := NewReplay("gen.csv", rec, "")
			forward.Update(tea.WindowSizeMsg{Width: 160, Height: 50})
			forward.pauseAt(i)
			back.pauseAt(i)
			sameScreen(t, tc.seed, i, forward, back)
			// Played on from the copy: the copy shares nothing.
			on := min(i+checkpointEvery/3, n-1)
			forward.pauseAt(on)
			back.pauseAt(on)
			sameScreen(t, tc.seed, on, forward, back)
			back.pauseAt(n - 1)
		}
	}
}

func sameScreen(t *testing.T, seed uint64, row int, forward, back *Replay) {
	t.Helper()
	if f, b := forward.View().Content, back.View().Content; f != b {
		t.Fatalf("seed %d, row %d: stepping back shows\n%s\nplaying forward\n%s", seed, row, b, f)
	}
	if f, b := forward.StatusLine(), back.StatusLine(); f != b {
		t.Fatalf("seed %d, row %d: status %q back, %q forward", seed, row, b, f)
	}
	if f, b := forward.panels.r.peakSeen, back.panels.r.peakSeen; f != b {
		t.Fatalf("seed %d, row %d: peak %d back, %d forward", seed, row, b, f)
	}
	if !reflect.DeepEqual(forward.panels.r.Events(), back.panels.r.Events()) {
		t.Fatalf("seed %d, row %d: the events differ", seed, row)
	}
}

// A step back plays checkpointEvery rows at most, however long the
// recording: from its start it played every row before.
func TestReplayStepBackPlaysFewRows(t *testing.T) {
	const n = 10 * checkpointEvery
	r := NewReplay("gen.csv", generatedRecording(4, n, true), "")
	r.Update(tea.WindowSizeMsg{Width: 160, Height: 50})
	r.pauseAt(n - 1)
	for _, key := range []tea.KeyPressMsg{{Code: tea.KeyLeft}, {Code: tea.KeyLeft, Mod: tea.ModShift}, {Code: tea.KeyLeft}} {
		before, pos := r.pushed, r.Pos()
		r.Update(key)
		if played := r.pushed - before; played > checkpointEvery {
			t.Errorf("%v from row %d to %d played %d rows, at most %d wanted", key, pos, r.Pos(), played, checkpointEvery)
		}
	}
	if r.Pos() >= n-2 {
		t.Errorf("at row %d: the keys did not step back", r.Pos())
	}
}

// clone copies each field of Readings that it knows; a new field must be
// looked at there (a slice shared by two copies is overwritten by both).
func TestReadingsCloneKnowsEveryField(t *testing.T) {
	known := []string{"fresh", "last", "have", "cpu", "rates", "memory", "cores", "ioRead", "ioWrite", "stall",
		"ioWindow", "peakSeen", "disk", "net", "netWindow", "events", "victims", "victimsSeen", "recorded", "files", "rev", "drawn", "interval"}
	rt := reflect.TypeFor[Readings]()
	for i := range rt.NumField() {
		if name := rt.Field(i).Name; !slices.Contains(known, name) {
			t.Errorf("Readings.%s is new: make Readings.clone (replay_checkpoint.go) copy it, then add it here", name)
		}
	}
	if n := reflect.TypeFor[sampleHistory]().NumField(); n != 3 {
		t.Errorf("sampleHistory has %d fields; sampleHistory.clone copies 3", n)
	}
}
