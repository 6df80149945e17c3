package vterm

// Scrolling: new lines at the bottom of the scroll region, the history,
// inserting and deleting lines.

// index moves the cursor down a line, scrolling the region up when the
// cursor is on its bottom line (LF, IND, and autowrap).
func (t *Terminal) index() {
	switch {
	case t.y == t.bot:
		t.scrollUp(t.top, t.bot, 1)
	case t.y < t.rows-1:
		t.y++
	}
}

// reverseIndex moves the cursor up a line, scrolling the region down at
// its top line (RI).
func (t *Terminal) reverseIndex() {
	switch {
	case t.y == t.top:
		t.scrollDown(t.top, t.bot, 1)
	case t.y > 0:
		t.y--
	}
}

// scrollUp moves rows top..bot up by n; n new blank lines appear at bot.
// When the region is the whole main screen, the lines leaving the top go
// into the history, as in tmux; a region's scroll loses them.
func (t *Terminal) scrollUp(top, bot, n int) {
	n = min(max(n, 1), bot-top+1)
	s := t.scr
	whole := top == 0 && bot == t.rows-1
	if whole && s == t.main && t.hist.max > 0 {
		for i := range n {
			t.hist.push(t.keepLine(s.row(i)))
		}
	}
	s.rotateUp(top, bot, n)
	for y := bot - n + 1; y <= bot; y++ {
		s.row(y).clear(t.cols, t.eraseID)
	}
}

// scrollDown moves rows top..bot down by n; n blank lines appear at top.
func (t *Terminal) scrollDown(top, bot, n int) {
	n = min(max(n, 1), bot-top+1)
	t.scr.rotateDown(top, bot, n)
	for y := top; y < top+n; y++ {
		t.scr.row(y).clear(t.cols, t.eraseID)
	}
}

// insertLines is IL: blank lines at the cursor, pushing the region's
// lines below it down. tmux leaves the cursor where it was (xterm goes
// to column 0).
func (t *Terminal) insertLines(n int) {
	t.scrollDown(t.y, t.lineOpBottom(), n)
}

// lineOpBottom is the last row IL and DL move: the region's bottom, or,
// with the cursor outside the region, the screen's (as tmux does; xterm
// ignores them there).
func (t *Terminal) lineOpBottom() int {
	if t.y < t.top || t.y > t.bot {
		return t.rows - 1
	}
	return t.bot
}

// deleteLines is DL: the region's lines below the cursor move up over it.
func (t *Terminal) deleteLines(n int) {
	bot := t.lineOpBottom()
	// Through rotateUp directly: deleted lines never go to the history.
	n = min(max(n, 1), bot-t.y+1)
	t.scr.rotateUp(t.y, bot, n)
	for y := bot - n + 1; y <= bot; y++ {
		t.scr.row(y).clear(t.cols, t.eraseID)
	}
}

// keepLine is a copy of l for the history, without its blank end (blank
// cells in the default style, which the pane draws anyway): a line of
// `seq` keeps 6 cells, not the screen's width.
func (t *Terminal) keepLine(l *line) line {
	end := len(l.cells)
	for end > 0 && l.cells[end-1] == (cell{}) {
		end--
	}
	cells := t.newCells(end)
	copy(cells, l.cells)
	return line{cells: cells, wrapped: l.wrapped}
}

// slabCells is how many cells a slab holds: 64 KB, a whole number of
// the allocator's 8 KB pages.
const slabCells = 8192

// newCells is storage for a history line of n cells, cut from a slab:
// allocated one by one, a 200-cell line (1600 bytes) would take 1792,
// the allocator's next size, and short lines would cost an allocation
// each. The history drops its lines in the order they came, so a slab is
// freed once its last line is gone.
func (t *Terminal) newCells(n int) []cell {
	if n == 0 {
		return nil
	}
	if len(t.slab) < n {
		t.slab = make([]cell, max(slabCells, n))
	}
	c := t.slab[:n:n]
	t.slab = t.slab[n:]
	return c
}

// ScrollbackLen is how many lines the history holds.
func (t *Terminal) ScrollbackLen() int { return t.hist.n }

// SetScrollbackSize bounds the history, dropping the oldest lines beyond.
func (t *Terminal) SetScrollbackSize(n int) { t.hist.setMax(n) }

// ClearScrollback empties the history.
func (t *Terminal) ClearScrollback() { t.hist.clear() }

// ScrollbackLine is history line i, 0 the oldest; it may be shorter or
// longer than the screen is wide (it keeps the width it had).
func (t *Terminal) ScrollbackLine(i int) Line {
	if i < 0 || i >= t.hist.n {
		return Line{}
	}
	return Line{t: t, l: t.hist.at(i)}
}
