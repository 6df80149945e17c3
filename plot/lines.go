package plot

import (
	"github.com/go-analyze/charts/chartdraw"

	"vme50-tui/cgroup"
)

// A reading is a solid line; a limit, dashed (a hard limit: memory.max,
// pids.max) or dotted (memory.high, where the kernel only slows the
// group down).
var (
	dashed = []float64{8, 4}
	dotted = []float64{2, 3}
)

func (p *picture) solid(run int) chartdraw.Style {
	return chartdraw.Style{StrokeColor: p.colours[run], StrokeWidth: 2}
}

// line is one value of every reading of a run, thinned to what the
// picture's columns show.
func (p *picture) line(run int, name string, value func(cgroup.Stats) float64) chartdraw.ContinuousSeries {
	t := newThinner(p.columns, p.end, chartdraw.ContinuousSeries{Name: name, Style: p.solid(run)})
	for _, s := range p.runs[run].Rec.Samples {
		t.add(s.At.Seconds(), value(s.Stats))
	}
	return t.series()
}

// limit is a limit of a run over time, divided by unit: one dashed line
// for each stretch of readings where it was set (it can be set and
// removed while the container runs), none if it never was. The lines
// have no name: the legend lists the runs.
func (p *picture) limit(run int, dash []float64, value func(cgroup.Stats) uint64, unit float64) []chartdraw.Series {
	style := chartdraw.Style{StrokeColor: p.colours[run], StrokeWidth: 1.5, StrokeDashArray: dash}
	var lines []chartdraw.Series
	var stretch *thinner
	end := func() {
		if stretch != nil {
			lines = append(lines, stretch.series())
			stretch = nil
		}
	}
	for _, s := range p.runs[run].Rec.Samples {
		v := value(s.Stats)
		if v == cgroup.Unlimited {
			end()
			continue
		}
		if stretch == nil {
			stretch = newThinner(p.columns, p.end, chartdraw.ContinuousSeries{Style: style})
		}
		stretch.add(s.At.Seconds(), float64(v)/unit)
	}
	end()
	return lines
}
