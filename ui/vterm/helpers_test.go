package vterm

import (
	"image/color"
	"strconv"
	"strings"
	"testing"
)

// screen is the terminal's screen as text, one string per row, trailing
// blanks cut; the right half of a wide character is skipped.
func screenText(t *Terminal) []string {
	rows := make([]string, t.rows)
	for y := range t.rows {
		rows[y] = lineText(t.Row(y))
	}
	return rows
}

func lineText(l Line) string {
	var b strings.Builder
	for x := range l.Len() {
		if c := l.Cell(x); c.Width > 0 {
			b.WriteString(c.Content)
		}
	}
	return strings.TrimRight(b.String(), " ")
}

// feed makes a cols x rows terminal and writes s to it.
func feed(cols, rows int, s string) *Terminal {
	term := New(cols, rows)
	_, _ = term.WriteString(s)
	return term
}

// wantScreen fails unless the screen reads want (rows joined by "|").
func wantScreen(t *testing.T, term *Terminal, want string) {
	t.Helper()
	if got := strings.Join(screenText(term), "|"); got != want {
		t.Errorf("screen\n got %q\nwant %q", got, want)
	}
}

func wantCursor(t *testing.T, term *Terminal, x, y int) {
	t.Helper()
	if p := term.CursorPosition(); p.X != x || p.Y != y {
		t.Errorf("cursor at %d,%d, want %d,%d", p.X, p.Y, x, y)
	}
}

func rgb(r, g, b uint8) color.Color { return color.RGBA{R: r, G: g, B: b, A: 0xff} }

func itoa(i int) string { return strconv.Itoa(i) }
