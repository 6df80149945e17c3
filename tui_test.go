package main

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"vme50-tui/ui/frame"
)

// terminalModes are the modes Bubble Tea sets for the app's view (an
// alternate screen, a mouse) and must reset, as it writes them. A terminal
// left in them after vme50-tui ends is unusable: the shell's prompt and
// output go to a screen the user does not see, there is no cursor, every
// mouse move types escape codes at the prompt, a paste comes wrapped in
// them.
var terminalModes = []struct{ name, set, reset string }{
	{"alternate screen", "\x1b[?1049h", "\x1b[?1049l"},
	{"hidden cursor", "\x1b[?25l", "\x1b[?25h"},
	{"mouse reporting", "\x1b[?1002h", "\x1b[?1002l"},
	{"mouse SGR encoding", "\x1b[?1006h", "\x1b[?1006l"},
	{"bracketed paste", "\x1b[?2004h", "\x1b[?2004l"},
}

// A panic in the UI, in Update or in a Cmd (which Bubble Tea runs in a
// goroutine of its own), must leave the terminal as it was, kill the
// containers once, and end vme50-tui with an error.
//
// Bubble Tea prints the panic and its stack on stderr: in `go test -v`
// that is expected output, not a failure.
func TestPanicRestoresTerminalAndShutsDown(t *testing.T) {
	for name, msg := range map[string]tea.Msg{"in Update": panicInUpdate{}, "in a Cmd": panicInCmd{}} {
		t.Run(name, func(t *testing.T) {
			scr := newScreen()
			p := newTestProgram(scr)
			// The panic comes once the first frame is on the screen, as it
			// would in the app: before that there is no alternate screen to
			// leave, and the test would prove nothing.
			go func() {
				<-scr.firstFrame
				p.Send(msg)
			}()
			shutdowns, restoredFirst := 0, false
			err := runWithin(t, func() error {
				return runProgram(p, func() {
					shutdowns++
					restoredFirst = scr.restored()
				}, nil)
			})

			if !errors.Is(err, tea.ErrProgramPanic) {
				t.Errorf("runProgram returned %v, want %v", err, tea.ErrProgramPanic)
			}
			// runTUI turns any error but an interrupt into a runtime
			// failure, its exit code.
			if errors.Is(err, tea.ErrInterrupted) {
				t.Errorf("runProgram returned %v, which runTUI would take for ctrl+c", err)
			}
			if shutdowns != 1 {
				t.Errorf("shutdown called %d times, want once", shutdowns)
			}
			if !scr.restored() {
				t.Errorf("terminal left with %q; the program wrote %q", scr.leftOn(), scr.String())
			}
			// Shutdown takes a while (it waits for each container to die):
			// the user should have their terminal back meanwhile.
			if shutdowns == 1 && !restoredFirst {
				t.Error("shutdown called before the terminal was restored")
			}
		})
	}
}

// SIGHUP (the terminal closed) ends the program as a quit does: no error,
// the terminal restored for whoever comes next, the containers killed.
func TestHangupQuits(t *testing.T) {
	scr := newScreen()
	p := newTestProgram(scr)
	hup := make(chan os.Signal, 1)
	go func() {
		<-scr.firstFrame
		hup <- syscall.SIGHUP
	}()
	shutdowns := 0
	err := runWithin(t, func() error {
		return runProgram(p, func() { shutdowns++ }, hup)
	})
	if err != nil {
		t.Errorf("runProgram returned %v, want nil", err)
	}
	if shutdowns != 1 {
		t.Errorf("shutdown called %d times, want once", shutdowns)
	}
	if !scr.restored() {
		t.Errorf("terminal left with %q; the program wrote %q", scr.leftOn(), scr.String())
	}
}

// panicky is a model that draws one line on the alternate screen, with
// the mouse on, like the app, and panics when told to.
type panicky struct{}

type (
	panicInUpdate struct{}
	panicInCmd    struct{}
)

func (panicky) Init() tea.Cmd { return nil }

func (m panicky) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg.(type) {
	case panicInUpdate:
		panic("test: a panic in Update")
	case panicInCmd:
		return m, func() tea.Msg { panic("test: a panic in a Cmd") }
	}
	return m, nil
}

func (panicky) View() tea.View {
	v := tea.NewView("vme50-tui test")
	v.AltScreen = true
	v.MouseMode = tea.MouseModeCellMotion
	return v
}

// newTestProgram runs panicky headless: input from an empty reader, output
// to scr, the size given rather than asked of a terminal, a fixed TERM,
// and no signal handler of its own in the test binary.
func newTestProgram(scr *screen) *frame.Program {
	return frame.New(panicky{},
		frame.WithInput(&bytes.Buffer{}),
		frame.WithOutput(scr),
		frame.WithWindowSize(80, 24),
		frame.WithEnvironment([]string{"TERM=xterm-256color"}),
		frame.WithoutSignalHandler(),
	)
}

// runWithin runs f, failing the test if it does not return in time: a
// program that never ends would otherwise hang the test binary until go
// test's own timeout, ten minutes later.
func runWithin(t *testing.T, f func() error) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- f() }()
	select {
	case err := <-done:
		return err
	case <-time.After(10 * time.Second):
		t.Fatal("the program did not end")
		return nil
	}
}

// screen stands in for the terminal: it keeps what the program writes,
// which Bubble Tea does from more than one goroutine.
type screen struct {
	mu         sync.Mutex
	buf        bytes.Buffer
	firstFrame chan struct{} // closed once the program has set every mode
	once       sync.Once
}

func newScreen() *screen {
	return &screen{firstFrame: make(chan struct{})}
}

func (s *screen) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.buf.Write(p)
	if len(s.leftOnLocked()) == len(terminalModes) {
		s.once.Do(func() { close(s.firstFrame) })
	}
	return len(p), nil
}

func (s *screen) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.String()
}

// restored reports whether the program has set every mode (drawn its
// first frame) and reset them all since.
func (s *screen) restored() bool {
	select {
	case <-s.firstFrame:
		return s.leftOn() == nil
	default:
		return false
	}
}

// leftOn returns the modes the program set and has not reset since.
func (s *screen) leftOn() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.leftOnLocked()
}

func (s *screen) leftOnLocked() []string {
	out := s.buf.String()
	var on []string
	for _, m := range terminalModes {
		if strings.LastIndex(out, m.set) > strings.LastIndex(out, m.reset) {
			on = append(on, m.name)
		}
	}
	return on
}

// The TUI takes --record, as the contract says of both commands: it
// prefills the form's Record to, and a path the form would refuse is
// refused in one line naming the flag, before the screen is touched.
func TestTUIRecordFlag(t *testing.T) {
	root := newRootCommand()
	if err := root.Flags().Parse([]string{"--record", "r.csv", "/bin/sh"}); err != nil {
		t.Fatal(err)
	}
	if got, _ := root.Flags().GetString("record"); got != "r.csv" {
		t.Errorf("--record parsed as %q", got)
	}
	if err := checkRecordFlag(filepath.Join(t.TempDir(), "r.csv")); err != nil {
		t.Error(err)
	}
	err := checkRecordFlag("/no/such/dir/r.csv")
	if ee, ok := err.(*exitError); !ok || ee.code != 125 || !strings.Contains(ee.msg, "--record /no/such/dir/r.csv") {
		t.Errorf("got %v", err)
	}
}
