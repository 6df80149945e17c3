package ui

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unsafe"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"
	"github.com/charmbracelet/x/vt"
	"github.com/creack/pty"
)

// ---- a fake pty ----

// fakePty stands in for the pty master: the test plays the program,
// writing its output into prog and reading the keyboard from input.
type fakePty struct {
	out   *io.PipeReader // the program's output, read by the pane
	prog  *io.PipeWriter // the test writes program output here
	input lockedBuffer   // what the pane wrote: keys, pastes, replies
}

func (f *fakePty) Read(b []byte) (int, error)  { return f.out.Read(b) }
func (f *fakePty) Write(b []byte) (int, error) { return f.input.Write(b) }

// lockedBuffer is a bytes.Buffer safe for the writer goroutine and the test.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *lockedBuffer) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(b)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

func (l *lockedBuffer) Reset() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf.Reset()
}

// newTestPane makes a started pane on a fake pty and cleans both up.
func newTestPane(t *testing.T, cols, rows int) (*Pane, *fakePty) {
	t.Helper()
	r, w := io.Pipe()
	f := &fakePty{out: r, prog: w}
	p := NewPane("c1", f, cols, rows, nil)
	p.Init()
	t.Cleanup(func() {
		p.Close()
		_ = w.Close() // EOF ends the reader goroutine
	})
	return p, f
}

// program writes the program's output and fails the test if the pane
// does not take it within a few seconds.
func (f *fakePty) program(t *testing.T, s string) {
	t.Helper()
	done := make(chan error, 1)
	go func() {
		_, err := io.WriteString(f.prog, s)
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("program write: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("program write of %d bytes blocked", len(s))
	}
}

// expectInput waits until the pane has written exactly want to the pty.
func (f *fakePty) expectInput(t *testing.T, want string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for got := f.input.String(); got != want; got = f.input.String() {
		if time.Now().After(deadline) || !strings.HasPrefix(want, got) {
			t.Fatalf("pane wrote %q to the pty, want %q", got, want)
		}
		time.Sleep(time.Millisecond)
	}
}

// eventually polls cond for up to 5 seconds.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// rows splits a view into its rows without styles.
func plainRows(view string) []string {
	return strings.Split(ansi.Strip(view), "\n")
}

// runCmd runs a Cmd like Bubble Tea would, with a timeout.
func runCmd(t *testing.T, cmd tea.Cmd) tea.Msg {
	t.Helper()
	if cmd == nil {
		t.Fatal("nil Cmd")
	}
	ch := make(chan tea.Msg, 1)
	go func() { ch <- cmd() }()
	select {
	case msg := <-ch:
		return msg
	case <-time.After(5 * time.Second):
		t.Fatal("Cmd did not return")
		return nil
	}
}

// ---- tests ----

func TestPaneShowsOutput(t *testing.T) {
	p, f := newTestPane(t, 20, 5)
	f.program(t, "hello")
	eventually(t, "hello in the view", func() bool {
		return strings.HasPrefix(plainRows(p.View())[0], "hello")
	})

	rows := plainRows(p.View())
	if len(rows) != 5 {
		t.Fatalf("view has %d rows, want 5", len(rows))
	}
	for i, r := range rows {
		if w := ansi.StringWidth(r); w != 20 {
			t.Errorf("row %d is %d cells wide, want 20: %q", i, w, r)
		}
	}
}

func TestPaneNotifies(t *testing.T) {
	r, w := io.Pipe()
	f := &fakePty{out: r, prog: w}
	p := NewPane("c7", f, 20, 5, nil)
	defer p.Close()
	cmd := p.Init()
	f.program(t, "x")
	msg := runCmd(t, cmd)
	if msg != (PaneOutputMsg{ID: "c7"}) {
		t.Fatalf("got %#v, want PaneOutputMsg{c7}", msg)
	}
	_, next := p.Update(msg)
	if next == nil {
		t.Fatal("Update did not re-arm the wait for output")
	}
	// Another pane's message is not ours: no re-arm.
	if _, other := p.Update(PaneOutputMsg{ID: "other"}); other != nil {
		t.Error("Update re-armed on another pane's message")
	}
	// EOF of the pty ends the pane.
	_ = w.Close()
	if msg := runCmd(t, next); msg != (PaneClosedMsg{ID: "c7"}) {
		t.Fatalf("got %#v, want PaneClosedMsg{c7}", msg)
	}
	if p.Cursor() != nil {
		t.Error("cursor shown after the program ended")
	}
}

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

// TestPaneRepliesToQueries: the emulator's answers must reach the program,
// or the next emulator Write blocks forever.
func TestPaneRepliesToQueries(t *testing.T) {
	p, f := newTestPane(t, 20, 5)
	f.program(t, "\x1b[3;5H\x1b[6n")
	f.expectInput(t, "\x1b[3;5R")
	f.input.Reset()
	// Many queries in a row, then more output: nothing may block.
	f.program(t, strings.Repeat("\x1b[c\x1b[6n", 200)+"after")
	eventually(t, "output after the queries", func() bool {
		return strings.Contains(p.View(), "after")
	})
	eventually(t, "all replies", func() bool {
		return strings.Count(f.input.String(), "R") == 200
	})
}

// TestPaneFlood: 5 MB of output must go through while the UI keeps
// working: View and key handling answer promptly all along, and the
// notifications are coalesced to about one per frame.
func TestPaneFlood(t *testing.T) {
	if testing.Short() {
		t.Skip("flood test in -short mode")
	}
	p, f := newTestPane(t, 80, 24)

	// The Bubble Tea loop: wait for notifications and re-arm.
	var notes int
	stop := make(chan struct{})
	loopDone := make(chan struct{})
	go func() {
		defer close(loopDone)
		cmd := p.waitCmd()
		for {
			msgc := make(chan tea.Msg, 1)
			go func() { msgc <- cmd() }()
			select {
			case <-stop:
				return
			case msg := <-msgc:
				if _, ok := msg.(PaneOutputMsg); !ok {
					return
				}
				notes++
				_, cmd = p.Update(msg)
			}
		}
	}()

	line := strings.Repeat("y", 70) + "\r\n"
	total := 5 << 20
	flood := strings.Repeat(line, total/len(line)) + "END"
	start := time.Now()
	writeDone := make(chan struct{})
	go func() {
		_, _ = io.WriteString(f.prog, flood)
		close(writeDone)
	}()

	var slowest time.Duration
	keys := 0
	giveUp := time.After(60 * time.Second)
	for flooding := true; flooding; {
		select {
		case <-writeDone:
			flooding = false
		case <-time.After(20 * time.Millisecond):
		case <-giveUp:
			t.Fatal("flood not consumed within 60 s")
		}
		t0 := time.Now()
		_ = p.View()
		p.Update(tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl})
		keys++
		slowest = max(slowest, time.Since(t0))
	}
	elapsed := time.Since(start)
	eventually(t, "END on screen", func() bool { return strings.Contains(p.View(), "END") })
	close(stop)
	<-loopDone

	t.Logf("%d MB in %v (%.1f MB/s), %d notifications, slowest View+key %v",
		total>>20, elapsed.Round(time.Millisecond), float64(total)/(1<<20)/elapsed.Seconds(), notes, slowest)
	if slowest > time.Second {
		t.Errorf("View+key took %v during the flood", slowest)
	}
	if maxNotes := int(elapsed/frameInterval) + 2; notes > maxNotes {
		t.Errorf("%d notifications in %v, want at most %d (one per frame)", notes, elapsed, maxNotes)
	}
	eventually(t, "every ctrl+c sent", func() bool {
		return strings.Count(f.input.String(), "\x03") == keys
	})
	if n := p.historyLen(); n != PaneScrollback {
		t.Errorf("history holds %d lines, want the bound %d", n, PaneScrollback)
	}
}

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
	for i := range 3000 {
		fmt.Fprintf(&out, "line %d\r\n", i)
	}
	out.WriteString("last")
	f.program(t, out.String())
	eventually(t, "last line", func() bool { return strings.Contains(p.View(), "last") })

	if n := p.historyLen(); n != PaneScrollback {
		t.Fatalf("history holds %d lines, want the bound %d", n, PaneScrollback)
	}
	// Screen: lines 2996..2999 and "last"; history ends with line 2995.
	p.Update(tea.MouseWheelMsg{Button: tea.MouseWheelUp})
	if got := p.ScrollOffset(); got != wheelLines {
		t.Fatalf("offset after one wheel step = %d, want %d", got, wheelLines)
	}
	if p.Cursor() != nil {
		t.Error("cursor shown while scrolled back")
	}
	rows := plainRows(p.View())
	if !strings.HasPrefix(rows[0], "line 2993") || !strings.HasPrefix(rows[4], "line 2997") {
		t.Errorf("scrolled view %q", rows)
	}
	if !strings.Contains(rows[0], "[3/1000]") {
		t.Errorf("no scroll badge in %q", rows[0])
	}
	if w := ansi.StringWidth(rows[0]); w != 20 {
		t.Errorf("badge row is %d cells wide", w)
	}

	// shift+pgup goes back half a page at a time, up to the oldest line.
	for range 1000 {
		p.Update(tea.KeyPressMsg{Code: tea.KeyPgUp, Mod: tea.ModShift})
	}
	if got := p.ScrollOffset(); got != PaneScrollback {
		t.Fatalf("offset %d, want %d", got, PaneScrollback)
	}
	if rows := plainRows(p.View()); !strings.HasPrefix(rows[0], "line 1996") {
		t.Errorf("oldest view %q, want line 1996 first", rows)
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
	if n := altScrollbackLen(p.emu); n != 0 {
		t.Errorf("the alternate screen's hidden scrollback holds %d lines", n)
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
	paste("a\x1b[201~b", "\x1b[200~ab\x1b[201~")
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

func TestPaneCloseWakesTheWait(t *testing.T) {
	p, _ := newTestPane(t, 20, 5)
	cmd := p.waitCmd()
	p.Close()
	if msg := runCmd(t, cmd); msg != nil {
		t.Errorf("wait after Close returned %#v", msg)
	}
	p.Close() // twice is fine
	_ = p.View()
}

// TestPaneInTeaProgram runs the pane inside a real Bubble Tea program.
func TestPaneInTeaProgram(t *testing.T) {
	r, w := io.Pipe()
	f := &fakePty{out: r, prog: w}
	pane := NewPane("c1", f, 30, 5, nil)
	defer pane.Close()
	defer w.Close()

	tm := teatest.NewTestModel(t, paneModel{pane}, teatest.WithInitialTermSize(30, 5))
	f.program(t, "\x1b[32mhello from the container\x1b[m")
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
		return bytes.Contains(b, []byte("hello from the container"))
	}, teatest.WithDuration(5*time.Second))
	tm.Type("ls")
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
	f.expectInput(t, "ls\r")
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
}

// paneModel is the smallest app around a pane.
type paneModel struct{ pane *Pane }

func (m paneModel) Init() tea.Cmd { return m.pane.Init() }

func (m paneModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	var cmd tea.Cmd
	m.pane, cmd = m.pane.Update(msg)
	return m, cmd
}

func (m paneModel) View() tea.View {
	v := tea.NewView(m.pane.View())
	v.Cursor = m.pane.Cursor()
	return v
}

// TestPaneRealPty drives a shell on a real pty (no root needed): the
// size reaches the program through resize, typed keys and echo work, and
// the end of the program closes the pane.
func TestPaneRealPty(t *testing.T) {
	ptmx := startPty(t, 40, 10, `stty size; read a; stty size; read b; echo "got $b"`)
	p := NewPane("real", ptmx, 40, 10, func(rows, cols uint16) error {
		return pty.Setsize(ptmx, &pty.Winsize{Rows: rows, Cols: cols})
	})
	defer p.Close()
	wait := p.Init()

	screen := func() string { return ansi.Strip(p.View()) }
	eventually(t, "first stty size", func() bool { return strings.Contains(screen(), "10 40") })
	p.SetSize(50, 12)
	p.Update(k(tea.KeyEnter, 0))
	eventually(t, "stty size after resize", func() bool { return strings.Contains(screen(), "12 50") })
	for _, r := range "abc" {
		p.Update(txt(string(r)))
	}
	p.Update(k(tea.KeyEnter, 0))
	eventually(t, "the shell's answer", func() bool { return strings.Contains(screen(), "got abc") })

	// The shell exits: the pane learns it from the pty's EOF (EIO on Linux).
	for msg := runCmd(t, wait); msg != (PaneClosedMsg{ID: "real"}); msg = runCmd(t, wait) {
		var next tea.Cmd
		if _, next = p.Update(msg); next == nil {
			t.Fatalf("no wait after %#v", msg)
		}
		wait = next
	}
}

// TestPaneCtrlCStopsFlood floods a real pty with yes and checks that
// ctrl+c gets through and the shell's trap output appears. The time is
// logged, not asserted (budgets belong to benchmarks); the bound only
// catches a frozen pane.
func TestPaneCtrlCStopsFlood(t *testing.T) {
	if testing.Short() {
		t.Skip("flood test in -short mode")
	}
	ptmx := startPty(t, 80, 24, `trap 'echo STOPPED; exit 0' INT; yes`)
	p := NewPane("yes", ptmx, 80, 24, nil)
	defer p.Close()
	p.Init()

	eventually(t, "the flood", func() bool { return p.historyLen() == PaneScrollback })
	time.Sleep(500 * time.Millisecond)
	start := time.Now()
	p.Update(k('c', tea.ModCtrl))
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(p.View(), "STOPPED") {
		if time.Now().After(deadline) {
			t.Fatal("no STOPPED 10 s after ctrl+c")
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Logf("ctrl+c to trap output: %v", time.Since(start).Round(time.Millisecond))
}

// BenchmarkPaneFeed measures how fast output goes through the emulator at
// 80x24, in lines per second, for short (`yes`) and full lines.
func BenchmarkPaneFeed(b *testing.B) {
	for _, line := range []string{"y\r\n", strings.Repeat("x", 79) + "\r\n"} {
		b.Run(fmt.Sprintf("%dcols", len(line)-2), func(b *testing.B) {
			p := NewPane("bench", &fakePty{}, 80, 24, nil)
			defer p.Close()
			chunk := []byte(strings.Repeat(line, readSize/len(line)))
			lines := bytes.Count(chunk, []byte("\n"))
			b.SetBytes(int64(len(chunk)))
			b.ResetTimer()
			for range b.N {
				p.feed(chunk)
			}
			b.ReportMetric(float64(lines*b.N)/b.Elapsed().Seconds(), "lines/s")
		})
	}
}

// ---- helpers ----

// startPty runs a shell script on a new pty of cols x rows and returns
// the master side; the cleanup kills the script if it is still running.
func startPty(t *testing.T, cols, rows uint16, script string) *os.File {
	t.Helper()
	cmd := exec.Command("sh", "-c", script)
	ptmx, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: rows, Cols: cols})
	if err != nil {
		t.Skipf("no pty here: %v", err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		_ = ptmx.Close()
	})
	return ptmx
}

// altScrollbackLen reads the alternate screen's private scrollback, which
// disableAltScrollback is meant to switch off.
func altScrollbackLen(e *vt.Emulator) int {
	scrs := reflect.ValueOf(e).Elem().FieldByName("scrs")
	alt := (*vt.Screen)(unsafe.Pointer(scrs.Index(1).UnsafeAddr()))
	return alt.Scrollback().Len()
}

// requireGolden compares a view with testdata/<name>.golden, stored with
// escapes quoted one row per line so the file is readable. Run
// `go test ./ui -update` to rewrite it.
func requireGolden(t *testing.T, name, view string) {
	t.Helper()
	var b strings.Builder
	for _, row := range strings.Split(view, "\n") {
		q := strconv.Quote(row)
		b.WriteString(q[1:len(q)-1] + "\n")
	}
	got := b.String()
	path := filepath.Join("testdata", name+".golden")
	if f := flag.Lookup("update"); f != nil && f.Value.String() == "true" {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./ui -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("view differs from %s:\ngot:\n%s\nwant:\n%s", path, got, want)
	}
}

// The emulator panicking on some output does not take the TUI down: the
// pane says what happened, the rest of the output is read and dropped
// (the program never blocks), and the end still arrives.
func TestPaneSurvivesEmulatorPanic(t *testing.T) {
	p, f := newTestPane(t, 60, 8)
	f.program(t, "before\r\n")
	eventually(t, "the first output", func() bool { return strings.Contains(p.View(), "before") })
	p.mu.Lock()
	p.write = func([]byte) (int, error) { panic("index out of range [7] with length 7") }
	p.mu.Unlock()
	f.program(t, "boom\r\n")
	eventually(t, "the failure shown", func() bool {
		return strings.Contains(strings.Join(plainRows(p.View()), " "), "index out of range")
	})
	rows := plainRows(p.View())
	if len(rows) != 8 || strings.Contains(strings.Join(rows, " "), "before") {
		t.Errorf("view:\n%s", strings.Join(rows, "\n"))
	}
	if p.Cursor() != nil {
		t.Error("a cursor over the failure")
	}
	// A flood after the failure is still read: the writes return.
	f.program(t, strings.Repeat("more output\r\n", 20000))
	f.prog.Close()
	select {
	case <-p.ended:
	case <-time.After(5 * time.Second):
		t.Fatal("the reader did not reach the end")
	}
	p.SetSize(40, 5) // no emulator call after the failure
	if rows := plainRows(p.View()); len(rows) != 5 {
		t.Errorf("%d rows after resize", len(rows))
	}
}
