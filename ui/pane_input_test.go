package ui

import (
	"testing"

	tea "charm.land/bubbletea/v2"
)

// Tests of the pane's input: keys and pastes reach the pty as a terminal
// would send them.

func TestPaneKeysReachThePty(t *testing.T) {
	p, f := newTestPane(t, 20, 5)
	send := func(want string, msgs ...tea.KeyPressMsg) {
		t.Helper()
		f.input.Reset()
		for _, m := range msgs {
			p.Update(m)
		}
		f.expectInput(t, want)
	}
	send("ls\r", txt("l"), txt("s"), k(tea.KeyEnter, 0))
	send("\x1b[A", k(tea.KeyUp, 0))
	// The program switches on application cursor keys (as vi does).
	f.program(t, "\x1b[?1h")
	eventually(t, "DECCKM", func() bool { return p.modes().appCursor })
	send("\x1bOA", k(tea.KeyUp, 0))
	f.program(t, "\x1b[?1l")
	eventually(t, "DECCKM off", func() bool { return !p.modes().appCursor })
	send("\x1b[A", k(tea.KeyUp, 0))
	send("\x1b[1;5C", k(tea.KeyRight, tea.ModCtrl))
}

func TestPanePaste(t *testing.T) {
	p, f := newTestPane(t, 20, 5)
	paste := func(s, want string) {
		t.Helper()
		f.input.Reset()
		p.Update(tea.PasteMsg{Content: s})
		f.expectInput(t, want)
	}
	paste("echo a\necho b\r\n", "echo a\recho b\r")
	f.program(t, "\x1b[?2004h")
	eventually(t, "bracketed paste on", func() bool { return p.modes().bracketed })
	paste("rm -rf x\n", "\x1b[200~rm -rf x\r\x1b[201~")
	// A pasted end marker must not end the bracket early.
	paste("a\x1b[201~b", "\x1b[200~a[201~b\x1b[201~")
	// Nor a nested one, which removing the marker once made whole.
	paste("a\x1b[20\x1b[201~1~b", "\x1b[200~a[20[201~1~b\x1b[201~")
	paste("a\u009b201~b", "\x1b[200~a201~b\x1b[201~")
}
