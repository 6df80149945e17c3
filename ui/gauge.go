package ui

import (
	"math"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// Gauges (a bar filled to a fraction, coloured by how near the limit it
// is) and graphs (a Chart of a history with a caption over it): the two
// ways the panels and the compare view draw a reading.

// ---- gauges ----

// gaugeLine is a bar followed by its label, the bar taking the room the
// label leaves; no bar when too little is left.
func gaugeLine(frac float64, label string, inner int) string {
	barWidth := inner - ansi.StringWidth(label) - 1
	if barWidth < 4 {
		return label
	}
	return gaugeBar(frac, barWidth) + " " + label
}

// gaugeBar draws frac (0..1) of w cells in eighths of a cell, so a slow
// climb moves the bar every few percent, not every 1/w.
func gaugeBar(frac float64, w int) string {
	frac = min(max(frac, 0), 1)
	if math.IsNaN(frac) {
		frac = 0
	}
	eighths := int(math.Round(frac * float64(w*8)))
	full, part := eighths/8, eighths%8
	bar := strings.Repeat("█", full)
	empty := w - full
	if part > 0 {
		bar += string([]rune("▏▎▍▌▋▊▉")[part-1])
		empty--
	}
	return styled(gaugeColour(frac), bar) + styled(panelStyle.faint, strings.Repeat("░", empty))
}

// styled is style.Render, but nothing at all for an empty text (lipgloss
// would still write the escape sequences).
func styled(style lipgloss.Style, text string) string {
	if text == "" {
		return ""
	}
	return style.Render(text)
}

func gaugeColour(frac float64) lipgloss.Style {
	switch {
	case frac >= 0.9:
		return panelStyle.gauge[2]
	case frac >= 0.75:
		return panelStyle.gauge[1]
	}
	return panelStyle.gauge[0]
}

// ---- graphs ----

// panelGraph is a panel's history chart with a caption above it that names
// the top of the y-axis and the time shown.
type panelGraph struct {
	chart   Chart // Width and Height are set when drawn
	hist    *sampleHistory
	caption string
	short   string // the caption in fewer words, for a narrow panel ("": none)
}

// draw returns rows rows: the caption, then the chart.
func (g *panelGraph) draw(w, rows int) []string {
	c := g.chart
	c.Width, c.Height = w, rows-1
	shown := min(len(g.hist.values), w*c.samplesPerCell())
	caption := g.caption
	if g.short != "" && ansi.StringWidth(caption) > w {
		caption = g.short
	}
	if span := g.hist.span(shown); span > 0 {
		if suffix := " · last " + formatSpan(span); ansi.StringWidth(caption+suffix) <= w {
			caption += suffix
		}
	}
	if c.LimitLabel != nil {
		c.Limits = g.hist.limits // the line steps where the limit changed
	}
	return append([]string{caption}, strings.Split(c.Render(g.hist.values), "\n")...)
}
