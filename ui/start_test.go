package ui

import (
	"bytes"
	"strconv"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"

	"vme50-tui/cgroup"
	"vme50-tui/runtime"
	"vme50-tui/runtime/rootfs"
)

// The start screen (issue 20): a title, the form in a box that uses the
// screen, the focused field's help, what Enter will do kept current as
// the form is typed, the lessons; the same in a monochrome terminal.

// newStartApp is a test app on a v2 host at /sys/fs/cgroup, as a class's
// machine has it, on the default rootfs (neither is looked at: the
// pictures stay the same on any machine), where every lesson runs but
// the one on PSI.
func newStartApp(t *testing.T, w, h int) *App {
	t.Helper()
	o := prefilled(t)
	o.Rootfs = rootfs.DefaultBusybox
	a, _ := newTestApp(t, o)
	a.cfg.Host = cgroup.NewHost(cgroup.V2, "/sys/fs/cgroup", nil)
	a.hostForLessons = func(rootfs string) LessonHost {
		return LessonHost{Version: cgroup.V2, PressureNote: "pressure: not enabled in this kernel (psi=1)", Rootfs: rootfs}
	}
	a.form = NewForm(FormValues{Options: o}, a.cfg.Host.Files())
	drive(a, a.Init())
	drive(a, tea.WindowSizeMsg{Width: w, Height: h})
	return a
}

// go test ./ui -run StartScreenGolden -update rewrites the pictures.
func TestStartScreenGolden(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {120, 40}, {200, 50}} {
		a := newStartApp(t, size[0], size[1])
		requireGolden(t, "start-"+sizeName(size), plain(a))
	}
}

// NO_COLOR (and TERM=vt100) leave no colour: what the screen says must
// not need it. The picture keeps the attributes that remain (bold,
// reverse, faint): the focused field is the bold title beside the bar,
// placeholders are faint, the run line bold.
func TestStartScreenGoldenNoColor(t *testing.T) {
	a := newStartApp(t, 80, 24)
	drive(a, enter()) // the focus on the memory limit
	var b bytes.Buffer
	w := &colorprofile.Writer{Forward: &b, Profile: colorprofile.ASCII}
	if _, err := w.Write([]byte(a.View().Content)); err != nil {
		t.Fatal(err)
	}
	mono := b.String()
	requireGolden(t, "start-80x24-nocolor", mono)
	lines := strings.Split(mono, "\n")
	focused := slicesIndex(lines, "Memory limit")
	if focused < 0 || !strings.Contains(lines[focused], "┃") || !strings.Contains(lines[focused], "\x1b[1mMemory limit") {
		t.Errorf("the focused field is not marked without colour:\n%q", lines[max(focused, 0)])
	}
	for _, l := range lines {
		if strings.Contains(l, "Root filesystem") && (strings.Contains(l, "┃") || strings.Contains(l, "\x1b[1mRoot")) {
			t.Errorf("a field out of focus looks focused: %q", l)
		}
	}
}

// Every field is one line, the network like the others, at every size.
func TestStartScreenFieldsOneLineEach(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {120, 40}, {200, 50}} {
		a := newStartApp(t, size[0], size[1])
		s := plain(a)
		for _, line := range []string{"Network           > bridge: eth0 on vme50br0", "Overlay           > yes: a throw-away layer",
			"User namespace    > no: root is the host's root"} {
			if size[1] > 24 && !strings.Contains(s, line) {
				t.Errorf("%v: no line %q:\n%s", size, line, s)
			}
		}
		if rows := len(strings.Split(s, "\n")); rows != size[1] {
			t.Errorf("%v: %d rows", size, rows)
		}
	}
}

// The help follows the focus: the file on this host (v2 and v1 names),
// the forms, the default, what the original meant.
func TestStartScreenHelpFollowsFocus(t *testing.T) {
	a := newStartApp(t, 120, 40)
	wantContains(t, plain(a), "Root filesystem → pivot_root", "vme50-container: --rootfs")
	drive(a, enter())
	wantContains(t, plain(a), "Memory limit → memory.max", "64M, 1.5G, 512k, 128MiB", "none, the default.",
		"vme50-container: --memory-limit")
	for range 3 {
		drive(a, enter())
	}
	wantContains(t, plain(a), "CPU weight → cpu.weight", "vme50-container: --cpu-shares")

	v1 := newStartApp(t, 120, 40)
	v1.cfg.Host = cgroup.NewHost(cgroup.V1, "", map[string]string{"memory": "/nonexistent/memory"})
	v1.form = NewForm(FormValues{Options: prefilled(t)}, v1.cfg.Host.Files())
	drive(v1, tea.WindowSizeMsg{Width: 120, Height: 40})
	drive(v1, enter())
	wantContains(t, plain(v1), "Memory limit → memory.limit_in_bytes")
}

// Every field's help says its forms and the original's meaning in a line
// each of an 80-column screen's box, which shows only those two.
func TestFieldHelpFitsEighty(t *testing.T) {
	for _, v := range []cgroup.Version{cgroup.V1, cgroup.V2} {
		files := cgroup.NewHost(v, "/sys/fs/cgroup", nil).Files()
		for k := fieldRootfs; k <= fieldRecord; k++ {
			h := helpFor(k, files)
			for _, s := range []string{h.forms, h.original} {
				if s == "" || len([]rune(s)) > 76 {
					t.Errorf("%s field %d: %d cells: %q", v, k, len([]rune(s)), s)
				}
			}
		}
	}
}

// What Enter will do follows the typing: a memory limit typed shows in
// the run line and in the kernel's steps at once, in this host's file
// names; a bad one says where Enter would stop.
func TestStartScreenEnterFollowsTyping(t *testing.T) {
	a := newStartApp(t, 120, 40)
	drive(a, enter()) // the memory limit
	retype(a, "64M")
	wantContains(t, plain(a), "vme50-tui run --memory-limit 64M --hostname box /bin/sh",
		"mkdir /sys/fs/cgroup/vme50/<id>", "memory.max <- 67108864", "CLONE_NEWPID|CLONE_NEWNS", "pivot_root . .")
	retype(a, "1.5G")
	wantContains(t, plain(a), "--memory-limit 1.5G", "memory.max <- 1610612736")
	retype(a, "12X")
	wantContains(t, plain(a), `✗ Enter stops here: --memory-limit "12X"`)
}

// The steps in the kernel log's words, on each version: what cgroup's Set
// writes, in its order; clone's flags as the runtime spells them.
func TestKernelSteps(t *testing.T) {
	o := runtime.DefaultOptions()
	o.MemoryLimit, o.CPUs, o.CPUShares, o.Hostname, o.Args = "64M", "0.5", "200", "web", []string{"httpd", "-f"}
	o.Publish = []string{"8080:80"}
	v2 := cgroup.NewHost(cgroup.V2, "/sys/fs/cgroup", nil)
	steps, err := kernelSteps(v2, FormValues{Options: o})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"mkdir /sys/fs/cgroup/vme50/<id>", "memory.max <- 67108864", "cpu.weight <- 200", "cpu.max <- 50000 100000",
		"pids.max <- 1024", "memory.swap.max <- 0",
		"clone(CLONE_NEWPID|CLONE_NEWNS|CLONE_NEWUTS|CLONE_NEWIPC|CLONE_NEWNET|CLONE_INTO_CGROUP) = <pid>, which runs vme50-init",
		"ip link add vme50<id> type veth peer name eth0 netns <pid>",
		"nft add rule ip vme50 published tcp dport 8080 counter dnat to <address>:80"}
	for i, w := range want {
		if i >= len(steps) || steps[i].text != w {
			t.Fatalf("step %d: want %q; steps:\n%v", i, w, steps)
		}
	}
	if last := steps[len(steps)-3:]; !strings.HasPrefix(last[0].text, "pivot_root . . (in ") ||
		last[1].text != "sethostname web" || last[2].text != "execve httpd" {
		t.Errorf("the last steps: %v", last)
	}
	// Four of them on a short screen: the cgroup, its first limit, the
	// clone, pivot_root.
	short := someSteps(steps, 4)
	if len(short) != 4 || short[1].text != "memory.max <- 67108864" || !strings.HasPrefix(short[2].text, "clone(") ||
		!strings.HasPrefix(short[3].text, "pivot_root") {
		t.Errorf("the key steps: %v", short)
	}

	o.Network, o.Publish, o.UserNS = "host", nil, true
	v1 := cgroup.NewHost(cgroup.V1, "", map[string]string{"memory": "/sys/fs/cgroup/memory", "cpu": "/sys/fs/cgroup/cpu,cpuacct",
		"cpuacct": "/sys/fs/cgroup/cpu,cpuacct", "pids": "/sys/fs/cgroup/pids"})
	steps, err = kernelSteps(v1, FormValues{Options: o})
	if err != nil {
		t.Fatal(err)
	}
	text := ""
	for _, s := range steps {
		text += s.text + "\n"
	}
	wantContains(t, text, "mkdir /sys/fs/cgroup/{memory,cpu,cpuacct,pids}/vme50/<id>\nmemory.limit_in_bytes <- 67108864\n",
		"cpu.shares <- 2048\ncpu.cfs_period_us <- 100000\ncpu.cfs_quota_us <- 50000\npids.max <- 1024\n",
		"clone(CLONE_NEWPID|CLONE_NEWNS|CLONE_NEWUTS|CLONE_NEWIPC|CLONE_NEWUSER) = <pid>",
		"/vme50/<id>/tasks <- 0", "/proc/<pid>/uid_map <- 0 ")
	wantLacks(t, text, "veth", "|CLONE_INTO_CGROUP", "CLONE_NEWNET")
}

// The run line starts the same container: the defaults left out, each
// value quoted for a shell where it needs it, the command's words too.
func TestRunLine(t *testing.T) {
	o := runtime.DefaultOptions()
	o.Rootfs = "/srv/my root"
	o.MemoryLimit, o.Network, o.Overlay, o.Args = "32M", "none", false, []string{"/bin/sh", "-c", "echo hi; exit 3"}
	got := runLine(FormValues{Options: o, Record: "out.csv"})
	want := `vme50-tui run --rootfs '/srv/my root' --memory-limit 32M --network none --overlay=false --record out.csv /bin/sh -c 'echo hi; exit 3'`
	if got != want {
		t.Errorf("run line\n got %s\nwant %s", got, want)
	}
	lines := wrapShell(runPieces(FormValues{Options: o}), 40)
	for i, l := range lines {
		if len(l) > 40 && strings.Contains(l[1:], " ") {
			t.Errorf("line %d wider than 40: %q", i, l)
		}
		if i < len(lines)-1 && !strings.HasSuffix(l, " \\") {
			t.Errorf("line %d does not continue: %q", i, l)
		}
	}
}

// The lessons on the start screen: a line each, number and whole name,
// what it shows, or why this host cannot run it; on a small screen their
// names, never broken inside one.
func TestStartScreenLessons(t *testing.T) {
	a := newStartApp(t, 200, 50)
	s := plain(a)
	for i, l := range Lessons {
		if !strings.Contains(s, strings.TrimSpace(itoa(i+1)+" "+l.Title)) {
			t.Errorf("no line for lesson %d %q", i+1, l.Title)
		}
	}
	wantContains(t, s, "9 CPU pressure climbs  ✗ not on this host: needs PSI: pressure: not enabled")
	small := newStartApp(t, 80, 24)
	s = plain(small)
	for i, l := range Lessons {
		if !strings.Contains(s, itoa(i+1)+" "+l.Short) {
			t.Errorf("80x24: no %q in:\n%s", l.Short, s)
		}
	}
	wantContains(t, s, "9 CPU pressure ✗", "(✗ not on this host)")
}

func itoa(i int) string { return strconv.Itoa(i) }

// ctrl+g 1-9 on the start screen opens the menu at that lesson; the host
// view opens over the form as well, and esc comes back to it.
func TestStartScreenKeys(t *testing.T) {
	a := newStartApp(t, 120, 40)
	prefix(a, text("3"))
	screenIs(t, a, "ctrl+g 3", modeForm, overlayLessons, "")
	if a.lessons.Selected() != Lessons[2] {
		t.Errorf("ctrl+g 3 selected %q", a.lessons.Selected().Title)
	}
	drive(a, esc())
	screenIs(t, a, "esc", modeForm, noOverlay, "New container")
}

// On a short screen the fields scroll, as little as the focus needs: down
// to the tenth field and back up two, the window stays where it was; the
// box's edges say how many lines it leaves out.
func TestStartScreenFieldsScroll(t *testing.T) {
	a := newStartApp(t, 80, 24)
	wantContains(t, plain(a), "↓ 10 more")
	for range 9 {
		drive(a, enter())
	}
	s := plain(a)
	wantContains(t, s, "↑ 3 more", "┃ Disk write bps", "↓ 7 more")
	wantLacks(t, s, "Root filesystem   >")
	for range 2 {
		drive(a, tea.KeyPressMsg{Code: tea.KeyTab, Mod: tea.ModShift})
	}
	wantContains(t, plain(a), "↑ 3 more", "┃ Disk limit", "Disk write bps", "↓ 7 more")
}
