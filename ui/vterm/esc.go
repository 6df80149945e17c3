package vterm

import (
	"bytes"

	"github.com/charmbracelet/x/ansi"
)

// ESC sequences, OSC strings, and the resets.

func (t *Terminal) esc(cmd ansi.Cmd) {
	t.last = -1
	switch cmd.Intermediate() {
	case '(', ')': // designate G0 / G1
		g := 0
		if cmd.Intermediate() == ')' {
			g = 1
		}
		t.charset.g[g] = cmd.Final() == '0'
		return
	case '#':
		if cmd.Final() == '8' { // DECALN: fill the screen with E
			t.decaln()
		}
		return
	case 0:
	default:
		return
	}
	switch cmd.Final() {
	case '7': // DECSC
		t.saveCursor(&t.saved)
	case '8': // DECRC
		t.restoreCursor(&t.saved)
	case 'D': // IND
		t.index()
	case 'E': // NEL
		t.x = 0
		t.index()
	case 'M': // RI
		t.reverseIndex()
	case 'H': // HTS
		if t.x < t.cols {
			t.tabs[t.x] = true
		}
	case 'c': // RIS
		t.fullReset()
	}
}

// osc keeps the window title (OSC 0 and 2); other strings are ignored.
func (t *Terminal) osc(cmd int, data []byte) {
	if cmd != 0 && cmd != 2 {
		return
	}
	if i := bytes.IndexByte(data, ';'); i >= 0 {
		t.title = string(data[i+1:])
	}
}

// softReset is DECSTR: modes, pen, region and saved cursor to their
// defaults, leaving the screen, the cursor's place and the tab stops
// alone (as xterm and tmux 3.3a do).
func (t *Terminal) softReset() {
	alt := t.IsAltScreen()
	t.resetModes()
	t.saved = savedCursor{}
	if alt {
		t.scr = t.alt // resetModes does not leave the screen shown
	}
}

// fullReset is RIS: everything to how it was at start, the screen
// cleared; the history stays, as in tmux. So does the cluster table,
// whose clusters the history's cells still name: it is bounded
// (maxClusters of at most maxClusterBytes, 128 KB), and once full, new
// clusters show their first character only. Emptying it would mean a
// pass over the whole history for a two-byte ESC c.
func (t *Terminal) fullReset() {
	t.scr = t.main
	t.resetModes()
	t.resetTabs(0)
	t.saved, t.altSave = savedCursor{}, savedCursor{}
	t.title = ""
	t.x, t.y = 0, 0
	for y := range t.rows {
		t.main.row(y).clear(t.cols, 0)
		t.alt.row(y).clear(t.cols, 0)
	}
}

// decaln fills the screen with E, the alignment test pattern.
func (t *Terminal) decaln() {
	t.top, t.bot = 0, t.rows-1
	for y := range t.rows {
		l := t.scr.row(y)
		l.clear(t.cols, 0)
		fill(l.cells, cell{r: 'E'})
	}
	t.x, t.y = 0, 0
}
