package ui

import (
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// Tests of the pane's size and history: resizing, the cursor's line kept
// on a shrink, scrolling back, and the alternate screen.

func TestPaneSetSize(t *testing.T) {
	r, w := io.Pipe()
	f := &fakePty{out: r, prog: w}
	type call struct{ rows, cols, emuCols, emuRows int }
	var calls []call
	var p *Pane // nil during NewPane, which tells the pty its first size
	p = NewPane("c1", f, 20, 5, func(rows, cols uint16) error {
		// The emulator must already have the new size when the pty
		// learns it: the program redraws as soon as it gets SIGWINCH.
		c := call{int(rows), int(cols), -1, -1}
		if p != nil {
			c.emuCols, c.emuRows = p.emu.Width(), p.emu.Height()
		}
		calls = append(calls, c)
		return nil
	})
	defer p.Close()
	defer w.Close()
	p.Init()

	p.SetSize(40, 10)
	p.SetSize(40, 10) // unchanged: no call
	want := []call{{5, 20, -1, -1}, {10, 40, 40, 10}}
	if !reflect.DeepEqual(calls, want) {
		t.Fatalf("resize calls %+v, want %+v", calls, want)
	}
	rows := plainRows(p.View())
	if len(rows) != 10 || ansi.StringWidth(rows[0]) != 40 {
		t.Fatalf("view is %d rows of %d cells, want 10 of 40", len(rows), ansi.StringWidth(rows[0]))
	}
}

// TestPaneShrinkKeepsCursorLine: when the pane gets shorter, the lines
// above the cursor go to the history, as in xterm, and the prompt stays.
func TestPaneShrinkKeepsCursorLine(t *testing.T) {
	p, f := newTestPane(t, 20, 10)
	var out strings.Builder
	for i := range 9 {
		fmt.Fprintf(&out, "line %d\r\n", i)
	}
	out.WriteString("$ prompt")
	f.program(t, out.String())
	eventually(t, "prompt", func() bool { return strings.Contains(p.View(), "prompt") })

	p.SetSize(20, 4)
	rows := plainRows(p.View())
	want := []string{"line 6", "line 7", "line 8", "$ prompt"}
	for i := range want {
		if strings.TrimRight(rows[i], " ") != want[i] {
			t.Fatalf("after shrink the view is %q, want %q", rows, want)
		}
	}
	if c := p.Cursor(); c == nil || c.Y != 3 || c.X != 8 {
		t.Errorf("cursor %+v, want (8,3)", c)
	}
	if n := p.historyLen(); n != 6 {
		t.Errorf("history has %d lines, want 6", n)
	}
}

func TestPaneScrollback(t *testing.T) {
	p, f := newTestPane(t, 20, 5)
	// With no history yet, the scroll keys still stay out of the shell.
	p.Update(tea.KeyPressMsg{Code: tea.KeyPgUp, Mod: tea.ModShift})

	var out strings.Builder
	n := PaneScrollback + 2000 // past the bound
	for i := range n {
		fmt.Fprintf(&out, "line %d\r\n", i)
	}
	out.WriteString("last")
	f.program(t, out.String())
	eventually(t, "last line", func() bool { return strings.Contains(p.View(), "last") })

	if n := p.historyLen(); n != PaneScrollback {
		t.Fatalf("history holds %d lines, want the bound %d", n, PaneScrollback)
	}
	// Screen: lines n-4..n-1 and "last"; history ends with line n-5.
	p.Update(tea.MouseWheelMsg{Button: tea.MouseWheelUp})
	if got := p.ScrollOffset(); got != wheelLines {
		t.Fatalf("offset after one wheel step = %d, want %d", got, wheelLines)
	}
	if p.Cursor() != nil {
		t.Error("cursor shown while scrolled back")
	}
	rows := plainRows(p.View())
	if !strings.HasPrefix(rows[0], fmt.Sprintf("line %d", n-7)) || !strings.HasPrefix(rows[4], fmt.Sprintf("line %d", n-3)) {
		t.Errorf("scrolled view %q", rows)
	}
	if !strings.Contains(rows[0], fmt.Sprintf("[3/%d]", PaneScrollback)) {
		t.Errorf("no scroll badge in %q", rows[0])
	}
	if w := ansi.StringWidth(rows[0]); w != 20 {
		t.Errorf("badge row is %d cells wide", w)
	}

	// shift+pgup goes back half a page at a time, up to the oldest line.
	for range PaneScrollback {
		p.Update(tea.KeyPressMsg{Code: tea.KeyPgUp, Mod: tea.ModShift})
	}
	if got := p.ScrollOffset(); got != PaneScrollback {
		t.Fatalf("offset %d, want %d", got, PaneScrollback)
	}
	// The badge covers most of the first row: the second is the check.
	oldest := n - 5 - PaneScrollback + 1
	if rows := plainRows(p.View()); !strings.HasPrefix(rows[1], fmt.Sprintf("line %d", oldest+1)) {
		t.Errorf("oldest view %q, want line %d first", rows, oldest)
	}

	p.Update(tea.KeyPressMsg{Code: tea.KeyPgDown, Mod: tea.ModShift})
	if got := p.ScrollOffset(); got != PaneScrollback-2 {
		t.Errorf("offset after shift+pgdown = %d", got)
	}
	if f.input.String() != "" {
		t.Errorf("scroll keys reached the program: %q", f.input.String())
	}

	// Typing returns to the live screen.
	p.Update(tea.KeyPressMsg{Code: 'x', Text: "x"})
	if p.ScrollOffset() != 0 {
		t.Error("typing did not return to the live screen")
	}
	if rows := plainRows(p.View()); !strings.HasPrefix(rows[4], "last") {
		t.Errorf("live view %q", rows)
	}
}

func TestPaneAltScreen(t *testing.T) {
	p, f := newTestPane(t, 20, 5)
	f.program(t, "main text\r\n")
	f.program(t, "\x1b[?1049h\x1b[HALT SCREEN")
	eventually(t, "alt screen", func() bool { return strings.Contains(p.View(), "ALT SCREEN") })
	if strings.Contains(p.View(), "main text") {
		t.Error("main screen shows through the alternate screen")
	}
	// Scrolling inside a full-screen program keeps no history...
	f.program(t, strings.Repeat("scroll\r\n", 500)+"done")
	eventually(t, "scrolling done", func() bool { return strings.Contains(p.View(), "done") })
	if n := p.historyLen(); n != 0 {
		t.Errorf("history in the alternate screen: %d lines", n)
	}
	p.mu.Lock()
	kept := p.emu.ScrollbackLen() // the main screen's, hidden meanwhile
	p.mu.Unlock()
	if kept != 0 {
		t.Errorf("the alternate screen's lines went to the history: %d lines", kept)
	}
	// ...and the wheel becomes arrow keys (application mode here).
	f.program(t, "\x1b[?1h")
	eventually(t, "DECCKM", func() bool { return p.modes().appCursor })
	p.Update(tea.MouseWheelMsg{Button: tea.MouseWheelDown})
	f.expectInput(t, strings.Repeat("\x1bOB", wheelLines))
	f.input.Reset()
	p.Update(tea.KeyPressMsg{Code: tea.KeyPgUp, Mod: tea.ModShift})
	f.expectInput(t, "\x1b[5;2~") // passed on to the program

	f.program(t, "\x1b[?1049l")
	eventually(t, "main screen back", func() bool { return strings.Contains(p.View(), "main text") })
	if strings.Contains(p.View(), "ALT") {
		t.Error("alternate screen content left behind")
	}
}
