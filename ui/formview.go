package ui

import (
	"strings"

	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// The form's drawing: one line a field, the same way for every kind, the
// focused one marked by huh's bar and a bold title (no colour needed), an
// error on the lines under its field, and only as many lines as the start
// screen gives it, scrolled to keep the focus in sight.

// lineField wraps a huh field. A choice (huh's Select, Confirm) is drawn
// on one line like a text field: its title, "> " and its value in words,
// its keys beside it while it has the focus. Any field may be skipped:
// Enter passes it by while skip says so (the published ports off the
// bridge).
type lineField struct {
	huh.Field
	title string        // the title, without its padding
	text  func() string // a choice's value in words
	hint  string        // a choice's keys, while it has the focus
	// A text field's value and placeholder: out of focus it is drawn
	// here, the placeholder faint (huh draws it in a colour alone); in
	// focus huh draws it, with its cursor.
	value       *string
	placeholder string
	skip        func() bool // nil: never skipped
	focused     bool
	width       int
}

// Update passes msg on, and keeps the wrapper in huh's group: huh puts
// back whatever Update returns.
func (l *lineField) Update(msg tea.Msg) (huh.Model, tea.Cmd) {
	_, cmd := l.Field.Update(msg)
	return l, cmd
}

func (l *lineField) Focus() tea.Cmd {
	l.focused = true
	return l.Field.Focus()
}

func (l *lineField) Blur() tea.Cmd {
	l.focused = false
	return l.Field.Blur()
}

func (l *lineField) WithWidth(w int) huh.Field {
	l.width = w
	l.Field.WithWidth(w)
	return l
}

func (l *lineField) Skip() bool { return l.skip != nil && l.skip() || l.Field.Skip() }

func (l *lineField) View() string {
	st := lineTheme.Blurred
	if l.focused {
		st = lineTheme.Focused
	}
	var value string
	switch {
	case l.text != nil:
		value = st.TextInput.Text.Render(l.text())
		if l.focused && l.hint != "" {
			value += "  " + panelStyle.faint.Render(l.hint)
		}
	case l.focused:
		return l.Field.View()
	case *l.value == "":
		value = formPlaceholder.Render(l.placeholder)
	default:
		value = st.TextInput.Text.Render(*l.value)
	}
	line := st.Title.Render(fieldTitle(l.title)) + st.TextInput.Prompt.Render("> ") + value
	return st.Base.Render(ansi.Truncate(line, max(l.width-st.Base.GetHorizontalFrameSize(), 1), "…"))
}

// formPlaceholder is a placeholder's style out of focus: faint, not only
// grey.
var formPlaceholder = lipgloss.NewStyle().Faint(true)

// lineTheme is the form's theme, for the lines of its choices. (Base16's
// colours are the terminal's own: dark or light makes no difference.)
var lineTheme = formTheme(true)

// SetWidth fits the fields into w cells.
func (f *Form) SetWidth(w int) {
	f.width = w
	f.form = f.form.WithWidth(w)
}

// Focused is the field in focus.
func (f *Form) Focused() fieldKey {
	focused := f.form.GetFocusedField()
	for _, ff := range f.fields {
		if ff.field == focused {
			return ff.key
		}
	}
	return fieldRootfs
}

// Lesson is the lesson the form was filled from, or nil.
func (f *Form) Lesson() *Lesson { return f.lesson }

// formErrorStyle marks a field's error: a cross, not colour alone.
var formErrorStyle = lipgloss.NewStyle().Foreground(lipgloss.Color("1")).Bold(true)

// Rows draws the fields in at most h lines of the width SetWidth gave:
// every field shown (the published ports only on the bridge), one line
// each, and a field's error on the lines under it. When they do not fit,
// a window of them, moved only as far as the focus needs; above and
// below tell how many lines it leaves out.
func (f *Form) Rows(h int) (rows []string, above, below int) {
	all, first, last := f.lines()
	h = max(h, 1)
	if len(all) <= h {
		f.top = 0
		return all, 0, 0
	}
	// The window moves as little as it can: the focus in sight, its
	// error too where there is room.
	if last-first+1 > h {
		last = first + h - 1
	}
	f.top = min(f.top, len(all)-h)
	if first < f.top {
		f.top = first
	}
	if last >= f.top+h {
		f.top = last - h + 1
	}
	return all[f.top : f.top+h], f.top, len(all) - f.top - h
}

// formLinesDrawn counts the calls of lines, which draws every field: for
// the tests, that an idle start screen draws none.
var formLinesDrawn int

// lines are every shown field's line and its error's, and the first and
// last of the focused field's.
func (f *Form) lines() (all []string, first, last int) {
	formLinesDrawn++
	focused := f.form.GetFocusedField()
	for _, ff := range f.fields {
		if ff.shown != nil && !ff.shown() {
			continue
		}
		if ff.field == focused {
			first = len(all)
		}
		all = append(all, strings.TrimRight(ff.field.View(), "\n"))
		if err := ff.field.Error(); err != nil {
			text := lipgloss.NewStyle().Width(max(f.width-4, 10)).Render(err.Error())
			for i, line := range strings.Split(text, "\n") {
				mark := "    "
				if i == 0 {
					mark = "  ✗ "
				}
				all = append(all, formErrorStyle.Render(mark+line))
			}
		}
		if ff.field == focused {
			last = len(all) - 1
		}
	}
	return all, first, last
}

// formTitle is a screen's title line (the lessons menu, the host view).
var formTitle = lipgloss.NewStyle().Bold(true).Padding(0, 1)
