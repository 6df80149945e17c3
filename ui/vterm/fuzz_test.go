package vterm

import (
	"testing"
)

// FuzzWrite feeds arbitrary output, with a resize in the middle, and
// checks that the terminal stays whole: no panic, the cursor on the
// screen, every row exactly as wide as the screen, and no wide
// character without its right half. Run it for minutes with
// go test -fuzz FuzzWrite ./ui/vterm/.
func FuzzWrite(f *testing.F) {
	for _, s := range []string{
		"hello\r\nworld", "\x1b[2;3r\x1b[5S\x1b[?1049h中文\x1b[3@", "\x1b[99999999b",
		"a\x1b[38:2::1:2:3;4:3m\u0301👩\u200d💻🇫🇷", "\x1b[?6h\x1b[2;1r\x1b[9;9H\x1bM\x1b[L",
		"\x1b(0lqk\x0e\x1b#8\x1bc", "\x1b]2;t\a\x1b[6n\x1b[?2004$p",
	} {
		f.Add([]byte(s), uint8(10), uint8(4), uint16(3))
	}
	f.Fuzz(func(t *testing.T, b []byte, cols, rows uint8, at uint16) {
		term := New(int(cols%40)+1, int(rows%20)+1)
		term.SetScrollbackSize(50)
		term.SetReplyFunc(func([]byte) {})
		cut := min(int(at), len(b))
		_, _ = term.Write(b[:cut])
		term.Resize(int(rows%30)+1, int(cols%25)+1)
		checkWhole(t, term)
		_, _ = term.Write(b[cut:])
		checkWhole(t, term)
	})
}

func checkWhole(t *testing.T, term *Terminal) {
	t.Helper()
	p := term.CursorPosition()
	if p.X < 0 || p.X >= term.cols || p.Y < 0 || p.Y >= term.rows || term.x > term.cols {
		t.Fatalf("cursor %v (x %d) off a %dx%d screen", p, term.x, term.cols, term.rows)
	}
	if term.top < 0 || term.bot >= term.rows || term.top >= term.bot && term.rows > 1 {
		t.Fatalf("region %d..%d on %d rows", term.top, term.bot, term.rows)
	}
	for _, s := range []*screen{term.main, term.alt} {
		if len(s.lines) != term.rows {
			t.Fatalf("%d lines on %d rows", len(s.lines), term.rows)
		}
		for y := range term.rows {
			cs := s.row(y).cells
			if len(cs) != term.cols {
				t.Fatalf("row %d has %d cells on %d columns", y, len(cs), term.cols)
			}
			for x, c := range cs {
				if c.wide == wide && (x+1 >= len(cs) || cs[x+1].wide != rightHalf) {
					t.Fatalf("row %d: wide character at %d without its right half", y, x)
				}
				if c.wide == rightHalf && (x == 0 || cs[x-1].wide != wide) {
					t.Fatalf("row %d: right half at %d without its wide character", y, x)
				}
			}
		}
	}
}
