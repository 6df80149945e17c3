package ui

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"vme50-tui/cgroup"
	"vme50-tui/record"
)

// replayRecording is a recording made by record.Recorder, as run --record
// makes one: 40 readings 250 ms apart of memory climbing to its 32 MiB
// limit on cgroup v1, the OOM kill at reading 30 with its victim, the exit
// at the last.
func replayRecording(t *testing.T) *record.Recording {
	t.Helper()
	start := time.Unix(5000, 0)
	var buf bytes.Buffer
	w := record.New(&buf, start)
	for i := range 40 {
		st := cgroup.Stats{Time: start.Add(time.Duration(i) * 250 * time.Millisecond)}
		st.Memory = cgroup.MemoryStats{Current: uint64(min(i, 30)) << 20, Max: 32 << 20}
		st.CPU = cgroup.CPUStats{UsageUsec: uint64(i) * 100000, QuotaUsec: cgroup.Unlimited, PeriodUsec: 100000}
		st.Pids = cgroup.PidsStats{Current: 1, Max: cgroup.Unlimited}
		var events []record.Event
		switch {
		case i == 0:
			events = []record.Event{{Kind: record.EventStart, Detail: "cgroup v1, hostname box, memory.limit_in_bytes 32.0 MiB"}}
		case i >= 30:
			st.Memory.Current, st.Memory.Events.OOMKill = 1<<20, 1
			if i == 30 {
				events = []record.Event{{Kind: record.EventOOMKill, Detail: "vme50-hog pid 7 in the container, anon-rss 31.5 MiB"}}
			}
		}
		if i == 39 {
			events = append(events, record.Event{Kind: record.EventExit, Detail: "status 137 (SIGKILL, OOM-killed)"})
		}
		w.Write(st, events...)
	}
	rec, err := record.Read(&buf)
	if err != nil {
		t.Fatal(err)
	}
	return rec
}

func replayKey(r *Replay, code rune, mod tea.KeyMod) {
	r.Update(tea.KeyPressMsg{Code: code, Mod: mod})
}

func TestReplaySteps(t *testing.T) {
	r := NewReplay("hog.csv", replayRecording(t), "")
	r.Update(tea.WindowSizeMsg{Width: 160, Height: 45})
	if r.Pos() != 0 || !r.Playing() || r.Len() != 40 {
		t.Fatalf("at the start: pos %d playing %v len %d", r.Pos(), r.Playing(), r.Len())
	}
	screen := plainView(r)
	wantContains(t, screen, "memory.usage_in_bytes / memory.limit_in_bytes", "start cgroup v1", "reading 1/40", "▶ playing 1x",
		"space play/pause")
	wantLacks(t, screen, "oom_kill vme50-hog")

	// right steps one reading on and pauses; left one back.
	replayKey(r, tea.KeyRight, 0)
	replayKey(r, tea.KeyRight, 0)
	replayKey(r, tea.KeyLeft, 0)
	if r.Pos() != 1 || r.Playing() {
		t.Errorf("after → → ←: pos %d playing %v", r.Pos(), r.Playing())
	}
	// end: the last reading, the OOM kill marked with its victim, the exit.
	replayKey(r, tea.KeyEnd, 0)
	screen = plainView(r)
	if r.Pos() != 39 {
		t.Errorf("end: pos %d", r.Pos())
	}
	wantContains(t, screen, "reading 40/40", "9.7s / 9.7s", "⏸ paused", "memory.oom_control oom_kill 1",
		"last: exit status 137 (SIGKILL, OOM-killed)")
	memoryAxis := axisRowOf(t, screen, "memory.usage_in_bytes")
	if !strings.Contains(memoryAxis, " K ") || !strings.HasSuffix(memoryAxis, " E") {
		t.Errorf("memory graph's axis %q: want the start and the kill", memoryAxis)
	}
	// shift+left: 10% (4 readings) back, replayed from the start.
	replayKey(r, tea.KeyLeft, tea.ModShift)
	if r.Pos() != 35 {
		t.Errorf("shift+←: pos %d", r.Pos())
	}
	wantContains(t, plainView(r), "last: oom_kill vme50-hog pid 7 in the container")
	if axis := axisRowOf(t, plainView(r), "memory.usage_in_bytes"); !strings.Contains(axis, "oom_kill vme50-hog pid 7 in the container") || !strings.HasSuffix(axis, " K") {
		t.Errorf("memory graph's axis %q: want the kill's words beside its mark", axis)
	}
	// home: the kill not happened yet.
	replayKey(r, tea.KeyHome, 0)
	if r.Pos() != 0 || strings.Contains(plainView(r), "oom_kill vme50-hog") {
		t.Errorf("home: pos %d\n%s", r.Pos(), plainView(r))
	}
}

// Playing moves a reading on per tick, at the speed chosen; a tick of a
// play that was paused is dropped; space at the end plays from the start.
func TestReplayPlays(t *testing.T) {
	r := NewReplay("hog.csv", replayRecording(t), "")
	r.Update(tea.WindowSizeMsg{Width: 100, Height: 45})
	for range 3 {
		replayKey(r, '+', 0)
	}
	if r.Speed() != 8 {
		t.Errorf("speed %v after + + +", r.Speed())
	}
	for range 10 {
		replayKey(r, '-', 0)
	}
	if r.Speed() != 0.25 {
		t.Errorf("speed %v after many -", r.Speed())
	}
	gen := r.gen
	r.Update(replayTickMsg{gen: gen})
	if r.Pos() != 1 {
		t.Errorf("a tick: pos %d", r.Pos())
	}
	replayKey(r, ' ', 0) // pause
	r.Update(replayTickMsg{gen: gen})
	if r.Pos() != 1 || r.Playing() {
		t.Errorf("a stale tick moved a paused replay: pos %d", r.Pos())
	}
	replayKey(r, tea.KeyEnd, 0)
	replayKey(r, ' ', 0)
	if r.Pos() != 0 || !r.Playing() {
		t.Errorf("space at the end: pos %d playing %v", r.Pos(), r.Playing())
	}
	for r.Playing() {
		r.Update(replayTickMsg{gen: r.gen})
	}
	if r.Pos() != 39 {
		t.Errorf("played to pos %d", r.Pos())
	}
	if cmd := r.tick(); cmd != nil {
		t.Error("a tick after the end")
	}
	if _, cmd := r.Update(tea.KeyPressMsg{Code: 'q', Text: "q"}); cmd == nil {
		t.Error("q does not quit")
	}
}

// plainView is the replay's screen without its colours.
func plainView(r *Replay) string { return ansi.Strip(r.View().Content) }

// axisRowOf is the axis row of the first graph in the box titled title:
// the first row after the title with the start's mark and no braille.
var startMark = regexp.MustCompile(`(^|\s)S(\s|$)`)

func axisRowOf(t *testing.T, screen, title string) string {
	t.Helper()
	rows := strings.Split(screen, "\n")
	for i, row := range rows {
		if !strings.Contains(row, title) {
			continue
		}
		for _, r := range rows[i+1:] {
			inner := strings.TrimSpace(strings.Trim(r, "│ "))
			if startMark.MatchString(inner) && !strings.ContainsFunc(inner, func(c rune) bool { return c >= 0x2800 && c <= 0x28ff }) {
				return inner
			}
		}
	}
	t.Fatalf("no axis row under %q:\n%s", title, screen)
	return ""
}

// A day's recording at 250 ms (record.MaxRows rows, the most a
// recording holds): a step back plays on from the newest checkpoint, and
// must stay a keystroke's cost.
func BenchmarkReplaySeekBack(b *testing.B) {
	rec := generatedRecording(5, record.MaxRows, true)
	r := NewReplay("day.csv", rec, "")
	r.Update(tea.WindowSizeMsg{Width: 160, Height: 50})
	last := len(rec.Samples) - 1
	r.seek(last)
	for b.Loop() {
		r.seek(last - 1) // back: from the checkpoint before
		r.seek(last)
		r.View()
	}
}

// At 80x24 the help line keeps every key, quit included, and the panels
// fit what is left.
func TestReplayAt80x24(t *testing.T) {
	r := NewReplay("hog.csv", replayRecording(t), "")
	r.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	rows := strings.Split(plainView(r), "\n")
	if len(rows) != 24 {
		t.Fatalf("%d rows", len(rows))
	}
	help := rows[len(rows)-1]
	for _, want := range []string{"space play/pause", "←/→ step", "shift+←/→ 10%", "home/end ends", "-/+ speed", "q quit"} {
		if !strings.Contains(help, want) {
			t.Errorf("help line %q lacks %q", help, want)
		}
	}
}
