package ui

import (
	"fmt"
	"io"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	uv "github.com/charmbracelet/ultraviolet"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/vt"
)

// The terminal pane: a container's pty shown through the x/vt emulator.
//
// Three goroutines do the I/O so that the Bubble Tea loop never blocks:
//
//	reader:   pty -> emulator. Feeds output in small chunks under p.mu and
//	          only marks the pane dirty; it never talks to Bubble Tea.
//	notifier: turns "dirty" into at most one PaneOutputMsg per frame
//	          (~30 a second), however fast the output comes.
//	replies:  emulator -> input queue. The emulator answers queries such as
//	          "where is the cursor?" (ESC[6n) by writing into a pipe; if
//	          nobody read that pipe, the emulator's Write would block
//	          forever, and with it the reader and every View.
//
// Everything written to the pty (keys, pastes, replies) goes through one
// input queue with its own writer goroutine: a program that does not read
// its input must not freeze the UI.
//
// Nor may the program's output. The reader passes it through an escClamp,
// which bounds what any one escape sequence can cost the emulator, and the
// Bubble Tea goroutine never waits for the emulator: View and Cursor only
// try the lock, and while the reader holds it they return the last frame
// and leave the reader a request to render a new one between two chunks.
// Keys read the few emulator facts they need (modes, history length) from
// atomics the reader keeps up to date, and Close takes no lock, so
// quitting works however busy the emulator is.

// PaneOutputMsg says pane ID has new output to draw (coalesced: at most ~30 per second).
type PaneOutputMsg struct{ ID string }

// PaneClosedMsg says the pane's pty reached EOF (the container's processes are gone).
type PaneClosedMsg struct{ ID string }

const (
	// PaneScrollback is how many lines of history a pane keeps. A line of
	// history costs about 112 bytes per character cell, so 1000 full
	// 80-column lines are ~9 MB: bounded, so four containers stay small.
	PaneScrollback = 1000

	frameInterval = time.Second / 30 // at most this many redraw notifications
	feedChunk     = 1024             // bytes written to the emulator per lock
	maxInputQueue = 4 << 20          // input bytes waiting for a slow program
	wheelLines    = 3                // lines per mouse-wheel step

	// readSize is small on purpose. x/vt copies the whole screen for every
	// line it scrolls, so at 80x24 `yes` is emulated at ~85k lines/s
	// (BenchmarkPaneFeed). When ctrl+c stops a flood, the kernel drops the
	// output still queued in the pty, but what we have already read must
	// still be emulated before the prompt shows: 4 KB is ~16 ms of work.
	readSize = 4 * 1024
)

// Pane is a Bubble Tea component showing one container's terminal.
type Pane struct {
	id     string
	pty    io.ReadWriter
	resize func(rows, cols uint16) error
	keys   PaneKeyMap
	input  *inputQueue

	// mu guards the emulator and the fields the reader shares with the UI.
	mu    sync.Mutex
	emu   *vt.Emulator
	clamp *escClamp // bounds the sequences fed to emu
	// cols and rows are written only by SetSize, on the Bubble Tea
	// goroutine, under mu: that goroutine may read them without it.
	cols, rows int
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
		emu:    vt.NewEmulator(cols, rows),
		cols:   cols,
		rows:   rows,
		dirty:  make(chan struct{}, 1),
		events: make(chan tea.Msg),
		ended:  make(chan struct{}),
		done:   make(chan struct{}),
	}
	p.write = p.emu.Write
	p.clamp = newEscClamp(cols, rows)
	p.emu.SetScrollbackSize(PaneScrollback)
	disableAltScrollback(p.emu)
	p.emu.SetCallbacks(vt.Callbacks{
		EnableMode:  func(m ansi.Mode) { p.trackMode(m, true) },
		DisableMode: func(m ansi.Mode) { p.trackMode(m, false) },
	})
	p.frameLocked(0) // nobody else has the pane yet
	// The writer and the reply pump run from the start, so that keys and
	// query replies flow even before Init.
	go p.input.run(pty, p.done)
	go p.pumpReplies()
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

// paneFrame is a rendered view with its cursor, for generation gen of
// the emulator's screen at scroll offset off.
type paneFrame struct {
	text   string
	cursor *tea.Cursor
	gen    uint64
	off    int
}

// View is exactly cols x rows cells, styled from the emulator's cells,
// with the scrollback offset applied. It is rendered again only when the
// screen or the offset changed since the last call. While the reader is
// feeding the emulator, View does not wait: it returns the last frame and
// asks the reader for a new one, which the next View shows.
func (p *Pane) View() string {
	if !p.mu.TryLock() {
		p.requestFrame()
		return p.frame.Load().text
	}
	defer p.mu.Unlock()
	return p.frameLocked(p.offset).text
}

// Cursor is the container's real cursor, relative to the pane's top-left;
// nil when hidden, scrolled back, or when the program is gone. Like View,
// it never waits for the emulator: while busy, the last frame's cursor.
func (p *Pane) Cursor() *tea.Cursor {
	f := p.frame.Load()
	if p.mu.TryLock() {
		f = p.frameLocked(p.offset)
		p.mu.Unlock()
	}
	if f.cursor == nil {
		return nil
	}
	c := *f.cursor // the caller moves it onto the screen
	return &c
}

// requestFrame asks the reader to render the current scroll offset after
// its chunk.
func (p *Pane) requestFrame() {
	p.wantOff.Store(int64(p.offset))
	p.frameWanted.Store(true)
}

// frameLocked is the frame at scroll offset off, rendered only if the
// screen or the offset changed since the last one.
func (p *Pane) frameLocked(off int) *paneFrame {
	if f := p.frame.Load(); f != nil && f.gen == p.gen && f.off == off {
		return f
	}
	f := &paneFrame{text: p.render(off), cursor: p.cursorLocked(off), gen: p.gen, off: off}
	p.frame.Store(f)
	return f
}

// cursorLocked is the cursor to show at scroll offset off.
func (p *Pane) cursorLocked(off int) *tea.Cursor {
	if p.failed != "" || min(off, p.historyLenLocked()) > 0 || p.eof || p.emu.CursorHidden() {
		return nil
	}
	pos := p.emu.CursorPosition()
	style, blink := p.emu.CursorStyle()
	c := tea.NewCursor(pos.X, pos.Y)
	c.Blink = blink
	switch style {
	case vt.CursorUnderline:
		c.Shape = tea.CursorUnderline
	case vt.CursorBar:
		c.Shape = tea.CursorBar
	default:
		c.Shape = tea.CursorBlock
	}
	return c
}

// SetSize resizes the emulator first, then tells the pty (TIOCSWINSZ), so
// that when the program redraws after SIGWINCH, its output lands on a
// screen of the new size.
func (p *Pane) SetSize(cols, rows int) {
	cols, rows = max(cols, 1), max(rows, 1)
	p.mu.Lock()
	if cols == p.cols && rows == p.rows {
		p.mu.Unlock()
		return
	}
	if rows < p.rows && p.failed == "" {
		scrollForShrink(p.emu, rows)
	}
	if p.failed == "" {
		p.emu.Resize(cols, rows)
	}
	p.cols, p.rows = cols, rows
	p.clamp.resize(cols, rows)
	p.gen++
	p.publishLocked()
	p.mu.Unlock()

	p.offset = min(p.offset, p.historyLen())
	p.setPtySize(cols, rows)
}

// Size is the pane's size in cells.
func (p *Pane) Size() (cols, rows int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.cols, p.rows
}

// ScrollOffset is how many lines the view is scrolled back (0 = live).
func (p *Pane) ScrollOffset() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.scrolledLocked()
}

// Close stops the pane's goroutines and wakes the Cmd waiting for output.
// It does not close the pty (the runtime owns it): a reader blocked in
// pty.Read ends when the runtime closes the pty or output arrives.
func (p *Pane) Close() {
	p.stop.Do(func() {
		p.closed.Store(true)
		close(p.done)
		// Ends pumpReplies. We close the pipe rather than calling
		// emu.Close: Emulator.Read reads its "closed" flag without a lock.
		if c, ok := p.emu.InputPipe().(io.Closer); ok {
			_ = c.Close()
		}
	})
}

var _ help.KeyMap = PaneKeyMap{}

// PaneKeyMap holds the keys the pane keeps for itself instead of sending
// them to the container. It implements help.KeyMap.
type PaneKeyMap struct {
	ScrollUp   key.Binding
	ScrollDown key.Binding
}

// DefaultPaneKeyMap scrolls with shift+pgup / shift+pgdown, as in xterm.
func DefaultPaneKeyMap() PaneKeyMap {
	return PaneKeyMap{
		ScrollUp: key.NewBinding(
			key.WithKeys("shift+pgup"),
			key.WithHelp("shift+pgup", "scroll back"),
		),
		ScrollDown: key.NewBinding(
			key.WithKeys("shift+pgdown"),
			key.WithHelp("shift+pgdn", "scroll forward"),
		),
	}
}

// ShortHelp implements help.KeyMap.
func (k PaneKeyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.ScrollUp, k.ScrollDown}
}

// FullHelp implements help.KeyMap.
func (k PaneKeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{k.ShortHelp()}
}

// ---- input: keys, paste, wheel (Bubble Tea goroutine) ----

// handleKey scrolls for the pane's own keys and sends every other key to
// the container, returning the view to the live screen like xterm does.
func (p *Pane) handleKey(msg tea.KeyPressMsg) {
	// In the alternate screen there is no history: full-screen programs
	// get shift+pgup themselves.
	if !p.altScreen() {
		hist, half := p.historyLen(), max(p.rowsNow()/2, 1) // xterm scrolls half a page
		switch {
		case key.Matches(msg, p.keys.ScrollUp):
			p.scrollBy(half, hist)
			return
		case key.Matches(msg, p.keys.ScrollDown):
			p.scrollBy(-half, hist)
			return
		}
	}
	b := EncodeKey(msg, p.modes().appCursor)
	if len(b) == 0 {
		return
	}
	p.offset = 0
	p.input.push(b)
}

// paste sends pasted text the way a terminal does: line ends become
// carriage returns (what the Enter key sends), and when the program asked
// for bracketed paste the text is wrapped in ESC[200~ ... ESC[201~ so
// that it is not run line by line. An end marker inside the text is
// removed, so a paste cannot break out of the brackets.
func (p *Pane) paste(text string) {
	if text == "" {
		return
	}
	text = strings.ReplaceAll(text, "\r\n", "\r")
	text = strings.ReplaceAll(text, "\n", "\r")
	if p.modes().bracketed {
		text = strings.ReplaceAll(text, ansi.BracketedPasteEnd, "")
		text = ansi.BracketedPasteStart + text + ansi.BracketedPasteEnd
	}
	p.offset = 0
	p.input.push([]byte(text))
}

// wheel scrolls the history. In the alternate screen, which has no
// history, it sends arrow keys instead, so less and vi scroll with the
// wheel (what most terminals do by default, xterm's "alternateScroll").
func (p *Pane) wheel(msg tea.MouseWheelMsg) {
	up := msg.Button == tea.MouseWheelUp
	if !up && msg.Button != tea.MouseWheelDown {
		return
	}
	if p.altScreen() {
		arrow := tea.KeyPressMsg{Code: tea.KeyDown}
		if up {
			arrow.Code = tea.KeyUp
		}
		b := EncodeKey(arrow, p.modes().appCursor)
		p.input.push([]byte(strings.Repeat(string(b), wheelLines)))
		return
	}
	n := wheelLines
	if !up {
		n = -n
	}
	p.scrollBy(n, p.historyLen())
}

// scrollBy moves the view n lines back (n < 0: forward), within the history.
func (p *Pane) scrollBy(n, hist int) {
	p.offset = min(max(p.offset+n, 0), hist)
}

// ---- emulator state, read under the lock ----

type paneModes struct{ appCursor, bracketed bool }

func (p *Pane) modes() paneModes {
	return paneModes{p.appCursor.Load(), p.bracketed.Load()}
}

// trackMode records the modes the key encoder and paste need. x/vt keeps
// its modes private, but reports changes through callbacks; they run
// inside emu.Write.
func (p *Pane) trackMode(m ansi.Mode, on bool) {
	switch m {
	case ansi.ModeCursorKeys:
		p.appCursor.Store(on)
	case ansi.ModeBracketedPaste:
		p.bracketed.Store(on)
	}
}

// publishLocked copies what keys need to know of the emulator into
// atomics, after every change.
func (p *Pane) publishLocked() {
	p.alt.Store(p.failed == "" && p.emu.IsAltScreen())
	p.hist.Store(int64(p.historyLenLocked()))
}

// historyLen is how many lines the view can scroll back: none in the
// alternate screen. It is as of the last chunk fed.
func (p *Pane) historyLen() int {
	return int(p.hist.Load())
}

func (p *Pane) historyLenLocked() int {
	if p.failed != "" || p.emu.IsAltScreen() {
		return 0
	}
	return p.emu.ScrollbackLen()
}

// scrolledLocked is the scroll offset in effect: the history may have
// shrunk (ESC[3J) or gone (alternate screen) since the user scrolled.
func (p *Pane) scrolledLocked() int {
	return min(p.offset, p.historyLenLocked())
}

func (p *Pane) altScreen() bool { return p.alt.Load() }

// rowsNow reads rows without the lock: see the field.
func (p *Pane) rowsNow() int { return p.rows }

// setPtySize tells the pty the size. Errors are ignored: after the
// container ended the pty is gone, and there is nothing left to resize.
func (p *Pane) setPtySize(cols, rows int) {
	if p.resize == nil {
		return
	}
	_ = p.resize(uint16(min(rows, 0xffff)), uint16(min(cols, 0xffff)))
}

// ---- rendering (p.mu held) ----

// render draws the visible rows at scroll offset off: history lines first
// when scrolled back, then the emulator's screen.
func (p *Pane) render(off int) string {
	if p.failed != "" {
		return p.renderFailure()
	}
	hist := p.historyLenLocked()
	off = min(off, hist) // the history may have shrunk since the user scrolled
	sb := p.emu.Scrollback()
	var b strings.Builder
	b.Grow(p.rows * (p.cols + 16))
	for y := 0; y < p.rows; y++ {
		if y > 0 {
			b.WriteByte('\n')
		}
		line := hist - off + y // index into history followed by screen
		cellAt := func(x int) *uv.Cell { return p.emu.CellAt(x, line-hist) }
		if line < hist {
			cellAt = func(x int) *uv.Cell { return sb.CellAt(x, line) }
		}
		width, badge := p.cols, ""
		if y == 0 && off > 0 {
			badge = scrollBadge(off, hist, p.cols)
			width -= ansi.StringWidth(badge)
		}
		renderRow(&b, cellAt, width)
		b.WriteString(badge)
	}
	return b.String()
}

// renderRow writes exactly width cells. Missing cells (history lines are
// stored without their trailing blanks) become spaces; the second half of
// a wide character is skipped, and a wide character that does not fit at
// the edge becomes a space. Styles change only where they differ.
func renderRow(b *strings.Builder, cellAt func(x int) *uv.Cell, width int) {
	var pen uv.Style
	for x := 0; x < width; {
		content, w, style := " ", 1, uv.Style{}
		if c := cellAt(x); c != nil {
			style = c.Style // a blank may still carry a background colour
			if c.Content != "" && c.Width > 0 {
				content, w = c.Content, c.Width
			}
		}
		if x+w > width {
			content, w = " ", 1
		}
		if !style.Equal(&pen) {
			b.WriteString(uv.StyleDiff(&pen, &style))
			pen = style
		}
		b.WriteString(content)
		x += w
	}
	if !pen.IsZero() {
		b.WriteString(ansi.ResetStyle)
	}
}

// scrollBadge is the "[42/1000]" shown top right while scrolled back, in
// reverse video so it cannot be mistaken for the program's output.
func scrollBadge(off, hist, cols int) string {
	s := fmt.Sprintf("[%d/%d]", off, hist)
	if len(s) >= cols {
		return ""
	}
	return ansi.SGR(ansi.ReverseAttr) + s + ansi.ResetStyle
}

// ---- goroutines ----

// readLoop copies pty output into the emulator until EOF (on Linux a
// pty master reads EIO once the last process holding the slave is gone).
func (p *Pane) readLoop() {
	buf := make([]byte, readSize)
	for {
		n, err := p.pty.Read(buf)
		if n > 0 && !p.feed(buf[:n]) {
			return
		}
		if err != nil {
			p.mu.Lock()
			p.eof = true
			p.gen++
			p.renderIfWanted()
			p.mu.Unlock()
			close(p.ended)
			return
		}
	}
}

// feed writes output into the emulator a chunk at a time, taking the lock
// per chunk so View and key handling never wait behind a whole read. It
// reports false once the pane is closed.
func (p *Pane) feed(b []byte) bool {
	for len(b) > 0 {
		n := min(len(b), feedChunk)
		if !p.feedChunk(b[:n]) {
			return false
		}
		b = b[n:]
	}
	select {
	case p.dirty <- struct{}{}:
	default: // a notification is already pending: coalesced
	}
	return true
}

// feedChunk writes one chunk under the lock. A panic of the emulator on
// some output (a bug of x/vt's, on bytes a student's program printed)
// must not take the whole TUI, and every other container, down with it:
// the pane says so and drops the rest of this container's output, which
// is still read so that the container never blocks on a full terminal.
func (p *Pane) feedChunk(b []byte) (open bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed.Load() {
		return false
	}
	if p.failed != "" {
		return true
	}
	defer func() {
		if r := recover(); r != nil {
			p.failed = fmt.Sprint(r)
			p.gen++
			p.publishLocked()
			open = true // the reader goes on, to drain
		}
	}()
	_, _ = p.write(p.clamp.filter(b))
	p.gen++
	p.publishLocked()
	p.renderIfWanted()
	return true
}

// renderIfWanted renders the frame a View asked for while the lock was
// held (p.mu held).
func (p *Pane) renderIfWanted() {
	if p.frameWanted.Swap(false) {
		p.frameLocked(int(p.wantOff.Load()))
	}
}

// renderFailure is the pane after the emulator failed: what happened and
// what still works, in exactly cols x rows cells.
func (p *Pane) renderFailure() string {
	text := fmt.Sprintf("The terminal emulator failed on this container's output (%s), so this pane "+
		"shows no more of it. The container itself runs on: its panels still count, ctrl+g k kills it.", p.failed)
	rows := []string{""} // a blank line above, a space of margin on the left
	for _, line := range strings.Split(lipgloss.NewStyle().Width(max(p.cols-2, 10)).Render(text), "\n") {
		rows = append(rows, " "+line)
	}
	return fitBlock(rows, p.cols, p.rows)
}

// notifyLoop sends one PaneOutputMsg per frame at most. Output that
// arrives while it waits only refills p.dirty, so a flood costs one
// message per frame, and the last change is always announced.
func (p *Pane) notifyLoop() {
	for {
		select {
		case <-p.done:
			return
		case <-p.ended:
			p.send(PaneClosedMsg{ID: p.id})
			return
		case <-p.dirty:
		}
		if !p.send(PaneOutputMsg{ID: p.id}) {
			return
		}
		select {
		case <-p.done:
			return
		case <-time.After(frameInterval):
		}
	}
}

// send hands msg to the waiting Cmd; false if the pane was closed.
func (p *Pane) send(msg tea.Msg) bool {
	select {
	case p.events <- msg:
		return true
	case <-p.done:
		return false
	}
}

// waitCmd is the Cmd that blocks (in Bubble Tea's Cmd goroutine) until the
// next notification. Update returns a new one after each PaneOutputMsg.
func (p *Pane) waitCmd() tea.Cmd {
	return func() tea.Msg {
		select {
		case msg := <-p.events:
			return msg
		case <-p.done:
			return nil
		}
	}
}

// pumpReplies forwards what the emulator writes back (answers to DSR, DA
// and similar queries) to the program, through the input queue.
func (p *Pane) pumpReplies() {
	buf := make([]byte, 256)
	for {
		n, err := p.emu.Read(buf)
		if n > 0 {
			p.input.push(buf[:n])
		}
		if err != nil {
			return
		}
	}
}

// ---- the input queue ----

// inputQueue buffers bytes for the pty and writes them from its own
// goroutine. A program that stops reading its input fills the tty's input
// buffer and makes pty writes block; that must stall only this goroutine,
// never the UI or the emulator.
type inputQueue struct {
	mu   sync.Mutex
	buf  []byte
	wake chan struct{} // capacity 1
}

func newInputQueue() *inputQueue {
	return &inputQueue{wake: make(chan struct{}, 1)}
}

// push queues a copy of b. Input beyond maxInputQueue is dropped: the
// program is not reading, and memory must stay bounded.
func (q *inputQueue) push(b []byte) {
	q.mu.Lock()
	if len(q.buf)+len(b) > maxInputQueue {
		q.mu.Unlock()
		return
	}
	q.buf = append(q.buf, b...)
	q.mu.Unlock()
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

// run writes queued bytes to w until done. Write errors (the container
// has gone) are ignored: the pane shows the end through PaneClosedMsg.
func (q *inputQueue) run(w io.Writer, done <-chan struct{}) {
	for {
		select {
		case <-done:
			return
		case <-q.wake:
		}
		q.mu.Lock()
		b := q.buf
		q.buf = nil
		q.mu.Unlock()
		if len(b) > 0 {
			_, _ = w.Write(b)
		}
	}
}

// ---- x/vt v0.1.0 workarounds ----

// scrollForShrink keeps the cursor's line when the screen gets shorter.
// x/vt cuts rows off the bottom, which is usually where the prompt is;
// xterm instead pushes rows off the top into the history. We do the same
// by hand: push the top k rows to the scrollback and move the rest up,
// after which Resize's clamping puts the cursor on the line it was on.
func scrollForShrink(e *vt.Emulator, rows int) {
	k := e.CursorPosition().Y - (rows - 1)
	if k <= 0 || e.IsAltScreen() { // full-screen programs redraw anyway
		return
	}
	w, h := e.Width(), e.Height()
	sb := e.Scrollback()
	for y := 0; y < k; y++ {
		line := make(uv.Line, w)
		for x := range line {
			line[x] = *e.CellAt(x, y)
		}
		sb.Push(line)
	}
	// CellAt returns a pointer into the screen buffer, so assigning through
	// it copies cells without x/vt's wide-character fix-ups getting in the way.
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			if src := e.CellAt(x, y+k); src != nil {
				*e.CellAt(x, y) = *src
			} else {
				*e.CellAt(x, y) = uv.EmptyCell
			}
		}
	}
}

// disableAltScrollback removes the alternate screen's scrollback. In x/vt
// v0.1.0 both screens get a 10,000-line scrollback; SetScrollbackSize
// only bounds the main one, and the alternate one is never shown, yet
// every line that less or vi scrolls off is pushed into it (tens of MB
// per pane). The field is private, so we reach it by reflection; if a
// later x/vt changes its layout, we leave it alone.
func disableAltScrollback(e *vt.Emulator) {
	scrs := reflect.ValueOf(e).Elem().FieldByName("scrs")
	if !scrs.IsValid() || scrs.Kind() != reflect.Array || scrs.Len() != 2 ||
		scrs.Type().Elem() != reflect.TypeFor[vt.Screen]() {
		return
	}
	alt := (*vt.Screen)(unsafe.Pointer(scrs.Index(1).UnsafeAddr()))
	alt.SetScrollback(nil)
}
