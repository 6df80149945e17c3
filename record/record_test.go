package record

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"vme50-tui/cgroup"
)

func TestRecording(t *testing.T) {
	start := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	var buf bytes.Buffer
	r := New(&buf, start)
	// A 32M container on v2, then one on a kernel without memory.peak and
	// without limits.
	r.Write(cgroup.Stats{
		Time: start.Add(250 * time.Millisecond),
		Memory: cgroup.MemoryStats{Current: 1236992, Max: 33554432, Peak: 1273856, Events: cgroup.MemoryEvents{OOMKill: 1, High: 7},
			High: 16777216, Swap: 4096},
		CPU:      cgroup.CPUStats{UsageUsec: 1843, NrThrottled: 3, ThrottledUsec: 52000},
		Pids:     cgroup.PidsStats{Current: 1, Max: 25},
		IO:       cgroup.IOStats{ReadBytes: 512, WriteBytes: 1024},
		Pressure: &cgroup.Pressure{CPU: cgroup.PSI{Some: cgroup.PSILine{Total: 11}}, IO: cgroup.PSI{Some: cgroup.PSILine{Total: 33}}},
		Frozen:   true,
	}, Event{Kind: EventOOMKill, Detail: `vme50-hog pid 7 in the container, "anon-rss" 63.2 MiB`}, Event{Kind: EventPause})
	r.Write(cgroup.Stats{
		Time:   start.Add(1500*time.Millisecond + 700*time.Microsecond),
		Memory: cgroup.MemoryStats{Current: 4096, Max: cgroup.Unlimited, High: cgroup.Unlimited},
		Pids:   cgroup.PidsStats{Current: 2, Max: cgroup.Unlimited},
	})
	if err := r.Err(); err != nil {
		t.Fatal(err)
	}
	want := Header + "\n" +
		"250,1236992,33554432,1273856,1,1843,3,52000,1,25,16777216,7,4096,512,1024,11,0,33,1," +
		`"oom_kill vme50-hog pid 7 in the container, ""anon-rss"" 63.2 MiB; pause"` + "\n" +
		"1500,4096,,,0,0,0,0,2,,,0,0,0,0,,,,0,\n"
	if buf.String() != want {
		t.Errorf("got\n%s\nwant\n%s", buf.String(), want)
	}
	if n := strings.Count(Header, ",") + 1; n != 20 {
		t.Errorf("header has %d columns", n)
	}
	// The contract's ten come first, unchanged.
	const contract = "time_ms,memory_current,memory_max,memory_peak,oom_kill,cpu_usage_usec,nr_throttled,throttled_usec,pids_current,pids_max,"
	if !strings.HasPrefix(Header, contract) {
		t.Errorf("the header no longer starts with the contract's ten columns: %s", Header)
	}
}

// A reading taken a moment before the start (a clock step) is not given a
// negative time.
func TestRowNeverBeforeStart(t *testing.T) {
	start := time.Now()
	if row := row(cgroup.Stats{Time: start.Add(-time.Second)}, start); !strings.HasPrefix(row, "0,") {
		t.Errorf("row %q", row)
	}
}

type failingWriter struct{ n int }

func (f *failingWriter) Write(p []byte) (int, error) {
	f.n++
	return 0, errors.New("disk full")
}

// After a failed write the recorder stops writing and keeps the error.
func TestWriteError(t *testing.T) {
	w := &failingWriter{}
	r := New(w, time.Now())
	r.Write(cgroup.Stats{Time: time.Now()})
	if r.Err() == nil || w.n != 1 {
		t.Errorf("err %v after %d writes", r.Err(), w.n)
	}
}
