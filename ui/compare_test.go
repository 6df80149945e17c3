package ui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"vme50-tui/runtime"
)

// The compare view's graphs mark the events as the panels do: the start,
// and an OOM kill, whose victim's words come with the kernel's report,
// after the reading that counted it.
func TestCompareViewMarksEvents(t *testing.T) {
	a, _ := onContainerScreen(t, 160, 40)
	f := withTab(t, a)
	id := a.tabs[0].c.ID()
	killed := cpuReading(2001, 100000)
	killed.Memory.Events.OOMKill = 1
	drive(a, statsMsg{id: id, stats: cpuReading(2000, 0)})
	drive(a, statsMsg{id: id, stats: killed})
	drive(a, press('g', tea.ModCtrl))
	drive(a, text("c"))
	s := plain(a)
	// Memory's graph: the start at the first reading, the kill a second
	// on: four samples at the 250 ms interval, two braille columns (the
	// limit's mark, L, between them).
	if !strings.Contains(s, "oom_kill 0 -> 1 S  L K │") {
		t.Errorf("the compare view does not mark the start and the kill:\n%s", s)
	}
	f.addVictim(runtime.OOMKill{Task: "vme50-hog", PID: 4242, ContainerPID: 7, AnonRSS: 30 << 20})
	drive(a, statsMsg{id: id, stats: cpuReading(2002, 200000)})
	if s := plain(a); !strings.Contains(s, "oom_kill vme50-hog pid 7 in the container") {
		t.Errorf("the compare view does not name the victim:\n%s", s)
	}
}
