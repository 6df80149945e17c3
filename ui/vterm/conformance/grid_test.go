package conformance

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/mattn/go-runewidth"
)

// cell is what the comparison sees of one screen cell, the same for tmux
// and for the emulator: its text, its width, and its attributes. Colours
// are spelled "" (the terminal's default), "i<N>" (palette entry N: the 16
// of SGR 30-37/90-97 and the 256 of 38;5;N are one palette) or "#rrggbb".
type cell struct {
	text                    string // " " for a blank, "" for the right half of a wide character
	width                   int
	fg, bg                  string
	bold, faint, italic     bool
	underline               int // 0 none, 1 single, 2 double, 3 curly, 4 dotted, 5 dashed
	blink, reverse, conceal bool
	strike                  bool
	unseen                  bool // tmux printed nothing here: see parseCapture
}

func (c cell) String() string {
	var attrs []string
	for _, a := range []struct {
		on   bool
		name string
	}{{c.bold, "bold"}, {c.faint, "faint"}, {c.italic, "italic"}, {c.underline != 0, "underline" + strconv.Itoa(c.underline)},
		{c.blink, "blink"}, {c.reverse, "reverse"}, {c.conceal, "conceal"}, {c.strike, "strike"}} {
		if a.on {
			attrs = append(attrs, a.name)
		}
	}
	return fmt.Sprintf("%q w%d fg=%q bg=%q %v", c.text, c.width, c.fg, c.bg, attrs)
}

// screen is a whole screen of cells, with its cursor.
type screen struct {
	cols, rows       int
	cells            [][]cell
	cursorX, cursorY int
	alt              bool
}

func newScreen(cols, rows int) *screen {
	s := &screen{cols: cols, rows: rows, cells: make([][]cell, rows)}
	for y := range s.cells {
		s.cells[y] = make([]cell, cols)
		for x := range s.cells[y] {
			s.cells[y][x] = cell{text: " ", width: 1}
		}
	}
	return s
}

// line is row y's text, for a failure's message.
func (s *screen) line(y int) string {
	var b strings.Builder
	for _, c := range s.cells[y] {
		b.WriteString(c.text)
	}
	return b.String()
}

// parseCapture reads capture-pane -p -e: one line of text per row, with
// SGR sequences and nothing else. Cells are made as tmux 3.3a makes them:
// one a character, as wide as wcwidth says (go-runewidth's table, close to
// the C library's that tmux uses; the cursor tmux reports checks it), and
// a character of no width joins the cell before it (a combining accent, a
// joiner, a variation selector), and so does the character after a
// zero-width joiner; no other grapheme rules: a flag is two cells, a skin
// tone a cell of its own. The pen carries over from one line to
// the next, as it would on a terminal that printed the capture.
//
// A tmux quirk (3.3a, and since): a row's capture ends at the last cell
// that was written; cells erased after it (EL, ED, a scroll) are not
// printed, even when an erase gave them a background colour. Those cells
// are marked unseen: the oracle knows only that they hold no text. The
// hand-written streams put a character after an erase where its colour is
// what the test is about, so that tmux prints the erased cells.
func parseCapture(text string, cols, rows int) *screen {
	s := newScreen(cols, rows)
	for y := range s.cells {
		for x := range s.cells[y] {
			s.cells[y][x].unseen = true
		}
	}
	var pen cell
	lineDrawing := false // like the pen, carried from line to line
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	for y, line := range lines {
		if y >= rows {
			break
		}
		x, prev := 0, -1 // prev: the column of the last cell made
		for len(line) > 0 {
			if strings.HasPrefix(line, "\x1b[") {
				end := strings.IndexByte(line, 'm')
				if end < 0 {
					break
				}
				applySGR(&pen, line[2:end])
				line = line[end+1:]
				continue
			}
			r, size := utf8.DecodeRuneInString(line)
			line = line[size:]
			switch r {
			case '\x0e', '\x0f': // tmux brackets line-drawing cells with SO ... SI
				lineDrawing = r == '\x0e'
				continue
			}
			if lineDrawing {
				r = decGraphics(r)
			}
			width := runewidth.RuneWidth(r)
			if prev >= 0 && (width == 0 || strings.HasSuffix(s.cells[y][prev].text, "\u200d")) {
				// joins the cell before it
				s.cells[y][prev].text += string(r)
				continue
			}
			if x >= cols {
				continue
			}
			c := pen
			c.text, c.width = string(r), width
			s.cells[y][x] = c
			for i := 1; i < width && x+i < cols; i++ {
				c.text, c.width = "", 0
				s.cells[y][x+i] = c
			}
			prev = x
			x += max(width, 1)
		}
	}
	return s
}

// applySGR changes the pen as SGR params (the text between CSI and m) say,
// for the subset tmux's capture writes.
func applySGR(pen *cell, params string) {
	ps := strings.Split(params, ";")
	for i := 0; i < len(ps); i++ {
		p, sub, _ := strings.Cut(ps[i], ":")
		n, _ := strconv.Atoi(p)
		switch {
		case n == 0:
			*pen = cell{}
		case n == 1:
			pen.bold = true
		case n == 2:
			pen.faint = true
		case n == 3:
			pen.italic = true
		case n == 4:
			pen.underline = 1
			if sub != "" {
				pen.underline, _ = strconv.Atoi(sub)
			}
		case n == 5:
			pen.blink = true
		case n == 7:
			pen.reverse = true
		case n == 8:
			pen.conceal = true
		case n == 9:
			pen.strike = true
		case n == 21:
			pen.underline = 2
		case n == 22:
			pen.bold, pen.faint = false, false
		case n == 23:
			pen.italic = false
		case n == 24:
			pen.underline = 0
		case n == 25:
			pen.blink = false
		case n == 27:
			pen.reverse = false
		case n == 28:
			pen.conceal = false
		case n == 29:
			pen.strike = false
		case n >= 30 && n <= 37:
			pen.fg = "i" + strconv.Itoa(n-30)
		case n == 39:
			pen.fg = ""
		case n >= 40 && n <= 47:
			pen.bg = "i" + strconv.Itoa(n-40)
		case n == 49:
			pen.bg = ""
		case n >= 90 && n <= 97:
			pen.fg = "i" + strconv.Itoa(n-90+8)
		case n >= 100 && n <= 107:
			pen.bg = "i" + strconv.Itoa(n-100+8)
		case n == 38 || n == 48 || n == 58:
			var c string
			c, i = extendedColour(ps, i)
			switch n {
			case 38:
				pen.fg = c
			case 48:
				pen.bg = c
			}
		}
	}
}

// extendedColour reads 38;5;N or 38;2;R;G;B starting at ps[i], and
// returns the colour and the index of its last parameter.
func extendedColour(ps []string, i int) (string, int) {
	num := func(j int) int {
		if j >= len(ps) {
			return 0
		}
		n, _ := strconv.Atoi(ps[j])
		return n
	}
	switch num(i + 1) {
	case 5:
		return "i" + strconv.Itoa(num(i+2)), i + 2
	case 2:
		return fmt.Sprintf("#%02x%02x%02x", num(i+2), num(i+3), num(i+4)), i + 4
	}
	return "", i + 1
}

// decGraphics is the character the DEC special graphics set (ESC ( 0)
// shows for r: the VT100's table, in Unicode.
func decGraphics(r rune) rune {
	const from, to = "`abcdefghijklmnopqrstuvwxyz{|}~", "◆▒␉␌␍␊°±␤␋┘┐┌└┼⎺⎻─⎼⎽├┤┴┬│≤≥π≠£·"
	if i := strings.IndexRune(from, r); i >= 0 {
		return []rune(to)[i]
	}
	return r
}
