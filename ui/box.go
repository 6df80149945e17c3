package ui

import (
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// Boxes and the fitting of text into exact sizes: the panels, the compare
// view, the kernel log and the lesson box all draw with these.

// ---- styles ----

// Colours are the terminal's own first eight, so they follow its theme,
// and there are few of them: on a classroom projector every extra colour
// is one more thing to squint at.
var panelStyle = struct {
	title, border, faint lipgloss.Style
	data, limit, mark    lipgloss.Style // the graphs; mark: a limit changed here
	soft                 lipgloss.Style // a soft limit's line (memory.high)
	warn, bad            lipgloss.Style // a counter moving; a process killed
	flash                lipgloss.Style
	gauge                [3]lipgloss.Style // room left, 75% and up, 90% and up
}{
	title:  lipgloss.NewStyle().Bold(true),
	border: lipgloss.NewStyle(),
	faint:  lipgloss.NewStyle().Faint(true),
	data:   lipgloss.NewStyle().Foreground(lipgloss.Color("6")), // cyan
	limit:  lipgloss.NewStyle().Foreground(lipgloss.Color("1")), // red
	mark:   lipgloss.NewStyle().Foreground(lipgloss.Color("3")).Bold(true),
	soft:   lipgloss.NewStyle().Foreground(lipgloss.Color("3")), // yellow: it slows, it does not stop
	warn:   lipgloss.NewStyle().Foreground(lipgloss.Color("3")), // yellow
	bad:    lipgloss.NewStyle().Foreground(lipgloss.Color("1")).Bold(true),
	// A flashing counter is drawn in reverse video: visible in any theme
	// and on any projector, without a colour of its own.
	flash: lipgloss.NewStyle().Reverse(true).Bold(true),
	gauge: [3]lipgloss.Style{
		lipgloss.NewStyle().Foreground(lipgloss.Color("2")), // green
		lipgloss.NewStyle().Foreground(lipgloss.Color("3")), // yellow
		lipgloss.NewStyle().Foreground(lipgloss.Color("1")), // red
	},
}

const (
	minBoxWidth  = 20 // narrower than this, boxes waste the room: Compact instead
	minGraphRows = 3  // a caption and two rows of chart
	boxRows      = 2  // a box's top and bottom borders
)

// drawBox draws a rounded border around body, the title set into the top
// edge, every row exactly w cells:
//
//	╭─ cpu.stat ───────╮
//	│ 0.48 cores       │
//	╰──────────────────╯
func drawBox(title string, body []string, w int) []string {
	b := lipgloss.RoundedBorder()
	inner := w - 4
	title = ansi.Truncate(title, w-5, "…")
	fill := w - 5 - ansi.StringWidth(title)
	rows := []string{
		panelStyle.border.Render(b.TopLeft+b.Top+" ") + panelStyle.title.Render(title) +
			panelStyle.border.Render(" "+strings.Repeat(b.Top, fill)+b.TopRight),
	}
	for _, text := range body {
		rows = append(rows, panelStyle.border.Render(b.Left)+" "+fitLine(text, inner, "…")+" "+panelStyle.border.Render(b.Right))
	}
	return append(rows, panelStyle.border.Render(b.BottomLeft+strings.Repeat(b.Bottom, w-2)+b.BottomRight))
}

// fitBlock makes rows exactly w cells wide and h rows high. The app lays
// the screen out by size: one line too long would wrap and shift
// everything below it.
func fitBlock(rows []string, w, h int) string {
	if h <= 0 {
		return ""
	}
	out := make([]string, h)
	for i := range out {
		if i < len(rows) {
			out[i] = fitLine(rows[i], w, "")
		} else {
			out[i] = strings.Repeat(" ", max(w, 0))
		}
	}
	return strings.Join(out, "\n")
}

// fitLine cuts s to w cells (ending in tail when cut) or pads it with
// spaces to w. Escape sequences do not count: they take no cells.
func fitLine(s string, w int, tail string) string {
	w = max(w, 0)
	s = ansi.Truncate(s, w, tail)
	return s + strings.Repeat(" ", max(w-ansi.StringWidth(s), 0))
}

// firstFit returns the first text that fits in w cells, or the last one:
// a narrow panel says the same thing in fewer words.
func firstFit(w int, texts ...string) string {
	for _, t := range texts {
		if ansi.StringWidth(t) <= w {
			return t
		}
	}
	return texts[len(texts)-1]
}
