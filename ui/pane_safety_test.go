package ui

import (
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/charmbracelet/x/ansi"
)

// The pane's rows are written to the teacher's real terminal beside the
// panels: nothing in them may be a control the real terminal acts on,
// and each must be exactly the pane's width, or the panels shift.

func TestPaneDrawsNoControls(t *testing.T) {
	p, f := newTestPane(t, 40, 3)
	// OSC 52 (clipboard), ED and CUP, OSC 0 (title), in C1 as UTF-8.
	f.program(t, "X\u009d52;c;aGk=\u009cY\u009b2J\u009b10;30HZ\u009d0;PWNED\u0007 \u202edone")
	waitView(t, p, "done")
	for _, r := range ansi.Strip(p.View()) {
		if r != '\n' && (unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r)) {
			t.Errorf("the view holds %U", r)
		}
	}
}

// drawable is the last fence, whatever a cell holds.
func TestDrawableCells(t *testing.T) {
	cases := []struct {
		in   string
		w    int
		want string
	}{
		{"a", 1, "a"},
		{"中", 2, "中"},
		{"e\u0301", 1, "e\u0301"},
		{"\u009b", 1, "?"},
		{"\x1b", 1, "?"},
		{"a\u009d", 1, "a"},
		{"a\u202e", 1, "a"},
		{"a\u200d中", 1, "a"},
		{"\u2764\ufe0f", 1, "\u2764"},
		{"中", 1, "?"},
		{"a", 2, "? "},
	}
	for _, c := range cases {
		if got := drawable(c.in, c.w); got != c.want {
			t.Errorf("drawable(%q, %d) = %q, want %q", c.in, c.w, got, c.want)
		}
	}
}

func TestPaneRowsAreExactlyTheirWidth(t *testing.T) {
	const cols = 20
	p, f := newTestPane(t, cols, 6)
	f.program(t, "a\u200d中中中b\r\n"+ // a wide character after a joiner
		"\u2764\ufe0f\u2764\ufe0fA\ufe0f\r\n"+ // VS16 on narrow characters
		"\U0001F1FA\U0001F1F8\U0001F1EB|\r\n"+ // a flag and half of one
		"x\u200dy e\u0301\u0302 \x1b[31m中\x1b[m\u0301\r\n"+
		"👩\u200d💻 end")
	waitView(t, p, "end")
	for i, row := range strings.Split(p.View(), "\n") {
		if w := ansi.StringWidth(row); w != cols {
			t.Errorf("row %d %q is %d wide to lipgloss, want %d", i, row, w, cols)
		}
		// wcwidth counts each emoji of a ZWJ sequence: row 4 is the one
		// place a wcwidth terminal and tmux disagree anyway.
		if w := ansi.StringWidthWc(row); w != cols && i != 4 {
			t.Errorf("row %d %q is %d wide to wcwidth, want %d", i, row, w, cols)
		}
	}
}

// SetSize never waits for the emulator (a colour storm held its lock for
// seconds, and ctrl+g n froze the TUI); the view has the new size at once.
func TestPaneSetSizeNeverWaits(t *testing.T) {
	p, f := newTestPane(t, 40, 5)
	f.program(t, "before")
	waitView(t, p, "before")
	p.mu.Lock() // the reader in the middle of a chunk
	done := make(chan struct{})
	go func() {
		p.SetSize(60, 8)
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		p.mu.Unlock()
		t.Fatal("SetSize waited for the emulator's lock")
	}
	rows := strings.Split(p.View(), "\n")
	if len(rows) != 8 || ansi.StringWidth(rows[0]) != 60 || !strings.Contains(rows[0], "before") {
		t.Errorf("view while busy: %d rows, first %q", len(rows), rows[0])
	}
	p.mu.Unlock()
	f.program(t, "\x1b[1;55Hafter") // lands on the new size
	waitView(t, p, "after")
	if c, r := p.emuSize(); c != 60 || r != 8 {
		t.Errorf("emulator is %dx%d, want 60x8", c, r)
	}
}

// emuSize is the emulator's size, under the lock.
func (p *Pane) emuSize() (int, int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.emu.Width(), p.emu.Height()
}
