package ui

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
)

// hostileOutputs are a few hundred bytes at most that x/vt v0.1.0, the
// pane's emulator before ui/vterm, worked on for minutes, or panicked on.
// The parser keeps 31 bits of a number, so a count is at most 2147483646:
// a few seconds of erasing or tabbing, which twenty sequences make
// minutes. vterm clamps every count to the screen (see its
// BenchmarkHostile for the cost per megabyte).
var hostileOutputs = map[string]string{
	"ICH DCH":                   strings.Repeat("\x1b[2147483646@\x1b[2147483646P", 20),
	"IL DL":                     strings.Repeat("\x1b[2147483646L\x1b[2147483646M", 20),
	"SU SD":                     strings.Repeat("\x1b[2147483646S\x1b[2147483646T", 20),
	"cursor moves":              strings.Repeat("\x1b[2147483646A\x1b[2147483646C\x1b[2147483646;2147483646H", 20),
	"mode numbers":              "\x1b[?1049;2004;123456h\x1b[?99999l\x1b[?1049l",
	"REP":                       "A\x1b[999999999b",
	"REP wrapped":               "A\x1b[99999999999999999999b",
	"ECH":                       strings.Repeat("\x1b[2147483646X", 20),
	"CHT":                       strings.Repeat("\x1b[2147483646I", 20),
	"CHT without stops":         "\x1b[3g" + strings.Repeat("\x1b[2147483646I", 20),
	"CBT":                       strings.Repeat("\x1b[2147483646Z", 20),
	"DECSTBM below the screen":  "\x1b[1;99999r\x1b[5L\x1b[5M\x1b[r",
	"DECSLRM beside the screen": "\x1b[?69h\x1b[5;99999s\x1b[1;10H\x1b[5@\x1b[5P\x1b[?69l",
}

// Each hostile output, followed by a marker, must leave the pane showing
// the marker with the emulator intact. A hang check, not a benchmark: the
// deadline is generous.
func TestPaneHostileSequences(t *testing.T) {
	for name, out := range hostileOutputs {
		t.Run(name, func(t *testing.T) {
			p, f := newTestPane(t, 80, 24)
			f.program(t, out+"\r\nafter-"+strings.ReplaceAll(name, " ", "-"))
			waitView(t, p, "after-"+strings.ReplaceAll(name, " ", "-"))
			p.mu.Lock()
			defer p.mu.Unlock()
			if p.failed != "" {
				t.Errorf("the emulator failed: %s", p.failed)
			}
		})
	}
}

// Huge strings are not kept: strings of a megabyte cost the emulator at
// most a few kilobytes, and a hyperlink that long is not set at all.
func TestPaneHostileStrings(t *testing.T) {
	p, f := newTestPane(t, 80, 24)
	mb := 1 << 20
	f.program(t, "\x1b]0;"+strings.Repeat("t", mb)+"\a")
	f.program(t, "\x1b]8;;https://"+strings.Repeat("u", mb)+"\x1b\\L\x1b]8;;\x1b\\")
	f.program(t, "\x1bP"+strings.Repeat("d", mb)+"\x1b\\\x1b_"+strings.Repeat("a", mb)+"\x1b\\")
	f.program(t, "\r\nstrings-done")
	waitView(t, p, "strings-done")

	p.mu.Lock()
	defer p.mu.Unlock()
	if n := len(p.emu.Title()); n > 8<<10 {
		t.Errorf("a title of %d bytes kept", n)
	}
	// Each string ended where it should: the L after the link is printed.
	if c := p.emu.CellAt(0, 0); c.Content != "L" {
		t.Errorf("cell 0,0 is %q, want the L after the hyperlink", c.Content)
	}
}

// waitView waits up to 20 s (a hang detector) for text in the view.
func waitView(t *testing.T, p *Pane, text string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(p.View(), text) {
		if time.Now().After(deadline) {
			t.Fatalf("%q not on screen after 20 s:\n%s", text, strings.Join(plainRows(p.View()), "\n"))
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// While the emulator is busy (here: stuck in a write), drawing, keys and
// Close go on: View and Cursor return the last frame at once, keys reach
// the program, and the new frame shows once the emulator is free.
func TestPaneDrawsWhileEmulatorBusy(t *testing.T) {
	p, f := newTestPane(t, 40, 5)
	f.program(t, "before")
	waitView(t, p, "before")

	entered, release := make(chan struct{}), make(chan struct{})
	p.mu.Lock()
	write := p.write
	p.write = func(b []byte) (int, error) {
		entered <- struct{}{}
		<-release
		return write(b)
	}
	p.mu.Unlock()
	f.program(t, "\r\nafter")
	<-entered

	done := make(chan struct{})
	go func() {
		defer close(done)
		if v := p.View(); !strings.Contains(v, "before") || strings.Contains(v, "after") {
			t.Errorf("view while busy:\n%s", v)
		}
		if c := p.Cursor(); c == nil || c.X != len("before") {
			t.Errorf("cursor while busy: %+v", c)
		}
		p.Update(tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl})
		p.Update(tea.PasteMsg{Content: "x"})
		p.Update(tea.MouseWheelMsg{Button: tea.MouseWheelUp})
	}()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		t.Fatal("View, Cursor or a key waited for the busy emulator")
	}
	f.expectInput(t, "\x03x")

	release <- struct{}{}
	waitView(t, p, "after")

	// Close does not wait either.
	f.program(t, "more")
	<-entered
	closed := make(chan struct{})
	go func() { p.Close(); close(closed) }()
	select {
	case <-closed:
	case <-time.After(20 * time.Second):
		t.Fatal("Close waited for the busy emulator")
	}
	release <- struct{}{}
}
