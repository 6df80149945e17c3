package ui

import (
	"slices"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
)

// withHost gives the app a fake host holding rows.
func withHost(t *testing.T, a *App, rows ...HostRow) *fakeHost {
	h := newFakeHost(t, rows...)
	a.cfg.Hosts = h
	return h
}

// openHostView opens the host view (ctrl+g h) at second 3000.
func openHostView(t *testing.T, a *App) {
	t.Helper()
	prefix(a, text("h"))
	if a.overlay != overlayHost {
		t.Fatalf("ctrl+g h: overlay %d, status %q", a.overlay, a.status)
	}
	a.host.SetClock(func() time.Time { return time.Unix(3000, 0) })
}

// onHostView is a test app of 120x40, with withTab's container if
// ownTab, the host view open on hostRows' first listing.
func onHostView(t *testing.T, ownTab bool) (*App, *fakeHost) {
	t.Helper()
	a, _ := onContainerScreen(t, 120, 40)
	if ownTab {
		withTab(t, a)
	}
	first, _ := hostRows()
	h := withHost(t, a, first...)
	openHostView(t, a)
	return a, h
}

// withOwnOnHost is a test app of 120x40 with withTab's container, which
// its fake host lists as this TUI's.
func withOwnOnHost(t *testing.T) (*App, *fakeContainer, *fakeHost) {
	t.Helper()
	a, _ := onContainerScreen(t, 120, 40)
	f := withTab(t, a)
	return a, f, withHost(t, a, ours(row("3f2a9c1d0b7e", "box", 2500, 12<<20, 0, 1)))
}

// typeText types s one key at a time.
func typeText(a *App, s string) {
	for _, r := range s {
		drive(a, tea.KeyPressMsg{Code: r, Text: string(r)})
	}
}

// The host view lists the host's containers, ours and others', and lists
// them again at every reading interval; esc goes back to the container.
func TestHostViewInApp(t *testing.T) {
	a, _ := onContainerScreen(t, 120, 40)
	withTab(t, a)
	first, second := hostRows()
	h := withHost(t, a, append(first, ours(row("3f2a9c1d0b7e", "box", 2500, 12<<20, 0, 1)))...)
	openHostView(t, a)
	s := plain(a)
	for _, want := range []string{"Containers on this host: 4", "big", "busy", "small", "box", "this TUI", "pid 4242", "enter open"} {
		if !strings.Contains(s, want) {
			t.Errorf("the host view lacks %q:\n%s", want, s)
		}
	}
	h.setRows(second...)
	drive(a, sampleTickMsg{})
	if h.lists != 2 || !strings.Contains(plain(a), "0.90/0.50") {
		t.Errorf("the tick did not list again (%d listings):\n%s", h.lists, plain(a))
	}
	drive(a, esc())
	if a.overlay != noOverlay || !strings.Contains(plain(a), "/ # ") {
		t.Errorf("esc: overlay %d:\n%s", a.overlay, plain(a))
	}
	drive(a, sampleTickMsg{})
	if h.lists != 2 {
		t.Errorf("listed with the view closed: %d", h.lists)
	}
}

// The host view at 120x40 and 80x24, as the class sees it.
func TestHostViewGolden(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {120, 40}} {
		a, _ := onContainerScreen(t, size[0], size[1])
		withTab(t, a)
		first, second := hostRows()
		h := withHost(t, a, append(first, ours(row("3f2a9c1d0b7e", "box", 2500, 12<<20, 0, 1)))...)
		openHostView(t, a)
		h.setRows(append(second, ours(row("3f2a9c1d0b7e", "box", 2500, 12<<20, 0, 1)))...)
		drive(a, sampleTickMsg{})
		requireGolden(t, "host-"+sizeName(size), plain(a))
	}
}

// Enter on a container of another process opens a tab of its panels in
// the whole width, with no terminal; its end elsewhere ends the tab, and
// x closes it.
func TestHostViewOpensAttachedTab(t *testing.T) {
	a, h := onHostView(t, true)
	drive(a, enter()) // big: the most memory
	if len(a.tabs) != 2 || a.active != 1 || a.overlay != noOverlay {
		t.Fatalf("enter: %d tabs, active %d, overlay %d", len(a.tabs), a.active, a.overlay)
	}
	tb := a.tabs[1]
	if tb.kind != tabAttached || tb.pane != nil || tb.c.ID() != "bbbb00000002" || tb.owner != 4242 {
		t.Fatalf("the tab: kind %d, pane %v, id %s, owner %d", tb.kind, tb.pane != nil, tb.c.ID(), tb.owner)
	}
	s := plain(a)
	for _, want := range []string{"2 bbbb0000 big running", "big (bbbb0000), started by pid 4242: its terminal is there",
		"memory.current", "40.0/64.0 MiB", "^g e exec a shell", "^g x close tab (it runs on)"} {
		if !strings.Contains(s, want) {
			t.Errorf("the attached tab lacks %q:\n%s", want, s)
		}
	}
	// The panels take the whole width: their boxes end at the right edge.
	for _, l := range strings.Split(s, "\n") {
		if strings.HasPrefix(l, "╭─ memory.current") && !strings.HasSuffix(strings.TrimRight(l, " "), "╮") {
			t.Errorf("not a box: %q", l)
		}
		if strings.HasPrefix(l, "╭─ memory.current") && len([]rune(strings.TrimRight(l, " "))) != 120 {
			t.Errorf("the memory box is %d wide, not 120", len([]rune(strings.TrimRight(l, " "))))
		}
	}
	// Keys without the prefix go nowhere (there is no terminal), and do
	// nothing.
	drive(a, text("x"))
	if len(a.tabs) != 2 {
		t.Fatal("x without the prefix closed a running attached tab")
	}

	h.end("bbbb00000002")
	deliver(t, a, "the end elsewhere", func() bool { return a.tabs[1].ended })
	s = plain(a)
	if !strings.Contains(s, "2 bbbb0000 big ended") || !strings.Contains(s, "has ended · x closes this tab") {
		t.Errorf("the ended attached tab:\n%s", s)
	}
	drive(a, text("r"))
	if !strings.Contains(a.status, "started elsewhere") || len(a.tabs) != 2 {
		t.Errorf("r on an attached tab: status %q", a.status)
	}
	drive(a, text("x"))
	if len(a.tabs) != 1 {
		t.Errorf("x did not close the ended tab: %d tabs", len(a.tabs))
	}
}

// Enter on a container of ours switches to its tab; enter on one already
// attached switches to that tab too.
func TestHostViewOpensOwnTab(t *testing.T) {
	a, _ := onContainerScreen(t, 120, 40)
	withTab(t, a)
	first, _ := hostRows()
	withHost(t, a, append(first, ours(row("3f2a9c1d0b7e", "box", 2500, 99<<20, 0, 1)))...)
	openHostView(t, a)
	drive(a, enter()) // box: the most memory
	if len(a.tabs) != 1 || a.active != 0 {
		t.Fatalf("enter on our own: %d tabs", len(a.tabs))
	}
	openHostView(t, a)
	drive(a, press(tea.KeyDown, 0))
	drive(a, enter()) // big
	prefix(a, text("1"))
	openHostView(t, a)
	drive(a, enter()) // big again: the cursor stayed on it
	if len(a.tabs) != 2 || a.active != 1 {
		t.Errorf("big opened twice: %d tabs, active %d", len(a.tabs), a.active)
	}
}

// ctrl+g x on a running attached tab lets go of it; the container runs
// on, and quitting asks nothing and kills nothing of it.
func TestAttachedTabDetaches(t *testing.T) {
	a, h := onHostView(t, false)
	drive(a, enter())
	f := h.attached["bbbb00000002"]
	prefix(a, text("q"))
	if a.overlay == overlayQuit || a.status != stopping {
		t.Errorf("quit with only an attached tab asked: %q", a.status)
	}
	a.Shutdown()
	if f.ended {
		t.Error("Shutdown killed a container started elsewhere")
	}
	b, h := onHostView(t, false)
	drive(b, enter())
	old := b.tabs[0]
	prefix(b, text("x"))
	if len(b.tabs) != 0 || h.attached["bbbb00000002"].ended {
		t.Errorf("ctrl+g x: %d tabs", len(b.tabs))
	}
	// Opened again: a tab of its own, which the end of the one let go
	// of (its Done, closed by Close) does not reach.
	openHostView(t, b)
	drive(b, enter())
	drive(b, endedMsg{id: old.key})
	if len(b.tabs) != 1 || b.tabs[0] == old || b.tabs[0].ended {
		t.Errorf("opened again: %d tabs, ended %v", len(b.tabs), len(b.tabs) > 0 && b.tabs[0].ended)
	}
}

// k in the host view asks; y stops the container through the host, in a
// Cmd, and says so.
func TestHostViewStopInApp(t *testing.T) {
	a, h := onHostView(t, true)
	drive(a, text("k"))
	if s := plain(a); !strings.Contains(s, "Stop big? SIGTERM") {
		t.Errorf("k did not ask:\n%s", s)
	}
	drive(a, text("n"))
	if len(h.stops()) != 0 || a.overlay != overlayHost {
		t.Fatalf("n stopped %v", h.stops())
	}
	drive(a, text("k"))
	drive(a, text("y"))
	if !slices.Equal(h.stops(), []string{"bbbb00000002"}) || a.status != "big stopped" {
		t.Errorf("k y: stops %v, status %q", h.stops(), a.status)
	}
	if s := plain(a); strings.Contains(s, "big") && !strings.Contains(s, "big stopped") {
		t.Errorf("big is still listed:\n%s", s)
	}
}

// ctrl+g h works from the start screen; enter there opens the container.
func TestHostViewFromForm(t *testing.T) {
	a, _ := newTestApp(t, prefilled(t))
	drive(a, tea.WindowSizeMsg{Width: 120, Height: 40})
	first, _ := hostRows()
	withHost(t, a, first...)
	prefix(a, text("h"))
	screenIs(t, a, "ctrl+g h on the form", modeForm, overlayHost, "Containers on this host: 3")
	drive(a, esc())
	screenIs(t, a, "esc", modeForm, noOverlay, "")
	prefix(a, text("h"))
	drive(a, enter())
	screenIs(t, a, "enter", modeContainers, noOverlay, "big (bbbb0000)")
}

// No host given: the keys say so in one line.
func TestNoHosts(t *testing.T) {
	a, _ := onContainerScreen(t, 120, 40)
	withTab(t, a)
	prefix(a, text("h"))
	if a.overlay != noOverlay || a.status != noHosts {
		t.Errorf("ctrl+g h: overlay %d, status %q", a.overlay, a.status)
	}
	prefix(a, text("e"))
	if a.overlay != noOverlay || a.status != noHosts {
		t.Errorf("ctrl+g e: overlay %d, status %q", a.overlay, a.status)
	}
}

// ctrl+g e asks what to run (a shell), enter runs it in a new tab
// labelled for its container, with the container's panels beside its
// terminal; the exec ends when its container ends.
func TestExecTab(t *testing.T) {
	a, f, h := withOwnOnHost(t)
	prefix(a, text("e"))
	if s := plain(a); a.overlay != overlayExec || !strings.Contains(s, "exec into box: /bin/sh") {
		t.Fatalf("ctrl+g e: overlay %d:\n%s", a.overlay, s)
	}
	drive(a, enter())
	calls := h.execCalls()
	if len(calls) != 1 || calls[0].id != "3f2a9c1d0b7e" || !slices.Equal(calls[0].args, []string{"/bin/sh"}) {
		t.Fatalf("exec calls %+v", calls)
	}
	cols, rows := a.paneSize()
	if int(calls[0].cols) != cols || int(calls[0].rows) != rows {
		t.Errorf("exec'd on %dx%d, the pane is %dx%d", calls[0].cols, calls[0].rows, cols, rows)
	}
	if len(a.tabs) != 2 || a.active != 1 || a.tabs[1].kind != tabExec {
		t.Fatalf("%d tabs, active %d", len(a.tabs), a.active)
	}
	x := calls[0].c
	x.program(t, "/ # ps\r\nPID USER COMMAND\r\n1 root /bin/sh\r\n7 root /bin/sh\r\n/ # ")
	eventually(t, "the exec's output", func() bool { return strings.Contains(plain(a), "7 root /bin/sh") })
	s := plain(a)
	if !strings.Contains(s, "2 exec box running") || !strings.Contains(s, "memory.current") {
		t.Errorf("the exec tab:\n%s", s)
	}
	// Keys go to the exec's terminal, not the container's.
	typeText(a, "hostname")
	x.expectInput(t, "hostname")
	f.expectInput(t, "")
	// Messages of the two tabs do not mix, though both have the
	// container's id: the container's end ends its tab, then the exec's.
	h.end("3f2a9c1d0b7e")
	f.exit(0)
	deliver(t, a, "both ends", func() bool { return a.tabs[0].ended && a.tabs[1].ended })
	s = plain(a)
	if !strings.Contains(s, "1 3f2a9c1d box exited (code 0)") || !strings.Contains(s, "2 exec box killed (SIGKILL)") {
		t.Errorf("the ends:\n%s", s)
	}
}

// A command typed in the prompt is split as a shell would; esc runs
// nothing; a prompt left unbalanced says why.
func TestExecPromptCommand(t *testing.T) {
	a, _, h := withOwnOnHost(t)
	prefix(a, text("e"))
	drive(a, esc())
	if a.overlay != noOverlay || len(h.execCalls()) != 0 {
		t.Fatalf("esc: overlay %d, %d execs", a.overlay, len(h.execCalls()))
	}
	prefix(a, text("e"))
	drive(a, press('u', tea.ModCtrl)) // the line emptied
	typeText(a, `sh -c 'echo $$`)
	drive(a, enter())
	if s := plain(a); !strings.Contains(s, "unclosed ' quote") || len(h.execCalls()) != 0 {
		t.Errorf("an unclosed quote:\n%s", s)
	}
	typeText(a, `'`)
	drive(a, enter())
	if c := h.execCalls(); len(c) != 1 || !slices.Equal(c[0].args, []string{"sh", "-c", "echo $$"}) {
		t.Errorf("exec calls %+v", c)
	}
}

// e on a tab whose container has ended: one line, nothing started.
func TestExecOnEndedTab(t *testing.T) {
	a, _ := onContainerScreen(t, 120, 40)
	f := withTab(t, a)
	h := withHost(t, a)
	f.exit(0)
	deliver(t, a, "the end", func() bool { return a.tabs[0].ended })
	prefix(a, text("e"))
	if a.overlay != noOverlay || a.status != "box has ended: there is nothing to exec into" || len(h.execCalls()) != 0 {
		t.Errorf("overlay %d, status %q, %d execs", a.overlay, a.status, len(h.execCalls()))
	}
}

// An exec that fails to start says why in the status line, and no tab.
func TestExecFails(t *testing.T) {
	a, _ := onContainerScreen(t, 120, 40)
	withTab(t, a)
	withHost(t, a) // the container is not on the host any more
	prefix(a, text("e"))
	drive(a, enter())
	if len(a.tabs) != 1 || !strings.Contains(a.status, "exec /bin/sh into box: container 3f2a9c1d0b7e has ended") {
		t.Errorf("%d tabs, status %q", len(a.tabs), a.status)
	}
}

// e in the host view asks for an exec into the selected container, and
// quitting with an exec running asks, and counts it.
func TestExecFromHostView(t *testing.T) {
	a, h := onHostView(t, false)
	drive(a, text("e"))
	if s := plain(a); a.overlay != overlayExec || !strings.Contains(s, "exec into big: /bin/sh") {
		t.Fatalf("e: overlay %d:\n%s", a.overlay, s)
	}
	drive(a, enter())
	if len(a.tabs) != 1 || a.tabs[0].kind != tabExec || !strings.Contains(plain(a), "1 exec big running") {
		t.Fatalf("the exec tab:\n%s", plain(a))
	}
	prefix(a, text("q"))
	if !strings.Contains(a.status, "Quit? 0 running container(s) and 1 exec(s) will be killed") {
		t.Errorf("quit: %q", a.status)
	}
	drive(a, text("n"))
	// r on an ended exec runs it again, in its place.
	h.end("bbbb00000002")
	deliver(t, a, "the end", func() bool { return a.tabs[0].ended })
	first, _ := hostRows()
	h.setRows(first...)
	drive(a, text("r"))
	if c := h.execCalls(); len(a.tabs) != 1 || len(c) != 2 || a.tabs[0].ended || a.tabs[0].c != c[1].c {
		t.Errorf("r: %d tabs, %d execs, status %q", len(a.tabs), len(c), a.status)
	}
}
