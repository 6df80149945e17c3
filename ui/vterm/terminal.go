// Package vterm is the terminal emulator behind the TUI's terminal pane:
// it reads what a container's programs write to their terminal (text and
// escape sequences, parsed by x/ansi) and keeps the screen they would see
// on a real one, tmux being the reference, plus the lines that scrolled
// off the top.
//
// It is built to keep up with a flood: the screen is a ring of lines, so
// a scroll moves an index, not the screen's cells; a cell is 8 bytes (a
// rune and a style index); plain text skips the parser. And to bound what any escape
// sequence can cost: every count is clamped to the screen, so no sequence
// does more than about a screenful of work.
package vterm

import (
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/ansi/parser"
)

// DefaultScrollback is how many lines of history a Terminal keeps.
const DefaultScrollback = 10000

// Terminal is one emulated terminal. It is not safe for concurrent use:
// the pane holds its own lock around it.
type Terminal struct {
	cols, rows int
	main, alt  *screen
	scr        *screen // the screen shown: main or alt
	hist       history
	p          *ansi.Parser

	styles   styleTable
	pen      pen
	penID    uint16 // styles index of pen
	penCache [64]penCacheEntry
	// New pens since the last compaction of a full style table, and how
	// many to wait for before the next one (see internFull).
	fullMisses, compactWait int
	eraseID                 uint16 // styles index of pen's background alone (erased cells)
	clusters                clusterTable
	widths                  widthCache
	slab                    []cell // storage for new lines, see newCells
	x, y                    int    // cursor; x == cols means "wrap before the next character"
	top, bot                int    // scroll region, inclusive rows
	tabs                    []bool
	last                    rune // last printed character, for REP; -1 after a control
	lastWidth               int

	modes   modes
	charset charsets
	saved   savedCursor // DECSC / CSI s
	altSave savedCursor // 1049
	title   string
	cursor  CursorStyle
	blink   bool

	// reply receives what the terminal answers to queries (DSR, DA).
	reply func([]byte)
	out   []byte // scratch for replies
}

// New makes a cols x rows terminal with DefaultScrollback lines of history.
func New(cols, rows int) *Terminal {
	cols, rows = max(cols, 1), max(rows, 1)
	t := &Terminal{cols: cols, rows: rows, styles: newStyleTable(), last: -1}
	t.main, t.alt = newScreen(cols, rows), newScreen(cols, rows)
	t.scr = t.main
	t.hist.setMax(DefaultScrollback)
	t.p = ansi.NewParser()
	t.p.SetParamsSize(parser.MaxParamsSize)
	// Titles and the like longer than this are cut, never held whole.
	t.p.SetDataSize(maxStringData)
	t.p.SetHandler(ansi.Handler{
		Print:     t.print,
		Execute:   t.execute,
		HandleCsi: t.csi,
		HandleEsc: t.esc,
		HandleOsc: t.osc,
	})
	t.resetModes()
	t.resetTabs(0)
	return t
}

// maxStringData bounds what an OSC/DCS/APC string can keep in memory.
const maxStringData = 4096

// Write feeds the program's output. It never fails and never panics; a
// sequence split across two writes is parsed whole.
func (t *Terminal) Write(b []byte) (int, error) {
	for i := 0; i < len(b); {
		// Plain ASCII text, the bulk of any output, goes straight onto
		// the screen when the parser is between sequences.
		if c := b[i]; c >= 0x20 && c < 0x7f && t.p.State() == parser.GroundState {
			j := i + 1
			for j < len(b) && b[j] >= 0x20 && b[j] < 0x7f {
				j++
			}
			t.printASCII(b[i:j])
			i = j
			continue
		}
		t.p.Advance(b[i])
		i++
	}
	return len(b), nil
}

// WriteString is Write for a string.
func (t *Terminal) WriteString(s string) (int, error) { return t.Write([]byte(s)) }

// SetReplyFunc sets where the terminal's answers to queries go (the pane
// writes them to the program's input). f must not call the Terminal.
func (t *Terminal) SetReplyFunc(f func([]byte)) { t.reply = f }

func (t *Terminal) replyf(b []byte) {
	if t.reply != nil {
		t.reply(b)
	}
}

// Width and Height are the screen's size in cells.
func (t *Terminal) Width() int  { return t.cols }
func (t *Terminal) Height() int { return t.rows }

// Title is the last title set by OSC 0 or 2.
func (t *Terminal) Title() string { return t.title }

// IsAltScreen says whether the alternate screen (vi, less, top) is shown.
func (t *Terminal) IsAltScreen() bool { return t.scr == t.alt }

// setPen makes p the pen for new text, interning it. Coloured output
// sets a pen on nearly every line, so the common cases skip the table:
// the default pen, and an unchanged background.
func (t *Terminal) setPen(p pen) {
	if p == (pen{}) {
		t.pen, t.penID, t.eraseID = p, 0, 0
		return
	}
	sameBg := p.bg == t.pen.bg
	t.pen = p
	t.penID = t.intern(p)
	if !sameBg {
		t.eraseID = t.intern(pen{bg: p.bg})
	}
}
