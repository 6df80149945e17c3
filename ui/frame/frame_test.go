package frame

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	uv "github.com/charmbracelet/ultraviolet"
	"golang.org/x/sys/unix"
)

// clock is a time that moves only when the test says.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

// counter is a model whose view is its count; any other message leaves it
// as it was.
type counter struct{ n int }

type bump struct{}

func (c counter) Init() tea.Cmd { return nil }

func (c counter) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if _, ok := msg.(bump); ok {
		c.n++
	}
	return c, nil
}

func (c counter) View() tea.View {
	v := tea.NewView(fmt.Sprintf("count %d", c.n))
	v.AltScreen = true
	return v
}

// harness runs the wrapper's Update by hand, on a clock of its own, and
// keeps the frames the writer would have been given.
type harness struct {
	t      *testing.T
	clk    *clock
	m      tea.Model
	frames []string
}

func newHarness(t *testing.T) *harness {
	h := &harness{t: t, clk: &clock{t: time.Unix(1000, 0)}}
	d := newDrawer(colorprofile.ANSI256, []string{"TERM=xterm-256color"}, h.clk.now)
	d.send = func(b []byte) { h.frames = append(h.frames, string(b)) }
	h.m = model{inner: counter{}, d: d}
	h.update(tea.WindowSizeMsg{Width: 40, Height: 5})
	return h
}

func (h *harness) d() *drawer { return h.m.(model).d }

// update sends msg and says whether Update asked for a timer.
func (h *harness) update(msg tea.Msg) (timer bool) {
	var cmd tea.Cmd
	h.m, cmd = h.m.Update(msg)
	return cmd != nil
}

// written is the writer finishing the frame it was given.
func (h *harness) written() { h.update(frameWritten{}) }

func TestFirstFrameAtOnce(t *testing.T) {
	h := newHarness(t)
	if len(h.frames) != 1 || !strings.Contains(h.frames[0], "count 0") {
		t.Fatalf("after the window's size: frames %q, want the first one", h.frames)
	}
}

// An idle model draws nothing: a message that changes no view writes no
// frame, and sets no timer.
func TestUnchangedViewWritesNothing(t *testing.T) {
	h := newHarness(t)
	h.written()
	for range 10 {
		h.clk.t = h.clk.t.Add(time.Second)
		if h.update(struct{}{}) {
			t.Fatal("a message that changed nothing set a timer")
		}
	}
	if len(h.frames) != 1 {
		t.Errorf("10 messages that changed nothing wrote %d more frames", len(h.frames)-1)
	}
}

// A flood of changes within a 60th of a second is one frame at once and
// one more when the interval has passed, with the newest view; no frame
// while the writer has not finished the last.
func TestAtMostOneFrameAnInterval(t *testing.T) {
	h := newHarness(t)
	h.written()
	h.clk.t = h.clk.t.Add(time.Second)
	if h.update(bump{}) || len(h.frames) != 2 {
		t.Fatalf("a change a second after the last frame: %d frames, want it drawn at once", len(h.frames))
	}
	h.written()
	timers := 0
	for range 100 {
		if h.update(bump{}) {
			timers++
		}
	}
	if len(h.frames) != 2 || timers != 1 {
		t.Fatalf("100 changes at once: %d frames, %d timers; want none drawn yet, one timer", len(h.frames)-2, timers)
	}
	h.clk.t = h.clk.t.Add(Interval)
	h.update(frameDue{})
	if len(h.frames) != 3 || h.d().rows[0] != "count 101" {
		t.Fatalf("when the timer fired: frames %q (drawn %q), want the newest count", h.frames[2:], h.d().rows)
	}
	// The writer is still at it: a change waits for it, with no timer.
	h.clk.t = h.clk.t.Add(time.Second)
	if h.update(bump{}) || len(h.frames) != 3 {
		t.Fatalf("a change while the writer wrote: %d frames, want it held", len(h.frames))
	}
	h.written()
	if len(h.frames) != 4 || h.d().rows[0] != "count 102" {
		t.Fatalf("once written: frames %q (drawn %q), want the held change", h.frames[3:], h.d().rows)
	}
}

// Rows drawn one at a time give the same screen as drawing the whole
// content again, whatever changed, styles carried from one row to the
// next included (then the whole content is drawn).
func TestRowsAloneEqualTheWhole(t *testing.T) {
	const w, h = 30, 8
	r := rand.New(rand.NewPCG(1, 2))
	pieces := []string{"plain", "\x1b[31mred\x1b[m", "\x1b[1;44mopen", "\x1b[0m", "宽字", "👨‍👩‍👧", "\x1b[4mul\x1b[0m tail", "", "x\tx",
		"\x1b]8;;http://a\x1b\\link\x1b]8;;\x1b\\\x1b[m", strings.Repeat("long", 12)}
	d := newDrawer(colorprofile.TrueColor, nil, time.Now)
	d.resize(w, h)
	rows := make([]string, h)
	for step := range 400 {
		for range 1 + r.IntN(3) {
			y := r.IntN(h)
			rows[y] = ""
			for range r.IntN(4) {
				rows[y] += pieces[r.IntN(len(pieces))]
			}
		}
		content := strings.Join(rows[:h-r.IntN(2)], "\n")
		d.drawContent(content)
		want := uv.NewScreenBuffer(w, h)
		uv.NewStyledString(content).Draw(want, want.Bounds())
		for y := range h {
			for x := range w {
				if got, exp := d.buf.CellAt(x, y), want.CellAt(x, y); !got.Equal(exp) {
					t.Fatalf("step %d, content %q: cell %d,%d is %#v, want %#v", step, content, x, y, got, exp)
				}
			}
		}
		d.scr.Render(d.buf.RenderBuffer) // as frame does: the touched rows are reset
	}
}

// A change of one row in clean content leaves the other rows untouched:
// the diff looks at one row.
func TestOneRowChangedOneRowTouched(t *testing.T) {
	d := newDrawer(colorprofile.TrueColor, nil, time.Now)
	d.resize(20, 4)
	d.drawContent("\x1b[32ma\x1b[m\nb\n\x1b[1mc\x1b[m\nd")
	d.scr.Render(d.buf.RenderBuffer)
	d.drawContent("\x1b[32ma\x1b[m\nB\n\x1b[1mc\x1b[m\nd")
	var touched []int
	for y, l := range d.buf.Touched {
		if l != nil && (l.FirstCell != -1 || l.LastCell != -1) {
			touched = append(touched, y)
		}
	}
	if len(touched) != 1 || touched[0] != 1 {
		t.Errorf("row 1 changed: rows %v touched, want [1]", touched)
	}
}

func TestClean(t *testing.T) {
	for line, want := range map[string]bool{
		"plain":                  true,
		"\x1b[31mred\x1b[m":      true,
		"\x1b[31mred\x1b[0m  ":   true,
		"\x1b[31mred":            false,
		"\x1b[0;1mbold":          false,
		"\x1b]8;;u\x1b\\l\x1b[m": false,
	} {
		if got := cleanLine(line); got != want {
			t.Errorf("cleanLine(%q) = %v, want %v", line, got, want)
		}
	}
}

// Run leaves the terminal as it found it: every mode start and the views
// set is reset, in the output's last bytes.
func TestRunResetsWhatItSet(t *testing.T) {
	var out bytes.Buffer
	p := New(quitter{}, WithInput(&bytes.Buffer{}), WithOutput(&out), WithWindowSize(20, 3),
		WithEnvironment([]string{"TERM=xterm-256color"}), WithoutSignalHandler())
	if _, err := p.Run(); err != nil {
		t.Fatal(err)
	}
	s := out.String()
	for _, m := range []struct{ set, reset string }{
		{"\x1b[?1049h", "\x1b[?1049l"}, {"\x1b[?2004h", "\x1b[?2004l"},
		{"\x1b[?1002h", "\x1b[?1002l"}, {"\x1b[?1006h", "\x1b[?1006l"},
		{"\x1b[?25l", "\x1b[?25h"}, {"\x1b[5 q", "\x1b[0 q"}, {"\x1b[>1u", "\x1b[<1u"},
	} {
		if !strings.Contains(s, m.set) {
			t.Errorf("%q never set: %q", m.set, s)
		} else if strings.LastIndex(s, m.reset) < strings.LastIndex(s, m.set) {
			t.Errorf("%q left set: %q", m.set, s)
		}
	}
	if !strings.Contains(s, "bye") {
		t.Errorf("the view was never drawn: %q", s)
	}
}

// quitter draws once, with the mouse on and a blinking bar cursor, and
// quits.
type quitter struct{}

func (quitter) Init() tea.Cmd { return nil }

func (quitter) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if _, ok := msg.(tea.WindowSizeMsg); ok {
		return quitter{}, tea.Quit
	}
	return quitter{}, nil
}

func (quitter) View() tea.View {
	v := tea.NewView("bye")
	v.AltScreen = true
	v.MouseMode = tea.MouseModeCellMotion
	v.Cursor = tea.NewCursor(1, 0)
	v.Cursor.Shape = tea.CursorBar
	return v
}

// stuck is a terminal that takes the first write and then none: a
// suspended client, XOFF.
type stuck struct {
	mu     sync.Mutex
	writes int
	block  chan struct{}
}

func (s *stuck) Write(b []byte) (int, error) {
	s.mu.Lock()
	s.writes++
	n := s.writes
	s.mu.Unlock()
	if n > 1 {
		<-s.block
	}
	return len(b), nil
}

// A terminal that stops reading does not keep Run from returning, so the
// caller can still shut its containers down.
func TestRunReturnsPastAStuckTerminal(t *testing.T) {
	defer func(w time.Duration) { finishWait = w }(finishWait)
	finishWait = 100 * time.Millisecond
	out := &stuck{block: make(chan struct{})}
	defer close(out.block)
	p := New(quitter{}, WithInput(&bytes.Buffer{}), WithOutput(out), WithWindowSize(20, 3),
		WithEnvironment([]string{"TERM=xterm-256color"}), WithoutSignalHandler())
	done := make(chan error, 1)
	go func() { _, err := p.Run(); done <- err }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run waited for a terminal that does not read")
	}
}

// panicker panics when it learns the window's size.
type panicker struct{}

func (panicker) Init() tea.Cmd { return nil }

func (panicker) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if _, ok := msg.(tea.WindowSizeMsg); ok {
		panic("test: the model broke")
	}
	return panicker{}, nil
}

func (panicker) View() tea.View { return tea.NewView("x") }

// Bubble Tea's report of a panic, written to stderr while the alternate
// screen is up, reaches the terminal after Run has left that screen: it
// is not lost with it. (Here stderr and the output are one file, as on a
// terminal.)
func TestPanicReportOutlivesTheScreen(t *testing.T) {
	f, err := os.CreateTemp(t.TempDir(), "stderr")
	if err != nil {
		t.Fatal(err)
	}
	saved := os.Stderr
	os.Stderr = f
	defer func() { os.Stderr = saved }()
	p := New(panicker{}, WithInput(&bytes.Buffer{}), WithOutput(f), WithWindowSize(20, 3),
		WithEnvironment([]string{"TERM=xterm-256color"}), WithoutSignalHandler())
	if _, err := p.Run(); !errors.Is(err, tea.ErrProgramPanic) {
		t.Fatalf("Run returned %v, want a panic", err)
	}
	if os.Stderr != f {
		t.Error("Run left os.Stderr changed")
	}
	got, _ := os.ReadFile(f.Name())
	left := strings.LastIndex(string(got), "\x1b[?1049l")
	if left < 0 || !strings.Contains(string(got[left:]), "test: the model broke") || !strings.Contains(string(got[left:]), "goroutine") {
		t.Errorf("the terminal got %q; want the panic and its stack after the alternate screen is left", got)
	}
}

// A terminal that stopped reading gets no kept stderr either: written
// after a reset it did not take, it held the process for ever (an attack
// review saw a quit TUI live on until the terminal read again). Here
// stderr is a pipe already full.
func TestStuckTerminalKeepsNoStderrWrite(t *testing.T) {
	defer func(w time.Duration) { finishWait = w }(finishWait)
	finishWait = 100 * time.Millisecond
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	fd := int(w.Fd()) // once: each Fd call makes the file blocking again
	if err := unix.SetNonblock(fd, true); err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := unix.Write(fd, make([]byte, 4096)); err != nil {
			break // full
		}
	}
	if err := unix.SetNonblock(fd, false); err != nil {
		t.Fatal(err)
	}
	saved := os.Stderr
	os.Stderr = w
	defer func() { os.Stderr = saved }()
	out := &stuck{block: make(chan struct{})}
	defer close(out.block)
	p := New(panicker{}, WithInput(&bytes.Buffer{}), WithOutput(out), WithWindowSize(20, 3),
		WithEnvironment([]string{"TERM=xterm-256color"}), WithoutSignalHandler())
	done := make(chan struct{})
	go func() { p.Run(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Run wrote the kept stderr to a terminal that does not read")
	}
}
