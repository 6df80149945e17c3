package vterm

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// Printing characters: where each lands, autowrap, wide characters, and
// the marks that join the character before them.

// printASCII writes a run of printable ASCII, the fast path of Write.
func (t *Terminal) printASCII(b []byte) {
	for _, c := range b {
		r := rune(c)
		if t.charset.graphics() {
			r = decGraphic(r)
		}
		t.put(r, 1)
	}
}

// print writes one character as x/ansi's parser decoded it.
func (t *Terminal) print(r rune) {
	if r < 0x7f && t.charset.graphics() {
		r = decGraphic(r)
	}
	if unprintable(r) {
		return
	}
	w := t.widths.width(r)
	if w == 0 || t.afterJoiner() {
		t.combine(r, w)
		return
	}
	t.put(r, w)
	t.last = -1 // tmux repeats (REP) only ASCII characters
}

// unprintable says r must never be a cell's content: it is drawn on the
// teacher's real terminal, which may act on it.
//
//   - Controls (C0, and C1 U+0080-U+009F as UTF-8): GNOME Terminal (VTE),
//     screen and mosh take U+009B as CSI and U+009D as OSC, so a cell
//     holding one would move the real cursor, set its title or its
//     clipboard (OSC 52). tmux prints none of them either.
//   - Format characters (Unicode category Cf) other than the joiners:
//     U+202E and the other bidi controls reverse the text drawn after
//     them, on the panels too; soft hyphens and the like have no agreed
//     width. tmux 3.3a keeps them as a zero-width mark on the character
//     before; we drop them, which differs from tmux on purpose (safety).
//     ZWJ and ZWNJ stay: emoji sequences need ZWJ, and both are harmless.
func unprintable(r rune) bool {
	if r < 0xa0 {
		return r < 0x20 || r >= 0x7f // C0, DEL, C1
	}
	return r != 0x200d && r != 0x200c && unicode.Is(unicode.Cf, r)
}

// put writes r, w columns wide, at the cursor and moves the cursor on.
// x == cols is the "pending wrap" state of xterm and tmux: the cursor
// is drawn on the last column, and the next character starts a new line.
func (t *Terminal) put(r rune, w int) {
	if w > t.cols {
		return // a wide character on a one-column screen has no room
	}
	if t.x+w > t.cols {
		if !t.modes.autowrap {
			return // tmux drops what does not fit
		}
		t.scr.row(t.y).wrapped = true
		t.x = 0
		t.index()
	}
	l := t.scr.row(t.y).cells
	if t.modes.insert {
		t.insertCells(l, t.x, w)
	}
	t.clearWide(l, t.x, t.x+w)
	l[t.x] = cell{r: r, style: t.penID}
	if w == 2 {
		l[t.x].wide = wide
		l[t.x+1] = cell{style: t.penID, wide: rightHalf}
	}
	t.last, t.lastWidth = r, w
	if t.x+w < t.cols || t.modes.autowrap {
		t.x += w
	} else {
		t.x = t.cols - 1
	}
}

// clearWide blanks the other half of any wide character that the
// columns [from, to) cut in two, so that no half of one is ever drawn.
func (t *Terminal) clearWide(l []cell, from, to int) {
	if from > 0 && from < len(l) && l[from].wide == rightHalf {
		l[from-1] = blank(l[from-1].style)
	}
	if to < len(l) && l[to].wide == rightHalf {
		l[to] = blank(l[to].style)
	}
}

// afterJoiner says whether the character before the cursor ends with a
// zero-width joiner: then the next one joins it (the emoji 👩‍💻 is three
// characters), as tmux does. A flag's two letters stay two cells, as in
// tmux 3.3.
func (t *Terminal) afterJoiner() bool {
	c := t.previousCell()
	if c == nil || c.r >= 0 {
		return false // a single character is no joiner: clusters only
	}
	last, _ := utf8.DecodeLastRuneInString(t.content(*c))
	return last == 0x200d
}

// previousCell is the character cell left of the cursor (the one a
// combining mark belongs to), or nil at the start of a line.
func (t *Terminal) previousCell() *cell {
	x := min(t.x, t.cols) - 1
	if x < 0 {
		return nil
	}
	l := t.scr.row(t.y).cells
	if l[x].wide == rightHalf && x > 0 {
		x--
	}
	if l[x].r == 0 {
		return nil
	}
	return &l[x]
}

// combine appends r, w columns wide (0 for a mark), to the character
// before the cursor. A cell keeps its width whatever joins it, so what
// would make the cluster wider or narrower than the cell, as lipgloss
// and grapheme-aware terminals measure it, is not joined: the pane's
// rows must be exactly their width, or the panels beside them shift.
// tmux 3.3a joins anything after a ZWJ and keeps the width: there we
// differ from it on purpose.
//
//   - A character after a joiner on a narrow one (a, ZWJ, 中 is one
//     column to tmux, three to the real terminal) gets its own cell, and the joiner is taken off the cell before, so that the
//     real terminal cannot join them either.
//   - A mark that changes the width (VS16, emoji presentation, on a
//     narrow ❤ makes it two columns wide) is dropped: the character is
//     drawn as text, in its one column.
func (t *Terminal) combine(r rune, w int) {
	c := t.previousCell()
	if c == nil {
		return // nothing to join: a lone mark is dropped, as tmux does
	}
	s := t.content(*c) + string(r)
	if len(s) > maxClusterBytes {
		return // the table would refuse it; no need to measure
	}
	// Only emoji (wide) join what follows a ZWJ: after a narrow one,
	// wcwidth terminals draw both characters, whatever lipgloss measures.
	if (w > 0 && c.width() < 2) || ansi.StringWidth(s) != c.width() {
		if w > 0 {
			t.dropJoiner(c)
			t.put(r, w)
			t.last = -1
		}
		return
	}
	if id, ok := t.clusters.id(s); ok {
		c.r = -(id + 1)
	}
}

// dropJoiner takes the ZWJ off the end of c's cluster.
func (t *Terminal) dropJoiner(c *cell) {
	if c.r >= 0 {
		return
	}
	s, ok := strings.CutSuffix(t.content(*c), "\u200d")
	if !ok {
		return
	}
	if r, n := utf8.DecodeRuneInString(s); n == len(s) {
		c.r = r // back to a single character
	} else if id, ok := t.clusters.id(s); ok {
		c.r = -(id + 1)
	}
}

// content is the text a cell draws.
func (t *Terminal) content(c cell) string {
	switch {
	case c.r == 0:
		return " "
	case c.r < 0:
		return t.clusters.strs[-c.r-1]
	case c.r < 0x80:
		return asciiStrings[c.r : c.r+1]
	}
	return string(c.r)
}

// asciiStrings lets content return one-byte strings without allocating.
var asciiStrings = func() string {
	b := make([]byte, 0x80)
	for i := range b {
		b[i] = byte(i)
	}
	return string(b)
}()

// runeWidth is how many columns r takes: 1 for most, 2 for East Asian
// wide characters and emoji, 0 for combining marks and joiners (the same
// table x/ansi measures strings with).
func runeWidth(r rune) int {
	if r < 0x300 {
		return 1
	}
	return ansi.StringWidthWc(string(r))
}

// widthCache remembers the widths of the last non-ASCII characters seen:
// measuring one through x/ansi costs a string allocation, and text in
// one language uses few characters over and over.
type widthCache [256]struct {
	r rune
	w int8
}

func (c *widthCache) width(r rune) int {
	if r < 0x300 {
		return 1
	}
	e := &c[r&0xff]
	if e.r != r {
		e.r, e.w = r, int8(runeWidth(r))
	}
	return int(e.w)
}

// clusterTable interns grapheme clusters, the cells whose text is more
// than one character. It is bounded: past maxClusters, further marks are
// dropped and the base character stays.
type clusterTable struct {
	ids  map[string]int32
	strs []string
}

const (
	maxClusters     = 4096
	maxClusterBytes = 32
)

func (c *clusterTable) id(s string) (int32, bool) {
	if id, ok := c.ids[s]; ok {
		return id, true
	}
	if len(c.strs) >= maxClusters || len(s) > maxClusterBytes {
		return 0, false
	}
	if c.ids == nil {
		c.ids = map[string]int32{}
	}
	id := int32(len(c.strs))
	c.ids[s] = id
	c.strs = append(c.strs, s)
	return id, true
}
