package ui

import (
	"io"
	"strings"
	"sync"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// The pane's input, on the Bubble Tea goroutine: keys, pastes and the
// mouse wheel become bytes for the program (or scroll the history), and
// go to the pty through a queue with its own writer, so that a program
// that does not read its input cannot freeze the UI.

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
// that it is not run line by line. Every ESC (and U+009B, CSI in one
// character) in the text is removed then, so that no end marker can be
// in it, however nested: removing the marker itself left
// ESC[20 ESC[201~ 1~ as a marker, a way out of the brackets. Pasted text
// has no business holding escape sequences anyway (a paste that runs
// commands in vi or the shell), and removing one byte cannot rebuild one.
func (p *Pane) paste(text string) {
	if text == "" {
		return
	}
	text = strings.ReplaceAll(text, "\r\n", "\r")
	text = strings.ReplaceAll(text, "\n", "\r")
	if p.modes().bracketed {
		text = strings.Map(noEscape, text)
		text = ansi.BracketedPasteStart + text + ansi.BracketedPasteEnd
	}
	p.offset = 0
	p.input.push([]byte(text))
}

// noEscape drops ESC and U+009B, the characters an escape sequence starts with.
func noEscape(r rune) rune {
	if r == 0x1b || r == 0x9b {
		return -1
	}
	return r
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

// paneModes are the modes keys and pastes depend on, as of the last
// chunk of output (published by publishLocked).
type paneModes struct{ appCursor, bracketed bool }

func (p *Pane) modes() paneModes {
	return paneModes{p.appCursor.Load(), p.bracketed.Load()}
}

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
