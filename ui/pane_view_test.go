package ui

import (
	"strings"
	"testing"
	"unsafe"

	tea "charm.land/bubbletea/v2"
)

// Tests of the pane's drawing: colours, the golden screen, the cursor,
// and the frame kept between two equal views.

func TestPaneColors(t *testing.T) {
	p, f := newTestPane(t, 20, 3)
	f.program(t, "\x1b[31mred\x1b[0m plain \x1b[1;44mbold\x1b[m")
	eventually(t, "text", func() bool { return strings.Contains(p.View(), "bold") })
	view := p.View()
	if !strings.Contains(view, "\x1b[31mred") {
		t.Errorf("red text lost its style: %q", view)
	}
	if !strings.Contains(view, "\x1b[mplain") && !strings.Contains(view, "\x1b[m plain") {
		t.Errorf("style not reset after red: %q", view)
	}
	if !strings.Contains(view, "bold") || !strings.Contains(view, "44") {
		t.Errorf("bold on blue lost: %q", view)
	}
}

// TestPaneGolden pins the whole styled frame of a small screen with
// colors, attributes, a wide character and a background-colored blank.
func TestPaneGolden(t *testing.T) {
	p, f := newTestPane(t, 16, 4)
	f.program(t, "\x1b[1mbold\x1b[m \x1b[3;4mit\x1b[m\r\n"+
		"\x1b[38;5;208m256\x1b[m \x1b[38;2;1;2;3mrgb\x1b[m\r\n"+
		"日本\x1b[7mrev\x1b[m\r\n"+
		"\x1b[42m  \x1b[m|end")
	eventually(t, "last line", func() bool { return strings.Contains(p.View(), "end") })
	requireGolden(t, "pane_styles", p.View())
}

func TestPaneCursor(t *testing.T) {
	p, f := newTestPane(t, 20, 5)
	if c := p.Cursor(); c == nil || c.X != 0 || c.Y != 0 {
		t.Fatalf("initial cursor %+v, want (0,0)", c)
	}
	f.program(t, "ab\r\ncde")
	eventually(t, "cursor at (3,1)", func() bool {
		c := p.Cursor()
		return c != nil && c.X == 3 && c.Y == 1
	})
	f.program(t, "\x1b[4;7H")
	eventually(t, "cursor at (6,3)", func() bool {
		c := p.Cursor()
		return c != nil && c.X == 6 && c.Y == 3
	})
	f.program(t, "\x1b[6 q") // steady bar
	eventually(t, "a steady bar cursor", func() bool {
		c := p.Cursor()
		return c != nil && c.Shape == tea.CursorBar && !c.Blink
	})
	f.program(t, "\x1b[?25l")
	eventually(t, "hidden cursor", func() bool { return p.Cursor() == nil })
}

// TestPaneViewIsCached: nothing is rendered again while nothing changed.
func TestPaneViewIsCached(t *testing.T) {
	p, f := newTestPane(t, 20, 5)
	f.program(t, "same")
	eventually(t, "text", func() bool { return strings.Contains(p.View(), "same") })
	a, b := p.View(), p.View()
	if unsafe.StringData(a) != unsafe.StringData(b) {
		t.Error("View rendered again without a change")
	}
	f.program(t, "!")
	eventually(t, "change", func() bool { return strings.Contains(p.View(), "same!") })
}
