package ui

// The pane's size and history: resizing the emulator and the pty, the
// scroll offset into the scrollback, and the facts about the emulator
// that keys read without its lock.

// SetSize asks for a new size and never waits for the emulator: while
// the reader feeds it (a colour storm can keep it busy), a blocking Lock
// here froze the whole TUI. The size wanted is recorded; whoever next
// holds the lock applies it (applySizeLocked): at once if the lock is
// free, else the reader before its next chunk, or the next View, which
// until then fits the last frame to the new size.
func (p *Pane) SetSize(cols, rows int) {
	cols, rows = max(cols, 1), max(rows, 1)
	if p.want.Swap(packSize(cols, rows)) == packSize(cols, rows) {
		return
	}
	p.offset = min(p.offset, p.historyLen())
	if p.mu.TryLock() {
		p.applySizeLocked()
		p.mu.Unlock()
	}
}

// applySizeLocked resizes the emulator to the size SetSize asked for,
// then tells the pty (TIOCSWINSZ), so that when the program redraws after
// SIGWINCH, its output lands on a screen of the new size. A shorter
// screen keeps the cursor's line: like tmux and xterm, vterm pushes the
// lines above it into the history.
func (p *Pane) applySizeLocked() {
	cols, rows := unpackSize(p.want.Load())
	if cols == p.cols && rows == p.rows {
		return
	}
	if p.failed == "" {
		p.emu.Resize(cols, rows)
	}
	p.cols, p.rows = cols, rows
	p.gen++
	p.publishLocked()
	p.setPtySize(cols, rows)
}

// Size is the pane's size in cells, as last asked for.
func (p *Pane) Size() (cols, rows int) { return unpackSize(p.want.Load()) }

func packSize(cols, rows int) uint64 { return uint64(cols)<<32 | uint64(uint32(rows)) }

func unpackSize(v uint64) (cols, rows int) { return int(v >> 32), int(uint32(v)) }

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
	ok := p.failed == ""
	p.alt.Store(ok && p.emu.IsAltScreen())
	p.hist.Store(int64(p.historyLenLocked()))
	p.appCursor.Store(ok && p.emu.AppCursorKeys())
	p.bracketed.Store(ok && p.emu.BracketedPaste())
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

// rowsNow is the rows asked for, read without the lock.
func (p *Pane) rowsNow() int {
	_, rows := p.Size()
	return rows
}

// setPtySize tells the pty the size. Errors are ignored: after the
// container ended the pty is gone, and there is nothing left to resize.
func (p *Pane) setPtySize(cols, rows int) {
	if p.resize == nil {
		return
	}
	_ = p.resize(uint16(min(rows, 0xffff)), uint16(min(cols, 0xffff)))
}
