package vterm

import (
	"strconv"

	"github.com/charmbracelet/x/ansi"
)

// CSI sequences: cursor moves, erasing, scrolling, modes, queries.

// maxParam bounds every number a sequence carries: no count needs to be
// larger than a screen, and the parser's sums overflow on long digit runs.
const maxParam = 1 << 16

// param is parameter i, def when missing or 0 if zero counts as missing.
func param(ps ansi.Params, i, def int) int {
	v, _, ok := ps.Param(i, def)
	if !ok {
		return def
	}
	if v < 0 || v > maxParam {
		return maxParam
	}
	return v
}

// count is a parameter that is a count: missing or 0 means 1.
func count(ps ansi.Params, i int) int { return max(param(ps, i, 1), 1) }

func (t *Terminal) csi(cmd ansi.Cmd, ps ansi.Params) {
	if cmd.Final() != 'b' {
		defer func() { t.last = -1 }()
	}
	switch cmd.Prefix() {
	case '?':
		t.csiPrivate(cmd, ps)
		return
	case '>':
		if cmd.Final() == 'c' && param(ps, 0, 0) == 0 { // DA2
			t.replyf([]byte("\x1b[>0;10;1c"))
		}
		return
	case 0:
	default:
		return
	}
	switch cmd.Intermediate() {
	case ' ':
		if cmd.Final() == 'q' { // DECSCUSR
			t.cursorShape(param(ps, 0, 0))
		}
		return
	case '!':
		if cmd.Final() == 'p' { // DECSTR
			t.softReset()
		}
		return
	case 0:
	default:
		return
	}
	n := count(ps, 0)
	switch cmd.Final() {
	case 'A': // CUU
		t.up(n)
	case 'B': // CUD (tmux ignores VPR, CSI e)
		t.down(n)
	case 'C': // CUF (tmux ignores HPR, CSI a)
		t.right(n)
	case 'D': // CUB
		t.left(n)
	case 'E': // CNL
		t.down(n)
		t.x = 0
	case 'F': // CPL
		t.up(n)
		t.x = 0
	case 'G', '`': // CHA, HPA
		t.x = min(n, t.cols) - 1
	case 'd': // VPA
		t.cup(n, min(t.x, t.cols-1)+1)
	case 'H', 'f': // CUP, HVP
		t.cup(n, count(ps, 1))
	case 'I': // CHT
		t.tabForward(min(n, t.cols))
	case 'Z': // CBT
		t.tabBack(min(n, t.cols))
	case 'J':
		t.eraseDisplay(param(ps, 0, 0))
	case 'K':
		t.eraseLine(param(ps, 0, 0))
	case 'X': // ECH
		t.eraseChars(n)
	case '@': // ICH
		t.insertChars(n)
	case 'P': // DCH
		t.deleteChars(n)
	case 'L': // IL
		t.insertLines(n)
	case 'M': // DL
		t.deleteLines(n)
	case 'S': // SU
		t.scrollUp(t.top, t.bot, n)
	case 'T': // SD
		if len(ps) <= 1 { // with more parameters, a mouse-tracking request
			t.scrollDown(t.top, t.bot, n)
		}
	case 'b': // REP
		t.repeat(n)
	case 'g': // TBC
		t.clearTabs(param(ps, 0, 0))
	case 'h', 'l':
		for i := range ps {
			t.setANSIMode(param(ps, i, 0), cmd.Final() == 'h')
		}
	case 'm':
		t.sgr(ps)
	case 'n': // DSR
		t.statusReport(param(ps, 0, 0))
	case 'r': // DECSTBM
		t.setRegion(param(ps, 0, 1), param(ps, 1, t.rows))
	case 's': // SCOSC
		t.saveCursor(&t.saved)
	case 'u': // SCORC
		t.restoreCursor(&t.saved)
	case 'c': // DA1
		if param(ps, 0, 0) == 0 {
			t.replyf([]byte("\x1b[?62;22c"))
		}
	}
}

func (t *Terminal) csiPrivate(cmd ansi.Cmd, ps ansi.Params) {
	switch {
	case cmd.Intermediate() == 0 && (cmd.Final() == 'h' || cmd.Final() == 'l'):
		for i := range ps {
			t.setDECMode(param(ps, i, 0), cmd.Final() == 'h')
		}
	case cmd.Intermediate() == '$' && cmd.Final() == 'p': // DECRQM
		m := param(ps, 0, 0)
		t.out = append(t.out[:0], "\x1b[?"...)
		t.out = strconv.AppendInt(t.out, int64(m), 10)
		t.out = append(t.out, ';')
		t.out = strconv.AppendInt(t.out, int64(t.decMode(m)), 10)
		t.out = append(t.out, "$y"...)
		t.replyf(t.out)
	case cmd.Intermediate() == 0 && cmd.Final() == 'n' && param(ps, 0, 0) == 6: // DECXCPR
		t.cursorReport("\x1b[?")
	}
}

// statusReport answers DSR 5 (are you well?) and 6 (where is the cursor?).
func (t *Terminal) statusReport(n int) {
	switch n {
	case 5:
		t.replyf([]byte("\x1b[0n"))
	case 6:
		t.cursorReport("\x1b[")
	}
}

// cursorReport is CPR: row;col from 1, relative to the region in origin mode.
func (t *Terminal) cursorReport(prefix string) {
	row := t.y + 1
	if t.modes.origin {
		row -= t.top
	}
	t.out = append(t.out[:0], prefix...)
	t.out = strconv.AppendInt(t.out, int64(row), 10)
	t.out = append(t.out, ';')
	t.out = strconv.AppendInt(t.out, int64(min(t.x, t.cols-1)+1), 10)
	t.out = append(t.out, 'R')
	t.replyf(t.out)
}

// setRegion is DECSTBM: the rows that scroll. An empty or inverted
// region is ignored; a valid one homes the cursor.
func (t *Terminal) setRegion(top, bot int) {
	// A 0 counts as 1, as in tmux: CSI 0;0 r is an empty region.
	top, bot = max(top, 1), min(max(bot, 1), t.rows)
	if top >= bot {
		return
	}
	t.top, t.bot = top-1, bot-1
	t.cup(1, 1)
}

// repeat is REP: the last character again n times, at most to the end of
// the line as tmux does, so no count makes it write more than a line.
func (t *Terminal) repeat(n int) {
	if t.last < 0 {
		return
	}
	n = min(n, t.cols-t.x)
	for range n {
		t.put(t.last, t.lastWidth)
	}
}

// clearTabs is TBC: 0 the stop at the cursor, 3 all of them.
func (t *Terminal) clearTabs(n int) {
	switch n {
	case 0:
		if t.x < t.cols {
			t.tabs[t.x] = false
		}
	case 3:
		clear(t.tabs)
	}
}

// cursorShape is DECSCUSR: 0-1 blinking block, 2 block, 3-4 underline,
// 5-6 bar; odd numbers blink.
func (t *Terminal) cursorShape(n int) {
	if n > 6 {
		return
	}
	t.blink = n == 0 || n%2 == 1
	switch {
	case n <= 2:
		t.cursor = CursorBlock
	case n <= 4:
		t.cursor = CursorUnderline
	default:
		t.cursor = CursorBar
	}
}
