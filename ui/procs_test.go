package ui

import (
	"bytes"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/charmbracelet/colorprofile"

	"vme50-tui/runtime"
)

// The memory lesson's processes: the shell, the hog and a child of it.
func lessonProcs(cpu time.Duration) []runtime.Process {
	return []runtime.Process{
		{PID: 4200, NSPID: 1, PPID: 4100, Command: "/bin/sh", State: "S", Threads: 1, RSS: 1 << 20, CPU: 30 * time.Millisecond},
		{PID: 4242, NSPID: 7, PPID: 4200, Command: "vme50-hog mem", State: "R", Threads: 3, RSS: 40 << 20, CPU: cpu},
		{PID: 4243, NSPID: 8, PPID: 4242, Command: "vme50-hog mem --child", State: "S", Threads: 1, RSS: 2 << 20},
	}
}

var hogVictim = runtime.OOMKill{Cgroup: "/vme50/3f2a9c1d0b7e", Task: "vme50-hog", PID: 4250, ContainerPID: 9,
	TotalVM: 80 << 20, AnonRSS: 63<<20 + 200<<10, FileRSS: 1 << 20, ShmemRSS: 0}

// The CPU share is the growth of CPU time over the wall time between two
// readings; the rows go by RSS; the OOM killer's victim is a row of its
// own, marked killed, with all it held resident.
func TestProcListReadings(t *testing.T) {
	l := NewProcList("box", "cgroup.procs")
	l.SetSize(100, 12)
	at := time.Unix(1000, 0)
	l.Set(lessonProcs(time.Second), nil, nil, at)
	if _, ok := l.CPU(4242); ok {
		t.Error("a CPU share from one reading")
	}
	l.Set(lessonProcs(time.Second+125*time.Millisecond), []runtime.OOMKill{hogVictim}, nil, at.Add(250*time.Millisecond))
	if c, ok := l.CPU(4242); !ok || c < 49.9 || c > 50.1 {
		t.Errorf("CPU share %v %v, want 50%% (125 ms in 250 ms)", c, ok)
	}
	var order []int
	for _, p := range l.Processes() {
		order = append(order, p.PID)
	}
	if want := []int{4242, 4243, 4200}; !equalInts(order, want) {
		t.Errorf("order %v, want %v (by RSS)", order, want)
	}
	view := stripANSI(l.View())
	checkViewSize(t, l.View(), 100, 12)
	wantContains(t, view, "Processes of box: 3 in cgroup.procs, 1 OOM-killed · by RSS",
		"4242      7  running", "50.0  vme50-hog mem", "killed (OOM)", "64.2 MiB")
	// A pid gone takes its last reading with it: a new process may get it.
	l.Set(lessonProcs(2 * time.Second)[:1], nil, nil, at.Add(500*time.Millisecond))
	if _, ok := l.CPU(4242); ok {
		t.Error("a CPU share kept for a process gone")
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// However many processes run, the latest kill shows.
func TestProcListVictimAlwaysShows(t *testing.T) {
	var many []runtime.Process
	for i := range 40 {
		many = append(many, runtime.Process{PID: 5000 + i, NSPID: 10 + i, Command: "sleep 60", State: "S", Threads: 1, RSS: 1 << 20})
	}
	l := NewProcList("box", "cgroup.procs")
	l.SetSize(80, 10)
	l.Set(many, []runtime.OOMKill{hogVictim}, nil, time.Unix(1000, 0))
	view := stripANSI(l.View())
	checkViewSize(t, l.View(), 80, 10)
	wantContains(t, view, "killed (OOM)", "…")
}

// countingContainer counts the reads of its processes.
type countingContainer struct {
	*fakeContainer
	reads atomic.Int32
}

func (c *countingContainer) Processes() ([]runtime.Process, error) {
	c.reads.Add(1)
	return c.fakeContainer.Processes()
}

// onProcsScreen is an app of w x h with one container running the memory
// lesson's processes, its reads counted.
func onProcsScreen(t *testing.T, w, h int) (*App, *countingContainer) {
	t.Helper()
	a, _ := onContainerScreen(t, w, h)
	f := withTab(t, a)
	c := &countingContainer{fakeContainer: f}
	a.tabs[0].c = c
	f.setProcesses(lessonProcs(time.Second))
	return a, c
}

// The list is read at the readings' pace while it is on screen, and not
// at all while it is hidden: by another view, the help, or ctrl+g t.
func TestProcsReadOnlyWhileShown(t *testing.T) {
	a, c := onProcsScreen(t, 80, 24)
	for range 3 {
		drive(a, sampleTickMsg{})
	}
	if n := c.reads.Load(); n != 0 {
		t.Fatalf("%d reads of the processes while the list is hidden", n)
	}
	prefix(a, text("t"))
	if n := c.reads.Load(); n != 1 {
		t.Fatalf("%d reads on ctrl+g t, want 1 at once", n)
	}
	drive(a, sampleTickMsg{})
	drive(a, sampleTickMsg{})
	if n := c.reads.Load(); n != 3 {
		t.Errorf("%d reads after two ticks shown, want 3", n)
	}
	if !strings.Contains(plain(a), "vme50-hog mem") {
		t.Errorf("the list does not show the hog:\n%s", plain(a))
	}
	prefix(a, text("?")) // the help covers it
	drive(a, sampleTickMsg{})
	drive(a, esc())
	prefix(a, text("t"))
	drive(a, sampleTickMsg{})
	if n := c.reads.Load(); n != 3 {
		t.Errorf("%d reads, want none more while hidden (3)", n)
	}
	if strings.Contains(plain(a), "vme50-hog mem") {
		t.Error("ctrl+g t again left the list on screen")
	}
}

// The list in the terminal's place, as the class sees it: beside the
// panels on a big screen, over the summary on a small one; after an OOM
// kill, its victim marked without colour too.
func TestProcsGolden(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {200, 50}} {
		a, c := onProcsScreen(t, size[0], size[1])
		prefix(a, text("t"))
		c.setProcesses(lessonProcs(time.Second + 100*time.Millisecond))
		c.addVictim(hogVictim)
		l := a.tabs[0].procs
		l.Set(lessonProcs(time.Second), nil, nil, time.Unix(1000, 0)) // the readings' times, fixed
		l.Set(lessonProcs(time.Second+100*time.Millisecond), []runtime.OOMKill{hogVictim}, nil, time.Unix(1000, 250e6))
		requireGolden(t, "procs-"+sizeName(size), plain(a))
	}
	a, _ := onProcsScreen(t, 80, 24)
	prefix(a, text("t"))
	l := a.tabs[0].procs
	l.Set(lessonProcs(time.Second), []runtime.OOMKill{hogVictim}, nil, time.Unix(1000, 0))
	mono := noColor(t, a.View().Content)
	requireGolden(t, "procs-80x24-nocolor", mono)
	if !strings.Contains(mono, "killed (OOM)") {
		t.Error("the victim is not marked in words")
	}
}

// noColor is the screen as NO_COLOR draws it.
func noColor(t *testing.T, s string) string {
	t.Helper()
	var b bytes.Buffer
	w := &colorprofile.Writer{Forward: &b, Profile: colorprofile.ASCII}
	if _, err := w.Write([]byte(s)); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// oomReading is the tab's reading with n OOM kills counted.
func oomReading(f *fakeContainer, n uint64, at time.Time) {
	st, _ := f.Stats()
	st.Time = at
	st.Memory.Events.OOMKill = n
	f.setStats(st)
}

// An OOM kill counted, and the kernel's report of it: the status names
// the victim. The report may come first or after; without one within a
// second, the status tells the count alone.
func TestOOMKillStatus(t *testing.T) {
	a, _ := onContainerScreen(t, 80, 24)
	f := withTab(t, a)
	clock := time.Unix(2000, 0)
	a.now = func() time.Time { return clock }

	oomReading(f, 1, time.Unix(1001, 0))
	drive(a, sampleTickMsg{})
	if a.status != "" {
		t.Errorf("status %q before the kernel's report", a.status)
	}
	f.addVictim(hogVictim)
	clock = clock.Add(250 * time.Millisecond)
	drive(a, sampleTickMsg{})
	want := "the kernel killed vme50-hog (pid 9 in the container), anon-rss 63.2 MiB"
	if a.status != want {
		t.Errorf("status %q\nwant   %q", a.status, want)
	}
	if !strings.Contains(plain(a), want) {
		t.Errorf("the bottom line does not say it:\n%s", plain(a))
	}

	// The next kill, whose report never comes: the count, a second on.
	drive(a, text("x")) // a key clears the status
	oomReading(f, 2, time.Unix(1002, 0))
	drive(a, sampleTickMsg{})
	clock = clock.Add(900 * time.Millisecond)
	drive(a, sampleTickMsg{})
	if a.status != "" {
		t.Errorf("status %q before a second has passed", a.status)
	}
	clock = clock.Add(200 * time.Millisecond)
	drive(a, sampleTickMsg{})
	if want := "the OOM killer killed a process (memory.events: oom_kill 2); the kernel's log did not say which"; a.status != want {
		t.Errorf("status %q\nwant   %q", a.status, want)
	}
}

// A kill in a container of another tab names that tab.
func TestOOMKillStatusOtherTab(t *testing.T) {
	a, _ := onContainerScreen(t, 80, 24)
	f := withTab(t, a)
	spec := runtime.Spec{Rootfs: testRootfs(t), Args: []string{"/bin/sh"}, Hostname: "other"}
	withPlannedTab(t, a, plan{FormValues{Options: prefilled(t)}, spec}, "9d8c7b6a5f4e")
	f.addVictim(hogVictim)
	oomReading(f, 1, time.Unix(1001, 0))
	drive(a, sampleTickMsg{})
	drive(a, sampleTickMsg{})
	if want := "box: the kernel killed vme50-hog"; !strings.HasPrefix(a.status, want) {
		t.Errorf("status %q, want it to start %q", a.status, want)
	}
}

// The container's end empties its list but for the OOM killer's victims.
func TestProcsAfterOOMEnd(t *testing.T) {
	a, c := onProcsScreen(t, 80, 24)
	prefix(a, text("t"))
	wantContains(t, plain(a), "/bin/sh", "vme50-hog mem")
	c.addVictim(hogVictim)
	c.oomKill()
	eventually(t, "the tab ended", func() bool {
		drive(a, sampleTickMsg{})
		return a.tabs[0].ended
	})
	screen := plain(a)
	wantContains(t, screen, "Processes of box: 0 in cgroup.procs, 1 OOM-killed", "killed (OOM)", "vme50-hog")
	wantLacks(t, screen, "/bin/sh")
	wantContains(t, a.status, "the kernel killed vme50-hog (pid 9 in the container)")
}

// Drawing the list, as the app does at every reading while it is shown.
func BenchmarkProcListSetView(b *testing.B) {
	l := NewProcList("box", "cgroup.procs")
	l.SetSize(136, 48)
	at := time.Unix(1000, 0)
	for b.Loop() {
		at = at.Add(250 * time.Millisecond)
		l.Set(lessonProcs(time.Duration(at.UnixNano())), []runtime.OOMKill{hogVictim}, nil, at)
		_ = l.View()
	}
}

// A tab whose container ended before its list was ever shown: one
// reading, for its victims, then none.
func TestProcsOfEndedTabReadOnce(t *testing.T) {
	a, c := onProcsScreen(t, 80, 24)
	c.addVictim(hogVictim)
	c.oomKill()
	eventually(t, "the tab ended", func() bool {
		drive(a, sampleTickMsg{})
		return a.tabs[0].ended
	})
	a.views.procs = true // shown since, as on switching to this tab
	drive(a, sampleTickMsg{})
	drive(a, sampleTickMsg{})
	if n := c.reads.Load(); n != 1 {
		t.Errorf("%d reads of an ended container's processes, want 1", n)
	}
	wantContains(t, plain(a), "killed (OOM)")
}

// A container attached from the host view: its kills before it was
// opened here are old news; a kill after is told.
func TestOOMKillStatusAttached(t *testing.T) {
	a, _ := onContainerScreen(t, 120, 30)
	f := newFakeContainer(t, "bbbb00000002", runtime.Spec{Hostname: "big", Args: []string{"/bin/sh"}})
	f.noPty = true
	f.addVictim(hogVictim)
	oomReading(f, 1, time.Unix(1000, 0))
	drive(a, attachedMsg{c: f, owner: 4242})
	drive(a, sampleTickMsg{})
	drive(a, sampleTickMsg{})
	if a.status != "" {
		t.Errorf("status %q for a kill before the tab was opened", a.status)
	}
	f.addVictim(runtime.OOMKill{Task: "vme50-hog", PID: 4300, ContainerPID: 12, AnonRSS: 40 << 20})
	oomReading(f, 2, time.Unix(1001, 0))
	drive(a, sampleTickMsg{})
	drive(a, sampleTickMsg{})
	if want := "the kernel killed vme50-hog (pid 12 in the container), anon-rss 40.0 MiB"; a.status != want {
		t.Errorf("status %q\nwant   %q", a.status, want)
	}
}
