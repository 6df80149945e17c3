package ui

import (
	"fmt"
	"slices"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"vme50-tui/cgroup"
)

// The pressure panel: cgroup v2's pressure stall information, how much of
// the time the group's processes waited for the CPU, for memory (reclaim,
// a memory.high throttle) and for I/O. "some": at least one of them
// waited; "full": all of them at once. The kernel's own avg10 (the last 10
// seconds) is the number; the graph is the growth of each file's some
// total between two readings, the stall of that interval. v1, and kernels
// without PSI, have none: one line says so, never a blank box.

// pressureFiles are the files of each resource, as the kernel names them.
var pressureFiles = [numPressure]string{"cpu.pressure", "memory.pressure", "io.pressure"}

// pressureShort are the resources in three letters, for narrow rows.
var pressureShort = [numPressure]string{"cpu", "mem", "io"}

func (p *Panels) pressurePanel(inner int) metricPanel {
	const title = "cpu/memory/io.pressure · avg10"
	pr := p.r.Last().Pressure
	if pr == nil {
		return metricPanel{bare: true, faint: true, lines: []panelLine{{text: p.noPressure()}}}
	}
	r := p.r.Rates()
	var lines []panelLine
	for k := range numPressure {
		psi := psiOf(pr, pressureKind(k))
		some := fmt.Sprintf("some %5.1f%%", psi.Some.Avg10)
		if r.ok && r.pressure && r.stall[k] > 0 {
			some = panelStyle.warn.Render(some) // stalled in the last interval
		}
		full := fmt.Sprintf("full %5.1f%%", psi.Full.Avg10)
		lines = append(lines, panelLine{text: firstFit(inner,
			fmt.Sprintf("%-15s %s %s", pressureFiles[k], some, full),
			fmt.Sprintf("%-3s %s %s", pressureShort[k], some, full))})
	}
	return metricPanel{title: title, lines: lines, graphAfter: len(lines), graph: &stallGraph{r: &p.r}, graphRank: 3}
}

// noPressure says why there is no pressure to show.
func (p *Panels) noPressure() string {
	switch {
	case p.version == cgroup.V1:
		return "pressure: cgroup v2 only"
	case p.pressureNote != "":
		return p.pressureNote
	}
	return "pressure: none read from this cgroup yet"
}

// stallGraph draws the stall of each resource per reading, one strip
// each, labelled, all with the same top: 100% of the interval. With rows
// for fewer strips than resources, the ones that stalled most are drawn.
type stallGraph struct{ r *Readings }

const stallLabel = 4 // "cpu ", "mem ", "io  "

func (g *stallGraph) draw(w, rows int) []string {
	strips := g.strips(rows - 1)
	hist := g.r.Stall(pressureCPU)
	caption := "some: % of each reading stalled, top 100%"
	if ansi.StringWidth(caption) > w {
		caption = "some stalled, top 100%"
	}
	chartW := max(w-stallLabel, 1)
	shown := min(len(hist.values), chartW*2)
	if span := hist.span(shown); span > 0 {
		if suffix := " · last " + formatSpan(span); ansi.StringWidth(caption+suffix) <= w {
			caption += suffix
		}
	}
	out := []string{caption}
	for i, k := range strips {
		h := (rows - 1) / len(strips)
		if i < (rows-1)%len(strips) {
			h++
		}
		c := Chart{Width: chartW, Height: h, Max: 100, DataStyle: panelStyle.data}
		labelRow := h - 1
		if i == len(strips)-1 {
			c.Marks = g.r.marks(g.r.Stall(k)) // under the last strip: the axis of all three
			if _, axis := c.axisRow(g.r.Stall(k).values); axis {
				labelRow-- // the label beside its strip, not beside the axis
			}
		}
		for j, row := range strings.Split(c.Render(g.r.Stall(k).values), "\n") {
			label := strings.Repeat(" ", stallLabel)
			if j == labelRow {
				label = fitLine(pressureShort[k], stallLabel, "")
			}
			out = append(out, label+row)
		}
	}
	return out
}

// strips are the resources drawn in n rows: all three when they fit,
// else those that stalled most in the history, in the files' order.
func (g *stallGraph) strips(n int) []pressureKind {
	all := []pressureKind{pressureCPU, pressureMemory, pressureIO}
	if n >= len(all) {
		return all
	}
	n = max(n, 1)
	byStall := slices.Clone(all)
	slices.SortStableFunc(byStall, func(a, b pressureKind) int {
		sa, sb := sum(g.r.Stall(a).values), sum(g.r.Stall(b).values)
		switch {
		case sa > sb:
			return -1
		case sa < sb:
			return 1
		}
		return 0
	})
	chosen := byStall[:n]
	slices.Sort(chosen)
	return chosen
}

func sum(vs []float64) float64 {
	total := 0.0
	for _, v := range vs {
		total += v
	}
	return total
}
