package plot

import (
	"slices"
	"strings"

	"github.com/go-analyze/charts/chartdraw"
	"github.com/go-analyze/charts/chartdraw/drawing"

	"vme50-tui/cgroup"
	"vme50-tui/runtime"
)

// picture is what the three panels share: the runs, each one's colour,
// and the time axis, which spans the longest run so that the panels line
// up and two runs are compared second by second.
type picture struct {
	runs    []Run
	colours []drawing.Color
	end     float64 // seconds
	columns int     // pixel columns across the time axis: the series are thinned to them
}

// palette is Okabe and Ito's, told apart also by readers with a colour
// vision deficiency: blue, vermillion, green, reddish purple, orange, sky.
var palette = []drawing.Color{
	{R: 0, G: 114, B: 178, A: 255},
	{R: 213, G: 94, B: 0, A: 255},
	{R: 0, G: 158, B: 115, A: 255},
	{R: 204, G: 121, B: 167, A: 255},
	{R: 230, G: 159, B: 0, A: 255},
	{R: 86, G: 180, B: 233, A: 255},
}

func newPicture(runs []Run) *picture {
	p := &picture{end: 1, columns: DefaultSize.Width}
	for i, run := range runs {
		// A file's name is anyone's: the legend shows it as a terminal
		// would (a control character as '?').
		run.Name = runtime.Printable(run.Name)
		p.runs = append(p.runs, run)
		p.colours = append(p.colours, palette[i%len(palette)])
		if n := len(run.Rec.Samples); n > 0 {
			p.end = max(p.end, run.Rec.Samples[n-1].At.Seconds())
		}
	}
	return p
}

// fileName is the name of one of the host's files, as the recordings
// tell them: "memory.current", or both names when runs were made on
// hosts of both cgroup versions ("memory.current / memory.usage_in_bytes").
func (p *picture) fileName(name func(cgroup.Files) string) string {
	var names []string
	for _, run := range p.runs {
		if n := name(run.Rec.Files()); n != "" && !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	return strings.Join(names, " / ")
}

// panel is a chart with the picture's look: the title, the time axis in
// seconds, the y axis from 0 (a usage drawn from its minimum would make
// a small change look like a big one), the legend above the canvas and
// the events marked.
func (p *picture) panel(title, unit string, series []chartdraw.Series, labelEvents bool) *chartdraw.Chart {
	xr := &chartdraw.ContinuousRange{Min: 0, Max: p.end}
	if len(series) == 0 {
		// Nothing to draw (a run of one reading has no CPU rate): a flat
		// line at 0 keeps the panel's axes.
		series = append(series, chartdraw.ContinuousSeries{XValues: []float64{0, p.end}, YValues: []float64{0, 0},
			Style: chartdraw.Style{StrokeColor: drawing.ColorSilver, StrokeWidth: 1}})
	}
	c := &chartdraw.Chart{
		Title:      title,
		TitleStyle: chartdraw.Style{FontStyle: chartdraw.FontStyle{FontSize: 11}, Padding: chartdraw.Box{Top: 6, IsSet: true}},
		Background: chartdraw.Style{Padding: chartdraw.Box{Top: 62, Left: 16, Right: 16, Bottom: 8, IsSet: true}},
		XAxis:      chartdraw.XAxis{Name: "time (s)", Range: xr, Ticks: ticks(p.end, 10)},
		YAxis: chartdraw.YAxis{
			Name:           unit,
			Range:          &chartdraw.ContinuousRange{},
			Ticks:          ticks(largest(series)*1.05, 5), // a little room above the highest line
			GridMajorStyle: chartdraw.Style{StrokeColor: drawing.ColorSilver, StrokeWidth: 0.5},
		},
		YAxisSecondary: chartdraw.YAxis{Style: chartdraw.Style{Hidden: true}},
		Series:         series,
	}
	c.Elements = []chartdraw.Renderable{chartdraw.LegendThin(c), p.eventMarks(xr, labelEvents)}
	return c
}

// largest is the largest value of any line, a limit's too: the y axis
// reaches it.
func largest(series []chartdraw.Series) float64 {
	most := 0.0
	for _, s := range series {
		if cs, ok := s.(chartdraw.ContinuousSeries); ok {
			for _, y := range cs.YValues {
				most = max(most, y)
			}
		}
	}
	return most
}
