package vterm

// The grid: cells, lines, and a screen that is a ring of lines.

// A cell is one column of a line: 8 bytes.
type cell struct {
	// r is the character. 0 is a blank that was never written (drawn as
	// a space); a negative r is -(i+1) for grapheme cluster i of the
	// terminal's cluster table (a letter with combining marks, an emoji
	// sequence).
	r     rune
	style uint16 // index into the terminal's styleTable
	// wide is narrow (one column), wide (two), or rightHalf: the column
	// right of a wide character, which is not drawn. narrow is 0 so that
	// a zeroed cell is a blank and clearing a line is a memclr.
	wide uint8
	_    uint8
}

const (
	narrow uint8 = iota
	wide
	rightHalf
)

// width is how many columns the cell's character takes (0: a right half).
func (c cell) width() int { return [...]int{1, 2, 0}[c.wide%3] }

// blank is an erased cell: a space with the erasing pen's background.
func blank(style uint16) cell { return cell{style: style} }

// A line is one row of cells. wrapped says the text went on past its end
// into the next line (autowrap), as opposed to ending with a newline.
type line struct {
	cells   []cell
	wrapped bool
}

// clear blanks the line to n cells, reusing its storage.
func (l *line) clear(n int, style uint16) {
	if cap(l.cells) < n {
		l.cells = make([]cell, n)
	}
	l.cells = l.cells[:n]
	if style == 0 {
		clear(l.cells)
	} else {
		fill(l.cells, blank(style))
	}
	l.wrapped = false
}

func fill(cs []cell, c cell) {
	for i := range cs {
		cs[i] = c
	}
}

// A screen is rows lines kept as a ring: row y is lines[(top+y) % rows].
// Scrolling the whole screen up by a line moves top, and the screen's
// cells stay where they are (only the line that leaves is copied, text
// only, into the history); that is what makes a flood of output cheap
// (x/vt moved every cell of the screen up for each new line).
type screen struct {
	lines []line
	top   int
	tmp   []line // scratch for scrolling a region
}

func newScreen(cols, rows int) *screen {
	s := &screen{lines: make([]line, rows)}
	for i := range s.lines {
		s.lines[i].clear(cols, 0)
	}
	return s
}

func (s *screen) row(y int) *line {
	return &s.lines[(s.top+y)%len(s.lines)]
}

// rotateUp moves rows t..b up by n (0 < n <= b-t+1) by moving line
// headers, not cells; the n lines that leave the top come back at the
// bottom, for the caller to clear or to swap into the history.
func (s *screen) rotateUp(t, b, n int) {
	rows := len(s.lines)
	if t == 0 && b == rows-1 {
		s.top = (s.top + n) % rows
		return
	}
	s.tmp = s.tmp[:0]
	for y := t; y <= b; y++ {
		s.tmp = append(s.tmp, *s.row(y))
	}
	h := b - t + 1
	for i := range h {
		*s.row(t + i) = s.tmp[(i+n)%h]
	}
}

// rotateDown moves rows t..b down by n; the n lines pushed off the bottom
// come back at the top.
func (s *screen) rotateDown(t, b, n int) {
	h := b - t + 1
	s.rotateUp(t, b, h-n)
}
