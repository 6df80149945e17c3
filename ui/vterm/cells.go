package vterm

import uv "github.com/charmbracelet/ultraviolet"

// Reading the screen: cells as ultraviolet draws them.

// Line is a read-only view of a screen row or a history line, valid until
// the next Write, Resize or scroll.
type Line struct {
	t *Terminal
	l *line
}

// Len is how many cells the line has.
func (l Line) Len() int {
	if l.l == nil {
		return 0
	}
	return len(l.l.cells)
}

// Wrapped says the line's text goes on in the next line (autowrap).
func (l Line) Wrapped() bool { return l.l != nil && l.l.wrapped }

// Cell is cell x as ultraviolet's cell: Width 0 for the right half of a
// wide character; a never-written cell is a space. Outside the line, a
// blank cell in the default style.
func (l Line) Cell(x int) uv.Cell {
	if x < 0 || x >= l.Len() {
		return uv.Cell{Content: " ", Width: 1}
	}
	c := l.l.cells[x]
	out := uv.Cell{Style: l.t.styles.uv[c.style], Width: c.width()}
	if c.wide != rightHalf {
		out.Content = l.t.content(c)
	}
	return out
}

// StyleID is cell x's style as an index for Style: two cells look alike
// when their ids are equal, which is cheaper than comparing uv.Styles.
func (l Line) StyleID(x int) uint16 {
	if x < 0 || x >= l.Len() {
		return 0
	}
	return l.l.cells[x].style
}

// Style is the style a StyleID stands for.
func (t *Terminal) Style(id uint16) *uv.Style {
	if int(id) >= len(t.styles.uv) {
		return &t.styles.uv[0]
	}
	return &t.styles.uv[id]
}

// Row is screen row y (0 the top), empty outside the screen.
func (t *Terminal) Row(y int) Line {
	if y < 0 || y >= t.rows {
		return Line{}
	}
	return Line{t: t, l: t.scr.row(y)}
}

// CellAt is the cell at column x, row y of the screen shown, nil outside
// it. The cell is a copy: changing it changes nothing.
func (t *Terminal) CellAt(x, y int) *uv.Cell {
	if x < 0 || y < 0 || x >= t.cols || y >= t.rows {
		return nil
	}
	c := t.Row(y).Cell(x)
	return &c
}

// Text is cell x's text and width, without its style: what a renderer
// needs per cell when it compares styles by StyleID. A right half is
// ("", 0); outside the line, a space.
func (l Line) Text(x int) (string, int) {
	if x < 0 || x >= l.Len() {
		return " ", 1
	}
	c := l.l.cells[x]
	if c.wide == rightHalf {
		return "", 0
	}
	return l.t.content(c), c.width()
}
