package ui

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
)

// The three rows of a figure, every glyph one width: columns line up.
func TestBigRows(t *testing.T) {
	rows := bigRows("23.1")
	want := [3]string{
		"▀▀█ ▀▀█   ▄█ ",
		"█▀▀  ▀█    █ ",
		"▀▀▀ ▀▀▀ ▀ ▀▀▀",
	}
	if rows != want {
		t.Errorf("bigRows(23.1):\n%s\nwant\n%s", strings.Join(rows[:], "\n"), strings.Join(want[:], "\n"))
	}
	for r, g := range bigGlyphs {
		if len([]rune(g[0])) != len([]rune(g[1])) || len([]rune(g[1])) != len([]rune(g[2])) {
			t.Errorf("glyph %q rows of unequal widths", r)
		}
	}
	if got := doubleRows([]string{"▀▄█ "}); got[0] != "██  ██  " || got[1] != "  ████  " {
		t.Errorf("doubleRows: %q", got)
	}
}

// ctrl+g z zooms the memory panel, tab goes through the others and back
// round, esc leaves; keys meanwhile are the zoom's, not the container's.
func TestZoomKeys(t *testing.T) {
	a, _ := onContainerScreen(t, 80, 24)
	f := withTab(t, a)
	prefix(a, text("z"))
	if a.shown() != viewZoom || !strings.Contains(plain(a), "memory of box · panel 1 of 5") {
		t.Fatalf("ctrl+g z did not zoom the memory panel:\n%s", plain(a))
	}
	wantContains(t, plain(a), "12.0", "MiB", "memory.current, 25% of memory.max 48.0 MiB · oom_kill 0")
	drive(a, press(tea.KeyTab, 0))
	if !strings.Contains(plain(a), "CPU of box · panel 2 of 5") {
		t.Errorf("tab did not go to the CPU panel:\n%s", plain(a))
	}
	drive(a, press(tea.KeyLeft, 0))
	drive(a, press(tea.KeyLeft, 0))
	if !strings.Contains(plain(a), "pressure of box · panel 5 of 5") {
		t.Errorf("← from the first did not go round to the last:\n%s", plain(a))
	}
	drive(a, text("y"))
	f.expectInput(t, "") // nothing typed blind into the container
	drive(a, esc())
	if a.shown() != viewTerminal || !strings.Contains(plain(a), "/ # ") {
		t.Errorf("esc did not leave the zoom:\n%s", plain(a))
	}
	prefix(a, text("z"))
	drive(a, text("z"))
	if a.shown() != viewTerminal {
		t.Error("z did not leave the zoom")
	}
}

// The zoomed memory panel as the class sees it on a projector, in a
// small and a big window, and without colour.
func TestZoomGolden(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {200, 50}} {
		a, _ := onContainerScreen(t, size[0], size[1])
		withTab(t, a)
		prefix(a, text("z"))
		requireGolden(t, "zoom-"+sizeName(size), plain(a))
		checkViewSize(t, a.zoomView(a.current()), size[0], size[1]-2)
	}
	a, _ := onContainerScreen(t, 80, 24)
	f := withTab(t, a)
	st, _ := f.Stats()
	st.Time = st.Time.Add(time.Second)
	st.CPU.UsageUsec += 480000 // 0.48 cores over the second
	f.setStats(st)
	drive(a, sampleTickMsg{})
	prefix(a, text("z"))
	drive(a, press(tea.KeyTab, 0))
	wantContains(t, plain(a), "cores used over the last interval (cpu.stat); no quota (cpu.max)")
	requireGolden(t, "zoom-cpu-80x24-nocolor", noColor(t, a.View().Content))
}

// ctrl+g space holds the display: new output and new readings do not
// show, but the readings are taken; the bottom line says so; again, the
// present shows.
func TestHoldDisplay(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {200, 50}} {
		a, _ := onContainerScreen(t, size[0], size[1])
		f := withTab(t, a)
		before := plain(a)
		prefix(a, press(tea.KeySpace, 0))
		if !a.still.on {
			t.Fatal("ctrl+g space did not hold the display")
		}
		f.program(t, "echo after\r\nafter\r\n/ # ")
		st, _ := f.Stats()
		st.Time = st.Time.Add(time.Second)
		st.Memory.Current = 30 << 20
		f.setStats(st)
		drive(a, sampleTickMsg{})
		time.Sleep(50 * time.Millisecond) // the pane's output arrives meanwhile
		drive(a, sampleTickMsg{})
		if got := a.tabs[0].panels.Readings().Last().Memory.Current; got != 30<<20 {
			t.Errorf("held, the app read %d, want the new reading", got)
		}
		held := plain(a)
		wantContains(t, held, stillStatus)
		if body(held) != body(before) {
			t.Errorf("the held display changed:\n%s\nwas\n%s", held, before)
		}
		requireGolden(t, "still-"+sizeName(size), held)
		prefix(a, press(tea.KeySpace, 0))
		eventually(t, "the present on screen", func() bool { return strings.Contains(plain(a), "after") })
		if strings.Contains(plain(a), stillStatus) {
			t.Error("the status still says the display is held")
		}
	}
}

// body is a screen without its bottom line.
func body(screen string) string {
	return screen[:strings.LastIndex(screen, "\n")]
}
