package ui

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	uv "github.com/charmbracelet/ultraviolet"
	"github.com/charmbracelet/x/ansi"

	"vme50-tui/ui/vterm"
)

// The pane's drawing: View and Cursor from the emulator's cells, each
// frame rendered once per change and kept, so that the Bubble Tea
// goroutine never waits for the reader (p.mu held while rendering).

// paneFrame is a rendered view with its cursor, for generation gen of
// the emulator's screen at scroll offset off.
type paneFrame struct {
	text   string
	cursor *tea.Cursor
	gen    uint64
	off    int
	// cols and rows are the size it was drawn at.
	cols, rows int
}

// fitted is the frame's text in exactly cols x rows cells: after a
// SetSize that the reader has not applied yet, the layout around the
// pane still needs the new size.
func (f *paneFrame) fitted(cols, rows int) string {
	if f.cols == cols && f.rows == rows {
		return f.text
	}
	return fitBlock(strings.Split(f.text, "\n"), cols, rows)
}

// View is exactly cols x rows cells, styled from the emulator's cells,
// with the scrollback offset applied. It is rendered again only when the
// screen or the offset changed since the last call. While the reader is
// feeding the emulator, View does not wait: it returns the last frame and
// asks the reader for a new one, which the next View shows.
func (p *Pane) View() string {
	if !p.mu.TryLock() {
		p.requestFrame()
		return p.frame.Load().fitted(p.Size())
	}
	defer p.mu.Unlock()
	return p.frameLocked(p.offset).text
}

// Cursor is the container's real cursor, relative to the pane's top-left;
// nil when hidden, scrolled back, or when the program is gone. Like View,
// it never waits for the emulator: while busy, the last frame's cursor.
func (p *Pane) Cursor() *tea.Cursor {
	f := p.frame.Load()
	if p.mu.TryLock() {
		f = p.frameLocked(p.offset)
		p.mu.Unlock()
	}
	if f.cursor == nil {
		return nil
	}
	c := *f.cursor // the caller moves it onto the screen
	return &c
}

// requestFrame asks the reader to render the current scroll offset after
// its chunk.
func (p *Pane) requestFrame() {
	p.wantOff.Store(int64(p.offset))
	p.frameWanted.Store(true)
}

// frameLocked is the frame at scroll offset off, rendered only if the
// screen or the offset changed since the last one.
func (p *Pane) frameLocked(off int) *paneFrame {
	p.applySizeLocked()
	if f := p.frame.Load(); f != nil && f.gen == p.gen && f.off == off {
		return f
	}
	f := &paneFrame{text: p.render(off), cursor: p.cursorLocked(off), gen: p.gen, off: off, cols: p.cols, rows: p.rows}
	p.frame.Store(f)
	return f
}

// cursorLocked is the cursor to show at scroll offset off.
func (p *Pane) cursorLocked(off int) *tea.Cursor {
	if p.failed != "" || min(off, p.historyLenLocked()) > 0 || p.eof || p.emu.CursorHidden() {
		return nil
	}
	pos := p.emu.CursorPosition()
	style, blink := p.emu.CursorStyle()
	c := tea.NewCursor(pos.X, pos.Y)
	c.Blink = blink
	switch style {
	case vterm.CursorUnderline:
		c.Shape = tea.CursorUnderline
	case vterm.CursorBar:
		c.Shape = tea.CursorBar
	default:
		c.Shape = tea.CursorBlock
	}
	return c
}

// render draws the visible rows at scroll offset off: history lines first
// when scrolled back, then the emulator's screen.
func (p *Pane) render(off int) string {
	if p.failed != "" {
		return p.renderFailure()
	}
	hist := p.historyLenLocked()
	off = min(off, hist) // the history may have shrunk since the user scrolled
	var b strings.Builder
	b.Grow(p.rows * (p.cols + 16))
	for y := 0; y < p.rows; y++ {
		if y > 0 {
			b.WriteByte('\n')
		}
		n := hist - off + y // index into history followed by screen
		line := p.emu.Row(n - hist)
		if n < hist {
			line = p.emu.ScrollbackLine(n)
		}
		width, badge := p.cols, ""
		if y == 0 && off > 0 {
			badge = scrollBadge(off, hist, p.cols)
			width -= ansi.StringWidth(badge)
		}
		renderRow(&b, p.emu, line, width)
		b.WriteString(badge)
	}
	return b.String()
}

// renderRow writes exactly width cells of line. Missing cells (a history
// line narrower than the pane) become spaces; the right half of a wide
// character is skipped, and a wide character that does not fit at the
// edge becomes a space. Styles change only where they differ: cells carry
// an index into the emulator's style table, so comparing two is comparing
// two numbers, and uv.StyleDiff writes the SGR between them.
func renderRow(b *strings.Builder, emu *vterm.Terminal, line vterm.Line, width int) {
	var pen uint16 // the default style
	for x := 0; x < width; {
		content, w := line.Text(x)
		style := line.StyleID(x) // a blank may still carry a background colour
		// A right half whose wide character was cut off, or a wide
		// character that does not fit: a space.
		if w == 0 || x+w > width {
			content, w = " ", 1
		}
		if style != pen {
			b.WriteString(uv.StyleDiff(emu.Style(pen), emu.Style(style)))
			pen = style
		}
		if len(content) == 1 && content[0] >= 0x20 && content[0] < 0x7f {
			b.WriteString(content) // printable ASCII, the bulk of any screen
		} else if next, nw := line.Text(x + 1); isFlagHalf(content) && w == 1 && nw == 1 && x+2 <= width && isFlagHalf(next) {
			// A flag is two regional indicators, a cell each (as in
			// tmux), and two columns together; alone, each would be two.
			b.WriteString(content + next)
			w = 2
		} else {
			b.WriteString(drawable(content, w))
		}
		x += w
	}
	if pen != 0 {
		b.WriteString(ansi.ResetStyle)
	}
}

// drawable is a cell's content as it may be written to the real
// terminal, a last fence behind vterm's own rules: never a control
// character (C0, or C1, which VTE, screen and mosh act on as CSI and
// OSC), and exactly w columns as lipgloss measures it (the layout joins
// the pane's rows to the panels assuming each is exactly its width).
// Otherwise the first character alone if that is fine, else '?'.
func drawable(s string, w int) string {
	if fits(s, w) {
		return s
	}
	r, _ := utf8.DecodeRuneInString(s)
	if base := string(r); fits(base, w) {
		return base
	}
	return "?" + strings.Repeat(" ", w-1)
}

// fits says s has no control character and is w columns wide, both as
// lipgloss measures (grapheme clusters) and as wcwidth does.
func fits(s string, w int) bool {
	for _, r := range s {
		if unicode.IsControl(r) || r == utf8.RuneError || unicode.Is(unicode.Bidi_Control, r) {
			return false
		}
	}
	return ansi.StringWidth(s) == w && (w == 2 || ansi.StringWidthWc(s) == w)
}

// isFlagHalf says s is one regional indicator, half of a flag.
func isFlagHalf(s string) bool {
	r, n := utf8.DecodeRuneInString(s)
	return n == len(s) && r >= 0x1F1E6 && r <= 0x1F1FF
}

// scrollBadge is the "[42/1000]" shown top right while scrolled back, in
// reverse video so it cannot be mistaken for the program's output.
func scrollBadge(off, hist, cols int) string {
	s := fmt.Sprintf("[%d/%d]", off, hist)
	if len(s) >= cols {
		return ""
	}
	return ansi.SGR(ansi.AttrReverse) + s + ansi.ResetStyle
}

// renderIfWanted renders the frame a View asked for while the lock was
// held (p.mu held).
func (p *Pane) renderIfWanted() {
	if p.frameWanted.Swap(false) {
		p.frameLocked(int(p.wantOff.Load()))
	}
}

// renderFailure is the pane after the emulator failed: what happened and
// what still works, in exactly cols x rows cells.
func (p *Pane) renderFailure() string {
	text := fmt.Sprintf("The terminal emulator failed on this container's output (%s), so this pane "+
		"shows no more of it. The container itself runs on: its panels still count, ctrl+g k kills it.", p.failed)
	rows := []string{""} // a blank line above, a space of margin on the left
	for _, line := range strings.Split(lipgloss.NewStyle().Width(max(p.cols-2, 10)).Render(text), "\n") {
		rows = append(rows, " "+line)
	}
	return fitBlock(rows, p.cols, p.rows)
}
