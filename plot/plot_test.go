package plot

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"image/png"
	"io"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-analyze/charts/chartdraw"
	"github.com/go-analyze/charts/chartdraw/drawing"

	"vme50-tui/cgroup"
	"vme50-tui/record"
)

// recording writes readings as `run --record` does (record.Recorder) and
// reads them back (record.Read): a memory hog that climbs to its limit
// and is OOM-killed, using cores of CPU, on a host of cgroup version v.
func recording(t *testing.T, v cgroup.Version, limitMiB, cores float64, victim string) *record.Recording {
	t.Helper()
	start := time.Unix(0, 0)
	var buf bytes.Buffer
	w := record.New(&buf, start)
	for i := range 21 {
		at := time.Duration(i) * 250 * time.Millisecond
		var events []record.Event
		if i == 0 {
			events = append(events, record.Event{Kind: record.EventStart, Detail: "vme50-hog mem on " + v.String()})
		}
		current := min(float64(i)*4, limitMiB)
		if current == limitMiB && i > 0 && float64(i-1)*4 < limitMiB {
			events = append(events, record.Event{Kind: record.EventOOMKill, Detail: victim + " pid 7 anon-rss 31.9 MiB"})
		}
		w.Write(cgroup.Stats{
			Time: start.Add(at),
			Memory: cgroup.MemoryStats{Current: uint64(current * mib), Max: uint64(limitMiB * mib),
				High: cgroup.Unlimited},
			CPU:  cgroup.CPUStats{UsageUsec: uint64(cores * float64(at.Microseconds()))},
			Pids: cgroup.PidsStats{Current: 2, Max: 32},
		}, events...)
	}
	if err := w.Err(); err != nil {
		t.Fatal(err)
	}
	rec, err := record.Read(&buf)
	if err != nil {
		t.Fatal(err)
	}
	return rec
}

// svgDoc is what a test reads from an SVG: its size, its texts, and its
// paths.
type svgDoc struct {
	viewBox string
	size    string // "width x height" of the root element
	texts   []string
	textX   map[string]int // where each text starts
	paths   []svgPath
}

// svgPath is a path's style ("stroke-width:2;stroke:rgb(0,114,178)...")
// and the number of points it joins.
type svgPath struct {
	style  string
	points int
}

// parseSVG reads the picture as XML: a picture that does not parse fails.
func parseSVG(t *testing.T, data []byte) svgDoc {
	t.Helper()
	doc := svgDoc{textX: map[string]int{}}
	x := 0
	dec := xml.NewDecoder(bytes.NewReader(data))
	inText := false
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return doc
		}
		if err != nil {
			t.Fatalf("the SVG is not XML: %v", err)
		}
		switch el := tok.(type) {
		case xml.StartElement:
			inText = el.Name.Local == "text"
			var path svgPath
			for _, a := range el.Attr {
				switch {
				case el.Name.Local == "svg" && a.Name.Local == "viewBox":
					doc.viewBox = a.Value
				case el.Name.Local == "svg" && a.Name.Local == "width":
					doc.size = a.Value + doc.size
				case el.Name.Local == "svg" && a.Name.Local == "height":
					doc.size += "x" + a.Value
				case a.Name.Local == "style":
					path.style = a.Value
				case a.Name.Local == "d":
					path.points = strings.Count(a.Value, "L") + 1
				case a.Name.Local == "x":
					x, _ = strconv.Atoi(a.Value)
				}
			}
			if el.Name.Local == "path" {
				doc.paths = append(doc.paths, path)
			}
		case xml.CharData:
			if inText {
				doc.texts = append(doc.texts, string(el))
				doc.textX[string(el)] = x
			}
		case xml.EndElement:
			inText = false
		}
	}
}

func (d svgDoc) hasText(s string) bool {
	for _, t := range d.texts {
		if strings.Contains(t, s) {
			return true
		}
	}
	return false
}

// lines counts the solid lines (a reading: width 2) drawn in colour c
// through more than a few points: not the legend's samples of them.
func (d svgDoc) lines(c drawing.Color) int {
	want := fmt.Sprintf("stroke-width:2;stroke:rgb(%d,%d,%d)", c.R, c.G, c.B)
	n := 0
	for _, p := range d.paths {
		if strings.Contains(p.style, want) && !strings.Contains(p.style, "dasharray") && p.points > 5 {
			n++
		}
	}
	return n
}

// Two recordings on one SVG: each has its line in each of the three
// panels in its own colour, its name in the legend, its OOM victim
// labelled, and the titles name the host's files.
func TestDrawSVGTwoRecordings(t *testing.T) {
	runs := []Run{
		{Name: "weight100.csv", Rec: recording(t, cgroup.V1, 32, 0.5, "hog-one")},
		{Name: "weight1000.csv", Rec: recording(t, cgroup.V1, 48, 1.5, "hog-two")},
	}
	var out bytes.Buffer
	if err := Draw(&out, SVG, DefaultSize, runs); err != nil {
		t.Fatal(err)
	}
	doc := parseSVG(t, out.Bytes())
	if doc.viewBox != "0 0 1200 900" || doc.size != "1200x900" {
		t.Errorf("viewBox %q, size %q, want the default 1200x900", doc.viewBox, doc.size)
	}
	for i := range runs {
		if n := doc.lines(palette[i]); n != 3 {
			t.Errorf("run %d: %d solid lines of its colour, want 3 (memory, cores, processes)", i, n)
		}
	}
	for _, want := range []string{
		"weight100.csv", "weight1000.csv", // the legend
		"memory: memory.usage_in_bytes against memory.limit_in_bytes (dashed)", // v1's files, from the start event
		"cpuacct.usage", "cpu.cfs_quota_us", "processes: pids.current against pids.max (dashed)",
		"oom_kill hog-one pid 7", "oom_kill hog-two pid 7", // the victims
		"time (s)", "MiB", "cores",
	} {
		if !doc.hasText(want) {
			t.Errorf("no text %q in %q", want, doc.texts)
		}
	}
	// The legend names the runs, once a panel, and nothing else.
	for _, run := range runs {
		n := 0
		for _, text := range doc.texts {
			if strings.Contains(text, run.Name) {
				n++
			}
		}
		if n != 3 {
			t.Errorf("%d texts name %s, want 3 (its legend entry in each panel)", n, run.Name)
		}
	}
	if doc.hasText("memory.high") {
		t.Errorf("a memory.high line where no run had one")
	}
}

// A recording of a v2 host names v2's files; an old one without events
// does too (the default).
func TestDrawSVGNamesV2Files(t *testing.T) {
	for _, rec := range []*record.Recording{recording(t, cgroup.V2, 32, 1, "hog"), {Samples: recording(t, cgroup.V2, 32, 1, "hog").Samples[1:]}} {
		var out bytes.Buffer
		if err := Draw(&out, SVG, DefaultSize, []Run{{Name: "a.csv", Rec: rec}}); err != nil {
			t.Fatal(err)
		}
		doc := parseSVG(t, out.Bytes())
		for _, want := range []string{"memory: memory.current against memory.max", "cpu.stat usage_usec", "cpu.max"} {
			if !doc.hasText(want) {
				t.Errorf("no text %q in %q", want, doc.texts)
			}
		}
	}
}

// The PNG decodes, has the size asked for, and has pixels of each run's
// colour.
func TestDrawPNG(t *testing.T) {
	runs := []Run{
		{Name: "a.csv", Rec: recording(t, cgroup.V1, 32, 0.5, "hog")},
		{Name: "b.csv", Rec: recording(t, cgroup.V1, 48, 1.5, "hog")},
	}
	var out bytes.Buffer
	if err := Draw(&out, PNG, Size{Width: 800, Height: 600}, runs); err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(&out)
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 800 || b.Dy() != 600 {
		t.Fatalf("size %v, want 800x600", b)
	}
	count := map[drawing.Color]int{}
	for y := 0; y < 600; y++ {
		for x := 0; x < 800; x++ {
			r, g, b, _ := img.At(x, y).RGBA()
			count[drawing.Color{R: uint8(r >> 8), G: uint8(g >> 8), B: uint8(b >> 8), A: 255}]++
		}
	}
	for i := range runs {
		// Three lines across most of 800 pixels, two pixels wide.
		if n := count[palette[i]]; n < 1000 {
			t.Errorf("run %d: %d pixels of its colour %v", i, n, palette[i])
		}
	}
	if n := count[palette[2]]; n != 0 {
		t.Errorf("%d pixels of a third run's colour, with two runs", n)
	}
}

// A detail is a process's own name: whatever it holds, the SVG stays XML
// and shows it.
func TestDrawEscapesEventText(t *testing.T) {
	var out bytes.Buffer
	rec := recording(t, cgroup.V2, 32, 1, `a<b>&"c"`)
	if err := Draw(&out, SVG, DefaultSize, []Run{{Name: "x&y.csv", Rec: rec}}); err != nil {
		t.Fatal(err)
	}
	doc := parseSVG(t, out.Bytes())
	if !doc.hasText(`oom_kill a<b>&"c" pid 7`) || !doc.hasText("x&y.csv") {
		t.Errorf("texts %q", doc.texts)
	}
}

// An event near the end is labelled left of its line: its words stay on
// the picture.
func TestDrawLabelStaysOnThePicture(t *testing.T) {
	rec := recording(t, cgroup.V2, 32, 1, "hog")
	last := &rec.Samples[len(rec.Samples)-1]
	const words = "exit status 137 (SIGKILL, OOM-killed) after a long lesson"
	last.Events = append(last.Events, record.Event{Kind: record.EventExit, Detail: words[len("exit "):]})
	var out bytes.Buffer
	if err := Draw(&out, SVG, DefaultSize, []Run{{Name: "a.csv", Rec: rec}}); err != nil {
		t.Fatal(err)
	}
	doc := parseSVG(t, out.Bytes())
	x, ok := doc.textX[words]
	if !ok {
		t.Fatalf("no label %q in %q", words, doc.texts)
	}
	// At 8 points a letter is at least 4 pixels wide.
	if end := x + 4*len(words); end > DefaultSize.Width {
		t.Errorf("the label starts at x %d and runs past %d", x, DefaultSize.Width)
	}
}

// A recording of one reading, or none (the header alone), still draws:
// empty panels rather than an error from the library.
func TestDrawTooFewReadings(t *testing.T) {
	one := recording(t, cgroup.V2, 32, 1, "hog")
	one.Samples = one.Samples[:1]
	for _, rec := range []*record.Recording{one, {}} {
		var out bytes.Buffer
		if err := Draw(&out, SVG, DefaultSize, []Run{{Name: "a.csv", Rec: rec}}); err != nil {
			t.Errorf("%d readings: %v", len(rec.Samples), err)
			continue
		}
		parseSVG(t, out.Bytes())
	}
}

// The cores used are the CPU time's growth over the time between two
// readings; a pair with no time between them is skipped.
func TestCoresUsed(t *testing.T) {
	at := func(ms int, usec uint64) record.Sample {
		return record.Sample{At: time.Duration(ms) * time.Millisecond, Stats: cgroup.Stats{CPU: cgroup.CPUStats{UsageUsec: usec}}}
	}
	cs := coresUsed([]record.Sample{at(0, 0), at(250, 500000), at(250, 500000), at(500, 625000)})
	wantX, wantY := []float64{0.25, 0.5}, []float64{2, 0.5}
	if fmt.Sprint(cs.XValues) != fmt.Sprint(wantX) || fmt.Sprint(cs.YValues) != fmt.Sprint(wantY) {
		t.Errorf("cores at %v = %v, want at %v = %v", cs.XValues, cs.YValues, wantX, wantY)
	}
}

// A limit removed and set again is two dashed stretches.
func TestLimitStretches(t *testing.T) {
	var samples []record.Sample
	for i, max := range []uint64{mib, mib, cgroup.Unlimited, 2 * mib, 2 * mib} {
		samples = append(samples, record.Sample{At: time.Duration(i) * time.Second, Stats: cgroup.Stats{Memory: cgroup.MemoryStats{Max: max}}})
	}
	p := newPicture([]Run{{Name: "a", Rec: &record.Recording{Samples: samples}}})
	lines := p.limit(0, dashed, func(st cgroup.Stats) uint64 { return st.Memory.Max }, mib)
	if len(lines) != 2 {
		t.Fatalf("%d stretches, want 2", len(lines))
	}
	first, second := lines[0].(chartdraw.ContinuousSeries), lines[1].(chartdraw.ContinuousSeries)
	if first.Name != "" || fmt.Sprint(first.XValues, first.YValues) != "[0 1] [1 1]" || fmt.Sprint(second.XValues, second.YValues) != "[3 4] [2 2]" {
		t.Errorf("stretches %+v %+v", first, second)
	}
	if none := p.limit(0, dashed, func(cgroup.Stats) uint64 { return cgroup.Unlimited }, 1); len(none) != 0 {
		t.Errorf("a limit never set drew %d lines", len(none))
	}
}

func TestTicks(t *testing.T) {
	labels := func(ts []chartdraw.Tick) string {
		var s []string
		for _, tk := range ts {
			s = append(s, tk.Label)
		}
		return strings.Join(s, " ")
	}
	for _, tc := range []struct {
		largest float64
		count   int
		want    string
	}{
		{10, 10, "0 1 2 3 4 5 6 7 8 9 10"},
		{0.98 * 1.05, 5, "0 0.5 1 1.5"},
		{33.6, 5, "0 10 20 30 40"},
		{0, 5, "0 0.2 0.4 0.6 0.8 1"},
		{5.25, 10, "0 1 2 3 4 5 6"},
	} {
		if got := labels(ticks(tc.largest, tc.count)); got != tc.want {
			t.Errorf("ticks(%g, %d) = %s, want %s", tc.largest, tc.count, got, tc.want)
		}
	}
}

func TestFormatOf(t *testing.T) {
	for name, want := range map[string]Format{"a.svg": SVG, "b.PNG": PNG, "dir.png/c.svg": SVG} {
		if got, err := FormatOf(name); err != nil || got != want {
			t.Errorf("FormatOf(%q) = %v, %v", name, got, err)
		}
	}
	for _, name := range []string{"a.jpg", "a", "svg"} {
		_, err := FormatOf(name)
		if err == nil || !strings.Contains(err.Error(), "-o "+name+":") || !strings.Contains(err.Error(), ".svg or .png") {
			t.Errorf("FormatOf(%q): %v", name, err)
		}
	}
}

func TestParseSize(t *testing.T) {
	if s, err := ParseSize("1600X1200"); err != nil || s != (Size{1600, 1200}) {
		t.Errorf("1600X1200: %v %v", s, err)
	}
	for _, bad := range []string{"", "1200", "x900", "12OOx900", "100x900", "1200x20000", "-5x900"} {
		if _, err := ParseSize(bad); err == nil || !strings.Contains(err.Error(), fmt.Sprintf("--size %q", bad)) {
			t.Errorf("ParseSize(%q): %v", bad, err)
		}
	}
}
