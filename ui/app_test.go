package ui

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"vme50-tui/cgroup"
	"vme50-tui/runtime"
)

// testRootfs is a directory with an executable /bin/sh, enough for the
// form's checks, and the dynamic loaders of glibc's images: a plain go
// test (cgo on) builds a dynamically linked test binary, whose vme50-hog
// the form would otherwise rightly refuse (runtime.HogProblem).
func testRootfs(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, f := range []string{"bin/sh", "lib64/ld-linux-x86-64.so.2", "lib/ld-linux-aarch64.so.1"} {
		os.MkdirAll(filepath.Dir(filepath.Join(dir, f)), 0o755)
		os.WriteFile(filepath.Join(dir, f), nil, 0o755)
	}
	return dir
}

// launch records what the app asked to start, instead of starting it.
type launch struct {
	plan
	cols, rows int
	replaceID  string
}

// newTestApp returns an app on a fake v2 host whose starts are recorded.
func newTestApp(t *testing.T, opts runtime.Options) (*App, *[]launch) {
	t.Helper()
	host := cgroup.NewHost(cgroup.V2, t.TempDir(), nil)
	a := New(Config{Host: host, Options: opts})
	var launches []launch
	a.start = func(p plan, cols, rows int, replaceID string) tea.Cmd {
		launches = append(launches, launch{p, cols, rows, replaceID})
		return nil
	}
	return a, &launches
}

// onContainerScreen is a test app of w x h on the container screen, the
// form gone, before any container has started.
func onContainerScreen(t *testing.T, w, h int) (*App, *[]launch) {
	t.Helper()
	a, launches := newTestApp(t, prefilled(t))
	drive(a, tea.WindowSizeMsg{Width: w, Height: h})
	a.leaveForm()
	return a, launches
}

func prefilled(t *testing.T) runtime.Options {
	o := runtime.DefaultOptions()
	o.Rootfs = testRootfs(t)
	o.MemoryLimit = "48M"
	o.Hostname = "box"
	o.Args = []string{"/bin/sh"}
	return o
}

// drive feeds msg to the app and runs the Cmds it returns (and theirs),
// as Bubble Tea would, but leaves out the sampler's ticks. What the Cmds
// waiting in the background returned meanwhile comes first.
func drive(a *App, msg tea.Msg) {
	queue := append(arrived(a), msg)
	for len(queue) > 0 && len(queue) < 200 {
		m := queue[0]
		queue = queue[1:]
		_, cmd := a.Update(m)
		queue = append(queue, runAll(a, cmd)...)
	}
}

// runAll runs a Cmd, unpacking batches, except those that wait for an
// event or for time to pass (inBackground).
func runAll(a *App, cmd tea.Cmd) []tea.Msg {
	if cmd == nil || inBackground(a, cmd) {
		return nil
	}
	msg := runNow(cmd)
	switch m := msg.(type) {
	case tea.BatchMsg:
		var out []tea.Msg
		for _, c := range m {
			out = append(out, runAll(a, c)...)
		}
		return out
	case sampleTickMsg, nil:
		return nil
	}
	return []tea.Msg{msg}
}

func press(code rune, mod tea.KeyMod) tea.KeyPressMsg {
	return tea.KeyPressMsg{Code: code, Mod: mod}
}

func text(s string) tea.KeyPressMsg { return tea.KeyPressMsg{Code: rune(s[0]), Text: s} }

func enter() tea.KeyPressMsg { return press(tea.KeyEnter, 0) }

func plain(a *App) string { return ansi.Strip(a.View().Content) }

// A prefilled form launches with repeated Enter, with the Spec that
// `run` would build from the same flags.
func TestFormEnterThroughLaunches(t *testing.T) {
	a, launches := newTestApp(t, prefilled(t))
	drive(a, a.Init())
	drive(a, tea.WindowSizeMsg{Width: 80, Height: 24})
	for i := 0; i < 20 && len(*launches) == 0; i++ {
		drive(a, enter())
	}
	if len(*launches) != 1 {
		t.Fatalf("%d launches after Enter through the form:\n%s", len(*launches), plain(a))
	}
	l := (*launches)[0]
	if l.Spec.Limits.MemoryMax != 48<<20 || l.Spec.Hostname != "box" || l.Spec.Args[0] != "/bin/sh" || !l.Spec.Overlay {
		t.Errorf("spec %+v", l.Spec)
	}
	// The terminal gets the screen minus the tab bar, help and summary.
	if l.cols != 80 || l.rows != 24-2-compactLines {
		t.Errorf("terminal %dx%d", l.cols, l.rows)
	}
}

// A bad value shows its message beside the field, and nothing starts.
func TestFormRejectsBadValue(t *testing.T) {
	o := prefilled(t)
	o.MemoryLimit = "12X"
	a, launches := newTestApp(t, o)
	drive(a, a.Init())
	drive(a, tea.WindowSizeMsg{Width: 80, Height: 24})
	for i := 0; i < 20; i++ {
		drive(a, enter())
	}
	if len(*launches) != 0 {
		t.Fatal("a form with a bad memory limit launched")
	}
	if s := plain(a); !strings.Contains(s, `invalid size "12X"`) {
		t.Errorf("no error beside the field:\n%s", s)
	}
}

// The command must be in the rootfs.
func TestFormChecksCommandInRootfs(t *testing.T) {
	o := prefilled(t)
	o.Args = []string{"no-such-command"}
	a, launches := newTestApp(t, o)
	drive(a, a.Init())
	drive(a, tea.WindowSizeMsg{Width: 80, Height: 24})
	for i := 0; i < 20; i++ {
		drive(a, enter())
	}
	if len(*launches) != 0 || !strings.Contains(plain(a), "command not found") {
		t.Errorf("launched %d; screen:\n%s", len(*launches), plain(a))
	}
}

func sizeName(s [2]int) string { return fmt.Sprintf("%dx%d", s[0], s[1]) }

// withTab puts a fake container on screen, its shell's prompt in the
// terminal and one reading in the panels.
func withTab(t *testing.T, a *App) *fakeContainer {
	t.Helper()
	spec := runtime.Spec{Rootfs: testRootfs(t), Args: []string{"/bin/sh"}, Hostname: "box"}
	return withPlannedTab(t, a, plan{FormValues{Options: prefilled(t)}, spec}, "3f2a9c1d0b7e")
}

// withPlannedTab is withTab for a container started from p, with id.
func withPlannedTab(t *testing.T, a *App, p plan, id string) *fakeContainer {
	t.Helper()
	f := newFakeContainer(t, id, p.Spec)
	drive(a, startedMsg{c: f, plan: p})
	tab := a.tabs[len(a.tabs)-1]
	t.Cleanup(tab.pane.Close)
	st := cgroup.Stats{Time: time.Unix(1000, 0)}
	st.Memory = cgroup.MemoryStats{Current: 12 << 20, Max: 48 << 20, Peak: 13 << 20, Anon: 10 << 20, File: 2 << 20}
	st.CPU = cgroup.CPUStats{Weight: 100, QuotaUsec: cgroup.Unlimited, PeriodUsec: 100000}
	st.Pids = cgroup.PidsStats{Current: 1, Max: cgroup.Unlimited}
	tab.panels.SetClock(func() time.Time { return time.Unix(1000, 0) })
	f.setStats(st)
	drive(a, sampleTickMsg{}) // the app reads it
	f.program(t, "BusyBox v1.35.0 built-in shell (ash)\r\n/ # ")
	eventually(t, "the prompt on screen", func() bool { return strings.Contains(plain(a), "/ # ") })
	return f
}

func TestLayoutGolden(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {200, 50}} {
		a, _ := onContainerScreen(t, size[0], size[1])
		withTab(t, a)
		requireGolden(t, "layout-"+sizeName(size), plain(a))
	}
}

// Every key goes to the container but the prefix; ctrl+g twice sends one.
func TestKeysGoToContainerExceptPrefix(t *testing.T) {
	a, _ := onContainerScreen(t, 120, 30)
	f := withTab(t, a)
	drive(a, text("l"))
	drive(a, text("s"))
	drive(a, press('c', tea.ModCtrl))
	drive(a, press('g', tea.ModCtrl))
	drive(a, press('g', tea.ModCtrl))
	f.expectInput(t, "ls\x03\x07")
	if a.overlay == overlayPrefix {
		t.Error("the prefix is still pending")
	}
}

func TestPrefixCommands(t *testing.T) {
	a, launches := onContainerScreen(t, 120, 30)
	withTab(t, a)

	drive(a, press('g', tea.ModCtrl))
	drive(a, text("?"))
	if !strings.Contains(plain(a), "vme50-tui keys") {
		t.Errorf("ctrl+g ? shows no help:\n%s", plain(a))
	}
	drive(a, text("z")) // any key closes it
	if strings.Contains(plain(a), "vme50-tui keys") {
		t.Error("the help stays")
	}

	// Quitting with a container running asks first.
	drive(a, press('g', tea.ModCtrl))
	drive(a, text("q"))
	if !strings.Contains(plain(a), "Quit?") || a.status == stopping {
		t.Errorf("ctrl+g q did not ask:\n%s", plain(a))
	}
	drive(a, text("n")) // not y: stay
	if a.status == stopping || strings.Contains(plain(a), "Quit?") {
		t.Error("answering n quit, or the question stayed")
	}

	// ctrl+g n: the form again, prefilled; Enter through starts a second.
	drive(a, press('g', tea.ModCtrl))
	drive(a, text("n"))
	if a.form == nil {
		t.Fatal("ctrl+g n shows no form")
	}
	for i := 0; i < 20 && len(*launches) == 0; i++ {
		drive(a, enter())
	}
	if len(*launches) != 1 {
		t.Errorf("the second form did not launch")
	}
}

// An ended container shows how it ended; r restarts it, x closes it.
func TestEndedTab(t *testing.T) {
	a, launches := onContainerScreen(t, 120, 30)
	f := withTab(t, a)
	id := f.ID()
	f.oomKill()
	deliver(t, a, "the end of the container", func() bool { return a.tabs[0].ended })
	if s := plain(a); !strings.Contains(s, "OOM-killed") {
		t.Errorf("the tab does not say OOM-killed:\n%s", s)
	}
	drive(a, text("r"))
	drive(a, text("r")) // a second r while the first is on its way: nothing
	if len(*launches) != 1 || (*launches)[0].Spec.Hostname != "box" || (*launches)[0].replaceID != id {
		t.Errorf("r did not restart once, in its tab, with the same settings: %+v", *launches)
	}
	drive(a, text("x"))
	if len(a.tabs) != 0 {
		t.Errorf("x did not close the tab")
	}
}

// Clicking a tab switches to it.
func TestClickSwitchesTab(t *testing.T) {
	a, _ := onContainerScreen(t, 120, 30)
	withTab(t, a)
	withTab(t, a)
	a.View()
	if a.active != 1 {
		t.Fatalf("active %d after the second start", a.active)
	}
	drive(a, tea.MouseClickMsg{X: 1, Y: 0, Button: tea.MouseLeft})
	if a.active != 0 {
		t.Errorf("a click on the first tab left %d active", a.active)
	}
	drive(a, tea.MouseClickMsg{X: a.bar.ends[0], Y: 0, Button: tea.MouseLeft}) // the second label's first cell
	if a.active != 1 {
		t.Errorf("a click on the second tab left %d active", a.active)
	}
	drive(a, tea.MouseClickMsg{X: a.bar.ends[1] + 2, Y: 0, Button: tea.MouseLeft}) // past the labels
	if a.active != 1 {
		t.Errorf("a click past the tabs switched to %d", a.active)
	}
}

// The form model also runs in a real Bubble Tea program.
func TestFormInProgram(t *testing.T) {
	a, _ := newTestApp(t, prefilled(t))
	tm := teatest.NewTestModel(t, a, teatest.WithInitialTermSize(80, 24))
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return strings.Contains(string(b), "New container") },
		teatest.WithDuration(5*time.Second))
	tm.Send(press(tea.KeyEscape, 0)) // esc with no container: quit
	tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
}

// A form whose values passed each field's check but not the whole Spec
// (the rootfs vanished between the two) shows the error in a fresh form,
// prefilled with what was typed, that takes keys again.
func TestFormFailedSubmitCanBeFixed(t *testing.T) {
	o := prefilled(t)
	a, launches := newTestApp(t, o)
	drive(a, a.Init())
	drive(a, tea.WindowSizeMsg{Width: 80, Height: 24})
	// Fill the form to the end without letting its submit through.
	formOnly := func(msg tea.Msg) {
		queue := []tea.Msg{msg}
		for len(queue) > 0 {
			m := queue[0]
			queue = queue[1:]
			if _, ok := m.(FormSubmitMsg); ok {
				continue // held back: this submit is the one that fails
			}
			_, cmd := a.form.Update(m)
			queue = append(queue, runAll(a, cmd)...)
		}
	}
	for i := 0; i < 20 && !a.form.Submitted(); i++ {
		formOnly(enter())
	}
	if !a.form.Submitted() {
		t.Fatal("the form did not complete")
	}
	drive(a, errMsg{errors.New("--rootfs: not a directory")})
	if len(*launches) != 0 || a.form == nil || a.form.Submitted() {
		t.Fatalf("no fresh form after a failed submit (launches %d)", len(*launches))
	}
	if s := plain(a); !strings.Contains(s, "not a directory") || !strings.Contains(s, "48M") {
		t.Errorf("the error or the typed values are not shown:\n%s", s)
	}
	for i := 0; i < 20 && len(*launches) == 0; i++ {
		drive(a, enter())
	}
	if len(*launches) != 1 {
		t.Error("the fresh form does not launch")
	}
}
