package ui

import (
	"reflect"
	"unsafe"

	uv "github.com/charmbracelet/ultraviolet"
	"github.com/charmbracelet/x/vt"
)

// The pane's size and history: resizing the emulator and the pty, the
// scroll offset into the scrollback, the facts about the emulator that
// keys read without its lock, and two workarounds for x/vt v0.1.0.

// SetSize resizes the emulator first, then tells the pty (TIOCSWINSZ), so
// that when the program redraws after SIGWINCH, its output lands on a
// screen of the new size.
func (p *Pane) SetSize(cols, rows int) {
	cols, rows = max(cols, 1), max(rows, 1)
	p.mu.Lock()
	if cols == p.cols && rows == p.rows {
		p.mu.Unlock()
		return
	}
	if rows < p.rows && p.failed == "" {
		scrollForShrink(p.emu, rows)
	}
	if p.failed == "" {
		p.emu.Resize(cols, rows)
	}
	p.cols, p.rows = cols, rows
	p.clamp.resize(cols, rows)
	p.gen++
	p.publishLocked()
	p.mu.Unlock()

	p.offset = min(p.offset, p.historyLen())
	p.setPtySize(cols, rows)
}

// Size is the pane's size in cells.
func (p *Pane) Size() (cols, rows int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.cols, p.rows
}

// ScrollOffset is how many lines the view is scrolled back (0 = live).
func (p *Pane) ScrollOffset() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.scrolledLocked()
}

// scrollBy moves the view n lines back (n < 0: forward), within the history.
func (p *Pane) scrollBy(n, hist int) {
	p.offset = min(max(p.offset+n, 0), hist)
}

// publishLocked copies what keys need to know of the emulator into
// atomics, after every change.
func (p *Pane) publishLocked() {
	p.alt.Store(p.failed == "" && p.emu.IsAltScreen())
	p.hist.Store(int64(p.historyLenLocked()))
}

// historyLen is how many lines the view can scroll back: none in the
// alternate screen. It is as of the last chunk fed.
func (p *Pane) historyLen() int {
	return int(p.hist.Load())
}

func (p *Pane) historyLenLocked() int {
	if p.failed != "" || p.emu.IsAltScreen() {
		return 0
	}
	return p.emu.ScrollbackLen()
}

// scrolledLocked is the scroll offset in effect: the history may have
// shrunk (ESC[3J) or gone (alternate screen) since the user scrolled.
func (p *Pane) scrolledLocked() int {
	return min(p.offset, p.historyLenLocked())
}

func (p *Pane) altScreen() bool { return p.alt.Load() }

// rowsNow reads rows without the lock: see the field.
func (p *Pane) rowsNow() int { return p.rows }

// setPtySize tells the pty the size. Errors are ignored: after the
// container ended the pty is gone, and there is nothing left to resize.
func (p *Pane) setPtySize(cols, rows int) {
	if p.resize == nil {
		return
	}
	_ = p.resize(uint16(min(rows, 0xffff)), uint16(min(cols, 0xffff)))
}

// scrollForShrink keeps the cursor's line when the screen gets shorter.
// x/vt cuts rows off the bottom, which is usually where the prompt is;
// xterm instead pushes rows off the top into the history. We do the same
// by hand: push the top k rows to the scrollback and move the rest up,
// after which Resize's clamping puts the cursor on the line it was on.
func scrollForShrink(e *vt.Emulator, rows int) {
	k := e.CursorPosition().Y - (rows - 1)
	if k <= 0 || e.IsAltScreen() { // full-screen programs redraw anyway
		return
	}
	w, h := e.Width(), e.Height()
	sb := e.Scrollback()
	for y := 0; y < k; y++ {
		line := make(uv.Line, w)
		for x := range line {
			line[x] = *e.CellAt(x, y)
		}
		sb.Push(line)
	}
	// CellAt returns a pointer into the screen buffer, so assigning through
	// it copies cells without x/vt's wide-character fix-ups getting in the way.
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			if src := e.CellAt(x, y+k); src != nil {
				*e.CellAt(x, y) = *src
			} else {
				*e.CellAt(x, y) = uv.EmptyCell
			}
		}
	}
}

// disableAltScrollback removes the alternate screen's scrollback. In x/vt
// v0.1.0 both screens get a 10,000-line scrollback; SetScrollbackSize
// only bounds the main one, and the alternate one is never shown, yet
// every line that less or vi scrolls off is pushed into it (tens of MB
// per pane). The field is private, so we reach it by reflection; if a
// later x/vt changes its layout, we leave it alone.
func disableAltScrollback(e *vt.Emulator) {
	scrs := reflect.ValueOf(e).Elem().FieldByName("scrs")
	if !scrs.IsValid() || scrs.Kind() != reflect.Array || scrs.Len() != 2 ||
		scrs.Type().Elem() != reflect.TypeFor[vt.Screen]() {
		return
	}
	alt := (*vt.Screen)(unsafe.Pointer(scrs.Index(1).UnsafeAddr()))
	alt.SetScrollback(nil)
}
