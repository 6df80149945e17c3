package ui

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"
	"github.com/creack/pty"
)

// Tests of the pane's goroutines: output reaches the screen and is
// announced, queries get replies, floods and emulator panics do not take
// the UI down, and the pane works on a real pty and in a real program.

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
