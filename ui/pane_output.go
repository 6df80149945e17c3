package ui

import (
	"fmt"
	"time"

	tea "charm.land/bubbletea/v2"
)

// The pane's goroutines between the pty and Bubble Tea: the reader that
// feeds the container's output to the emulator a chunk at a time, and
// the notifier that turns it into at most one message a frame.

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
// some output (a bug of ours, on bytes a student's program printed)
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
	p.applySizeLocked() // the output lands on the size the UI asked for
	_, _ = p.write(b)
	p.gen++
	p.publishLocked()
	p.renderIfWanted()
	return true
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
