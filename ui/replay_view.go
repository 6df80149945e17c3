package ui

// What a replay shows: a status line (the file, playing or paused, where
// in the recording, the speed), the panels as the live screen draws them,
// and a help line with the keys.

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"vme50-tui/runtime"
)

// replayPanelsWidth is the widest the panels are drawn: a graph of
// HistoryLen readings fills it; wider, its left side would stay empty.
const replayPanelsWidth = HistoryLen/2 + 4

// panelsSize is the panels' share of the screen: all but the status and
// help lines.
func (r *Replay) panelsSize() (w, h int) {
	return min(r.width, replayPanelsWidth), max(r.height-2, 0)
}

func (r *Replay) View() tea.View {
	var v tea.View
	v.AltScreen = true
	if r.width == 0 {
		return v
	}
	w, h := r.panelsSize()
	v.SetContent(strings.Join([]string{
		fitLine(statusStyle.Render(r.StatusLine()), r.width, "…"),
		fitBlock(strings.Split(r.panels.View(), "\n"), w, h),
		r.helpLine(),
	}, "\n"))
	return v
}

// StatusLine is "replay hog.csv · ▶ playing 1x · 12.3s / 1m5s · reading
// 50/260 · last: oom_kill ...", after the note about the file until the
// first key.
func (r *Replay) StatusLine() string {
	state := "⏸ paused"
	if r.playing {
		state = "▶ playing"
	}
	at, length := time.Duration(0), time.Duration(0)
	if n := len(r.samples); n > 0 {
		at, length = r.samples[r.pos].At, r.samples[n-1].At
	}
	line := fmt.Sprintf("replay %s · %s %sx · %s / %s · reading %d/%d", r.name, state,
		strings.TrimSuffix(fmt.Sprintf("%.2f", r.Speed()), ".00"), formatAt(at), formatAt(length), r.pos+1, len(r.samples))
	if events := r.panels.Readings().Events(); len(events) > 0 {
		// The graphs show the newest event's words where they have room.
		line += " · last: " + runtime.Printable(events[len(events)-1].Words())
	}
	if r.note != "" {
		line = r.note + " · " + line
	}
	return line
}

// formatAt is a time in the recording: "12.3s", "1m5.0s".
func formatAt(d time.Duration) string {
	return d.Truncate(100 * time.Millisecond).String()
}

// helpLine lists the keys, pairs in one entry, cut to the screen's width.
func (r *Replay) helpLine() string {
	pair := func(keys, desc string) key.Binding {
		return key.NewBinding(key.WithKeys(keys), key.WithHelp(keys, desc))
	}
	k := r.keys
	h := help.New()
	// In a few words, to fit 80 columns; replay --help says them all.
	return fitLine(h.ShortHelpView([]key.Binding{pair("space", "play/pause"), pair("←/→", "step"),
		pair("shift+←/→", "10%"), pair("home/end", "ends"), pair("-/+", "speed"), k.Quit}),
		r.width, "…")
}
