package ui

import (
	"bytes"
	"fmt"
	"math/rand"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/ansi/parser"
)

// clampCases are output a container may print, and what the emulator of
// an 80x24 pane gets instead.
var clampCases = []struct{ in, want string }{
	// Counts bounded by the screen.
	{"A\x1b[999999999b", "A\x1b[1999b"}, // a screenful + 999999999-1920 mod 80
	{"A\x1b[100b", "A\x1b[100b"},
	{"\x1b[99999@", "\x1b[80@"},
	{"\x1b[99999P", "\x1b[80P"},
	{"\x1b[99999X", "\x1b[80X"},
	{"\x1b[99999I", "\x1b[80I"},
	{"\x1b[99999Z", "\x1b[80Z"},
	{"\x1b[99999C\x1b[99999D\x1b[99999G\x1b[99999`\x1b[99999a", "\x1b[80C\x1b[80D\x1b[80G\x1b[80`\x1b[80a"},
	{"\x1b[99999L\x1b[99999M\x1b[99999S\x1b[99999T", "\x1b[24L\x1b[24M\x1b[24S\x1b[24T"},
	{"\x1b[99999A\x1b[99999B\x1b[99999E\x1b[99999F\x1b[99999d\x1b[99999e", "\x1b[24A\x1b[24B\x1b[24E\x1b[24F\x1b[24d\x1b[24e"},
	{"\x1b[99999;99999H\x1b[99999;99999f", "\x1b[24;80H\x1b[24;80f"},
	{"\x1b[1;99999r\x1b[99999;99999s", "\x1b[1;24r\x1b[80;80s"},
	// The parser keeps 31 bits of a long number: still bounded.
	{"\x1b[99999999999999999999999999X", "\x1b[80X"},
	// Mode numbers no terminal has are dropped, not moved onto a real one.
	{"\x1b[?1049;2004;123456h\x1b[?99999l", "\x1b[?1049;2004;h\x1b[?l"},
	// SGR numbers: x/ansi's bound; real colours untouched.
	{"\x1b[99999999m", "\x1b[65535m"},
	{"\x1b[1;38;2;255;128;0;48;5;236m", "\x1b[1;38;2;255;128;0;48;5;236m"},
	{"\x1b[4:3;38:2::255:128:0m", "\x1b[4:3;38:2::255:128:0m"},
	// Ordinary sequences pass unchanged.
	{"\x1b[?1049h\x1b[?2004h\x1b[?1000;1006h\x1b[2J\x1b[H\x1b[m\x1b[;5H\x1b[3 q\x1b[6n\x1b[>c", "\x1b[?1049h\x1b[?2004h\x1b[?1000;1006h\x1b[2J\x1b[H\x1b[m\x1b[;5H\x1b[3 q\x1b[6n\x1b[>c"},
	{"\x1b7\x1b8\x1b(0q\x1b(B\x1bM\x1bc", "\x1b7\x1b8\x1b(0q\x1b(B\x1bM\x1bc"},
	{"plain text\r\n\ttab \u00e9\u4e2d\U0001F600", "plain text\r\n\ttab \u00e9\u4e2d\U0001F600"},
	// Strings: written out again (OSC ends with BEL; a string's own ST
	// follows as its own harmless sequence) ...
	{"\x1b]0;title\a", "\x1b]0;title\a"},
	{"\x1b]8;;https://example.com/\x1b\\link\x1b]8;;\x1b\\", "\x1b]8;;https://example.com/\a\x1b\\link\x1b]8;;\a\x1b\\"},
	{"\x1bP$qm\x1b\\", "\x1bP$qm\x1b\\\x1b\\"},
	{"\x1b_Gi=1\x1b\\", "\x1b_Gi=1\x1b\\\x1b\\"},
	// ... unless over-long: dropped whole.
	{"a\x1b]0;" + strings.Repeat("t", maxEscString-1) + "\ab", "ab"}, // "0;" counts
	{"a\x1b]8;;" + strings.Repeat("u", 1<<20) + "\x1b\\b", "a\x1b\\b"},
	{"a\x1bP1$q" + strings.Repeat("d", 1<<20) + "\x1b\\b", "a\x1b\\b"},
	{"a\x1b_" + strings.Repeat("d", 1<<20) + "\x1b\\b", "a\x1b\\b"},
	{"a\x1b^" + strings.Repeat("d", 1<<20) + "\x1b\\b", "a\x1b\\b"},
	{"a\x1bX" + strings.Repeat("d", 1<<20) + "\x1b\\b", "a\x1b\\b"},
	{"a\x1b]0;" + strings.Repeat("t", maxEscString-2) + "\ab", "a\x1b]0;" + strings.Repeat("t", maxEscString-2) + "\ab"},
}

func TestEscClamp(t *testing.T) {
	for _, tc := range clampCases {
		c := newEscClamp(80, 24)
		if got := string(c.filter([]byte(tc.in))); got != tc.want {
			t.Errorf("%s:\n got %s\nwant %s", short(tc.in), short(got), short(tc.want))
		}
	}
}

// A sequence split over two reads is clamped the same as a whole one.
func TestEscClampAcrossReads(t *testing.T) {
	for _, tc := range clampCases {
		if len(tc.in) > 200 {
			continue // every split of the long ones would take long
		}
		for cut := 1; cut < len(tc.in); cut++ {
			c := newEscClamp(80, 24)
			got := string(c.filter([]byte(tc.in[:cut])))
			got += string(c.filter([]byte(tc.in[cut:])))
			if got != tc.want {
				t.Errorf("%s cut at %d:\n got %s\nwant %s", short(tc.in), cut, short(got), short(tc.want))
			}
		}
	}
	// And a string too long, split byte by byte.
	c := newEscClamp(80, 24)
	var got []byte
	for _, b := range []byte("a\x1b]0;" + strings.Repeat("t", maxEscString+1) + "\ab") {
		got = append(got, c.filter([]byte{b})...)
	}
	if string(got) != "ab" {
		t.Errorf("long title fed a byte at a time: %s", short(string(got)))
	}
}

func TestEscClampFollowsResize(t *testing.T) {
	c := newEscClamp(80, 24)
	c.resize(200, 50)
	if got := string(c.filter([]byte("\x1b[999L\x1b[999P"))); got != "\x1b[50L\x1b[200P" {
		t.Errorf("after resize: %q", got)
	}
}

// The clamp must not change how anything is parsed: fed through x/ansi's
// parser (the one inside x/vt), random mixes of sequences, strings, UTF-8,
// C1 controls and aborts give the same events after the clamp as before,
// with numbers compared as the clamp limits them on a huge screen.
func TestEscClampParsesTheSame(t *testing.T) {
	alphabet := []string{
		"\x1b", "\x1b", "\x1b", "[", "[", "]", "P", "_", "^", "X", "\\", "(", "B",
		"0", "1", "2", "5", "9", ";", ";", ":", "?", ">", "$", " ", "q", "m", "h", "H", "b", "r",
		"\a", "\r\n", "\t", "\x00", "\x18", "\x1a", "\x7f",
		"\x9b", "\x9d", "\x90", "\x9c", "\x9f", "\x84", "\x8d", "\xa0", "\xff",
		"\xc3", "\xa9", "é", "中", "\u0301", "\U0001F600", "text",
	}
	rnd := rand.New(rand.NewSource(1))
	for i := range 20000 {
		var in strings.Builder
		for range rnd.Intn(80) {
			in.WriteString(alphabet[rnd.Intn(len(alphabet))])
		}
		c := newEscClamp(65535, 65535)
		// Fed in two reads, cut anywhere.
		b := []byte(in.String())
		cut := rnd.Intn(len(b) + 1)
		out := append(append([]byte(nil), c.filter(b[:cut])...), c.filter(b[cut:])...)
		want, got := parseEvents(b), parseEvents(out)
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Fatalf("case %d, %q -> %q:\n got %q\nwant %q", i, b, out, got, want)
		}
	}
}

// parseEvents lists what x/ansi's parser makes of b, as x/vt would act on
// it. Left out: NUL and ESC executed (x/vt ignores both), a lone ST and
// the commands the clamp drops (see escClamp.esc; no handlers), numbers beyond what the clamp passes on, and an OSC's number:
// after a DCS start the parser keeps a stale one ("\x90\x9d0;t\a" is OSC
// 157 to x/vt, which has no handler for it, and OSC 0 after the clamp).
func parseEvents(b []byte) []string {
	var ev []string
	params := func(cmd ansi.Cmd, ps ansi.Params) string {
		var s []string
		for _, p := range ps {
			v := p.Param(-1)
			mode := cmd.Intermediate() == 0 && (cmd.Final() == 'h' || cmd.Final() == 'l')
			if v != -1 && mode && v > maxModeNumber {
				v = -1
			}
			if v != -1 {
				v = min(v, parser.MaxParam)
			}
			s = append(s, fmt.Sprint(v))
		}
		return fmt.Sprintf("%c%c%c%v", max(cmd.Prefix(), ' '), max(cmd.Intermediate(), ' '), max(cmd.Final(), ' '), s)
	}
	p := ansi.NewParser()
	p.SetParamsSize(parser.MaxParamsSize)
	p.SetDataSize(64 << 10) // the inputs here are shorter
	p.SetHandler(ansi.Handler{
		Print: func(r rune) { ev = append(ev, fmt.Sprintf("print %q", r)) },
		Execute: func(c byte) {
			if c != 0 && c != ansi.ESC {
				ev = append(ev, fmt.Sprintf("exec %#x", c))
			}
		},
		HandleCsi: func(cmd ansi.Cmd, ps ansi.Params) {
			if cmd.Final() < 0x7f {
				ev = append(ev, "csi "+params(cmd, ps))
			}
		},
		HandleEsc: func(cmd ansi.Cmd) {
			if f := cmd.Final(); cmd.Intermediate() != 0 || f < 0x7f && !strings.ContainsRune("PX[]^_\\", rune(f)) {
				ev = append(ev, fmt.Sprintf("esc %c%c", max(cmd.Intermediate(), ' '), cmd.Final()))
			}
		},
		HandleDcs: func(cmd ansi.Cmd, ps ansi.Params, d []byte) {
			ev = append(ev, fmt.Sprintf("dcs %s %q", params(cmd, ps), d))
		},
		HandleOsc: func(_ int, d []byte) { ev = append(ev, fmt.Sprintf("osc %q", d)) },
		HandleSos: func(d []byte) { ev = append(ev, fmt.Sprintf("sos %q", d)) },
		HandlePm:  func(d []byte) { ev = append(ev, fmt.Sprintf("pm %q", d)) },
		HandleApc: func(d []byte) { ev = append(ev, fmt.Sprintf("apc %q", d)) },
	})
	for _, c := range b {
		p.Advance(c)
	}
	return ev
}

func short(s string) string {
	if len(s) > 80 {
		return fmt.Sprintf("%q...(%d bytes)", s[:80], len(s))
	}
	return fmt.Sprintf("%q", s)
}

func BenchmarkEscClamp(b *testing.B) {
	for name, text := range map[string]string{
		"plain":  strings.Repeat("y\r\n", readSize/3),
		"colour": strings.Repeat("\x1b[1;31merror\x1b[m: \x1b[38;2;10;20;30mthing\x1b[0m\r\n", readSize/40),
		"utf8":   strings.Repeat("héllo wörld 中文 ✓\r\n", readSize/24),
	} {
		b.Run(name, func(b *testing.B) {
			c := newEscClamp(80, 24)
			in := []byte(text)
			b.SetBytes(int64(len(in)))
			for range b.N {
				if out := c.filter(in); len(out) == 0 || !bytes.Equal(out[:1], in[:1]) {
					b.Fatal("no output")
				}
			}
		})
	}
}
