package vterm

// Erasing, inserting and deleting characters. Erased cells take the
// current background colour (as in tmux and xterm), nothing else.

// eraseCells blanks columns [from, to) of row y.
func (t *Terminal) eraseCells(y, from, to int) {
	l := t.scr.row(y).cells
	from, to = max(from, 0), min(to, len(l))
	if from >= to {
		return
	}
	t.clearWide(l, from, to)
	fill(l[from:to], blank(t.eraseID))
}

// eraseDisplay is ED: 0 from the cursor on, 1 up to the cursor, 2 all,
// 3 the history (tmux leaves the screen alone for 3).
func (t *Terminal) eraseDisplay(n int) {
	if n == 2 || n == 0 && t.x == 0 && t.y == 0 {
		t.clearIntoHistory()
	}
	switch n {
	case 0:
		t.eraseCells(t.y, t.x, t.cols)
		t.scr.row(t.y).wrapped = false
		for y := t.y + 1; y < t.rows; y++ {
			t.scr.row(y).clear(t.cols, t.eraseID)
		}
	case 1:
		for y := 0; y < t.y; y++ {
			t.scr.row(y).clear(t.cols, t.eraseID)
		}
		t.eraseCells(t.y, 0, t.x+1)
	case 2:
		for y := range t.rows {
			t.scr.row(y).clear(t.cols, t.eraseID)
		}
	case 3:
		t.hist.clear()
	}
}

// clearIntoHistory keeps what a whole-screen clear (`clear`, ctrl+l)
// would wipe out: like tmux (its scroll-on-clear option), the main
// screen's rows down to the last one with text scroll into the history
// first, so scrolling back still finds them.
func (t *Terminal) clearIntoHistory() {
	if t.scr != t.main || t.hist.max == 0 {
		return
	}
	for y := t.rows - 1; y >= 0; y-- {
		if hasText(t.scr.row(y).cells) {
			t.scrollUp(0, t.rows-1, y+1)
			return
		}
	}
}

// hasText says whether any cell of cs was written (an erased cell,
// even with a background colour, was not).
func hasText(cs []cell) bool {
	for _, c := range cs {
		if c.r != 0 {
			return true
		}
	}
	return false
}

// eraseLine is EL: 0 from the cursor on, 1 up to the cursor, 2 the line.
func (t *Terminal) eraseLine(n int) {
	switch n {
	case 0:
		t.eraseCells(t.y, t.x, t.cols)
		t.scr.row(t.y).wrapped = false
	case 1:
		t.eraseCells(t.y, 0, t.x+1)
	case 2:
		t.scr.row(t.y).clear(t.cols, t.eraseID)
	}
}

// eraseChars is ECH: n cells from the cursor on, without moving it.
func (t *Terminal) eraseChars(n int) {
	t.eraseCells(t.y, t.x, t.x+n)
}

// insertChars is ICH: n blanks at the cursor, pushing the rest of the
// line right; what passes the right edge is lost.
func (t *Terminal) insertChars(n int) {
	if t.x >= t.cols {
		return
	}
	l := t.scr.row(t.y).cells
	t.insertCells(l, t.x, n)
	fill(l[t.x:min(t.x+n, t.cols)], blank(t.eraseID))
}

// insertCells moves cells x.. right by n (insert mode, ICH).
func (t *Terminal) insertCells(l []cell, x, n int) {
	n = min(n, len(l)-x)
	if n <= 0 {
		return
	}
	t.clearWide(l, x, x)
	// A wide character pushed half off the edge goes whole.
	t.clearWide(l, len(l)-n, len(l)-n)
	copy(l[x+n:], l[x:len(l)-n])
}

// deleteChars is DCH: n cells at the cursor go, the rest of the line
// moves left, blanks come in at the right.
func (t *Terminal) deleteChars(n int) {
	if t.x >= t.cols {
		return
	}
	l := t.scr.row(t.y).cells
	n = min(n, t.cols-t.x)
	t.clearWide(l, t.x, t.x+n)
	copy(l[t.x:], l[t.x+n:])
	fill(l[t.cols-n:], blank(t.eraseID))
}
