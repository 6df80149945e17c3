// Package frame puts a Bubble Tea model on the terminal and draws a frame
// only when a message came in, never on a clock.
//
// Bubble Tea v2.1's renderer flushes on a 60 Hz ticker whether or not
// anything changed: an idle vme50-tui woke 60 times a second, and with the
// Go scheduler's work around each wake-up that cost more than the whole of
// `top -d 0.25` (issue 13; README, "How it works"). Bubble Tea has no
// option to let that ticker sleep, so here its renderer is off
// (tea.WithoutRenderer) and Bubble Tea only reads the keys, runs Update
// and the commands. This package draws:
//
//   - after a message, at once if the last frame is a 60th of a second
//     old, else when it will be: one timer, set only while a change waits;
//   - never while the last frame is still being written: a terminal that
//     reads slowly gets fewer, newer frames, and the event loop never
//     waits for it;
//   - a view equal to the last one is not diffed and writes nothing.
//
// The diff itself is ultraviolet's TerminalRenderer, the one Bubble Tea's
// renderer uses: the same bytes reach the terminal, only fewer times.
package frame

import (
	"bytes"
	"io"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/term"
)

// Interval is the shortest time between two frames: 60 a second, as
// Bubble Tea's renderer, so a flood of output costs no more frames than
// it did.
const Interval = time.Second / 60

// Program runs a model as tea.Program does, drawing it with this package.
type Program struct {
	tea *tea.Program
	d   *drawer
	in  *os.File // the terminal, put in raw mode while running; nil: not a terminal
	out io.Writer
}

// Option changes how New sets up a Program.
type Option func(*config)

type config struct {
	in            io.Reader
	out           io.Writer
	env           []string
	width, height int
	noSignals     bool
}

// WithInput reads keys from r instead of stdin. Raw mode is set only when
// r is a terminal.
func WithInput(r io.Reader) Option { return func(c *config) { c.in = r } }

// WithOutput draws on w instead of stdout.
func WithOutput(w io.Writer) Option { return func(c *config) { c.out = w } }

// WithEnvironment is the environment the colour profile and the terminal's
// type are read from, instead of the process's.
func WithEnvironment(env []string) Option { return func(c *config) { c.env = env } }

// WithWindowSize is the size to draw at when the output is no terminal to
// ask.
func WithWindowSize(w, h int) Option { return func(c *config) { c.width, c.height = w, h } }

// WithoutSignalHandler leaves SIGINT and SIGTERM to the caller, as
// tea.WithoutSignalHandler does.
func WithoutSignalHandler() Option { return func(c *config) { c.noSignals = true } }

// New wraps m; Run runs it.
func New(m tea.Model, opts ...Option) *Program {
	c := config{in: os.Stdin, out: os.Stdout, env: os.Environ()}
	for _, o := range opts {
		o(&c)
	}
	p := &Program{out: c.out}
	if c.in == io.Reader(os.Stdin) && !term.IsTerminal(os.Stdin.Fd()) {
		// Keys come from the terminal even when stdin is not it
		// (`vme50-tui < file`), as with Bubble Tea's own renderer.
		if tty, _, err := tea.OpenTTY(); err == nil {
			c.in = tty
		}
	}
	if f, ok := c.in.(*os.File); ok && term.IsTerminal(f.Fd()) {
		p.in = f
	}
	w, h := c.width, c.height
	if f, ok := c.out.(*os.File); ok {
		if tw, th, err := term.GetSize(f.Fd()); err == nil {
			w, h = tw, th
		}
	}
	p.d = newDrawer(colorprofile.Detect(c.out, c.env), c.env, time.Now)
	topts := []tea.ProgramOption{
		// Bubble Tea's renderer off; its ticker still runs, with nothing
		// to do, so at its slowest.
		tea.WithoutRenderer(), tea.WithFPS(1),
		tea.WithInput(c.in), tea.WithOutput(c.out),
		tea.WithEnvironment(c.env), tea.WithWindowSize(w, h),
	}
	if c.noSignals {
		topts = append(topts, tea.WithoutSignalHandler())
	}
	p.tea = tea.NewProgram(model{inner: m, d: p.d}, topts...)
	return p
}

// Send sends msg to the model's Update, as tea.Program.Send.
func (p *Program) Send(msg tea.Msg) { p.tea.Send(msg) }

// Quit ends Run as a tea.Quit does.
func (p *Program) Quit() { p.tea.Quit() }

// Run sets the terminal up (raw mode, the alternate screen, the modes the
// views ask for), runs the model until it quits, and puts the terminal
// back as it found it, however the model ended: a quit, a signal, or a
// panic, which Bubble Tea recovers from. It returns the model and Run's
// error as tea.Program.Run does.
func (p *Program) Run() (tea.Model, error) {
	if p.in != nil {
		// Bubble Tea sets raw mode only with its renderer on: without it,
		// keys would come a line at a time and ctrl+c would be a signal.
		old, err := term.MakeRaw(p.in.Fd())
		if err != nil {
			return nil, err
		}
		defer term.Restore(p.in.Fd(), old) //nolint:errcheck // nothing better to do
	}
	if _, err := io.WriteString(p.out, p.d.start()); err != nil {
		return nil, err
	}
	w := newWriter(p.out, func() { p.tea.Send(frameWritten{}) })
	p.d.send = w.send
	release := holdStderr()
	stopResize := p.watchResize()
	m, err := p.tea.Run()
	stopResize()
	// The reset goes after the last frame. A terminal that has stopped
	// reading (XOFF, a suspended tmux client) must not keep the caller
	// from shutting the containers down: it is waited for a while, not
	// for ever.
	// What stderr got is written only to a terminal that took the reset:
	// to one that stopped reading, it would hold the process for ever.
	release(w.finish([]byte(p.d.end()), finishWait))
	if mm, ok := m.(model); ok {
		return mm.inner, err
	}
	return m, err
}

// finishWait is how long Run waits for the terminal to take its last
// bytes.
var finishWait = 2 * time.Second

// stderrKept bounds what holdStderr keeps.
const stderrKept = 1 << 20

// holdStderr keeps what goes to os.Stderr until release, which writes it
// there if told to (else drops it). While the program runs the terminal is the frames': a line on
// stderr would be drawn over, and Bubble Tea's report of a panic (the
// panic and its stack, written before Run returns) went with the
// alternate screen when it was left. Released after the reset, it is on
// the terminal the user gets back.
func holdStderr() (release func(write bool)) {
	r, w, err := os.Pipe()
	if err != nil {
		return func(bool) {}
	}
	saved := os.Stderr
	os.Stderr = w
	var kept bytes.Buffer
	done := make(chan struct{})
	go func() {
		defer close(done)
		io.Copy(&kept, io.LimitReader(r, stderrKept))
		io.Copy(io.Discard, r) // past the bound: dropped, no writer blocks
	}()
	return func(write bool) {
		os.Stderr = saved
		w.Close()
		<-done
		r.Close()
		if write {
			saved.Write(kept.Bytes())
		}
	}
}

// watchResize tells the model the terminal's new size on each SIGWINCH,
// as Bubble Tea does with its renderer on.
func (p *Program) watchResize() (stop func()) {
	f, ok := p.out.(*os.File)
	if !ok || !term.IsTerminal(f.Fd()) {
		return func() {}
	}
	winch := make(chan os.Signal, 1)
	done := make(chan struct{})
	signal.Notify(winch, syscall.SIGWINCH)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-winch:
				if w, h, err := term.GetSize(f.Fd()); err == nil {
					p.tea.Send(tea.WindowSizeMsg{Width: w, Height: h})
				}
			case <-done:
				return
			}
		}
	}()
	return func() {
		signal.Stop(winch)
		close(done)
		wg.Wait()
	}
}

// writer writes frames on a goroutine of its own, so that a terminal that
// reads slowly never holds up the event loop; written is called after
// each frame, for the next one.
type writer struct {
	frames  chan []byte
	done    chan struct{}
	written func()
}

func newWriter(out io.Writer, written func()) *writer {
	w := &writer{frames: make(chan []byte, 1), done: make(chan struct{}), written: written}
	go func() {
		defer close(w.done)
		for b := range w.frames {
			// A terminal gone: the program ends on its own (SIGHUP, EOF).
			_, _ = out.Write(b)
			w.written()
		}
	}()
	return w
}

// send hands a frame over; the drawer sends the next only after written.
func (w *writer) send(b []byte) { w.frames <- b }

// finish writes last after the frames before it, and waits at most wait
// for all of it to be written; false: the terminal did not take it.
func (w *writer) finish(last []byte, wait time.Duration) bool {
	timeout := time.After(wait)
	select {
	case w.frames <- last:
		close(w.frames)
	case <-timeout:
		return false
	}
	select {
	case <-w.done:
		return true
	case <-timeout:
		return false
	}
}
