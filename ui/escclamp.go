package ui

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/ansi/parser"
)

// escClamp stands between a container's output and the x/vt emulator and
// makes every escape sequence cost at most about a screenful of work.
//
// x/vt v0.1.0 does what a count says, however large: `printf
// 'A\033[999999999b'` (repeat "A" a billion times) keeps it busy for
// minutes, erase-characters (ECH) and tab moves (CHT, CBT) loop once per
// unit of the count, a scroll region below the screen (DECSTBM) makes the
// next line insert or delete index past the screen and panic, and every
// new mode number (DECSET) adds an entry to a map. It also keeps strings
// (OSC titles, hyperlinks, DCS, APC, PM, SOS) of up to 4 MB. (A grapheme
// cluster, a letter and its combining marks, x/vt ends at the end of each
// write, so the pane's feedChunk already bounds it to a kilobyte.)
//
// The clamp parses the output with x/ansi's parser, the one x/vt itself
// uses, so that both agree where every sequence starts and ends, and
// writes each sequence out again with its numbers limited to what the
// screen makes meaningful: moving 10^9 rows down lands on the last row
// just like moving 24 rows down. Over-long strings are dropped whole (a
// cut hyperlink would point somewhere else). Plain text, the bulk of any
// output, is copied through without being parsed twice.
//
// The parser's state lives here, so a sequence split across two reads is
// still seen whole.
type escClamp struct {
	p          *ansi.Parser
	cols, rows int
	out        []byte // what goes to the emulator; reused by every filter call
}

const (
	// maxEscString is the longest OSC/DCS/APC/PM/SOS string passed on:
	// room for a long hyperlink, far below x/vt's 4 MB.
	maxEscString = 8 << 10

	// maxModeNumber bounds DECSET/DECRST and SM/RM mode numbers. Real ones
	// stay below it (2004 bracketed paste, 2026 synchronized output, 9001);
	// larger numbers are dropped, since clamping would set another mode.
	maxModeNumber = 9999
)

func newEscClamp(cols, rows int) *escClamp {
	c := &escClamp{cols: cols, rows: rows}
	c.p = ansi.NewParser()
	c.p.SetParamsSize(parser.MaxParamsSize) // as x/vt does
	// One byte more than we pass on: a full buffer means "too long".
	c.p.SetDataSize(maxEscString + 1)
	c.p.SetHandler(ansi.Handler{
		Print:     func(r rune) { c.out = utf8.AppendRune(c.out, r) },
		Execute:   c.execute,
		HandleCsi: c.csi,
		HandleEsc: c.esc,
		HandleDcs: c.dcs,
		HandleOsc: func(_ int, data []byte) { c.str("\x1b]", data, "\a") },
		HandleSos: func(data []byte) { c.str("\x1bX", data, "\x1b\\") },
		HandlePm:  func(data []byte) { c.str("\x1b^", data, "\x1b\\") },
		HandleApc: func(data []byte) { c.str("\x1b_", data, "\x1b\\") },
	})
	return c
}

// resize sets the screen size the counts are clamped to.
func (c *escClamp) resize(cols, rows int) {
	c.cols, c.rows = max(cols, 1), max(rows, 1)
}

// filter returns b with every sequence clamped. The result is only valid
// until the next call.
func (c *escClamp) filter(b []byte) []byte {
	c.out = c.out[:0]
	for i := 0; i < len(b); {
		if c.p.State() == parser.GroundState {
			if n := plainASCII(b[i:]); n > 0 {
				c.out = append(c.out, b[i:i+n]...)
				i += n
				continue
			}
		}
		c.p.Advance(b[i])
		i++
	}
	return c.out
}

// plainASCII is the length of the leading run of bytes that the parser,
// in its ground state, prints or executes without changing state: every
// 7-bit byte but ESC.
func plainASCII(b []byte) int {
	for i, c := range b {
		if c >= 0x80 || c == ansi.ESC {
			return i
		}
	}
	return len(b)
}

func (c *escClamp) execute(b byte) {
	if b == ansi.ESC {
		// "ESC ESC" executes the first ESC, which x/vt ignores; written
		// out raw it would start a sequence instead.
		return
	}
	c.out = append(c.out, b)
}

// The parser ORs a control character executed inside a sequence into
// the command ("ESC $ BEL X" arrives as ESC _). esc and csi pass on only
// commands that, written out, parse back the same: ESC _ would start an
// APC that swallows the text after it, and a DEL final would leave x/vt's
// parser inside the sequence. x/vt has no handler for either.

func (c *escClamp) esc(cmd ansi.Cmd) {
	in, f := cmd.Intermediate(), cmd.Final()
	if f < 0x30 || f > 0x7e || in == 0 && strings.IndexByte("PX[]^_", f) >= 0 {
		return
	}
	c.out = append(c.out, ansi.ESC)
	if in != 0 {
		c.out = append(c.out, in)
	}
	c.out = append(c.out, f)
}

func (c *escClamp) csi(cmd ansi.Cmd, params ansi.Params) {
	if cmd.Final() > 0x7e {
		return
	}
	c.out = append(c.out, ansi.ESC, '[')
	c.sequence(cmd, params, true)
	c.out = append(c.out, cmd.Final())
}

func (c *escClamp) dcs(cmd ansi.Cmd, params ansi.Params, data []byte) {
	if len(data) > maxEscString {
		return
	}
	c.out = append(c.out, ansi.ESC, 'P')
	c.sequence(cmd, params, false)
	if f := cmd.Final(); f != 0 {
		c.out = append(c.out, f)
	}
	c.out = append(c.out, data...)
	c.out = append(c.out, ansi.ESC, '\\')
}

// str writes a string sequence out again, or nothing when it is too long.
func (c *escClamp) str(start string, data []byte, end string) {
	if len(data) > maxEscString {
		return
	}
	c.out = append(c.out, start...)
	c.out = append(c.out, data...)
	c.out = append(c.out, end...)
}

// sequence writes the prefix, the clamped parameters and the intermediate
// byte of a CSI or DCS sequence (the parser keeps only the last prefix and
// the last intermediate, and x/vt sees no more). Only CSI numbers get the
// per-command limits; x/vt acts on no DCS.
func (c *escClamp) sequence(cmd ansi.Cmd, params ansi.Params, csi bool) {
	if pre := cmd.Prefix(); pre != 0 {
		c.out = append(c.out, pre)
	}
	for i, p := range params {
		if i > 0 {
			sep := byte(';')
			if params[i-1].HasMore() {
				sep = ':'
			}
			c.out = append(c.out, sep)
		}
		if v, ok := c.clamp(cmd, i, p, csi); ok {
			c.out = strconv.AppendInt(c.out, int64(v), 10)
		}
	}
	if in := cmd.Intermediate(); in != 0 {
		c.out = append(c.out, in)
	}
}

// clamp is parameter i of a sequence as passed on; false means missing
// (the sequence's default applies). The parser keeps the low 31 bits of
// a number however many digits it has, so any count up to 2^31-2 arrives.
func (c *escClamp) clamp(cmd ansi.Cmd, i int, p ansi.Param, csi bool) (int, bool) {
	v := p.Param(-1)
	if v == -1 {
		return 0, false
	}
	if !csi || cmd.Intermediate() != 0 {
		return min(v, parser.MaxParam), true
	}
	switch cmd.Final() {
	case 'h', 'l': // SM, RM, DECSET, DECRST
		return v, v <= maxModeNumber
	}
	if cmd.Prefix() != 0 {
		return min(v, parser.MaxParam), true
	}
	switch cmd.Final() {
	case 'b': // REP
		return repeatCount(v, c.cols, c.rows), true
	case '@', 'P', 'X', 'I', 'Z', 'C', 'D', 'G', '`', 'a', 's':
		// ICH, DCH, ECH, CHT, CBT, CUF, CUB, CHA, HPA, HPR, DECSLRM
		return min(v, c.cols), true
	case 'L', 'M', 'S', 'T', 'A', 'B', 'E', 'F', 'd', 'e', 'r':
		// IL, DL, SU, SD, CUU, CUD, CNL, CPL, VPA, VPR, DECSTBM
		return min(v, c.rows), true
	case 'H', 'f': // CUP, HVP: row; column
		if i == 0 {
			return min(v, c.rows), true
		}
		return min(v, c.cols), true
	}
	// SGR and everything else: x/ansi's own bound for a parameter.
	return min(v, parser.MaxParam), true
}

// repeatCount bounds REP to a screenful and the rest of a line. After a
// screenful of repeats every cell shows the character, and each further
// line's worth changes nothing; keeping n's remainder modulo the width
// leaves the cursor where n repeats would (x/vt repeats only characters one
// cell wide). Only history lines are lost, and they all read the same.
func repeatCount(n, cols, rows int) int {
	screen := cols * rows
	if n <= screen {
		return n
	}
	return screen + (n-screen)%cols
}
