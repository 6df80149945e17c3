package ui

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"vme50-tui/cgroup"
	"vme50-tui/record"
	"vme50-tui/runtime"
)

// Each lesson sets the limit the issue asks for, with a vme50-hog
// workload, and keeps the user's rootfs, network and overlay.
func TestLessonsSettings(t *testing.T) {
	base := prefilled(t)
	base.Network, base.Overlay = "none", false
	base.MemoryHigh, base.DeviceWriteBps = "100M", []string{"8:0:1m"} // the form's, replaced by each lesson's own
	want := []struct {
		limits cgroup.Limits
		args   string
	}{
		// The default pids.max unless the lesson is about it; no swap
		// (memory+swap = memory) where a memory limit is set.
		{cgroup.Limits{MemoryMax: 64 << 20, MemorySwap: 64 << 20, PidsMax: 1024}, "vme50-hog mem"},
		{cgroup.Limits{CPUQuotaUsec: 50000, CPUPeriodUsec: 100000, PidsMax: 1024}, "vme50-hog cpu --seconds 60"},
		{cgroup.Limits{CPUWeight: 100, PidsMax: 1024}, "vme50-hog cpu --seconds 60"},
		{cgroup.Limits{PidsMax: 30}, "vme50-hog fork"},
		{cgroup.Limits{MemoryMax: 256 << 20, MemorySwap: 256 << 20, PidsMax: 1024}, "vme50-hog mem --cache 96M --max 96M --hold 600"},
		// cgroup v2's: the soft limit, the disk's bandwidth, the freezer, PSI.
		{cgroup.Limits{MemoryMax: 128 << 20, MemoryHigh: 24 << 20, MemorySwap: 128 << 20, PidsMax: 1024},
			"vme50-hog mem --rate 64M/s --max 96M --hold 60"},
		{cgroup.Limits{PidsMax: 1024}, "vme50-hog io --seconds 60"},
		{cgroup.Limits{PidsMax: 1024}, "/bin/sh -c 'vme50-hog cpu --threads 1 --seconds 120 & exec /bin/sh'"},
		{cgroup.Limits{CPUQuotaUsec: 20000, CPUPeriodUsec: 100000, PidsMax: 1024}, "vme50-hog cpu --threads 2 --seconds 60"},
		// The network: two shells on the bridge, whatever the form said.
		{cgroup.Limits{PidsMax: 1024}, "/bin/sh"},
	}
	if len(Lessons) != len(want) {
		t.Fatalf("%d lessons", len(Lessons))
	}
	_, noDisk := rootfsDisk(base.Rootfs)
	for i, l := range Lessons {
		o := base
		l.Fill(&o)
		if l.Title == "io.max throttles the disk" && noDisk != nil {
			t.Logf("%s: not checked here: %v", l.Title, noDisk)
			continue
		}
		spec, err := o.Spec()
		if err != nil {
			t.Fatalf("%s: %v", l.Title, err)
		}
		if spec.Limits != want[i].limits || joinWords(spec.Args) != want[i].args {
			t.Errorf("%s: limits %+v args %q", l.Title, spec.Limits, joinWords(spec.Args))
		}
		if wantIO := l.Title == "io.max throttles the disk"; wantIO != (len(spec.IO) == 1) ||
			wantIO && (spec.IO[0].ReadBps != 2<<20 || spec.IO[0].WriteBps != 0) {
			t.Errorf("%s: io limits %+v", l.Title, spec.IO)
		}
		if l.Title == "A network namespace of your own" {
			if o.Network != "bridge" || len(l.Twins) != 1 || !strings.Contains(l.Watch(cgroup.Files{}), "vme50br0") {
				t.Errorf("%s: network %q, %d twins", l.Title, o.Network, len(l.Twins))
			}
			continue
		}
		if spec.Rootfs != base.Rootfs || o.Network != "none" || spec.Overlay {
			t.Errorf("%s changed the user's rootfs, network or overlay", l.Title)
		}
		if w := l.Watch(cgroup.NewHost(cgroup.V1, "/x", nil).Files()); !slices.ContainsFunc(
			[]string{"memory.", "cpu.", "pids.", "blkio.", "freezer."}, func(f string) bool { return strings.Contains(w, f) }) {
			t.Errorf("%s: the text names no cgroup file: %q", l.Title, w)
		}
	}
	if s := Lessons[2].Settings(); !strings.Contains(s, "--cpu-shares 100 ") || !strings.Contains(s, "--cpu-shares 400 ") {
		t.Errorf("the weights lesson's settings: %q", s)
	}
}

// The lessons of cgroup v2's own ideas say in the menu why they cannot
// run on a host, instead of launching and failing: v1, no PSI, no disk
// under the rootfs, no freezer; and their run lines name what they set.
func TestLessonsCannotRunSayWhy(t *testing.T) {
	byTitle := map[string]*Lesson{}
	for _, l := range Lessons {
		byTitle[l.Title] = l
	}
	high, io, freeze, pressure := byTitle["memory.high slows, it does not kill"], byTitle["io.max throttles the disk"],
		byTitle["Freeze and thaw"], byTitle["CPU pressure climbs"]
	if high == nil || io == nil || freeze == nil || pressure == nil {
		t.Fatalf("lessons %v", byTitle)
	}
	v1 := LessonHost{Version: cgroup.V1, PressureNote: "pressure: cgroup v2 only", NoFreezer: true, NoIO: true}
	v2 := LessonHost{Version: cgroup.V2}
	noPSI := LessonHost{Version: cgroup.V2, PressureNote: "pressure: not enabled in this kernel (psi=1)"}
	for _, tc := range []struct {
		l    *Lesson
		host LessonHost
		want string // "": it runs
	}{
		{high, v1, "needs cgroup v2"},
		{high, v2, ""},
		{pressure, v1, "needs PSI: pressure: cgroup v2 only"},
		{pressure, noPSI, "needs PSI: pressure: not enabled in this kernel (psi=1)"},
		{pressure, v2, ""},
		{freeze, v1, "the freezer hierarchy is not mounted"},
		{freeze, v2, ""},
		{io, v1, "the blkio hierarchy is not mounted"},
		{io, LessonHost{Version: cgroup.V2, NoIO: true}, "the io controller is not offered"},
		{io, LessonHost{Version: cgroup.V2, NoDisk: diskWhy("")}, "no rootfs chosen"},
	} {
		got := tc.l.why(tc.host)
		if tc.want == "" && got != "" || !strings.Contains(got, tc.want) {
			t.Errorf("%s on %+v: %q, want %q", tc.l.Title, tc.host, got, tc.want)
		}
	}
	if s := high.Settings(); s != "--memory-limit 128M --memory-high 24M --hostname mem-high vme50-hog mem --rate 64M/s --max 96M --hold 60" {
		t.Errorf("memory.high's run line: %q", s)
	}
	if s := io.Settings(); !strings.HasPrefix(s, "--device-read-bps DEV:2m --hostname io-hog vme50-hog io") {
		t.Errorf("io.max's run line without a rootfs: %q", s)
	}
	if s := pressure.Settings(); s != "--cpus 0.2 --hostname pressure vme50-hog cpu --threads 2 --seconds 60" {
		t.Errorf("pressure's run line: %q", s)
	}

	// The menu marks them and says why; enter and e launch nothing.
	m := NewLessonMenu(cgroup.NewHost(cgroup.V1, "/x", nil).Files(), v1)
	m.SetWidth(120)
	for m.Selected() != high {
		m.Update(press(tea.KeyDown, 0))
	}
	view := ansi.Strip(m.View())
	wantContains(t, view, "6  memory.high slows, it does not kill  (not on this host)",
		"Cannot run on this host: needs cgroup v2", "vme50-tui run --memory-limit 128M --memory-high 24M",
		"9  CPU pressure climbs  (not on this host)")
	wantLacks(t, view, "5  Squeeze the memory  (not")
	for _, k := range []tea.KeyPressMsg{enter(), text("e"), text("6")} {
		if _, cmd := m.Update(k); cmd != nil {
			t.Errorf("%q on a lesson that cannot run here: %v", k.String(), cmd())
		}
	}
}

// "Squeeze the memory" holds anonymous memory and page cache under 256M,
// and its text tells the teacher to step the limit down and what each
// version does at the end: page cache first, then v2's OOM kill or v1's
// EBUSY; its command is in the menu.
func TestSqueezeLesson(t *testing.T) {
	var l *Lesson
	for _, each := range Lessons {
		if each.Title == "Squeeze the memory" {
			l = each
		}
	}
	if l == nil {
		t.Fatal("no lesson Squeeze the memory")
	}
	if s := l.Settings(); s != "--memory-limit 256M --hostname squeeze vme50-hog mem --cache 96M --max 96M --hold 600" {
		t.Errorf("settings %q", s)
	}
	v1 := l.Watch(cgroup.NewHost(cgroup.V1, "/x", nil).Files())
	v2 := l.Watch(cgroup.NewHost(cgroup.V2, "/x", nil).Files())
	for _, want := range []string{"ctrl+g -", "ctrl+g u", "page cache first", "memory.stat"} {
		if !strings.Contains(v1, want) || !strings.Contains(v2, want) {
			t.Errorf("the text lacks %q:\nv1: %s\nv2: %s", want, v1, v2)
		}
	}
	if !strings.Contains(v2, "file in memory.stat") || !strings.Contains(v2, "OOM-killed") || !strings.Contains(v2, "memory.max") {
		t.Errorf("v2 text: %s", v2)
	}
	if !strings.Contains(v1, "total_cache in memory.stat") || !strings.Contains(v1, "EBUSY") ||
		!strings.Contains(v1, "memory.limit_in_bytes") {
		t.Errorf("v1 text: %s", v1)
	}
	a, _ := newTestApp(t, prefilled(t))
	drive(a, a.Init())
	drive(a, tea.WindowSizeMsg{Width: 120, Height: 40})
	drive(a, press('g', tea.ModCtrl))
	drive(a, text("l"))
	for range Lessons {
		if a.lessons.Selected() == l {
			break
		}
		drive(a, press(tea.KeyDown, 0))
	}
	if s := plain(a); !strings.Contains(s, "vme50-tui run --memory-limit 256M --hostname squeeze vme50-hog mem --cache 96M") ||
		!strings.Contains(s, "page cache first") {
		t.Errorf("the menu does not show the lesson:\n%s", s)
	}
}

// ctrl+g l on the start screen opens the menu; the arrow and enter launch
// the lesson under the cursor, with the user's rootfs.
func TestLessonMenuFromStartScreen(t *testing.T) {
	user := prefilled(t)
	a, launches := newTestApp(t, user)
	drive(a, a.Init())
	drive(a, tea.WindowSizeMsg{Width: 80, Height: 24})
	if s := plain(a); !strings.Contains(s, "Lessons: ctrl+g l") {
		t.Fatalf("the start screen does not offer the lessons:\n%s", s)
	}
	drive(a, press('g', tea.ModCtrl))
	drive(a, text("l"))
	s := plain(a)
	for _, l := range Lessons {
		if !strings.Contains(s, l.Title) {
			t.Errorf("the menu lacks %q:\n%s", l.Title, s)
		}
	}
	if !strings.Contains(s, "vme50-tui run --memory-limit 64M --hostname mem-hog vme50-hog mem") {
		t.Errorf("the menu does not show the first lesson's command:\n%s", s)
	}
	drive(a, press(tea.KeyDown, 0))
	if !strings.Contains(plain(a), "--cpus 0.5") {
		t.Errorf("down did not select the CPU quota lesson:\n%s", plain(a))
	}
	drive(a, enter())
	if len(*launches) != 1 {
		t.Fatalf("%d launches", len(*launches))
	}
	l := (*launches)[0]
	if l.Lesson != Lessons[1] || l.Spec.Limits.CPUQuotaUsec != 50000 || l.Spec.Rootfs != user.Rootfs ||
		l.Spec.Args[0] != "vme50-hog" {
		t.Errorf("launched %+v", l.plan)
	}
	if a.form != nil || a.lessons != nil {
		t.Error("the form or the menu is still on screen")
	}
}

// esc leaves the menu, back to where it was opened.
func TestLessonMenuEscReturns(t *testing.T) {
	a, launches := newTestApp(t, prefilled(t))
	drive(a, a.Init())
	drive(a, tea.WindowSizeMsg{Width: 80, Height: 24})
	drive(a, press('g', tea.ModCtrl))
	drive(a, text("l"))
	drive(a, press(tea.KeyEscape, 0))
	if a.lessons != nil || a.form == nil || len(*launches) != 0 {
		t.Errorf("esc: menu %v form %v launches %d", a.lessons != nil, a.form != nil, len(*launches))
	}
	if !strings.Contains(plain(a), "New container") {
		t.Errorf("not back at the form:\n%s", plain(a))
	}
}

// e fills the form instead of launching: the lesson's values and text are
// there, and the form launches the lesson.
func TestLessonEditInForm(t *testing.T) {
	a, launches := onContainerScreen(t, 120, 40)
	withTab(t, a)
	drive(a, press('g', tea.ModCtrl))
	drive(a, text("l"))
	drive(a, text("e"))
	s := plain(a)
	if !strings.Contains(s, "Lesson: Memory limit bites") || !strings.Contains(s, "64M") || !strings.Contains(s, "vme50-hog mem") {
		t.Fatalf("the form does not hold the lesson:\n%s", s)
	}
	for i := 0; i < 20 && len(*launches) == 0; i++ {
		drive(a, enter())
	}
	if len(*launches) != 1 || (*launches)[0].Lesson != Lessons[0] || (*launches)[0].Spec.Limits.MemoryMax != 64<<20 {
		t.Fatalf("launches %+v", *launches)
	}
}

// A lesson whose settings fail a check (no rootfs) opens the form, with
// the error, to fix it there.
func TestLessonWithBadRootfsOpensForm(t *testing.T) {
	o := prefilled(t)
	o.Rootfs = filepath.Join(t.TempDir(), "missing")
	a, launches := newTestApp(t, o)
	drive(a, a.Init())
	drive(a, tea.WindowSizeMsg{Width: 120, Height: 40})
	drive(a, press('g', tea.ModCtrl))
	drive(a, text("l"))
	drive(a, text("1"))
	if len(*launches) != 0 || a.form == nil || a.form.lesson != Lessons[0] {
		t.Fatalf("launches %d, form %v", len(*launches), a.form != nil)
	}
	if s := plain(a); !strings.Contains(s, "--rootfs") || !strings.Contains(s, "Lesson: Memory limit bites") {
		t.Errorf("no error or no lesson:\n%s", s)
	}
}

// The weights lesson starts two containers, 100 and 400, in order, and
// opens the compare view; twins record into files of their own.
func TestWeightsLessonStartsTwins(t *testing.T) {
	a, launches := onContainerScreen(t, 120, 40)
	withTab(t, a)
	drive(a, press('g', tea.ModCtrl))
	drive(a, text("l"))
	drive(a, text("3"))
	if len(*launches) != 2 {
		t.Fatalf("%d launches", len(*launches))
	}
	first, second := (*launches)[0], (*launches)[1]
	if first.Spec.Limits.CPUWeight != 100 || second.Spec.Limits.CPUWeight != 400 ||
		first.Spec.Hostname != "weight-100" || second.Spec.Hostname != "weight-400" {
		t.Errorf("weights %d %d, hostnames %s %s", first.Spec.Limits.CPUWeight, second.Spec.Limits.CPUWeight,
			first.Spec.Hostname, second.Spec.Hostname)
	}
	if !a.views.compare {
		t.Error("the compare view is not open")
	}
	p := first.plan
	p.Record = "/tmp/run.csv"
	twins, err := p.twins()
	if err != nil || len(twins) != 1 || twins[0].Record != "/tmp/run-weight-400.csv" {
		t.Errorf("twins %+v %v", twins, err)
	}
}

// cpuReading is a reading at second sec with usec of CPU used so far.
func cpuReading(sec int64, usec uint64) cgroup.Stats {
	st := cgroup.Stats{Time: time.Unix(sec, 0)}
	st.Memory = cgroup.MemoryStats{Current: 2 << 20, Max: cgroup.Unlimited}
	st.CPU = cgroup.CPUStats{Weight: 100, QuotaUsec: cgroup.Unlimited, PeriodUsec: 100000, UsageUsec: usec}
	st.Pids = cgroup.PidsStats{Current: 3, Max: cgroup.Unlimited}
	return st
}

// The compare view shows each running container's share of the cores
// used, from its readings; an ended one gives way to the running ones.
func TestCompareViewShowsSplit(t *testing.T) {
	a, _ := onContainerScreen(t, 160, 40)
	withTab(t, a) // "box", ended below
	ids := []string{"aaaaaaaa0001", "bbbbbbbb0002"}
	for i, name := range []string{"weight-100", "weight-400"} {
		o := prefilled(t)
		o.Hostname = name
		spec, err := o.Spec()
		if err != nil {
			t.Fatal(err)
		}
		withPlannedTab(t, a, plan{FormValues{Options: o, Lesson: Lessons[2]}, spec}, ids[i])
	}
	drive(a, endedMsg{id: "3f2a9c1d0b7e"})
	for i, usec := range []uint64{400000, 1600000} { // 0.4 and 1.6 cores over a second
		drive(a, statsMsg{id: ids[i], stats: cpuReading(2000, 0)})
		drive(a, statsMsg{id: ids[i], stats: cpuReading(2001, usec)})
	}
	drive(a, press('g', tea.ModCtrl))
	drive(a, text("c"))
	s := plain(a)
	for _, want := range []string{"weight-100", "weight-400", " 20% of all cores used", " 80% of all cores used",
		"0.40 cores", "1.60 cores", "Lesson: CPU weights compete"} {
		if !strings.Contains(s, want) {
			t.Errorf("compare view lacks %q:\n%s", want, s)
		}
	}
	if strings.Contains(s, "3f2a9c1d box ·") {
		t.Errorf("the ended container is shown beside running ones:\n%s", s)
	}
	drive(a, press('g', tea.ModCtrl))
	drive(a, text("c"))
	if strings.Contains(plain(a), "of all cores used") {
		t.Error("ctrl+g c did not close the compare view")
	}
}

// ctrl+g j swaps the panels for the kernel log of the container.
func TestKernelLogToggle(t *testing.T) {
	a, _ := onContainerScreen(t, 160, 40)
	withTab(t, a)
	drive(a, press('g', tea.ModCtrl))
	drive(a, text("j"))
	s := plain(a)
	if !strings.Contains(s, "kernel log ·") || strings.Contains(s, "pids.current") {
		t.Errorf("no kernel log instead of the panels:\n%s", s)
	}
	drive(a, press('g', tea.ModCtrl))
	drive(a, text("j"))
	if s := plain(a); strings.Contains(s, "kernel log ·") || !strings.Contains(s, "pids.current") {
		t.Errorf("the panels did not come back:\n%s", s)
	}
}

// The log shows its newest lines, each with its time and source, long
// ones wrapped; the wheel scrolls back to the first.
func TestKernelLogView(t *testing.T) {
	t0 := time.Unix(1000, 0)
	var entries []runtime.LogEntry
	entries = append(entries, runtime.LogEntry{Time: t0, From: runtime.FromParent, Text: "mkdir /sys/fs/cgroup/vme50/3f2a"})
	for i := range 30 {
		entries = append(entries, runtime.LogEntry{Time: t0.Add(time.Duration(i) * time.Millisecond), From: runtime.FromInit,
			Text: "mount -t tmpfs tmpfs " + runtime.StateDir + "/3f2a/merged/dev -o nosuid,strictatime,mode=755,size=65536k"})
	}
	entries = append(entries, runtime.LogEntry{Time: t0.Add(3200 * time.Millisecond), From: runtime.FromKernel,
		Text: "memory.events oom_kill 0 -> 1"})
	l := NewKernelLog()
	l.SetSize(50, 12)
	l.SetEntries(entries)
	rows := plainRows(l.View())
	if len(rows) != 12 {
		t.Fatalf("%d rows", len(rows))
	}
	s := strings.Join(rows, "\n")
	if !strings.Contains(s, "+3.2s kernel memory.events oom_kill 0 -> 1") || strings.Contains(s, "mkdir") {
		t.Errorf("not the newest lines:\n%s", s)
	}
	if strings.Contains(s, runtime.StateDir+"/3f2a") || !strings.Contains(s, "…/3f2a") {
		t.Errorf("the state directory is not shortened:\n%s", s)
	}
	for _, r := range rows {
		if w := len([]rune(r)); w != 50 {
			t.Errorf("row of %d cells: %q", w, r)
		}
	}
	for range 40 {
		l.Update(tea.MouseWheelMsg{Button: tea.MouseWheelUp})
	}
	if s := plain2(l.View()); !strings.Contains(s, "+0.0ms parent mkdir /sys/fs/cgroup/vme50/3f2a") {
		t.Errorf("the wheel does not reach the first line:\n%s", s)
	}
}

func plain2(view string) string { return strings.Join(plainRows(view), "\n") }

// A container started with a recording writes the contract's CSV: the
// header, a row per reading, the final reading last; the file is closed
// at the end.
func TestRecordingPerContainer(t *testing.T) {
	a, _ := onContainerScreen(t, 120, 30)
	path := filepath.Join(t.TempDir(), "box.csv")
	o := prefilled(t)
	spec, err := o.Spec()
	if err != nil {
		t.Fatal(err)
	}
	withPlannedTab(t, a, plan{FormValues{Options: o, Record: path}, spec}, "cccccccc0003")
	tb := a.tabs[0]
	readings := []cgroup.Stats{cpuReading(3000, 1000), cpuReading(3001, 2000)}
	final := cpuReading(3002, 2500)
	final.Memory.Events.OOMKill = 1
	for _, st := range readings {
		drive(a, statsMsg{id: "cccccccc0003", stats: st})
	}
	drive(a, endedMsg{id: "cccccccc0003", result: runtime.Result{ExitCode: 137, Stats: final}})
	if tb.rec != nil {
		t.Error("the recording is still open after the end")
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	// withPlannedTab pushed one reading of its own first.
	if len(lines) != 5 || lines[0] != record.Header {
		t.Fatalf("recording:\n%s", data)
	}
	if !strings.Contains(lines[2], ",2097152,,,0,1000,0,0,3,") || !strings.Contains(lines[4], ",2097152,,,1,2500,0,0,3,") {
		t.Errorf("rows:\n%s", data)
	}
}

// A container's final reading can be older than a sample taken while its
// cgroup was being removed; the panels keep the newer one (and so their
// rates: a reading going back in time would read as a counter reset).
func TestEndedKeepsNewerReading(t *testing.T) {
	a, _ := onContainerScreen(t, 160, 40)
	withTab(t, a)
	id := a.tabs[0].c.ID()
	drive(a, statsMsg{id: id, stats: cpuReading(2000, 0)})
	drive(a, statsMsg{id: id, stats: cpuReading(2001, 500000)})
	final := cpuReading(2000, 400000)
	final.Time = final.Time.Add(500 * time.Millisecond)
	drive(a, endedMsg{id: id, result: runtime.Result{Stats: final}})
	if s := plain(a); !strings.Contains(s, "0.50 cores") {
		t.Errorf("the rate is gone after the end:\n%s", s)
	}
}

// The form's user namespace field reaches the Spec, as --userns does.
func TestFormUserNamespace(t *testing.T) {
	o := prefilled(t)
	o.UserNS = true
	a, launches := newTestApp(t, o)
	drive(a, a.Init())
	drive(a, tea.WindowSizeMsg{Width: 80, Height: 24})
	for i := 0; i < 20 && len(*launches) == 0; i++ {
		drive(a, enter())
	}
	if len(*launches) != 1 || (*launches)[0].Spec.UserNS == nil {
		t.Fatalf("launches %+v", *launches)
	}
	if m := (*launches)[0].Spec.UserNS; m.HostID < 1 || m.Size != 65536 {
		t.Errorf("map %+v", m)
	}
}

// A lesson opened over the form starts from what the form holds now: a
// user namespace switched on there stays on.
func TestLessonKeepsFormValues(t *testing.T) {
	a, launches := newTestApp(t, prefilled(t))
	drive(a, a.Init())
	drive(a, tea.WindowSizeMsg{Width: 120, Height: 40})
	a.form.opts.UserNS = true // as if switched on in the form
	a.form.opts.Network = "none"
	drive(a, press('g', tea.ModCtrl))
	drive(a, text("l"))
	drive(a, text("1"))
	if len(*launches) != 1 {
		t.Fatalf("%d launches", len(*launches))
	}
	l := (*launches)[0]
	if l.Spec.UserNS == nil || l.Options.Network != "none" || l.Spec.Limits.MemoryMax != 64<<20 {
		t.Errorf("the form's settings are lost: userns %v network %q", l.Spec.UserNS, l.Options.Network)
	}
}

// While the menu covers the form, the form's own messages still reach it.
func TestMenuPassesFormMessages(t *testing.T) {
	a, _ := newTestApp(t, prefilled(t))
	drive(a, a.Init())
	drive(a, tea.WindowSizeMsg{Width: 120, Height: 40})
	a.form.creating = true // ctrl+r is making the rootfs
	drive(a, press('g', tea.ModCtrl))
	drive(a, text("l"))
	drive(a, rootfsCreatedMsg{})
	if a.form.creating {
		t.Error("the end of ctrl+r was lost under the menu")
	}
	if a.lessons == nil {
		t.Error("the menu closed")
	}
}

// A restarted container records into a new file; the last run's stays.
func TestRestartRecordsAnew(t *testing.T) {
	a, launches := onContainerScreen(t, 120, 30)
	path := filepath.Join(t.TempDir(), "run.csv")
	o := prefilled(t)
	spec, _ := o.Spec()
	p := plan{FormValues{Options: o, Record: path}, spec}
	withPlannedTab(t, a, p, "dddddddd0004")
	drive(a, endedMsg{id: "dddddddd0004", result: runtime.Result{Stats: cpuReading(5000, 10)}})
	drive(a, text("r"))
	if len(*launches) != 1 {
		t.Fatal("no restart")
	}
	// The restarted container, in the old one's tab.
	c := newFakeContainer(t, "ffffffff0006", spec)
	drive(a, startedMsg{c: c, plan: (*launches)[0].plan, replaceID: "dddddddd0004"})
	t.Cleanup(a.tabs[0].pane.Close)
	second := strings.TrimSuffix(path, ".csv") + "-2.csv"
	if _, err := os.Stat(second); err != nil || !strings.Contains(a.status, second) {
		t.Errorf("no new recording %s (status %q): %v", second, a.status, err)
	}
	if data, _ := os.ReadFile(path); strings.Count(string(data), "\n") < 2 {
		t.Errorf("the first recording was emptied:\n%s", data)
	}
}

// A reading that arrives after a newer one (readStats Cmds run on
// goroutines of their own) is dropped, from the panels and the recording.
func TestLateReadingDropped(t *testing.T) {
	a, _ := onContainerScreen(t, 160, 40)
	path := filepath.Join(t.TempDir(), "late.csv")
	o := prefilled(t)
	spec, _ := o.Spec()
	withPlannedTab(t, a, plan{FormValues{Options: o, Record: path}, spec}, "aaaabbbb0007")
	drive(a, statsMsg{id: "aaaabbbb0007", stats: cpuReading(2000, 0)})
	drive(a, statsMsg{id: "aaaabbbb0007", stats: cpuReading(2001, 500000)})
	late := cpuReading(2000, 250000)
	late.Time = late.Time.Add(500 * time.Millisecond)
	drive(a, statsMsg{id: "aaaabbbb0007", stats: late})
	if s := plain(a); !strings.Contains(s, "0.50 cores") {
		t.Errorf("a late reading changed the rate:\n%s", s)
	}
	drive(a, endedMsg{id: "aaaabbbb0007"})
	data, _ := os.ReadFile(path)
	if strings.Contains(string(data), ",250000,") {
		t.Errorf("the late reading was recorded:\n%s", data)
	}
}
