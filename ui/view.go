package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// Layout. From 120x30 up the panels stand beside the terminal; below
// that the terminal takes the whole width, a one-line summary of the
// panels sits under it, and ctrl+g p swaps the terminal for the panels.
const (
	fullWidth  = 120
	fullHeight = 30
)

// isFull tells whether the screen is big enough for panels beside the
// terminal.
func (a *App) isFull() bool { return a.width >= fullWidth && a.height >= fullHeight }

// panelsWidth is the width of the panels column in the full layout.
func (a *App) panelsWidth() int { return min(max(a.width*2/5, 44), 64) }

// paneSize is the size of the terminal pane: the screen minus the tab bar
// and the help line, minus the panels (beside it, or their summary below).
func (a *App) paneSize() (cols, rows int) {
	cols, rows = a.width, a.height-2
	if a.isFull() {
		cols -= a.panelsWidth()
	} else {
		rows -= compactLines
	}
	return max(cols, 10), max(rows, 3)
}

// compactLines is the height of the panels' summary on a small screen.
const compactLines = 1

// resize fits every component to the screen.
func (a *App) resize() {
	if a.mode == modeForm {
		a.form.SetWidth(a.formWidth())
	}
	for _, t := range a.tabs {
		a.resizeTab(t)
	}
	if a.limits != nil {
		a.limits.SetWidth(a.limitsWidth())
	}
	if a.host != nil {
		a.host.SetSize(a.width, a.height-2)
	}
	if a.prompt != nil {
		a.prompt.SetWidth(a.width)
	}
	a.help.SetWidth(a.width)
}

func (a *App) resizeTab(t *tab) {
	if t.pane == nil {
		// No terminal: the panels take the whole screen, under a line
		// that says whose the container is.
		rows := max(a.height-2-1, 1)
		t.panels.SetSize(a.width, rows)
		t.log.SetSize(a.width, rows)
		if t.procs != nil {
			t.procs.SetSize(a.width, rows)
		}
		return
	}
	cols, rows := a.paneSize()
	t.pane.SetSize(cols, rows)
	if t.procs != nil {
		t.procs.SetSize(cols, rows) // in the terminal's place
	}
	if a.isFull() {
		rows -= lineCount(a.lessonBox(t, a.panelsWidth(), rows))
		t.panels.SetSize(a.panelsWidth(), rows)
		t.log.SetSize(a.panelsWidth(), rows)
	} else {
		t.panels.SetSize(a.width, rows)
		t.log.SetSize(a.width, rows)
	}
}

// lessonBox is the lesson's text of what to watch, boxed, at most a
// quarter of rows high, ending in a newline; "" for a tab without a
// lesson.
func (a *App) lessonBox(t *tab, w, rows int) string {
	l := t.plan.Lesson
	if l == nil || w < minBoxWidth {
		return ""
	}
	return t.lessonView.get([2]int{w, rows}, func() string {
		lines := strings.Split(lipgloss.NewStyle().Width(w-4).Render(l.Watch(a.cfg.Host.Files())), "\n")
		if most := rows/4 - boxRows; len(lines) > most {
			if most < 1 {
				return ""
			}
			lines = lines[:most]
			lines[most-1] = fitLine(lines[most-1], w-5, "") + "…"
		}
		return strings.Join(drawBox("Lesson: "+l.Title, lines, w), "\n") + "\n"
	})
}

// lineCount is the number of lines of a block that ends in a newline.
func lineCount(block string) int { return strings.Count(block, "\n") }

var (
	statusStyle = lipgloss.NewStyle().Foreground(lipgloss.Color("3")).Bold(true)
	prefixStyle = lipgloss.NewStyle().Reverse(true).Bold(true)
	boxStyle    = lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).Padding(1, 2)
)

// View composes the screen: tab bar, content, help line.
func (a *App) View() tea.View {
	var v tea.View
	v.AltScreen = true
	v.MouseMode = tea.MouseModeCellMotion
	if a.width == 0 {
		return v
	}
	content, cursor := a.content()
	if a.stillShown() {
		content, cursor = a.still.body, nil // the frame of ctrl+g space (present.go)
	}
	v.Cursor = cursor
	bar := a.bar.render(a.tabs, a.active, a.width)
	if len(a.tabs) == 0 {
		bar = a.titleLine() // no tabs yet: what this is
	}
	bottom := a.bottom.get(a.bottomKey(), a.bottomLine)
	v.SetContent(a.compose(bar, content, bottom))
	return v
}

// content is what lies between the tab bar and the bottom line: the
// overlay that covers the mode, or else the mode's own screen.
func (a *App) content() (string, *tea.Cursor) {
	switch {
	case a.overlay == overlayLessons:
		return a.lessons.View(), nil
	case a.overlay == overlayHost:
		return a.host.View(), nil
	case a.mode == modeForm:
		return a.startScreen(a.height - 2), nil
	case a.overlay == overlayHelp:
		return a.helpBox.get(a.width, func() string {
			return boxStyle.Render("vme50-tui keys\n\n" + a.help.FullHelpView(a.keys.FullHelp()))
		}), nil
	}
	switch a.shown() {
	case viewStarting:
		return "starting…", nil
	case viewCompare:
		if a.overlay == overlayLimits {
			return a.limits.View(), nil // no panels to stand in for
		}
		return a.compareView(), nil
	case viewZoom:
		if a.overlay != overlayLimits {
			return a.zoomView(a.current()), nil
		}
	}
	return a.containerView()
}

// frameKey is everything a screen is composed of.
type frameKey struct {
	w, h              int
	bar, body, bottom string
}

// compose puts the screen together, or returns the last one. Most frames
// (a sampler tick with nothing new, a key echoed elsewhere) are made of
// the very same parts as the last one; then composing them again, which
// means measuring every line's width, is skipped, and Bubble Tea sees an
// equal view and draws nothing.
func (a *App) compose(bar, body, bottom string) string {
	h := a.height
	return a.frame.get(frameKey{a.width, h, bar, body, bottom}, func() string {
		a.frames++
		switch {
		case h < 2: // a window a row high: the tab bar, all there is room for
			return bar
		case h == 2:
			return bar + "\n" + bottom
		}
		return bar + "\n" + fitLines(body, h-2) + "\n" + bottom
	})
}

// fitLines gives s exactly n lines, so the help line stays at the bottom.
// Widths need no measuring: a line shorter than the screen leaves the rest
// of its row blank, and the components never draw wider than they are told.
func fitLines(s string, n int) string {
	n = max(n, 0)
	lines := strings.Split(s, "\n")
	if len(lines) > n {
		lines = lines[:n]
	}
	for len(lines) < n {
		lines = append(lines, "")
	}
	return strings.Join(lines, "\n")
}

// containerView is the current tab: its terminal and its panels, and the
// terminal's cursor placed on the screen.
func (a *App) containerView() (string, *tea.Cursor) {
	t := a.current()
	if t.pane == nil {
		return a.panelsOnly(t), nil
	}
	cursor := t.pane.Cursor()
	if cursor != nil {
		cursor.Y++ // below the tab bar
	}
	view := a.shown()
	if t.ended || a.overlay != noOverlay || view == viewProcs { // the prefix or the quit question waits
		cursor = nil
	}
	if a.isFull() {
		right := t.panels.View()
		switch {
		case a.overlay == overlayLimits:
			right = a.limits.View() // over the panels, the terminal beside it
		case a.views.log:
			right = t.log.View()
		}
		right = a.lessonBox(t, a.panelsWidth(), a.height-2) + right
		left := t.pane.View()
		if view == viewProcs {
			left = a.procList(t).View()
		}
		return a.join(left, right), cursor
	}
	switch {
	case a.overlay == overlayLimits:
		return a.limits.View(), nil
	case view == viewProcs:
		return a.procList(t).View() + "\n" + t.panels.Compact(), nil
	case view == viewLog:
		return t.log.View(), nil
	case view == viewPanels:
		return t.panels.View(), nil
	}
	return t.pane.View() + "\n" + t.panels.Compact(), cursor
}

// panelsOnly is a container without a terminal here (attached from the
// host view): a line on whose it is, and its panels (or the limit editor,
// or the kernel log) in the whole width.
func (a *App) panelsOnly(t *tab) string {
	body := t.panels.View()
	switch {
	case a.overlay == overlayLimits:
		body = a.limits.View()
	case a.shown() == viewProcs:
		body = a.procList(t).View()
	case a.shown() == viewLog:
		body = t.log.View()
	}
	return panelStyle.faint.Render(truncate(a.attachedLine(t), a.width)) + "\n" + body
}

// compareView is every container on one screen, under the current
// container's lesson, if it has one.
func (a *App) compareView() string {
	h := a.height - 2
	box := ""
	if t := a.current(); t != nil {
		box = a.lessonBox(t, a.width, h)
	}
	a.cmp.SetSize(a.width, h-lineCount(box))
	return box + a.cmp.View(a.tabs)
}

// join puts the panels beside the terminal, or returns the last join:
// both are cached by their components, so equal inputs mean an equal join.
func (a *App) join(left, right string) string {
	return a.side.get([2]string{left, right}, func() string { return joinColumns(left, right) })
}

// joinColumns puts right beside left, row by row. The pane draws exactly
// its width in every row, so a plain concatenation lines the panels up;
// lipgloss.JoinHorizontal would measure every line's width again, which
// costs more than the rest of a frame.
func joinColumns(left, right string) string {
	l, r := strings.Split(left, "\n"), strings.Split(right, "\n")
	var b strings.Builder
	b.Grow(len(left) + len(right) + 8)
	for i := range max(len(l), len(r)) {
		if i > 0 {
			b.WriteByte('\n')
		}
		if i < len(l) {
			b.WriteString(l[i])
		}
		if i < len(r) {
			b.WriteString(r[i])
		}
	}
	return b.String()
}

// bottomKey is everything the bottom line depends on.
type bottomKey struct {
	width   int
	status  string
	mode    mode
	overlay overlay
	ended   bool    // the current tab's container: its keys need no prefix
	kind    tabKind // the current tab's: an attached one has other keys
	still   bool    // the display is held (ctrl+g space)
	zoom    bool    // a panel is zoomed: its keys
	// The exec prompt's line, the host view's question or filtering.
	line string
}

func (a *App) bottomKey() bottomKey {
	t := a.current()
	k := bottomKey{width: a.width, status: a.status, mode: a.mode, overlay: a.overlay,
		still: a.stillShown(), zoom: a.shown() == viewZoom}
	if t != nil {
		k.ended, k.kind = t.ended, t.kind
	}
	switch a.overlay {
	case overlayExec:
		k.line = a.prompt.View()
	case overlayHost:
		k.line = fmt.Sprint(a.host.Question(), a.host.Filtering())
	}
	return k
}

// bottomLine is the status (an error, a question, the prefix waiting) or
// the help bar, which always shows the prefix.
func (a *App) bottomLine() string {
	switch {
	case a.overlay == overlayExec:
		return truncate(a.prompt.View()+"  "+a.help.ShortHelpView(a.prompt.KeyMap().ShortHelp()), a.width)
	case a.overlay == overlayHost && a.host.Question() != "":
		return statusStyle.Render(truncate(a.host.Question(), a.width))
	case a.status != "":
		return statusStyle.Render(truncate(a.status, a.width))
	case a.stillShown() && a.overlay == noOverlay:
		return statusStyle.Render(truncate(stillStatus, a.width))
	case a.overlay == overlayPrefix && a.mode == modeForm:
		return truncate(prefixStyle.Render(" ctrl+g ")+" "+a.help.ShortHelpView(a.formPrefixKeys()), a.width)
	case a.overlay == overlayPrefix:
		full := a.keys.FullHelp()
		return truncate(prefixStyle.Render(" ctrl+g ")+" "+a.help.ShortHelpView(full[0][1:])+
			" · "+a.help.ShortHelpView(full[1])+" · "+a.help.ShortHelpView(full[2])+
			" · "+a.help.ShortHelpView(full[3]), a.width)
	case a.overlay == overlayLessons:
		return a.help.View(a.lessons.KeyMap())
	case a.overlay == overlayLimits:
		return a.help.View(a.limits.KeyMap())
	case a.overlay == overlayHost:
		return a.help.View(a.host.KeyMap())
	case a.mode == modeForm:
		return truncate(a.help.ShortHelpView(a.formKeys()), a.width)
	}
	t := a.current()
	switch {
	case a.mode == modeContainers && a.shown() == viewZoom:
		return a.help.View(zoomKeys)
	case t != nil && t.ended:
		return a.help.View(endedKeys{a.keys})
	case t != nil && t.kind == tabAttached:
		return a.help.View(attachedKeys{a.keys})
	}
	return a.help.View(a.keys)
}

// formPrefixKeys are the keys after ctrl+g over the form.
func (a *App) formPrefixKeys() []key.Binding {
	pick := key.NewBinding(key.WithKeys("1"), key.WithHelp("1-9", "a lesson"))
	return []key.Binding{a.keys.Lessons, pick, a.keys.Host}
}

// formKeys are the help line under the form: the focused field's keys,
// then ctrl+g's, then esc (on the start screen it quits).
func (a *App) formKeys() []key.Binding {
	esc := key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back"))
	if len(a.tabs) == 0 {
		esc = key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "quit"))
	}
	return append(a.form.KeyBinds(), prefixed(a.keys.Lessons), prefixed(a.keys.Host), esc)
}

// truncate puts s on one line of at most w cells.
func truncate(s string, w int) string {
	return ansi.Truncate(strings.ReplaceAll(s, "\n", " "), w, "…")
}
