package ui

import (
	"strings"
	"testing"
	"time"
	"unicode"

	tea "charm.land/bubbletea/v2"

	"vme50-tui/cgroup"
	"vme50-tui/record"
)

// A recording may come from anyone (a student hands it in): its events'
// words and its file's name reach the teacher's terminal in the status
// line and on the graphs. C1 controls UTF-8 encoded (U+009B is CSI,
// U+009D OSC, U+009C ST) are acted on by VTE terminals, U+202E turns the
// line around; none of them may be in what the replay draws.
func TestReplayDrawsNoControlsFromTheFile(t *testing.T) {
	hostile := "vme50-hog \u009b31m \u009d0;owned\u009c \u202egnp.\u200b x\ufe0f"
	start := time.Unix(5000, 0)
	rec := &record.Recording{Columns: strings.Split(record.Header, ",")}
	for i := range 10 {
		st := cgroup.Stats{Time: start.Add(time.Duration(i) * 250 * time.Millisecond)}
		st.Memory = cgroup.MemoryStats{Current: uint64(i) << 20, Max: 32 << 20}
		st.Pids.Max, st.CPU.QuotaUsec = cgroup.Unlimited, cgroup.Unlimited
		s := record.Sample{At: time.Duration(i) * 250 * time.Millisecond, Stats: st}
		if i == 5 {
			s.Events = []record.Event{{Kind: record.EventOOMKill, Detail: hostile}}
		}
		rec.Samples = append(rec.Samples, s)
	}
	r := NewReplay("hog\u009b2J\u202e.csv", rec, "")
	r.Update(tea.WindowSizeMsg{Width: 200, Height: 50})
	replayKey(r, tea.KeyEnd, 0)
	for name, text := range map[string]string{"status line": r.StatusLine(), "view": r.View().Content} {
		if !strings.Contains(text, "owned") {
			t.Fatalf("%s: the event's words are not shown: %q", name, text)
		}
		for _, c := range text {
			if c >= 0x80 && c <= 0x9f || unicode.Is(unicode.Cf, c) || unicode.Is(unicode.Variation_Selector, c) {
				t.Errorf("%s: %U drawn from the file", name, c)
			}
		}
	}
}
