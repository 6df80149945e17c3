package vterm

import (
	"strings"
	"testing"

	uv "github.com/charmbracelet/ultraviolet"
	"github.com/charmbracelet/x/ansi"
)

// Each case writes a stream to a small terminal and reads the screen and
// the cursor as tmux shows them for the same bytes.
func TestScreenCases(t *testing.T) {
	cases := []struct {
		name       string
		cols, rows int
		in         string
		want       string
		x, y       int
	}{
		{"text and newline", 10, 3, "ab\r\ncd", "ab|cd|", 2, 1},
		{"lf keeps the column", 10, 3, "ab\ncd", "ab|  cd|", 4, 1},
		{"pending wrap", 5, 3, "abcde", "abcde||", 4, 0},
		{"wrap on the next char", 5, 3, "abcdef", "abcde|f|", 1, 1},
		{"cr in pending wrap", 5, 3, "abcde\rX", "Xbcde||", 1, 0},
		{"bs in pending wrap lands on last column", 5, 3, "abcde\bX", "abcdX||", 4, 0},
		{"no autowrap", 5, 3, "\x1b[?7labcdefg", "abcdg||", 4, 0},
		{"no autowrap drops what does not fit", 6, 1, "ab\x1b[?7l\x1b[6G中", "ab", 5, 0},
		{"no autowrap after pending wrap", 6, 2, "abcdef\x1b[?7lgh\x1b[?7hij", "abcdef|ij", 2, 1},
		{"cub counts from pending wrap", 6, 1, "abcdef\x1b[2Dx", "abcdxf", 5, 0},
		{"decrc of a pending wrap", 6, 2, "abcdef\x1b7\x1b[2;1H\x1b8x", "abcdex|", 5, 0},
		{"leaving 47 ends a pending wrap", 6, 2, "abc\x1b[?47hxyz\x1b[?47lQ", "abc  Q|", 5, 0},
		{"scroll", 5, 2, "1\r\n2\r\n3", "2|3", 1, 1},
		{"wide", 6, 2, "a中b", "a中b|", 4, 0},
		{"wide wraps whole", 4, 2, "abc中", "abc|中", 2, 1},
		{"overwrite half of wide", 6, 2, "中文\x1b[1;2HX", " X文|", 2, 0},
		{"combining", 6, 2, "e\u0301x", "e\u0301x|", 2, 0},
		{"joiner", 6, 1, "👩\u200d💻x", "👩\u200d💻x", 3, 0},
		{"flag letters stay two cells", 6, 1, "🇫🇷x", "🇫🇷x", 3, 0},
		{"tabs", 20, 1, "a\tb\tc", "a       b       c", 17, 0},
		{"tab stops set and cleared", 20, 1, "\x1b[3g\x1b[5G\x1bH\ra\tb", "a   b", 5, 0},
		{"cht cbt", 30, 1, "\x1b[2Ix\x1b[Zy", "                y", 17, 0},
		{"cup", 10, 3, "\x1b[2;3HX", "|  X|", 3, 1},
		{"cup clamps", 10, 3, "\x1b[99;99HX", "||         X", 9, 2},
		{"relative moves", 10, 4, "\x1b[3B\x1b[4CX\x1b[2AY\x1b[3DZ", "|   Z Y||    X", 4, 1},
		{"hpr vpr ignored as in tmux", 6, 4, "ab\x1b[2ax\x1b[2ey", "abxy|||", 4, 0},
		{"cnl cpl", 10, 4, "ab\x1b[2Ec\x1b[Fd", "ab|d|c|", 1, 1},
		{"cha vpa", 10, 4, "\x1b[5G\x1b[3dX", "||    X|", 5, 2},
		{"el 0 1 2", 6, 3, "abcdef\x1b[1;3H\x1b[K\r\nabcdef\x1b[2;3H\x1b[1K\r\nabcdef\x1b[2K", "ab|   def|", 5, 2},
		{"ed 0", 4, 3, "aaaa\r\nbbbb\r\ncccc\x1b[2;3H\x1b[J", "aaaa|bb|", 2, 1},
		{"ed 1", 4, 3, "aaaa\r\nbbbb\r\ncccc\x1b[2;3H\x1b[1J", "|   b|cccc", 2, 1},
		{"ed 2", 4, 3, "aaaa\r\nbbbb\x1b[2J", "||", 3, 1},
		{"ech", 6, 1, "abcdef\x1b[2G\x1b[3X", "a   ef", 1, 0},
		{"ich", 6, 1, "abcdef\x1b[2G\x1b[2@", "a  bcd", 1, 0},
		{"dch", 6, 1, "abcdef\x1b[2G\x1b[2P", "adef", 1, 0},
		{"insert mode", 6, 1, "abcd\x1b[2G\x1b[4hXY\x1b[4l", "aXYbcd", 3, 0},
		{"il dl", 4, 4, "1\r\n2\r\n3\r\n4\x1b[2H\x1b[L\x1b[4H\x1b[M", "1||2|", 0, 3},
		{"il dl keep the column, as in tmux", 6, 3, "abcde\x1b[2Lx\x1b[My", "|ybcde|", 1, 1},
		{"il outside the region moves the screen below, as in tmux", 4, 4, "1\r\n2\r\n3\r\n4\x1b[2;3r\x1b[1;1H\x1b[Lx", "x|1|2|3", 1, 0},
		{"dl outside the region", 4, 4, "1\r\n2\r\n3\r\n4\x1b[1;2r\x1b[3;1H\x1b[Mx", "1|2|x|", 1, 2},
		{"1049l off the alternate screen restores its cursor", 6, 3, "\x1b[2;1H\x1b[?1049h\x1b[?1049labc\x1bM\x1b[?1049lX", "|Xbc|", 1, 1},
		{"csi 0;0 r is ignored", 4, 3, "ab\x1b[3;3H\x1b[0;0rX", "ab||  X", 3, 2},
		{"su sd", 4, 3, "1\r\n2\r\n3\x1b[S", "2|3|", 1, 2},
		{"sd", 4, 3, "1\r\n2\r\n3\x1b[T", "|1|2", 1, 2},
		{"region scroll", 4, 4, "1\r\n2\r\n3\r\n4\x1b[2;3r\x1b[3H\n", "1|3||4", 0, 2},
		{"reverse index in region", 4, 4, "1\r\n2\r\n3\r\n4\x1b[2;3r\x1b[2H\x1bM", "1||2|4", 0, 1},
		{"origin mode", 6, 4, "\x1b[2;3r\x1b[?6h\x1b[1;1HX\x1b[9;1HY", "|X|Y|", 1, 2},
		{"decsc decrc", 6, 2, "ab\x1b7\x1b[2;5Hc\x1b8d", "abd|    c", 3, 0},
		{"csi s u", 6, 2, "ab\x1b[s\x1b[2;5Hc\x1b[ud", "abd|    c", 3, 0},
		{"rep", 6, 1, "a\x1b[3b", "aaaa", 4, 0},
		{"rep stops at the line end", 4, 2, "a\x1b[99999999b", "aaaa|", 3, 0},
		{"rep repeats only ascii", 6, 1, "é\x1b[3b", "é", 1, 0},
		{"ind nel ri", 6, 3, "a\x1bDb\x1bEc\x1bMd", "a| d|c", 2, 1},
		{"dec graphics", 6, 1, "\x1b(0lqk\x1b(Bq", "┌─┐q", 4, 0},
		{"so si", 6, 1, "\x1b)0a\x0eq\x0fq", "a─q", 3, 0},
		{"decaln", 3, 2, "\x1b#8", "EEE|EEE", 0, 0},
		{"ris", 6, 2, "abc\x1b[?7l\x1bc", "|", 0, 0},
		{"huge cursor moves", 10, 3, "\x1b[999999999999C\x1b[999999999999BX", "||         X", 9, 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			term := feed(tc.cols, tc.rows, tc.in)
			wantScreen(t, term, tc.want)
			wantCursor(t, term, tc.x, tc.y)
		})
	}
}

// A sequence split anywhere across writes reads the same as whole.
func TestSplitWrites(t *testing.T) {
	in := "a\x1b[31;1mé中\x1b]2;title\a\x1b[2;3Hb\x1b[38:2::1:2:3mc"
	want := feed(10, 3, in)
	for i := range len(in) {
		term := New(10, 3)
		_, _ = term.WriteString(in[:i])
		_, _ = term.WriteString(in[i:])
		if strings.Join(screenText(term), "|") != strings.Join(screenText(want), "|") ||
			term.CursorPosition() != want.CursorPosition() || term.Title() != "title" {
			t.Fatalf("split at %d: %q, want %q", i, screenText(term), screenText(want))
		}
	}
}

func TestSGR(t *testing.T) {
	term := feed(20, 1, "\x1b[1;3;4;7;9;31;42mA\x1b[0mB\x1b[38;5;200;48;2;1;2;3mC\x1b[38:2::10:20:30;4:3mD\x1b[2;5;8mE\x1b[22;39;49mF")
	check := func(x int, want uv.Style) {
		t.Helper()
		got := term.CellAt(x, 0).Style
		if !got.Equal(&want) {
			t.Errorf("cell %d: style %+v, want %+v", x, got, want)
		}
	}
	check(0, uv.Style{Fg: ansi.Red, Bg: ansi.Green, Underline: uv.UnderlineSingle,
		Attrs: uv.AttrBold | uv.AttrItalic | uv.AttrReverse | uv.AttrStrikethrough})
	check(1, uv.Style{})
	check(2, uv.Style{Fg: ansi.IndexedColor(200), Bg: rgb(1, 2, 3)})
	check(3, uv.Style{Fg: rgb(10, 20, 30), Bg: rgb(1, 2, 3), Underline: uv.UnderlineCurly})
	check(4, uv.Style{Fg: rgb(10, 20, 30), Bg: rgb(1, 2, 3), Underline: uv.UnderlineCurly,
		Attrs: uv.AttrFaint | uv.AttrBlink | uv.AttrConceal})
	check(5, uv.Style{Underline: uv.UnderlineCurly, Attrs: uv.AttrBlink | uv.AttrConceal})
}

// Erasing takes the background colour, nothing else.
func TestEraseKeepsBackground(t *testing.T) {
	term := feed(4, 1, "ab\x1b[1;41m\x1b[1G\x1b[K")
	want := uv.Style{Bg: ansi.Red}
	if got := term.CellAt(0, 0).Style; !got.Equal(&want) {
		t.Errorf("erased cell style %+v, want %+v", got, want)
	}
}

func TestAltScreen(t *testing.T) {
	term := feed(6, 3, "main\x1b[2;3H\x1b[?1049hALT")
	if !term.IsAltScreen() {
		t.Fatal("not on the alternate screen")
	}
	wantScreen(t, term, "|  ALT|")
	_, _ = term.WriteString("\r\n\r\n\r\nmore")
	if n := term.ScrollbackLen(); n != 0 {
		t.Errorf("the alternate screen fed %d lines to the history", n)
	}
	_, _ = term.WriteString("\x1b[?1049l")
	wantScreen(t, term, "main||")
	wantCursor(t, term, 2, 1)

	// A resize while on the alternate screen (vi open in a pane the
	// user makes wider) stays on it, and the main screen comes back.
	term = feed(6, 3, "main\x1b[?1049h\x1b[HALT")
	term.Resize(8, 4)
	if !term.IsAltScreen() {
		t.Fatal("the resize left the alternate screen")
	}
	wantScreen(t, term, "ALT|||")
	_, _ = term.WriteString("\x1b[?1049l")
	wantScreen(t, term, "main|||")
}

func TestScrollback(t *testing.T) {
	term := New(10, 3)
	term.SetScrollbackSize(5)
	for i := range 20 {
		_, _ = term.WriteString("\r\nline" + string(rune('a'+i)))
	}
	if n := term.ScrollbackLen(); n != 5 {
		t.Fatalf("history holds %d lines, want 5", n)
	}
	// 21 lines went by (an empty one first); 3 on screen; the 5 before in history.
	for i, want := range []string{"linem", "linen", "lineo", "linep", "lineq"} {
		if got := lineText(term.ScrollbackLine(i)); got != want {
			t.Errorf("history line %d: %q, want %q", i, got, want)
		}
	}
	wantScreen(t, term, "liner|lines|linet")
	// A region's scroll does not feed the history.
	_, _ = term.WriteString("\x1b[1;2r\x1b[2H\n\n")
	if n := term.ScrollbackLen(); n != 5 {
		t.Errorf("region scroll changed the history to %d lines", n)
	}
	_, _ = term.WriteString("\x1b[3J")
	if n := term.ScrollbackLen(); n != 0 {
		t.Errorf("ED 3 left %d lines", n)
	}
}

func TestResize(t *testing.T) {
	term := feed(6, 4, "1\r\n2\r\n3\r\n4中x")
	term.Resize(3, 2) // the cursor is on the last line: two lines go to history
	wantScreen(t, term, "3|4中")
	wantCursor(t, term, 2, 1)
	if n := term.ScrollbackLen(); n != 2 {
		t.Errorf("history %d lines, want 2", n)
	}
	term.Resize(6, 4) // back from the history
	wantScreen(t, term, "1|2|3|4中")
	wantCursor(t, term, 2, 3)
	// Lines under the cursor go before lines above it, as in tmux.
	term = feed(6, 4, "a\r\nb\r\nc\r\nd\x1b[2;1H")
	term.Resize(6, 2)
	wantScreen(t, term, "a|b")
	if n := term.ScrollbackLen(); n != 0 {
		t.Errorf("history %d lines, want none", n)
	}
}

func TestReplies(t *testing.T) {
	term := New(10, 5)
	var got []string
	term.SetReplyFunc(func(b []byte) { got = append(got, string(b)) })
	_, _ = term.WriteString("\x1b[3;5H\x1b[6n\x1b[5n\x1b[c\x1b[?2004h\x1b[?2004$p\x1b[?1$p")
	want := []string{"\x1b[3;5R", "\x1b[0n", "\x1b[?62;22c", "\x1b[?2004;1$y", "\x1b[?1;2$y"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("replies %q, want %q", got, want)
	}
}

func TestModes(t *testing.T) {
	term := feed(10, 2, "\x1b[?1h\x1b[?2004h\x1b[?1002h\x1b[?1006h\x1b[?25l\x1b[5 q")
	if !term.AppCursorKeys() || !term.BracketedPaste() || term.MouseMode() != 1002 || !term.MouseSGR() || !term.CursorHidden() {
		t.Errorf("modes not set: %+v", term.modes)
	}
	if s, blink := term.CursorStyle(); s != CursorBar || !blink {
		t.Errorf("cursor style %v %v, want blinking bar", s, blink)
	}
	_, _ = term.WriteString("\x1b[?1l\x1b[?2004l\x1b[?1002l\x1b[?25h\x1b[2 q")
	if term.AppCursorKeys() || term.BracketedPaste() || term.MouseMode() != 0 || term.CursorHidden() {
		t.Errorf("modes not reset: %+v", term.modes)
	}
	if s, blink := term.CursorStyle(); s != CursorBlock || blink {
		t.Errorf("cursor style %v %v, want steady block", s, blink)
	}
	_, _ = term.WriteString("\x1b]0;hello\a")
	if term.Title() != "hello" {
		t.Errorf("title %q", term.Title())
	}
}

// The style table is bounded: a flood of different colours compacts it
// and keeps every cell's colour right.
func TestStyleTableCompacts(t *testing.T) {
	term := New(10, 2)
	term.SetScrollbackSize(0) // only the screen's 20 cells keep styles in use
	var b strings.Builder
	for i := range maxStyles + 10 {
		b.WriteString("\x1b[38;2;" + itoa(i>>16) + ";" + itoa((i>>8)&255) + ";" + itoa(i&255) + "mx")
	}
	_, _ = term.WriteString(b.String())
	if n := len(term.styles.pens); n >= maxStyles {
		t.Errorf("style table has %d entries", n)
	}
	last := maxStyles + 9
	want := uv.Style{Fg: rgb(uint8(last>>16), uint8(last>>8), uint8(last))}
	p := term.CursorPosition()
	if got := term.CellAt(p.X-1, p.Y).Style; !got.Equal(&want) {
		t.Errorf("last cell %+v, want %+v", got, want)
	}
}

// A huge count does what the largest meaningful one does: no sequence
// can be made to work longer than a screenful (BenchmarkHostile measures
// the cost), and the screen is the same.
func TestHugeCountsClamp(t *testing.T) {
	base := "abcdefgh\r\n12345678\r\nABCDEFGH\r\n87654321\x1b[2;3H"
	for _, seq := range []string{"@", "P", "X", "L", "M", "S", "T", "A", "B", "C", "D", "E", "F", "G", "d", "I", "Z", "b"} {
		huge := feed(8, 4, base+"x\x1b[2147483646"+seq+"y")
		screenful := feed(8, 4, base+"x\x1b[8"+seq+"y")
		if a, b := screenText(huge), screenText(screenful); strings.Join(a, "|") != strings.Join(b, "|") ||
			huge.CursorPosition() != screenful.CursorPosition() {
			t.Errorf("CSI %s: huge count gives %q, a screenful %q", seq, a, b)
		}
	}
}

// A whole-screen clear keeps the cleared rows in the history, as tmux
// does: down to the last row with text, and not on the alternate screen.
func TestClearKeepsHistory(t *testing.T) {
	for _, tc := range []struct {
		in   string
		hist int
	}{
		{"l1\r\nl2\r\nl3\x1b[2J", 3},
		{"l1\r\nl2\r\nl3\x1b[H\x1b[J", 3},
		{"l1\r\nl2\r\nl3\x1b[H\x1b[J\x1b[3J", 0},
		{"l1\r\n\x1b[41m\x1b[K\x1b[m\r\n\x1b[2J", 1},
		{"\x1b[?1049hl1\r\nl2\x1b[2J", 0},
		{"l1\r\nl2\x1b[2;1H\x1b[J", 0},
	} {
		term := feed(6, 4, tc.in)
		if n := term.ScrollbackLen(); n != tc.hist {
			t.Errorf("%q: history %d lines, want %d", tc.in, n, tc.hist)
		}
	}
	term := feed(6, 4, "l1\r\nl2\x1b[2J")
	if got := lineText(term.ScrollbackLine(1)); got != "l2" {
		t.Errorf("history line 1 %q, want l2", got)
	}
	wantScreen(t, term, "|||")
	wantCursor(t, term, 2, 1)
}
