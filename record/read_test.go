package record

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"vme50-tui/cgroup"
)

// What the Recorder writes reads back as the same Stats.
func TestReadBackWhatRecorderWrote(t *testing.T) {
	start := time.Unix(0, 0)
	written := []cgroup.Stats{
		{
			Time: start.Add(250 * time.Millisecond),
			Memory: cgroup.MemoryStats{Current: 1236992, Max: 33554432, Peak: 1273856, Events: cgroup.MemoryEvents{OOMKill: 1, High: 7},
				High: 16777216, Swap: 4096},
			CPU:      cgroup.CPUStats{UsageUsec: 1843, NrThrottled: 3, ThrottledUsec: 52000},
			Pids:     cgroup.PidsStats{Current: 1, Max: 25},
			IO:       cgroup.IOStats{ReadBytes: 512, WriteBytes: 1024},
			Pressure: &cgroup.Pressure{CPU: cgroup.PSI{Some: cgroup.PSILine{Total: 11}}, IO: cgroup.PSI{Some: cgroup.PSILine{Total: 33}}},
			Frozen:   true,
		},
		{
			// v1 without limits: no peak, no memory.high, no PSI.
			Time:   start.Add(1500 * time.Millisecond),
			Memory: cgroup.MemoryStats{Current: 4096, Max: cgroup.Unlimited, High: cgroup.Unlimited},
			CPU:    cgroup.CPUStats{UsageUsec: 900000},
			Pids:   cgroup.PidsStats{Current: 2, Max: cgroup.Unlimited},
		},
	}
	events := [][]Event{
		{{Kind: EventStart, Detail: "cgroup v2, memory.max 32.0 MiB"}},
		{{Kind: EventOOMKill, Detail: `vme50-hog pid 7, anon-rss 31.5 MiB, "quoted"`}, {Kind: EventExit, Detail: "status 137"}},
	}
	var buf bytes.Buffer
	w := New(&buf, start)
	for i, st := range written {
		w.Write(st, events[i]...)
	}
	if err := w.Err(); err != nil {
		t.Fatal(err)
	}
	rec, err := Read(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if want := strings.Split(Header, ","); !reflect.DeepEqual(rec.Columns, want) {
		t.Errorf("columns %v, want %v", rec.Columns, want)
	}
	if len(rec.Samples) != len(written) {
		t.Fatalf("%d samples, want %d", len(rec.Samples), len(written))
	}
	for i, s := range rec.Samples {
		if want := written[i].Time.Sub(start); s.At != want {
			t.Errorf("sample %d at %v, want %v", i, s.At, want)
		}
		if !reflect.DeepEqual(s.Stats, written[i]) {
			t.Errorf("sample %d:\n got %+v\nwant %+v", i, s.Stats, written[i])
		}
		if !reflect.DeepEqual(s.Events, events[i]) {
			t.Errorf("sample %d: events %v, want %v", i, s.Events, events[i])
		}
	}
	if v, known := rec.Version(); v != cgroup.V2 || !known {
		t.Errorf("version %v (known %v), want v2 from the start event", v, known)
	}
}

// A recording made before the later columns: the contract's ten only.
func TestReadOldTenColumns(t *testing.T) {
	file := "time_ms,memory_current,memory_max,memory_peak,oom_kill,cpu_usage_usec,nr_throttled,throttled_usec,pids_current,pids_max\n" +
		"250,1236992,33554432,,0,1843,0,0,1,\n" +
		"500,2000000,33554432,2100000,1,2843,2,100,3,64\n"
	rec, err := Read(strings.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	if len(rec.Columns) != 10 || len(rec.Samples) != 2 {
		t.Fatalf("%d columns, %d samples", len(rec.Columns), len(rec.Samples))
	}
	first, second := rec.Samples[0].Stats, rec.Samples[1].Stats
	if first.Memory.Peak != 0 || first.Pids.Max != cgroup.Unlimited || first.Memory.Max != 33554432 {
		t.Errorf("first row: peak %d, pids max %d, memory max %d", first.Memory.Peak, first.Pids.Max, first.Memory.Max)
	}
	// Columns the file does not have: no memory.high limit, no PSI.
	if first.Memory.High != cgroup.Unlimited || first.Pressure != nil || first.Frozen {
		t.Errorf("missing columns read as high %d, pressure %v, frozen %v", first.Memory.High, first.Pressure, first.Frozen)
	}
	if second.Memory.Events.OOMKill != 1 || second.CPU.ThrottledUsec != 100 || second.Pids.Max != 64 || second.Time != time.Unix(0, 0).Add(500*time.Millisecond) {
		t.Errorf("second row %+v", second)
	}
}

// A recording of the version before the events column: 19 columns.
func TestReadNineteenColumns(t *testing.T) {
	header := strings.TrimSuffix(Header, ",events")
	if n := len(strings.Split(header, ",")); n != 19 {
		t.Fatalf("the old header has %d columns", n)
	}
	file := header + "\n" +
		"250,1236992,33554432,1273856,1,1843,3,52000,1,25,16777216,7,4096,512,1024,11,0,33,1\n" +
		"1500,4096,,,0,0,0,0,2,,,0,0,0,0,,,,0\n"
	rec, err := Read(strings.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	first, second := rec.Samples[0], rec.Samples[1]
	if first.Stats.Memory.High != 16777216 || first.Stats.Pressure == nil || first.Stats.Pressure.IO.Some.Total != 33 || !first.Stats.Frozen || first.Events != nil {
		t.Errorf("first row %+v", first)
	}
	if second.At != 1500*time.Millisecond || second.Stats.Pressure != nil || second.Stats.Memory.Max != cgroup.Unlimited || second.Stats.Memory.Peak != 0 {
		t.Errorf("second row %+v", second)
	}
}

// Columns after the ten are found by name, in any order; unknown ones are
// skipped; the events column is parsed, quoted or not.
func TestReadColumnsByName(t *testing.T) {
	file := "time_ms,memory_current,memory_max,memory_peak,oom_kill,cpu_usage_usec,nr_throttled,throttled_usec,pids_current,pids_max,from_the_future,events,frozen,memory_high\n" +
		`0,1,2,3,0,5,0,0,1,9,whatever,start vme50-hog cgroup v1,0,` + "\n" +
		`250,1,2,3,1,5,0,0,1,9,,"oom_kill vme50-hog pid 7, anon-rss 63.2 MiB; exit status 137",1,4096` + "\n"
	rec, err := Read(strings.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	second := rec.Samples[1]
	if !second.Stats.Frozen || second.Stats.Memory.High != 4096 || rec.Samples[0].Stats.Memory.High != cgroup.Unlimited {
		t.Errorf("frozen %v, high %d", second.Stats.Frozen, second.Stats.Memory.High)
	}
	want := []Event{{Kind: EventOOMKill, Detail: "vme50-hog pid 7, anon-rss 63.2 MiB"}, {Kind: EventExit, Detail: "status 137"}}
	if !reflect.DeepEqual(second.Events, want) {
		t.Errorf("events %v, want %v", second.Events, want)
	}
	if v, known := rec.Version(); v != cgroup.V1 || !known {
		t.Errorf("version %v %v, want v1 from the start event", v, known)
	}
}

// A recording saved again by a spreadsheet as "CSV UTF-8" (a byte order
// mark first, CRLF line ends) reads the same.
func TestReadSpreadsheetSaved(t *testing.T) {
	file := "\ufeff" + strings.TrimSuffix(Header, ",events") + "\r\n" +
		"250,1236992,33554432,1273856,1,1843,3,52000,1,25,16777216,7,4096,512,1024,11,0,33,1\r\n"
	rec, err := Read(strings.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	if rec.Columns[0] != "time_ms" || len(rec.Samples) != 1 || rec.Samples[0].Stats.Memory.Current != 1236992 {
		t.Errorf("read %+v", rec)
	}
}

// A header alone is a container that ended before its first reading.
func TestReadHeaderOnly(t *testing.T) {
	rec, err := Read(strings.NewReader(Header + "\n"))
	if err != nil || len(rec.Samples) != 0 || len(rec.Columns) != len(strings.Split(Header, ",")) {
		t.Fatalf("rec %+v, err %v", rec, err)
	}
}

// Every error is one line naming the file's line and what is wrong.
func TestReadErrors(t *testing.T) {
	const h = "time_ms,memory_current,memory_max,memory_peak,oom_kill,cpu_usage_usec,nr_throttled,throttled_usec,pids_current,pids_max,frozen\n"
	const ok = "250,1,2,3,0,5,0,0,1,9,0\n"
	for _, tc := range []struct {
		name, file string
		want       []string
	}{
		{"empty", "", []string{"empty", "should start with time_ms,memory_current,memory_max"}},
		{"not a recording", "name,age\nbob,7\n", []string{"line 1: not a recording", "should start with time_ms,memory_current,memory_max,memory_peak,oom_kill,cpu_usage_usec,nr_throttled,throttled_usec,pids_current,pids_max"}},
		{"columns out of order", "memory_current,time_ms,memory_max,memory_peak,oom_kill,cpu_usage_usec,nr_throttled,throttled_usec,pids_current,pids_max\n", []string{"line 1: not a recording"}},
		{"not a number", h + ok + "500,12a,2,3,0,5,0,0,1,9,0\n", []string{"line 3", "memory_current", `"12a" is not a number`}},
		{"negative", h + ok + ok + "750,1,2,3,0,-5,0,0,1,9,0\n", []string{"line 4", "cpu_usage_usec", `"-5"`}},
		{"frozen", h + "250,1,2,3,0,5,0,0,1,9,yes\n", []string{"line 2", "frozen", `"yes" is not 0 or 1`}},
		{"backwards", h + ok + "500,1,2,3,0,5,0,0,1,9,0\n" + ok, []string{"line 4", "time goes backwards", "250 after 500"}},
		{"short row", h + ok + "500,1,2\n" + ok, []string{"line 3 has 3 fields, the header 11"}},
		{"bad quote", h + ok + `500,1,2,3,0,5,0,0,1,"9"x,0` + "\n" + ok, []string{"line 3"}},
		// An events field with a line break (written by hand: the
		// Recorder flattens them) makes a row two lines long; the line
		// named is still the file's.
		{"after a two-line row", "time_ms,memory_current,memory_max,memory_peak,oom_kill,cpu_usage_usec,nr_throttled,throttled_usec,pids_current,pids_max,events\n" +
			"0,1,2,3,0,5,0,0,1,9,\"start\nv1\"\n250,x,2,3,0,5,0,0,1,9,\n", []string{"line 4", "memory_current"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec, err := Read(strings.NewReader(tc.file))
			if err == nil {
				t.Fatalf("no error; read %+v", rec)
			}
			if rec != nil {
				t.Errorf("a recording came back with %v", err)
			}
			msg := err.Error()
			if strings.Contains(msg, "\n") {
				t.Errorf("more than one line: %q", msg)
			}
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("%q does not say %q", msg, w)
				}
			}
		})
	}
}

// A last row without its newline was cut by a crash: the rows before it
// come back with an error naming its line.
func TestReadCutShort(t *testing.T) {
	const h = "time_ms,memory_current,memory_max,memory_peak,oom_kill,cpu_usage_usec,nr_throttled,throttled_usec,pids_current,pids_max,events\n"
	const ok = "250,1,2,3,0,5,0,0,1,9,\n"
	for _, tc := range []struct{ name, last string }{
		{"in a number", "500,12"},
		{"every field there", "500,1,2,3,0,5,0,0,1,9,exit st"},
		{"inside quotes", `500,1,2,3,0,5,0,0,1,9,"oom_kill a, b`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec, err := Read(strings.NewReader(h + ok + ok + tc.last))
			var cut *CutShortError
			if !errors.As(err, &cut) || cut.Line != 4 {
				t.Fatalf("err %v, want line 4 cut short", err)
			}
			if !strings.HasPrefix(err.Error(), "line 4 is cut short") {
				t.Errorf("message %q", err)
			}
			if rec == nil || len(rec.Samples) != 2 {
				t.Fatalf("the two whole rows before it did not come back: %+v", rec)
			}
		})
	}
	// A bad row before the cut is the error told.
	_, err := Read(strings.NewReader(h + "250,x,2,3,0,5,0,0,1,9,\n" + "500,1"))
	if err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("err %v, want line 2's", err)
	}
}

// The host's file names come from the start event; v2's when none says.
func TestRecordingFiles(t *testing.T) {
	for _, tc := range []struct {
		events  []Event
		version cgroup.Version
		known   bool
		current string
	}{
		{[]Event{{Kind: EventStart, Detail: "vme50-hog mem on cgroup v1 (hybrid)"}}, cgroup.V1, true, "memory.usage_in_bytes"},
		{[]Event{{Kind: EventLimit, Detail: "cgroup v1"}, {Kind: EventStart, Detail: "sh, cgroup v2"}}, cgroup.V2, true, "memory.current"},
		{nil, cgroup.V2, false, "memory.current"},
	} {
		rec := &Recording{Samples: []Sample{{}, {Events: tc.events}}}
		v, known := rec.Version()
		if v != tc.version || known != tc.known {
			t.Errorf("%v: version %v %v, want %v %v", tc.events, v, known, tc.version, tc.known)
		}
		if got := rec.Files().MemoryCurrent; got != tc.current {
			t.Errorf("%v: memory file %q, want %q", tc.events, got, tc.current)
		}
	}
}
