package frame

import (
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// model wraps the program's model: every message goes to it, and then the
// drawer decides whether and when to draw its view.
type model struct {
	inner tea.Model
	d     *drawer
}

// frameDue is the drawer's timer: the 60th of a second since the last
// frame has passed and a change waits.
type frameDue struct{}

// frameWritten says the writer has put the last frame on the terminal.
type frameWritten struct{}

func (m model) Init() tea.Cmd { return m.inner.Init() }

func (m model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case frameDue:
		m.d.timerSet = false
		return m, m.d.draw(m.inner)
	case frameWritten:
		m.d.writing = false
		return m, m.d.draw(m.inner)
	case tea.WindowSizeMsg:
		m.d.resize(msg.Width, msg.Height)
	case tea.ColorProfileMsg:
		m.d.scr.SetColorProfile(msg.Profile)
	case tea.ModeReportMsg:
		// The answer to start's question: a terminal that knows mode 2026
		// gets each frame as one update, never half drawn.
		if msg.Mode == ansi.ModeSynchronizedOutput && msg.Value == ansi.ModeReset {
			m.d.syncd = true
		}
	}
	var cmd tea.Cmd
	m.inner, cmd = m.inner.Update(msg)
	m.d.dirty = true
	if draw := m.d.draw(m.inner); draw != nil {
		return m, tea.Batch(cmd, draw)
	}
	return m, cmd
}

// View is what Bubble Tea hands its renderer, which is off: nothing to
// lay out.
func (m model) View() tea.View { return tea.View{} }
