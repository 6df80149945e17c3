package plot

import (
	"cmp"
	"slices"

	"github.com/go-analyze/charts/chartdraw"

	"vme50-tui/record"
	"vme50-tui/runtime"
)

// maxLabels bounds the events labelled with their words: beyond a few
// dozen they overwrite each other, and a recording handed in may hold an
// event at every reading.
const maxLabels = 24

// labelFirst ranks the kinds whose words matter most where not all can be
// labelled: the OOM kill's victim is the first thing a student looks for.
var labelFirst = map[record.EventKind]int{
	record.EventOOMKill: 0, record.EventExit: 1, record.EventLimit: 2,
	record.EventStart: 3, record.EventPause: 4, record.EventResume: 4,
}

// A mark is one event line to draw: its pixel column, the run, the event.
type mark struct {
	x, run int
	e      record.Event
}

// eventMarks draws each run's events (record.Event: the start, an OOM
// kill and its victim, a limit changed, a pause, the exit) as a dashed
// vertical line at its time, in the run's colour, and, where labels is
// set, its words beside the line's top. One line per pixel column and
// run (more would draw the same pixels again), and maxLabels labels at
// most, the OOM kills first.
func (p *picture) eventMarks(xr *chartdraw.ContinuousRange, labels bool) chartdraw.Renderable {
	return func(r chartdraw.Renderer, canvas chartdraw.Box, defaults chartdraw.Style) {
		const fontSize = 8
		r.SetFont(defaults.GetFont())
		r.SetFontSize(fontSize)
		marks := p.marks(canvas, xr)
		for _, m := range marks {
			r.SetStrokeColor(p.colours[m.run])
			r.SetStrokeWidth(1)
			r.SetStrokeDashArray([]float64{3, 3})
			r.MoveTo(m.x, canvas.Top)
			r.LineTo(m.x, canvas.Bottom)
			r.Stroke()
		}
		if labels {
			for n, m := range labelled(marks) {
				r.SetFontColor(p.colours[m.run])
				text := label(m.e)
				box := r.MeasureText(text)
				// Right of the line, or left of it where the words
				// would run off the canvas; each next one a row lower,
				// so that close events do not overwrite each other.
				tx := m.x + 3
				if tx+box.Width() > canvas.Right {
					tx = m.x - 3 - box.Width()
				}
				r.Text(text, tx, canvas.Top+(box.Height()+3)*(1+n%4))
			}
		}
		r.ResetStyle()
	}
}

// marks are the lines to draw, in time order: of the events of a run in
// one pixel column, the one labelFirst ranks first.
func (p *picture) marks(canvas chartdraw.Box, xr *chartdraw.ContinuousRange) []mark {
	var out []mark
	for i, run := range p.runs {
		at := map[int]int{} // pixel column -> index in out
		for _, s := range run.Rec.Samples {
			if len(s.Events) == 0 {
				continue
			}
			// xr's domain is the canvas width by now: the chart has
			// laid out its axes before it draws elements.
			x := canvas.Left + xr.Translate(s.At.Seconds())
			for _, e := range s.Events {
				j, ok := at[x]
				switch {
				case !ok:
					at[x] = len(out)
					out = append(out, mark{x: x, run: i, e: e})
				case rank(e) < rank(out[j].e):
					out[j].e = e
				}
			}
		}
	}
	slices.SortStableFunc(out, func(a, b mark) int { return cmp.Compare(a.x, b.x) })
	return out
}

// labelled are the marks that get their words: maxLabels at most, the
// kinds labelFirst ranks first, in time order.
func labelled(marks []mark) []mark {
	if len(marks) <= maxLabels {
		return marks
	}
	chosen := slices.Clone(marks)
	slices.SortStableFunc(chosen, func(a, b mark) int { return cmp.Compare(rank(a.e), rank(b.e)) })
	chosen = chosen[:maxLabels]
	slices.SortStableFunc(chosen, func(a, b mark) int { return cmp.Compare(a.x, b.x) })
	return chosen
}

// rank is labelFirst's rank of e; a kind it does not know comes last.
func rank(e record.Event) int {
	if r, ok := labelFirst[e.Kind]; ok {
		return r
	}
	return len(labelFirst)
}

// label is an event as a few words: the kind and its detail, cut at a
// length that stays readable beside the others. The words are anyone's
// (a recording handed in): a control or format character is a '?'.
func label(e record.Event) string {
	const most = 60
	s := []rune(runtime.Printable(e.String()))
	if len(s) > most {
		return string(s[:most-1]) + "…"
	}
	return string(s)
}
