package ui

import (
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
)

// ExecPrompt asks what to exec into a running container (ctrl+g e, or e
// in the host view): one line, prefilled with a shell, split into words
// as the form's command is (quotes keep spaces). Enter sends
// ExecChosenMsg, esc ExecPromptClosedMsg. The app runs the command in a
// new tab.
type ExecPrompt struct {
	id, name string // the container's id, and its name for the tab
	input    textinput.Model
	err      string // why the line does not split into words
	keys     ExecPromptKeyMap
}

// DefaultExecCommand is what the prompt offers: a shell, as every rootfs
// vme50 makes has one.
const DefaultExecCommand = "/bin/sh"

// ExecChosenMsg: enter, run Args in container ID (called Name).
type ExecChosenMsg struct {
	ID, Name string
	Args     []string
}

// ExecPromptClosedMsg: esc, nothing run.
type ExecPromptClosedMsg struct{}

// ExecPromptKeyMap is the prompt's keys.
type ExecPromptKeyMap struct{ Run, Cancel key.Binding }

func (k ExecPromptKeyMap) ShortHelp() []key.Binding { return []key.Binding{k.Run, k.Cancel} }

func (k ExecPromptKeyMap) FullHelp() [][]key.Binding { return [][]key.Binding{k.ShortHelp()} }

// NewExecPrompt asks what to exec into container id, called name.
func NewExecPrompt(id, name string) *ExecPrompt {
	in := textinput.New()
	in.Prompt = "exec into " + name + ": "
	in.CharLimit = 256
	s := in.Styles()
	s.Cursor.Blink = false // no timer Cmds
	s.Focused.Prompt = lipgloss.NewStyle().Bold(true)
	in.SetStyles(s)
	in.SetValue(DefaultExecCommand)
	in.Focus()
	return &ExecPrompt{id: id, name: name, input: in, keys: ExecPromptKeyMap{
		Run:    key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "run in a new tab")),
		Cancel: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
	}}
}

// KeyMap is the prompt's keys.
func (p *ExecPrompt) KeyMap() ExecPromptKeyMap { return p.keys }

// ID is the container the command goes into.
func (p *ExecPrompt) ID() string { return p.id }

// SetWidth fits the line into a bottom line of w cells, beside its keys.
func (p *ExecPrompt) SetWidth(w int) { p.input.SetWidth(max(20, min(40, w-60))) }

// Update takes a key: enter runs the line, esc cancels, the rest edits.
func (p *ExecPrompt) Update(msg tea.Msg) (*ExecPrompt, tea.Cmd) {
	if k, ok := msg.(tea.KeyPressMsg); ok {
		switch {
		case key.Matches(k, p.keys.Cancel):
			return p, msgCmd(ExecPromptClosedMsg{})
		case key.Matches(k, p.keys.Run):
			args, err := splitWords(p.input.Value())
			if err != nil {
				p.err = err.Error()
				return p, nil
			}
			if len(args) == 0 {
				args = []string{DefaultExecCommand}
			}
			return p, msgCmd(ExecChosenMsg{ID: p.id, Name: p.name, Args: args})
		}
	}
	p.err = ""
	var cmd tea.Cmd
	p.input, cmd = p.input.Update(msg)
	return p, cmd
}

// View is the prompt's line, and what is wrong with it.
func (p *ExecPrompt) View() string {
	if p.err != "" {
		return p.input.View() + "  " + editorStyle.err.Render(p.err)
	}
	return p.input.View()
}
