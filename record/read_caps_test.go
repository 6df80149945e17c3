package record

import (
	"bufio"
	"fmt"
	"io"
	"reflect"
	"runtime"
	"strings"
	"testing"
)

const capsHeader = "time_ms,memory_current,memory_max,memory_peak,oom_kill,cpu_usage_usec,nr_throttled,throttled_usec,pids_current,pids_max,events\n"

// A recording may come from anyone: what it may hold is capped, and each
// cap is one line naming the file's line.
func TestReadCaps(t *testing.T) {
	row := func(ms int, events string) string { return fmt.Sprintf("%d,1,2,3,0,5,0,0,1,9,%s\n", ms, events) }
	for _, tc := range []struct {
		name string
		file io.Reader
		want []string
	}{
		{"events in a row", strings.NewReader(capsHeader + row(0, "") + row(250, strings.Repeat("limit x; ", MaxRowEvents+1))),
			[]string{"line 3", "events", fmt.Sprintf("holds %d events, more than %d", MaxRowEvents+1, MaxRowEvents)}},
		{"events field", strings.NewReader(capsHeader + row(0, strings.Repeat("a", MaxEventsField+1))),
			[]string{"line 2", "events", fmt.Sprintf("more than %d", MaxEventsField)}},
		{"'a;' * 300000", strings.NewReader(capsHeader + row(0, strings.Repeat("a;", 300000))),
			[]string{"line 2: longer than"}},
		// An endless line: read up to the cap, not to the end.
		{"endless line", io.MultiReader(strings.NewReader(capsHeader+row(0, "")+"250,"), endless{}),
			[]string{"line 3: longer than", fmt.Sprint(MaxLine)}},
		{"time_ms too big for a Duration", strings.NewReader(capsHeader + row(0, "") + "9223372036855,1,2,3,0,5,0,0,1,9,\n"),
			[]string{"line 3", "column time_ms", `"9223372036855" is more than 9223372036854`}},
		{"time_ms wraps", strings.NewReader(capsHeader + "18446744073709,1,2,3,0,5,0,0,1,9,\n"),
			[]string{"line 2", "column time_ms"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec, err := Read(tc.file)
			if err == nil {
				t.Fatalf("no error; read %d rows", len(rec.Samples))
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("%q does not say %q", err, w)
				}
			}
		})
	}
}

// endless is a line that never ends.
type endless struct{}

func (endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = '7'
	}
	return len(p), nil
}

// MaxRows rows are a recording; one more is refused, naming its line,
// without reading on to the end of the file.
func TestReadAtMostMaxRows(t *testing.T) {
	if testing.Short() {
		t.Skip("reads MaxRows rows")
	}
	pr, pw := io.Pipe()
	go func() {
		w := bufio.NewWriter(pw)
		w.WriteString(capsHeader)
		for i := range MaxRows + 1000 {
			fmt.Fprintf(w, "%d,%d,,,,,,,,,\n", i, i%100)
		}
		w.Flush()
		pw.Close()
	}()
	_, err := Read(pr)
	pr.CloseWithError(io.ErrClosedPipe)
	want := fmt.Sprintf("line %d: more than %d rows", MaxRows+2, MaxRows)
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("%v, want %q", err, want)
	}
	rec, err := Read(strings.NewReader(capsHeader + strings.Repeat("0,1,,,,,,,,,\n", MaxRows)))
	if err != nil || len(rec.Samples) != MaxRows {
		t.Fatalf("%v; %d rows", err, len(rec.Samples))
	}
}

// Read holds the samples, not the file's rows besides: a day of
// readings read costs the samples and little more. A file (a reader
// that seeks) has its lines counted first and its samples made in a
// slice of their number; a pipe's are kept in chunks copied once.
func TestReadHoldsTheSamplesAlone(t *testing.T) {
	const n = 100000
	var b strings.Builder
	b.WriteString(capsHeader)
	for i := range n {
		fmt.Fprintf(&b, "%d,%d,33554432,,0,%d,0,0,3,,\n", i*250, i<<16, i*1000)
	}
	file := b.String()
	// A Sample is 288 bytes. Holding every row whole and appending each
	// Sample to a growing slice cost 1,815 bytes a row.
	for _, tc := range []struct {
		name string
		r    io.Reader
		most uint64
	}{
		{"file", strings.NewReader(file), 400},
		{"pipe", io.MultiReader(strings.NewReader(file)), 700},
	} {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		rec, err := Read(tc.r)
		if err != nil {
			t.Fatal(err)
		}
		runtime.ReadMemStats(&after)
		perRow := (after.TotalAlloc - before.TotalAlloc) / n
		t.Logf("%s: %d bytes allocated per row read", tc.name, perRow)
		if perRow > tc.most || len(rec.Samples) != n || cap(rec.Samples) > n+2 {
			t.Errorf("%s: %d bytes allocated per row read, %d samples in room for %d", tc.name, perRow, len(rec.Samples), cap(rec.Samples))
		}
	}
}

// A file, a pipe and a file that grew between the count and the read
// give the same recording.
func TestReadFileOrPipeAlike(t *testing.T) {
	var b strings.Builder
	b.WriteString(capsHeader)
	for i := range 3*chunkLen + 17 {
		fmt.Fprintf(&b, "%d,%d,2,3,0,5,0,0,1,9,%s\n", i*250, i, []string{"", "limit memory.max 1 MiB"}[i%2])
	}
	file := b.String()
	want, err := Read(io.MultiReader(strings.NewReader(file)))
	if err != nil {
		t.Fatal(err)
	}
	for name, r := range map[string]io.Reader{
		"file":  strings.NewReader(file),
		"grown": &growing{full: file, counted: len(file) / 3},
	} {
		got, err := Read(r)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: %d samples read, a pipe's %d, or they differ", name, len(got.Samples), len(want.Samples))
		}
	}
}

// growing is a file that grows once its lines are counted: the count
// sees its first counted bytes.
type growing struct {
	full    string
	counted int
	at      int
	seeked  bool
}

func (g *growing) Read(p []byte) (int, error) {
	end := len(g.full)
	if !g.seeked {
		end = g.counted
	}
	if g.at >= end {
		return 0, io.EOF
	}
	n := copy(p, g.full[g.at:end])
	g.at += n
	return n, nil
}

func (g *growing) Seek(off int64, whence int) (int64, error) {
	if whence == io.SeekStart {
		g.at, g.seeked = int(off), true
	}
	return int64(g.at), nil
}
