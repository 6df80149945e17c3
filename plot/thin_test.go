package plot

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-analyze/charts/chartdraw"

	"vme50-tui/cgroup"
	"vme50-tui/record"
)

// A series of a day's readings is drawn through at most two points per
// pixel column, and keeps its peak, its lowest point and its last.
func TestThinnerKeepsTwoPointsAColumnAndThePeaks(t *testing.T) {
	const n, cols = 100000, 300
	th := newThinner(cols, n, chartdraw.ContinuousSeries{})
	for i := range n {
		y := float64(i % 7)
		switch i {
		case 31337:
			y = 1000
		case 77777:
			y = -5
		}
		th.add(float64(i), y)
	}
	cs := th.series()
	if len(cs.XValues) > 2*cols+2 {
		t.Errorf("%d points kept of %d, at most %d wanted", len(cs.XValues), n, 2*cols+2)
	}
	if !slices.Contains(cs.YValues, 1000) || !slices.Contains(cs.YValues, -5) {
		t.Error("the peak or the lowest point was thinned away")
	}
	if cs.XValues[len(cs.XValues)-1] != n-1 {
		t.Errorf("the line ends at %v, its readings at %d", cs.XValues[len(cs.XValues)-1], n-1)
	}
	if !slices.IsSorted(cs.XValues) {
		t.Error("the points kept are out of order")
	}
}

// A recording with an event at every one of 50,000 readings (a file
// anyone may hand in) makes a picture of bounded size: one event line
// per pixel column, maxLabels labels, the OOM kill's among them.
func TestDrawManyReadingsAndEventsIsBounded(t *testing.T) {
	const n = 50000
	rec := &record.Recording{Columns: strings.Split(record.Header, ",")}
	for i := range n {
		at := time.Duration(i) * 250 * time.Millisecond
		e := record.Event{Kind: record.EventLimit, Detail: "memory.max 32.0 MiB"}
		if i == n/2 {
			e = record.Event{Kind: record.EventOOMKill, Detail: "victim-here pid 7"}
		}
		rec.Samples = append(rec.Samples, record.Sample{At: at, Events: []record.Event{e}, Stats: cgroup.Stats{
			Memory: cgroup.MemoryStats{Current: uint64(i%100) << 20, Max: 32 << 20, High: cgroup.Unlimited},
			CPU:    cgroup.CPUStats{UsageUsec: uint64(at.Microseconds()) / 2},
			Pids:   cgroup.PidsStats{Current: uint64(i % 5), Max: 32},
		}})
	}
	var buf bytes.Buffer
	size := Size{Width: 1200, Height: 900}
	if err := Draw(&buf, SVG, size, []Run{{Name: "many.csv", Rec: rec}}); err != nil {
		t.Fatal(err)
	}
	if buf.Len() > 2<<20 {
		t.Errorf("the SVG is %d bytes for %d readings", buf.Len(), n)
	}
	doc := parseSVG(t, buf.Bytes())
	labels, dashes := 0, 0
	for _, text := range doc.texts {
		if strings.HasPrefix(text, "limit ") || strings.HasPrefix(text, "oom_kill ") {
			labels++
		}
	}
	dashes = bytes.Count(buf.Bytes(), []byte(`stroke-dasharray="3, 3"`))
	if labels > maxLabels {
		t.Errorf("%d events labelled, at most %d wanted", labels, maxLabels)
	}
	if !doc.hasText("oom_kill victim-here") {
		t.Error("the OOM kill is not among the labels")
	}
	if most := 3 * size.Width; dashes > most || dashes == 0 {
		t.Errorf("%d event lines on three panels, at most %d wanted", dashes, most)
	}
	for _, p := range doc.paths {
		if p.points > 2*size.Width+2 {
			t.Errorf("a line through %d points, at most %d wanted", p.points, 2*size.Width+2)
		}
	}
}
