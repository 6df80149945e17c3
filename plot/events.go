package plot

import (
	"github.com/go-analyze/charts/chartdraw"

	"vme50-tui/record"
)

// eventMarks draws each run's events (record.Event: the start, an OOM
// kill and its victim, a limit changed, a pause, the exit) as a dashed
// vertical line at its time, in the run's colour, and, where labels is
// set, its words beside the line's top: the OOM kill's victim is the
// first thing a student looks for.
func (p *picture) eventMarks(xr *chartdraw.ContinuousRange, labels bool) chartdraw.Renderable {
	return func(r chartdraw.Renderer, canvas chartdraw.Box, defaults chartdraw.Style) {
		const fontSize = 8
		r.SetFont(defaults.GetFont())
		r.SetFontSize(fontSize)
		n := 0 // labels drawn so far: each next one a row lower, so that close events do not overwrite each other
		for i, run := range p.runs {
			for _, s := range run.Rec.Samples {
				for _, e := range s.Events {
					// xr's domain is the canvas width by now: the chart
					// has laid out its axes before it draws elements.
					x := canvas.Left + xr.Translate(s.At.Seconds())
					r.SetStrokeColor(p.colours[i])
					r.SetStrokeWidth(1)
					r.SetStrokeDashArray([]float64{3, 3})
					r.MoveTo(x, canvas.Top)
					r.LineTo(x, canvas.Bottom)
					r.Stroke()
					if labels {
						r.SetFontColor(p.colours[i])
						text := label(e)
						box := r.MeasureText(text)
						// Right of the line, or left of it where the
						// words would run off the canvas.
						tx := x + 3
						if tx+box.Width() > canvas.Right {
							tx = x - 3 - box.Width()
						}
						r.Text(text, tx, canvas.Top+(box.Height()+3)*(1+n%4))
						n++
					}
				}
			}
		}
		r.ResetStyle()
	}
}

// label is an event as a few words: the kind and its detail, cut at a
// length that stays readable beside the others.
func label(e record.Event) string {
	const most = 60
	s := []rune(e.String())
	if len(s) > most {
		return string(s[:most-1]) + "…"
	}
	return string(s)
}
