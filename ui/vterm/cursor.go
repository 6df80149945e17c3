package vterm

import (
	uv "github.com/charmbracelet/ultraviolet"
	"github.com/charmbracelet/x/ansi"
)

// The cursor: control characters, moves, tab stops, save and restore.

// CursorStyle is the cursor's shape as DECSCUSR sets it.
type CursorStyle int

const (
	CursorBlock CursorStyle = iota
	CursorUnderline
	CursorBar
)

// CursorPosition is the cursor's cell. In the pending-wrap state (after
// a character in the last column) it is on the last column.
func (t *Terminal) CursorPosition() uv.Position {
	return uv.Pos(min(t.x, t.cols-1), t.y)
}

// CursorHidden says whether the program hid the cursor (DECTCEM, ?25).
func (t *Terminal) CursorHidden() bool { return !t.modes.cursorVisible }

// CursorStyle is the cursor's shape and whether it blinks.
func (t *Terminal) CursorStyle() (CursorStyle, bool) { return t.cursor, t.blink }

// execute runs a C0 control character.
func (t *Terminal) execute(b byte) {
	t.last = -1
	switch b {
	case ansi.BS:
		t.left(1)
	case ansi.HT:
		t.tabForward(1)
	case ansi.LF, ansi.VT, ansi.FF:
		t.index()
	case ansi.CR:
		t.x = 0
	case ansi.SO:
		t.charset.gl = 1
	case ansi.SI:
		t.charset.gl = 0
	}
}

// moveTo puts the cursor at column x, row y of the screen, clamped.
func (t *Terminal) moveTo(x, y int) {
	t.x = min(max(x, 0), t.cols-1)
	t.y = min(max(y, 0), t.rows-1)
}

// cup is CUP/HVP: row and column from 1, inside the region in origin mode.
func (t *Terminal) cup(row, col int) {
	if t.modes.origin {
		t.moveTo(col-1, min(t.top+row-1, t.bot))
		return
	}
	t.moveTo(col-1, row-1)
}

// up moves n rows up, stopping at the region's top if it started below it.
func (t *Terminal) up(n int) {
	stop := 0
	if t.y >= t.top {
		stop = t.top
	}
	t.y = max(t.y-n, stop)
	t.x = min(t.x, t.cols-1)
}

// down moves n rows down, stopping at the region's bottom if it started above it.
func (t *Terminal) down(n int) {
	stop := t.rows - 1
	if t.y <= t.bot {
		stop = t.bot
	}
	t.y = min(t.y+n, stop)
	t.x = min(t.x, t.cols-1)
}

// left and right move along the row, stopping at its edges. Like tmux,
// left counts from the pending-wrap column: one step back from it is
// the last column.
func (t *Terminal) left(n int)  { t.x = max(t.x-n, 0) }
func (t *Terminal) right(n int) { t.x = min(t.x+n, t.cols-1) }

// tabForward moves to the n-th next tab stop, or the last column.
func (t *Terminal) tabForward(n int) {
	for ; n > 0 && t.x < t.cols-1; n-- {
		t.x++
		for t.x < t.cols-1 && !t.tabs[t.x] {
			t.x++
		}
	}
}

// tabBack moves to the n-th tab stop before the cursor, or column 0.
func (t *Terminal) tabBack(n int) {
	t.x = min(t.x, t.cols-1)
	for ; n > 0 && t.x > 0; n-- {
		t.x--
		for t.x > 0 && !t.tabs[t.x] {
			t.x--
		}
	}
}

// resetTabs puts a tab stop every 8 columns from column from on.
func (t *Terminal) resetTabs(from int) {
	if len(t.tabs) != t.cols {
		tabs := make([]bool, t.cols)
		copy(tabs, t.tabs)
		t.tabs = tabs
	}
	for x := from; x < t.cols; x++ {
		t.tabs[x] = x%8 == 0
	}
}

// savedCursor is what DECSC keeps and DECRC restores.
type savedCursor struct {
	x, y    int
	pen     pen
	origin  bool
	charset charsets
	set     bool
}

func (t *Terminal) saveCursor(s *savedCursor) {
	*s = savedCursor{x: t.x, y: t.y, pen: t.pen, origin: t.modes.origin, charset: t.charset, set: true}
}

// restoreCursor restores a save, or homes the cursor with the default
// pen if nothing was saved (as xterm and tmux do).
func (t *Terminal) restoreCursor(s *savedCursor) {
	if !s.set {
		t.x, t.y = 0, 0
		t.setPen(pen{})
		t.modes.origin = false
		t.charset = charsets{}
		return
	}
	// A save in the pending-wrap state restores to the last column.
	t.x, t.y = min(s.x, t.cols-1), min(s.y, t.rows-1)
	t.setPen(s.pen)
	t.modes.origin = s.origin
	t.charset = s.charset
}
