package vterm

// Modes a program sets (SM/RM, DECSET/DECRST), the alternate screen, and
// the character sets.

type modes struct {
	autowrap      bool // DECAWM ?7
	origin        bool // DECOM ?6
	insert        bool // IRM 4
	cursorVisible bool // DECTCEM ?25
	appCursor     bool // DECCKM ?1
	bracketed     bool // ?2004
	mouse         int  // 0, or 1000, 1002, 1003: which mouse events to report
	mouseSGR      bool // ?1006
}

// MouseMode is the mouse tracking the program asked for: 0 (none), 1000
// (clicks), 1002 (and drags) or 1003 (all motion).
func (t *Terminal) MouseMode() int { return t.modes.mouse }

// MouseSGR says whether mouse reports use the SGR encoding (?1006).
func (t *Terminal) MouseSGR() bool { return t.modes.mouseSGR }

// AppCursorKeys says whether cursor keys send ESC O A rather than ESC [ A (DECCKM).
func (t *Terminal) AppCursorKeys() bool { return t.modes.appCursor }

// BracketedPaste says whether pastes are to be wrapped in ESC[200~ ... ESC[201~.
func (t *Terminal) BracketedPaste() bool { return t.modes.bracketed }

func (t *Terminal) resetModes() {
	t.modes = modes{autowrap: true, cursorVisible: true}
	t.top, t.bot = 0, t.rows-1
	t.charset = charsets{}
	t.cursor, t.blink = CursorBlock, false
	t.setPen(pen{})
}

// setANSIMode is SM/RM (CSI 4 h): only insert mode matters on a screen.
func (t *Terminal) setANSIMode(m int, on bool) {
	if m == 4 {
		t.modes.insert = on
	}
}

// setDECMode is DECSET/DECRST (CSI ? n h / l).
func (t *Terminal) setDECMode(m int, on bool) {
	switch m {
	case 1:
		t.modes.appCursor = on
	case 6:
		t.modes.origin = on
		t.cup(1, 1)
	case 7:
		t.modes.autowrap = on
	case 12:
		t.blink = on
	case 25:
		t.modes.cursorVisible = on
	case 47, 1047:
		t.altScreen(on, false)
	case 1049:
		t.altScreen(on, true)
	case 1048:
		if on {
			t.saveCursor(&t.altSave)
		} else {
			t.restoreCursor(&t.altSave)
		}
	case 1000, 1002, 1003:
		if on {
			t.modes.mouse = m
		} else if t.modes.mouse == m {
			t.modes.mouse = 0
		}
	case 1006:
		t.modes.mouseSGR = on
	case 2004:
		t.modes.bracketed = on
	}
}

// decMode is DECRQM's answer for mode m: 1 set, 2 reset, 0 unknown.
func (t *Terminal) decMode(m int) int {
	var on bool
	switch m {
	case 1:
		on = t.modes.appCursor
	case 6:
		on = t.modes.origin
	case 7:
		on = t.modes.autowrap
	case 12:
		on = t.blink
	case 25:
		on = t.modes.cursorVisible
	case 47, 1047, 1049:
		on = t.IsAltScreen()
	case 1000, 1002, 1003:
		on = t.modes.mouse == m
	case 1006:
		on = t.modes.mouseSGR
	case 2004:
		on = t.modes.bracketed
	default:
		return 0
	}
	if on {
		return 1
	}
	return 2
}

// altScreen switches to or from the alternate screen, which has no
// history. Like tmux, entering clears it; with 1049 the cursor is saved
// on entering and restored on leaving.
func (t *Terminal) altScreen(on, cursor bool) {
	if on == t.IsAltScreen() {
		// Leaving with 1049 restores a saved cursor even when not on the
		// alternate screen, as tmux does.
		if !on && cursor && t.altSave.set {
			t.restoreCursor(&t.altSave)
		}
		return
	}
	if on {
		if cursor {
			t.saveCursor(&t.altSave)
		}
		t.scr = t.alt
		for y := range t.rows {
			t.alt.row(y).clear(t.cols, t.eraseID)
		}
		return
	}
	t.scr = t.main
	if cursor {
		t.restoreCursor(&t.altSave)
	}
	// Leaving ends a pending wrap, as tmux does.
	t.x, t.y = min(t.x, t.cols-1), min(t.y, t.rows-1)
}

// charsets are G0 and G1, each ASCII or DEC special graphics (the line
// drawing set), and which of them is in use (SO/SI).
type charsets struct {
	g  [2]bool // true: DEC special graphics
	gl int
}

func (c charsets) graphics() bool { return c.g[c.gl] }

// decGraphic is the line-drawing character for r in the DEC special
// graphics set (ESC ( 0), as xterm maps it.
func decGraphic(r rune) rune {
	if r < 0x5f || r > 0x7e {
		return r
	}
	return decGraphics[r-0x5f]
}

var decGraphics = []rune("\u00a0◆▒␉␌␍␊°±␤␋┘┐┌└┼⎺⎻─⎼⎽├┤┴┬│≤≥π≠£·")
