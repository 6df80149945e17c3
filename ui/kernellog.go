package ui

import (
	"fmt"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"vme50-tui/runtime"
)

// KernelLog shows, in order, every step the runtime asked of the kernel
// for one container, in the kernel's words (runtime.Container.Log): the
// cgroup directories and files written, the clone flags, init's mounts,
// pivot_root, sethostname and execve, then the kernel's own events as
// they happen (oom_kill 0 -> 1). It is the same log as `run --verbose`.
//
// It shows the newest lines; the mouse wheel scrolls back to the start.
type KernelLog struct {
	entries       []runtime.LogEntry
	width, height int
	back          int // lines scrolled back from the newest
	cache         memoOf[logKey]
}

// NewKernelLog returns an empty log.
func NewKernelLog() *KernelLog { return &KernelLog{} }

// SetEntries replaces the lines shown. The log only grows, so a log of
// the same length is the same log.
func (l *KernelLog) SetEntries(e []runtime.LogEntry) { l.entries = e }

func (l *KernelLog) SetSize(w, h int) { l.width, l.height = w, h }

// Update scrolls with the mouse wheel.
func (l *KernelLog) Update(msg tea.Msg) (*KernelLog, tea.Cmd) {
	if m, ok := msg.(tea.MouseWheelMsg); ok {
		switch m.Mouse().Button {
		case tea.MouseWheelUp:
			l.back += 3
		case tea.MouseWheelDown:
			l.back = max(l.back-3, 0)
		}
	}
	return l, nil
}

var logSourceStyle = map[runtime.LogSource]lipgloss.Style{
	runtime.FromParent: lipgloss.NewStyle().Foreground(lipgloss.Color("4")), // blue
	runtime.FromInit:   lipgloss.NewStyle().Foreground(lipgloss.Color("5")), // magenta
	runtime.FromKernel: lipgloss.NewStyle().Foreground(lipgloss.Color("1")).Bold(true),
}

// logKey is everything the log's drawing depends on; the log only grows,
// so its length stands for its lines.
type logKey struct{ width, height, back, entries int }

// View draws the log in a box of exactly the size SetSize gave.
func (l *KernelLog) View() string {
	return l.cache.get(logKey{l.width, l.height, l.back, len(l.entries)}, l.render)
}

func (l *KernelLog) render() string {
	inner := l.width - 4
	if inner < 10 || l.height < 3 {
		return fitBlock(nil, l.width, l.height)
	}
	// The container's state directory is in half the lines; its long
	// name would push the rest of each line off the panel.
	dir := runtime.StateDir + "/"
	var lines []string
	for _, e := range l.entries {
		when := e.Time.Sub(l.entries[0].Time)
		prefix := fmt.Sprintf("%7s %-6s ", formatOffset(when), e.From)
		text := strings.ReplaceAll(e.Text, dir, "…/")
		wrapped := strings.Split(ansi.Wrap(text, max(inner-len(prefix), 10), " /,"), "\n")
		for i, w := range wrapped {
			p := strings.Repeat(" ", len(prefix))
			if i == 0 {
				p = logSourceStyle[e.From].Render(prefix)
			}
			lines = append(lines, p+w)
		}
	}
	rows := l.height - 2
	l.back = min(l.back, max(len(lines)-rows, 0))
	end := len(lines) - l.back
	shown := lines[max(end-rows, 0):end]
	title := fmt.Sprintf("kernel log · %d steps · …/ = %s", len(l.entries), dir)
	if l.back > 0 {
		title = fmt.Sprintf("kernel log · %d lines back (wheel) · …/ = %s", l.back, dir)
	}
	if len(l.entries) == 0 {
		shown = []string{"nothing asked of the kernel yet"}
	}
	return fitBlock(drawBox(title, shown, l.width), l.width, l.height)
}

// formatOffset is the time since the first step: +0.4ms, +12ms, +3.2s.
func formatOffset(d time.Duration) string {
	s := d.Seconds()
	switch {
	case s < 0.01:
		return fmt.Sprintf("+%.1fms", s*1000)
	case s < 1:
		return fmt.Sprintf("+%.0fms", s*1000)
	case s < 100:
		return fmt.Sprintf("+%.1fs", s)
	}
	return fmt.Sprintf("+%.0fs", s)
}
