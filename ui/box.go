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
	return drawCard(w, cardSection{title: title, rows: body})
}

// A cardSection is one part of a card: its title and rows, and notes set
// into the right of the edges above and below it ("↑ 3 more").
type cardSection struct {
	title, above, below string
	rows                []string
}

// drawCard draws sections one under another in one box, each under an
// edge that carries its title, every row exactly w cells:
//
//	╭─ New container ──╮
//	│ Memory limit 64M │
//	├─ Memory limit ───┤
//	│ 64M, 1.5G        │
//	╰──────── ↓ 3 more ╯
func drawCard(w int, sections ...cardSection) []string {
	b := lipgloss.RoundedBorder()
	var rows []string
	below := ""
	for i, sec := range sections {
		left, right := b.MiddleLeft, b.MiddleRight
		if i == 0 {
			left, right = b.TopLeft, b.TopRight
		}
		rows = append(rows, edge(left, right, sec.title, firstNonEmpty(sec.above, below), w))
		for _, text := range sec.rows {
			rows = append(rows, panelStyle.border.Render(b.Left)+" "+fitLine(text, w-4, "…")+" "+panelStyle.border.Render(b.Right))
		}
		below = sec.below
	}
	return append(rows, edge(b.BottomLeft, b.BottomRight, "", below, w))
}

// edge is a box's horizontal edge of w cells, from left to right, a title
// set in on the left and a note on the right.
func edge(left, right, title, note string, w int) string {
	b := lipgloss.RoundedBorder()
	if note != "" {
		note = " " + ansi.Truncate(note, max(w-7, 0), "…") + " " + b.Top
	}
	fill := w - 2 - ansi.StringWidth(note)
	if title == "" {
		return panelStyle.border.Render(left + strings.Repeat(b.Top, max(fill, 0)) + note + right)
	}
	title = ansi.Truncate(title, max(fill-3, 1), "…")
	fill -= 3 + ansi.StringWidth(title)
	return panelStyle.border.Render(left+b.Top+" ") + panelStyle.title.Render(title) +
		panelStyle.border.Render(" "+strings.Repeat(b.Top, max(fill, 0))+note+right)
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
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
