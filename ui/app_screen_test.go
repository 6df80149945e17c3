package ui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
)

// prefix sends ctrl+g and then k.
func prefix(a *App, k tea.KeyPressMsg) {
	drive(a, press('g', tea.ModCtrl))
	drive(a, k)
}

func esc() tea.KeyPressMsg { return press(tea.KeyEscape, 0) }

// screenIs fails unless the app is in mode m under overlay o, and shows
// want (unless it is "").
func screenIs(t *testing.T, a *App, what string, m mode, o overlay, want string) {
	t.Helper()
	if s := plain(a); a.mode != m || a.overlay != o || !strings.Contains(s, want) {
		t.Errorf("%s: mode %d overlay %d, want mode %d overlay %d and %q:\n%s", what, a.mode, a.overlay, m, o, want, s)
	}
}

// Each key after ctrl+g among the containers, and where it leaves the
// screen; the prefix waits for one key only.
func TestPrefixThenEachKey(t *testing.T) {
	cases := []struct {
		key     tea.KeyPressMsg
		mode    mode
		overlay overlay
		views   views
	}{
		{text("q"), modeContainers, overlayQuit, views{}}, // a container runs: it asks
		{text("n"), modeForm, noOverlay, views{}},
		{text("l"), modeContainers, overlayLessons, views{}},
		{text("?"), modeContainers, overlayHelp, views{}},
		{text("c"), modeContainers, noOverlay, views{compare: true}},
		{text("j"), modeContainers, noOverlay, views{log: true}},
		{text("p"), modeContainers, noOverlay, views{panels: true}},
		{text("1"), modeContainers, noOverlay, views{}},
		{press(tea.KeyTab, 0), modeContainers, noOverlay, views{}},
		{text("r"), modeContainers, noOverlay, views{}}, // only on an ended tab
		{text("x"), modeContainers, noOverlay, views{}},
		{text("t"), modeContainers, noOverlay, views{procs: true}},
		{text("z"), modeContainers, noOverlay, views{zoom: true}},
		{press(tea.KeySpace, 0), modeContainers, noOverlay, views{}}, // the display held: not a view
		{text("w"), modeContainers, noOverlay, views{}},              // no command: nothing
		{esc(), modeContainers, noOverlay, views{}},
	}
	for _, c := range cases {
		t.Run(c.key.String(), func(t *testing.T) {
			a, launches := onContainerScreen(t, 100, 30)
			f := withTab(t, a)
			drive(a, press('g', tea.ModCtrl))
			screenIs(t, a, "ctrl+g", modeContainers, overlayPrefix, " ctrl+g ")
			drive(a, c.key)
			screenIs(t, a, "ctrl+g "+c.key.String(), c.mode, c.overlay, "")
			if a.views != c.views {
				t.Errorf("views %+v, want %+v", a.views, c.views)
			}
			if len(*launches) != 0 || len(a.tabs) != 1 || a.tabs[0].ended {
				t.Errorf("launches %d, tabs %d", len(*launches), len(a.tabs))
			}
			f.expectInput(t, "") // the command is not the container's
		})
	}
}

// On a small screen ctrl+g p swaps the terminal for the panels, ctrl+g j
// the panels for the log, and each again switches back.
func TestViewsOnSmallScreen(t *testing.T) {
	a, _ := onContainerScreen(t, 80, 24)
	withTab(t, a)
	if a.shown() != viewTerminal || !strings.Contains(plain(a), "/ # ") {
		t.Fatalf("not the terminal:\n%s", plain(a))
	}
	prefix(a, text("p"))
	if s := plain(a); a.shown() != viewPanels || strings.Contains(s, "/ # ") || !strings.Contains(s, "pids.current") {
		t.Errorf("ctrl+g p: not the panels alone:\n%s", s)
	}
	prefix(a, text("j"))
	if s := plain(a); a.shown() != viewLog || !strings.Contains(s, "kernel log ·") {
		t.Errorf("ctrl+g j: no kernel log:\n%s", s)
	}
	prefix(a, text("j"))
	prefix(a, text("p"))
	if a.shown() != viewTerminal || !strings.Contains(plain(a), "/ # ") {
		t.Errorf("not back at the terminal:\n%s", plain(a))
	}
}

// closedByNextKey opens overlay o over a running container with ctrl+g k,
// checks it shows want, and that the next key closes it without reaching
// the container.
func closedByNextKey(t *testing.T, k tea.KeyPressMsg, o overlay, want string) *App {
	t.Helper()
	a, _ := onContainerScreen(t, 120, 30)
	f := withTab(t, a)
	prefix(a, k)
	screenIs(t, a, "ctrl+g "+k.String(), modeContainers, o, want)
	drive(a, text("a"))
	screenIs(t, a, "a", modeContainers, noOverlay, "")
	f.expectInput(t, "")
	return a
}

// ctrl+g q asks while a container runs: y quits, any other key stays and
// goes nowhere else. With nothing running it quits at once.
func TestQuitConfirm(t *testing.T) {
	a := closedByNextKey(t, text("q"), overlayQuit, "Quit? 1 running container(s)")
	if a.status != "" {
		t.Errorf("status %q after the answer", a.status)
	}

	prefix(a, text("q"))
	a.Update(text("y")) // its Cmd, the shutdown, is not run: the test's fake is not a.all's
	if a.status != stopping {
		t.Errorf("y did not quit: status %q", a.status)
	}

	b, _ := onContainerScreen(t, 120, 30)
	withTab(t, b)
	drive(b, endedMsg{id: b.tabs[0].c.ID()})
	prefix(b, text("q"))
	if b.status != stopping || b.overlay != noOverlay {
		t.Errorf("with nothing running ctrl+g q asked: status %q", b.status)
	}
}

// The lessons menu over the containers: esc goes back to them, and keys
// reach the container again.
func TestLessonsOverContainers(t *testing.T) {
	a, _ := onContainerScreen(t, 120, 30)
	f := withTab(t, a)
	prefix(a, text("l"))
	screenIs(t, a, "ctrl+g l", modeContainers, overlayLessons, "Lessons: make each limit bite")
	drive(a, tea.PasteMsg{Content: "ls"}) // the menu takes the paste, the container does not
	drive(a, esc())
	screenIs(t, a, "esc", modeContainers, noOverlay, "/ # ")
	drive(a, text("e"))
	f.expectInput(t, "e")
}

// The lessons menu over the form: ctrl+g l, esc back to the same form;
// over the form ctrl+g takes only l, 1-9 and h, and the next key is not
// typed.
func TestLessonsOverForm(t *testing.T) {
	a, _ := newTestApp(t, prefilled(t))
	drive(a, a.Init())
	drive(a, tea.WindowSizeMsg{Width: 80, Height: 24})
	form := a.form
	prefix(a, text("l"))
	screenIs(t, a, "ctrl+g l", modeForm, overlayLessons, "")
	drive(a, esc())
	screenIs(t, a, "esc", modeForm, noOverlay, "")
	if a.form != form {
		t.Error("esc did not go back to the same form")
	}
	drive(a, press('g', tea.ModCtrl))
	screenIs(t, a, "ctrl+g over the form", modeForm, overlayPrefix, "l lessons • 1-9 a lesson • h host view")
	drive(a, text("q"))
	screenIs(t, a, "ctrl+g q", modeForm, noOverlay, "")
	if a.status == stopping {
		t.Error("ctrl+g q quit from the form")
	}
}

// The help covers the containers until any key, which it keeps from the
// container; ctrl+g there closes it and waits for a command.
func TestHelpToggle(t *testing.T) {
	a := closedByNextKey(t, text("?"), overlayHelp, "vme50-tui keys")
	prefix(a, text("?"))
	prefix(a, text("c"))
	screenIs(t, a, "ctrl+g ? ctrl+g c", modeContainers, noOverlay, "")
	if !a.views.compare || strings.Contains(plain(a), "vme50-tui keys") {
		t.Errorf("ctrl+g c from the help: compare %v:\n%s", a.views.compare, plain(a))
	}
}

// esc is the form's (back to the containers, when there are some) and,
// among the containers, the container's.
func TestEscape(t *testing.T) {
	a, _ := onContainerScreen(t, 120, 30)
	f := withTab(t, a)
	prefix(a, text("n"))
	screenIs(t, a, "ctrl+g n", modeForm, noOverlay, "")
	drive(a, esc())
	screenIs(t, a, "esc in the form", modeContainers, noOverlay, "")
	if a.form != nil || a.status == stopping {
		t.Errorf("esc: form %v, status %q", a.form != nil, a.status)
	}
	drive(a, esc())
	f.expectInput(t, "\x1b")
}

// ctrl+g k kills the container from a Cmd: Update only asks, and the tab
// says how it ended once the end is reported; then x needs no prefix.
func TestKillRunsInCmd(t *testing.T) {
	a, _ := onContainerScreen(t, 120, 30)
	withTab(t, a)
	drive(a, press('g', tea.ModCtrl))
	_, cmd := a.Update(text("k"))
	if cmd == nil || a.tabs[0].ended {
		t.Fatal("ctrl+g k returned no Cmd, or ended the tab itself")
	}
	runAll(a, cmd)
	deliver(t, a, "the end reported", func() bool { return a.tabs[0].ended })
	screenIs(t, a, "killed", modeContainers, noOverlay, "killed (SIGKILL)")
	drive(a, text("x"))
	if len(a.tabs) != 0 {
		t.Error("x did not close the killed container's tab")
	}
}

// A window one or two rows high (tmux resize-window -y 1) is drawn as
// far as it goes: it crashed the TUI, and every container with it.
func TestTinyWindowDoesNotCrash(t *testing.T) {
	for _, h := range []int{0, 1, 2, 3} {
		a, _ := newTestApp(t, prefilled(t))
		drive(a, tea.WindowSizeMsg{Width: 160, Height: h})
		a.View()
		a, _ = onContainerScreen(t, 160, 40)
		withTab(t, a)
		drive(a, tea.WindowSizeMsg{Width: 160, Height: h})
		if v := a.View().Content; h > 0 && strings.Count(v, "\n") >= h {
			t.Errorf("%d rows high: the view has %d lines", h, strings.Count(v, "\n")+1)
		}
	}
}
