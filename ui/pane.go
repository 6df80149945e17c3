package ui

import (
	"io"
	"sync"
	"sync/atomic"
	"time"

	tea "charm.land/bubbletea/v2"

	"vme50-tui/ui/vterm"
)

// The terminal pane: a container's pty shown through our emulator,
// ui/vterm.
//
// Two goroutines do the I/O so that the Bubble Tea loop never blocks:
//
//	reader:   pty -> emulator. Feeds output in small chunks under p.mu and
//	          only marks the pane dirty; it never talks to Bubble Tea.
//	notifier: turns "dirty" into at most one PaneOutputMsg per frame
//	          (~30 a second), however fast the output comes.
//
// The emulator's answers to queries such as "where is the cursor?"
// (ESC[6n) go straight into the input queue.
//
// Everything written to the pty (keys, pastes, replies) goes through one
// input queue with its own writer goroutine: a program that does not read
// its input must not freeze the UI.
//
// Nor may the program's output. vterm bounds what any one escape
// sequence can cost (every count is clamped to the screen), and the
// Bubble Tea goroutine never waits for the emulator: View and Cursor only
// try the lock, and while the reader holds it they return the last frame
// and leave the reader a request to render a new one between two chunks.
// Keys read the few emulator facts they need (modes, history length) from
// atomics the reader keeps up to date, and Close takes no lock, so
// quitting works however busy the emulator is.
//
// This file holds the Pane and its life (new, Init, Update, Close); the
// goroutines are in pane_output.go, the drawing in pane_view.go, keys and
// the input queue in pane_input.go, size and history in pane_scroll.go.

// PaneOutputMsg says pane ID has new output to draw (coalesced: at most ~30 per second).
type PaneOutputMsg struct{ ID string }

// PaneClosedMsg says the pane's pty reached EOF (the container's processes are gone).
type PaneClosedMsg struct{ ID string }

const (
	// PaneScrollback is how many lines of history a pane keeps. A line of
	// history costs 8 bytes per cell (see ui/vterm/history.go), so 10,000
	// lines of 200 columns are 16 MB: bounded, so four containers stay
	// well under 100 MB.
	PaneScrollback = vterm.DefaultScrollback

	frameInterval = time.Second / 30 // at most this many redraw notifications
	feedChunk     = 4096             // bytes written to the emulator per lock
	maxInputQueue = 4 << 20          // input bytes waiting for a slow program
	wheelLines    = 3                // lines per mouse-wheel step

	// readSize bounds what is emulated after ctrl+c: the kernel drops the
	// output still queued in the pty, but what we have already read must
	// still be emulated before the prompt shows. vterm emulates `yes` at
	// millions of lines a second (BenchmarkPaneFeed), so 32 KB is well
	// under a millisecond of work, and large reads keep a flood cheap.
	readSize = 32 * 1024
)

// Pane is a Bubble Tea component showing one container's terminal.
type Pane struct {
	id     string
	pty    io.ReadWriter
	resize func(rows, cols uint16) error
	keys   PaneKeyMap
	input  *inputQueue

	// mu guards the emulator and the fields the reader shares with the UI.
	mu  sync.Mutex
	emu *vterm.Terminal
	// cols and rows are the emulator's size; want is the size SetSize
	// asked for (cols<<32 | rows), applied under mu by applySizeLocked.
	cols, rows int
	want       atomic.Uint64
	gen        uint64 // bumped on every change that can alter the view
	eof        bool   // the pty reached EOF
	// failed says why the emulator panicked on the output; from then on
	// the output is read and dropped, and the emulator left alone.
	failed string
	// write feeds the emulator (emu.Write; tests make it panic).
	write func([]byte) (int, error)

	// Read without mu, so that keys and Close never wait for the emulator.
	closed    atomic.Bool  // Close was called: the reader must stop feeding
	appCursor atomic.Bool  // DECCKM (?1): cursor keys send ESC O A
	bracketed atomic.Bool  // bracketed paste (?2004): wrap pastes
	alt       atomic.Bool  // the alternate screen is shown
	hist      atomic.Int64 // lines of history the view can scroll back

	// The last rendered frame, and a request for a new one: set by View
	// when the reader held the lock, with the scroll offset wanted.
	frame       atomic.Pointer[paneFrame]
	frameWanted atomic.Bool
	wantOff     atomic.Int64

	offset int // lines scrolled back into history; 0 = live (Bubble Tea goroutine only)

	dirty  chan struct{} // capacity 1: "the screen changed", coalesced
	events chan tea.Msg  // notifier -> the Cmd waiting in Bubble Tea
	ended  chan struct{} // closed by the reader at EOF
	done   chan struct{} // closed by Close
	start  sync.Once
	stop   sync.Once
}

// NewPane makes a pane of cols x rows cells for a pty. resize (may be nil)
// is called with the new size after the emulator has been resized; the
// runtime passes Container.Resize there. The pane does not own the pty
// and never closes it.
func NewPane(id string, pty io.ReadWriter, cols, rows int, resize func(rows, cols uint16) error) *Pane {
	cols, rows = max(cols, 1), max(rows, 1)
	p := &Pane{
		id:     id,
		pty:    pty,
		resize: resize,
		keys:   DefaultPaneKeyMap(),
		input:  newInputQueue(),
		emu:    vterm.New(cols, rows),
		cols:   cols,
		rows:   rows,
		dirty:  make(chan struct{}, 1),
		events: make(chan tea.Msg),
		ended:  make(chan struct{}),
		done:   make(chan struct{}),
	}
	p.want.Store(packSize(cols, rows))
	p.write = p.emu.Write
	p.emu.SetScrollbackSize(PaneScrollback)
	// push copies and never blocks: the emulator may call it mid-Write.
	p.emu.SetReplyFunc(p.input.push)
	p.frameLocked(0) // nobody else has the pane yet
	// The writer runs from the start, so that keys and query replies
	// flow even before Init.
	go p.input.run(pty, p.done)
	p.setPtySize(cols, rows)
	return p
}

// Init starts the reader goroutine; returns the Cmd that waits for the next notification.
func (p *Pane) Init() tea.Cmd {
	p.start.Do(func() {
		go p.readLoop()
		go p.notifyLoop()
	})
	return p.waitCmd()
}

// Update handles the pane's own messages (re-arming the wait), keys,
// pastes and the mouse wheel. The app routes input here only while the
// pane has the focus.
func (p *Pane) Update(msg tea.Msg) (*Pane, tea.Cmd) {
	switch msg := msg.(type) {
	case PaneOutputMsg:
		if msg.ID == p.id {
			return p, p.waitCmd()
		}
	case PaneClosedMsg:
		// Nothing more will come: don't re-arm. The view keeps the last screen.
	case tea.KeyPressMsg:
		p.handleKey(msg)
	case tea.PasteMsg:
		p.paste(msg.Content)
	case tea.MouseWheelMsg:
		p.wheel(msg)
	}
	return p, nil
}

// Close stops the pane's goroutines and wakes the Cmd waiting for output.
// It does not close the pty (the runtime owns it): a reader blocked in
// pty.Read ends when the runtime closes the pty or output arrives.
func (p *Pane) Close() {
	p.stop.Do(func() {
		p.closed.Store(true)
		close(p.done)
	})
}
