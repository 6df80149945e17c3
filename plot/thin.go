package plot

import (
	"github.com/go-analyze/charts/chartdraw"
)

// A thinner keeps of a series what a picture can show: at most two points
// per pixel column, the lowest and the highest of the column, in their
// order. A day of readings at 250 ms is 345,600 points, some 300 to a
// column of a 1200-pixel picture: the line drawn through all of them and
// through these two looks the same (a peak stays a peak), and the SVG
// holds a few thousand points instead of every reading.
type thinner struct {
	cols     int     // pixel columns across the time axis
	end      float64 // the time axis' last second
	col      int     // the column of the points held (-1: none)
	lo, hi   [2]float64
	loI, hiI int // their order in the column: the one seen first comes first
	seen     int
	last     [2]float64 // the last point: a line ends where its readings do
	cs       chartdraw.ContinuousSeries
}

func newThinner(cols int, end float64, cs chartdraw.ContinuousSeries) *thinner {
	return &thinner{cols: max(cols, 1), end: end, col: -1, cs: cs}
}

// add takes the next point; x never goes back.
func (t *thinner) add(x, y float64) {
	col := int(x / t.end * float64(t.cols))
	if col != t.col {
		t.flush()
		t.col, t.lo, t.hi, t.loI, t.hiI = col, [2]float64{x, y}, [2]float64{x, y}, t.seen, t.seen
	}
	if y < t.lo[1] {
		t.lo, t.loI = [2]float64{x, y}, t.seen
	}
	if y > t.hi[1] {
		t.hi, t.hiI = [2]float64{x, y}, t.seen
	}
	t.last = [2]float64{x, y}
	t.seen++
}

func (t *thinner) flush() {
	if t.col < 0 {
		return
	}
	first, second := t.lo, t.hi
	if t.hiI < t.loI {
		first, second = t.hi, t.lo
	}
	t.cs.XValues, t.cs.YValues = append(t.cs.XValues, first[0]), append(t.cs.YValues, first[1])
	if t.loI != t.hiI {
		t.cs.XValues, t.cs.YValues = append(t.cs.XValues, second[0]), append(t.cs.YValues, second[1])
	}
	t.col = -1
}

// series is what was kept, the last column included.
func (t *thinner) series() chartdraw.ContinuousSeries {
	t.flush()
	if n := len(t.cs.XValues); n > 0 && (t.cs.XValues[n-1] != t.last[0] || t.cs.YValues[n-1] != t.last[1]) {
		t.cs.XValues, t.cs.YValues = append(t.cs.XValues, t.last[0]), append(t.cs.YValues, t.last[1])
	}
	return t.cs
}

// thinned is cs thinned to the picture's columns.
func (p *picture) thinned(cs chartdraw.ContinuousSeries) chartdraw.ContinuousSeries {
	t := newThinner(p.columns, p.end, chartdraw.ContinuousSeries{Name: cs.Name, Style: cs.Style})
	for i, x := range cs.XValues {
		t.add(x, cs.YValues[i])
	}
	return t.series()
}
