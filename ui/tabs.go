package ui

import (
	"fmt"
	"strings"

	"charm.land/lipgloss/v2"
)

// The tab bar: one label per container, "1 3f2a9c1d box running", or per
// command exec'd into one, "2 exec box running". It also tells where each
// label is, so that a click can pick a tab.

var (
	tabStyle       = lipgloss.NewStyle().Padding(0, 1)
	tabActiveStyle = tabStyle.Reverse(true).Bold(true)
	tabEndedStyle  = tabStyle.Faint(true)
	tabOOMStyle    = tabStyle.Foreground(lipgloss.Color("1")).Bold(true)
)

// tabBar draws the bar and remembers the last one: it only changes when a
// container starts, ends or is switched to, not at every frame.
type tabBar struct {
	view memoOf[string] // keyed by the width, the active tab and the labels
	ends []int          // for each tab, the column where its label ends (exclusive)
}

// render draws the bar in width cells, or returns the last one when
// nothing it shows has changed.
func (b *tabBar) render(tabs []*tab, active, width int) string {
	labels := make([]string, len(tabs))
	for i, t := range tabs {
		// The runtime names an unnamed container's host after its id.
		switch {
		case t.kind == tabExec:
			labels[i] = fmt.Sprintf("%d exec %s %s", i+1, t.name(), t.status())
		case t.c.Spec().Hostname == t.c.ID():
			labels[i] = fmt.Sprintf("%d %s %s", i+1, shortID(t.c.ID()), t.status())
		default:
			labels[i] = fmt.Sprintf("%d %s %s %s", i+1, shortID(t.c.ID()), t.c.Spec().Hostname, t.status())
		}
	}
	return b.view.get(fmt.Sprint(width, active, labels), func() string { return b.draw(tabs, labels, active, width) })
}

// draw draws the bar of labels, noting where each ends for clicks.
func (b *tabBar) draw(tabs []*tab, labels []string, active, width int) string {
	var sb strings.Builder
	b.ends = make([]int, len(tabs))
	x := 0
	for i, t := range tabs {
		style := tabStyle
		switch {
		case i == active:
			style = tabActiveStyle
		case t.result.OOMKilled:
			style = tabOOMStyle
		case t.ended:
			style = tabEndedStyle
		}
		cell := style.Render(labels[i])
		x += lipgloss.Width(cell)
		b.ends[i] = x
		sb.WriteString(cell)
	}
	return fitLine(sb.String(), width, "")
}

// tabAt returns the tab under column x, or -1.
func tabAt(ends []int, x int) int {
	for i, end := range ends {
		if x < end {
			return i
		}
	}
	return -1
}

// shortID is the first 8 hex digits of a container id, enough to tell
// containers apart on one screen.
func shortID(id string) string {
	return id[:min(8, len(id))]
}
