package ui

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"vme50-tui/cgroup"
	"vme50-tui/runtime"
)

// A Lesson is a preset that makes one cgroup controller bite within a
// minute: the settings of its container(s), filled into the form the user
// would otherwise type, and a short text of what to watch. The workloads
// are vme50-hog's, which every container has on its PATH.
type Lesson struct {
	Title string
	// Short is the title in a word or two, for a list of names; Shows is
	// what the class will see, in one short line in the host's names.
	Short string
	Shows func(f cgroup.Files) string
	// Fill sets the lesson's settings on top of the user's own (the
	// rootfs, the network and the overlay stay theirs).
	Fill func(o *runtime.Options)
	// Twins are more containers started with the first: each is a copy of
	// its settings with one change, for lessons that compare.
	Twins []func(o *runtime.Options)
	// Compare opens the compare view once the containers run.
	Compare bool
	// Watch says what the class should see, in the host's file names.
	Watch func(f cgroup.Files) string
	// Cannot says why the lesson cannot run on this host ("" where it
	// can): a cgroup v2 idea on v1, no PSI, no disk under the rootfs. The
	// menu says so instead of launching it. nil: it runs anywhere.
	Cannot func(h LessonHost) string
}

// LessonHost is what decides whether a lesson runs on this host.
type LessonHost struct {
	Version cgroup.Version
	// PressureNote is Host.PressureNote: "" where the kernel keeps PSI.
	PressureNote string
	// NoFreezer, NoIO: the freezer, or the I/O controller (v2 io, v1
	// blkio), is not there for the containers.
	NoFreezer, NoIO bool
	// Rootfs is the rootfs the lessons run on: the user's.
	Rootfs string
	// NoDisk says why the rootfs the lessons run on (the user's) has no
	// block device under it for io.max to limit; "" where it has one.
	// Found once per rootfs (HostForLessons), not at every drawing of a
	// list of the lessons.
	NoDisk string
}

// HostForLessons tells what of host the lessons need, with rootfs the
// rootfs they would run on.
func HostForLessons(host *cgroup.Host, rootfs string) LessonHost {
	h := LessonHost{Version: host.Version, PressureNote: host.PressureNote(), Rootfs: rootfs, NoDisk: diskWhy(rootfs)}
	if host.Version == cgroup.V1 {
		h.NoFreezer, h.NoIO = !host.HasV1("freezer"), !host.HasV1("blkio")
	} else {
		h.NoIO = !v2Offers(host.Root, "io")
	}
	return h
}

// diskWhy says why rootfs has no block device under it, "" where it has.
func diskWhy(rootfs string) string {
	if _, err := rootfsDisk(rootfs); err != nil {
		return err.Error()
	}
	return ""
}

// v2Offers tells whether the v2 root offers controller (cgroup.controllers).
func v2Offers(root, controller string) bool {
	data, err := os.ReadFile(filepath.Join(root, "cgroup.controllers"))
	return err == nil && slices.Contains(strings.Fields(string(data)), controller)
}

// why is the lesson's reason not to run here, "" where it can.
func (l *Lesson) why(h LessonHost) string {
	if l.Cannot == nil {
		return ""
	}
	return l.Cannot(h)
}

// limitsOnly clears every limit of o and sets the memory limit, the CPU
// quota, the weight and the pids limit: each lesson starts from its own
// limits, whatever the form or another lesson set before.
func limitsOnly(o *runtime.Options, memory, cpus, shares, pids string) {
	o.MemoryLimit, o.CPUs, o.CPUShares, o.PidsLimit = memory, cpus, shares, pids
	o.MemoryHigh, o.MemorySwap, o.DeviceReadBps, o.DeviceWriteBps = "", "", nil, nil
}

// Lessons are the built-in lessons, in the menu's order.
var Lessons = []*Lesson{
	{
		Title: "Memory limit bites",
		Short: "memory limit",
		Shows: func(f cgroup.Files) string {
			return fmt.Sprintf("%s climbs to %s = 64M; the OOM killer ends it", f.MemoryCurrent, f.MemoryMax)
		},
		Fill: func(o *runtime.Options) {
			limitsOnly(o, "64M", "", "", "")
			o.Hostname = "mem-hog"
			o.Args = []string{"vme50-hog", "mem"}
		},
		Watch: func(f cgroup.Files) string {
			return fmt.Sprintf("%s climbs 16M a second towards the red line, %s = 64M. At the line the kernel "+
				"first reclaims, then its OOM killer kills the hog: oom_kill flashes in %s and the tab says OOM-killed "+
				"(status 137). r starts it again.", f.MemoryCurrent, f.MemoryMax, f.MemoryEvents)
		},
	},
	{
		Title: "CPU quota throttles",
		Short: "CPU quota",
		Shows: func(f cgroup.Files) string {
			return fmt.Sprintf("%s = 0.5 cores: pinned at the line, nr_throttled climbs", f.CPUMax)
		},
		Fill: func(o *runtime.Options) {
			limitsOnly(o, "", "0.5", "", "")
			o.Hostname = "cpu-quota"
			o.Args = []string{"vme50-hog", "cpu", "--seconds", "60"}
		},
		Watch: func(f cgroup.Files) string {
			return fmt.Sprintf("Every CPU of the host spins, but %s allows half a core per period: the cores "+
				"used stay pinned at 0.50, on the red line, and nr_throttled in %s climbs, once for every "+
				"period the group ran out of quota.", f.CPUMax, f.CPUStat)
		},
	},
	{
		Title: "CPU weights compete",
		Short: "CPU weights",
		Shows: func(f cgroup.Files) string {
			return fmt.Sprintf("two hogs, %s 100 and 400: the CPUs split about 1:4", f.CPUWeight)
		},
		Fill: func(o *runtime.Options) {
			limitsOnly(o, "", "", "100", "")
			o.Hostname = "weight-100"
			o.Args = []string{"vme50-hog", "cpu", "--seconds", "60"}
		},
		Twins: []func(o *runtime.Options){func(o *runtime.Options) {
			o.CPUShares = "400"
			o.Hostname = "weight-400"
		}},
		Compare: true,
		Watch: func(f cgroup.Files) string {
			return fmt.Sprintf("Two containers, each with a busy thread per CPU, so they compete for every core. "+
				"Neither has a quota: %s only decides who gets more when both want it. Weights 100 and 400 "+
				"split the CPUs about 1:4: watch each one's share of all the cores used.", f.CPUWeight)
		},
	},
	{
		Title: "Fork bomb meets pids.max",
		Short: "fork bomb",
		Shows: func(f cgroup.Files) string {
			return fmt.Sprintf("%s = 30 stops a fork bomb; the host stays responsive", f.PidsMax)
		},
		Fill: func(o *runtime.Options) {
			limitsOnly(o, "", "", "", "30")
			o.Hostname = "fork-bomb"
			o.Args = []string{"vme50-hog", "fork"}
		},
		Watch: func(f cgroup.Files) string {
			return fmt.Sprintf("The hog forks as fast as it can. %s stops at the cap, %s = 30: fork fails with "+
				"EAGAIN (the hog counts them), and the host stays responsive. After 10 seconds every process exits.",
				f.PidsCurrent, f.PidsMax)
		},
	},
	{
		Title: "Squeeze the memory",
		Short: "squeeze",
		Shows: func(f cgroup.Files) string {
			return fmt.Sprintf("lower %s step by step: the page cache goes first", f.MemoryMax)
		},
		Fill: func(o *runtime.Options) {
			limitsOnly(o, "256M", "", "", "")
			o.Hostname = "squeeze"
			o.Args = []string{"vme50-hog", "mem", "--cache", "96M", "--max", "96M", "--hold", "600"}
		},
		Watch: squeezeWatch,
	},
	// cgroup v2's own ideas (issue 15): the soft limit, bandwidth, the
	// freezer, pressure.
	{
		Title: "memory.high slows, it does not kill",
		Short: "memory.high",
		Shows: func(cgroup.Files) string { return "memory.high = 24M throttles the hog; oom_kill stays 0" },
		Fill: func(o *runtime.Options) {
			limitsOnly(o, "128M", "", "", "")
			o.MemoryHigh = "24M"
			o.Hostname = "mem-high"
			o.Args = []string{"vme50-hog", "mem", "--rate", "64M/s", "--max", "96M", "--hold", "60"}
		},
		// Only v2 runs it: the text is in v2's names on any host.
		Watch: func(cgroup.Files) string {
			return "The hog wants 96M at 64M a second. memory.max is 128M, far above; but memory.high = 24M, the " +
				"soft limit (the yellow line). Past it the kernel reclaims and makes every allocation wait: the " +
				"hog's rate collapses (its once-a-second \"holding\" line stops coming), high in memory.events climbs with each " +
				"throttle, and memory.pressure rises in the pressure panel. Nothing is killed: oom_kill stays 0. " +
				"Lesson 1's memory.max kills instead."
		},
		Cannot: func(h LessonHost) string {
			if h.Version == cgroup.V1 {
				return "needs cgroup v2: memory.high is v2's, and this host runs cgroup v1"
			}
			return ""
		},
	},
	{
		Title: "io.max throttles the disk",
		Short: "io.max",
		Shows: func(f cgroup.Files) string {
			return fmt.Sprintf("%s = 2 MiB/s: the disk reads pinned at the line", f.IOMax)
		},
		Fill: func(o *runtime.Options) {
			dev, err := rootfsDisk(o.Rootfs)
			if err != nil {
				dev = "DEV"
			}
			limitsOnly(o, "", "", "", "")
			o.DeviceReadBps = []string{dev + ":2m"}
			o.Hostname = "io-hog"
			o.Args = []string{"vme50-hog", "io", "--seconds", "60"}
		},
		Watch: func(f cgroup.Files) string {
			return fmt.Sprintf("The hog reads the rootfs's busybox again and again with O_DIRECT, past the page "+
				"cache, so every read reaches the disk, and prints MB/s once a second. --device-read-bps writes "+
				"%s: 2 MiB/s for the disk under the rootfs. The read rate in %s stays pinned at the red line, "+
				"and so does the hog's own figure: the kernel delays each request until the budget allows it.",
				f.IOMax, f.IOStat)
		},
		Cannot: func(h LessonHost) string {
			if h.NoIO {
				if h.Version == cgroup.V1 {
					return "the blkio hierarchy is not mounted on this host"
				}
				return "the io controller is not offered in cgroup.controllers on this host"
			}
			return h.NoDisk
		},
	},
	{
		Title: "Freeze and thaw",
		Short: "freeze/thaw",
		Shows: func(f cgroup.Files) string {
			return fmt.Sprintf("ctrl+g f: %s stops every process; again: they resume", f.Freeze)
		},
		Fill: func(o *runtime.Options) {
			limitsOnly(o, "", "", "", "")
			o.Hostname = "freeze-me"
			o.Args = []string{"/bin/sh", "-c", "vme50-hog cpu --threads 1 --seconds 120 & exec /bin/sh"}
		},
		Watch: func(f cgroup.Files) string {
			return fmt.Sprintf("A shell, and the hog spinning one core behind it (it prints its cores once a "+
				"second). Press ctrl+g f: the kernel freezes every process of the group (%s, in the kernel "+
				"log with ctrl+g j). The tab says paused, the cores used in %s fall to 0, the hog stops "+
				"printing, and the shell echoes nothing you type. Nothing was killed or even signalled. "+
				"ctrl+g f again: everything resumes where it stood, and what you typed arrives.", f.Freeze, f.CPUUsage)
		},
		Cannot: func(h LessonHost) string {
			if h.NoFreezer {
				return "the freezer hierarchy is not mounted on this host"
			}
			return ""
		},
	},
	{
		Title: "CPU pressure climbs",
		Short: "CPU pressure",
		Shows: func(cgroup.Files) string { return "cpu.pressure: how long the group waits for the CPU" },
		Fill: func(o *runtime.Options) {
			limitsOnly(o, "", "0.2", "", "")
			o.Hostname = "pressure"
			o.Args = []string{"vme50-hog", "cpu", "--threads", "2", "--seconds", "60"}
		},
		Watch: func(cgroup.Files) string { // v2 only: v2's names
			return "Two busy threads under cpu.max = 0.2 cores: most of the time both wait for the quota. " +
				"cpu.pressure says how much: some (at least one waited) climbs towards 100%, and full (all of " +
				"them at once) with it; the graph is each reading's share of stalled time. memory.pressure and " +
				"io.pressure stay near 0: the CPU is what this group lacks."
		},
		Cannot: func(h LessonHost) string {
			if h.PressureNote != "" {
				return "needs PSI: " + h.PressureNote
			}
			return ""
		},
	},
	{
		Title: "A network namespace of your own",
		Short: "network",
		Shows: func(cgroup.Files) string {
			return "two containers on the bridge vme50br0: lo and eth0 each, pinging across"
		},
		Fill: func(o *runtime.Options) {
			limitsOnly(o, "", "", "", "")
			// The lesson is the bridge: whatever the form said.
			o.Network = string(runtime.NetworkBridge)
			o.Hostname = "net-a"
			o.Args = []string{"/bin/sh"}
		},
		Twins: []func(o *runtime.Options){func(o *runtime.Options) { o.Hostname = "net-b" }},
		Watch: func(cgroup.Files) string {
			return "Each container has lo and eth0 only (ip addr): a network namespace of its own. eth0 is one end " +
				"of a veth pair whose other end is a port of the host's bridge vme50br0; ip route shows the way " +
				"out through the host, 10.88.0.1. Ping the other container across the bridge (ping -c 3 and its " +
				"address, from its ip addr). The host's services on 127.0.0.1 are out of reach (nc -w 2 127.0.0.1 22): " +
				"127.0.0.1 here is the container's own lo. The network line counts eth0's bytes; ctrl+g j shows " +
				"the ip and nft steps that built it."
		},
	},
}

// squeezeWatch is the text of "Squeeze the memory". What comes after the
// page cache differs: v2 reclaims, then OOM-kills within the write; v1
// refuses a limit it cannot reclaim down to (EBUSY) and kills nobody.
func squeezeWatch(f cgroup.Files) string {
	file, anon, end := "file", "anon", fmt.Sprintf("the OOM killer ends the hog within the write: "+
		"oom_kill in %s, the tab says OOM-killed.", f.MemoryEvents)
	if f.MemoryMax != "memory.max" {
		file, anon = "total_cache", "total_rss"
		end = "cgroup v1 refuses the write instead (EBUSY, in the status line) and the hog lives: " +
			"v1 never kills to honour a lower limit, only when a group asks for more (lesson 1; on v2 this " +
			"step is the OOM kill)."
	}
	return fmt.Sprintf("The hog holds 96M of anonymous memory and 96M of page cache: a file on the host's disk, "+
		"read again every second, charged to this container. Lower %s step by step with ctrl+g - "+
		"(192M, 144M, 108M) or set it with ctrl+g u. Each step the kernel drops page cache first: %s in %s "+
		"falls, %s stays, and the hog says how much of its cache is still in memory. Below the anonymous "+
		"memory nothing is left to drop without swap: %s", f.MemoryMax, file, f.MemoryStat, anon, end)
}

// Settings are a lesson's own settings as `run` flags: what the class
// would type on the command line (a disk it needs named DEV).
func (l *Lesson) Settings() string { return l.SettingsOn("") }

// SettingsOn are the settings for a lesson run on rootfs: the disk under
// it named.
func (l *Lesson) SettingsOn(rootfs string) string {
	o := runtime.Options{Rootfs: rootfs}
	l.Fill(&o)
	line := optionFlags(o)
	for _, twin := range l.Twins {
		t := o
		twin(&t)
		line += "\n  and " + optionFlags(t)
	}
	return line
}

// optionFlags writes the limits, hostname and command of o as flags.
func optionFlags(o runtime.Options) string {
	return strings.Join(append(limitFlags(o), shellLine(o.Args)), " ")
}

// LessonMenu lists the lessons; the chosen one is filled into a form and
// launched (enter), or only filled in, to change it first (e).
type LessonMenu struct {
	files  cgroup.Files
	host   LessonHost // what the host offers: a lesson it cannot run says why
	cursor int
	width  int
	keys   lessonKeys
	view   memoOf[[2]int] // drawn again only when the width or the cursor moves
}

// LessonChosenMsg is a lesson picked from the menu.
type LessonChosenMsg struct {
	Lesson *Lesson
	Edit   bool // open the form to change it first, instead of launching
}

// LessonMenuClosedMsg says the menu was left without a choice.
type LessonMenuClosedMsg struct{}

type lessonKeys struct {
	Up, Down, Pick, Launch, Edit, Back key.Binding
}

func newLessonKeys() lessonKeys {
	return lessonKeys{
		Up:     key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:   key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		Pick:   key.NewBinding(key.WithKeys("1", "2", "3", "4", "5", "6", "7", "8", "9"), key.WithHelp("1-9", "pick")),
		Launch: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "launch")),
		Edit:   key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "edit in the form first")),
		Back:   key.NewBinding(key.WithKeys("esc", "q"), key.WithHelp("esc", "back")),
	}
}

func (k lessonKeys) ShortHelp() []key.Binding {
	return []key.Binding{k.Up, k.Down, k.Launch, k.Edit, k.Back}
}

func (k lessonKeys) FullHelp() [][]key.Binding { return [][]key.Binding{k.ShortHelp()} }

// NewLessonMenu returns the menu; files names the host's cgroup files in
// the lessons' texts, host tells which lessons can run here.
func NewLessonMenu(files cgroup.Files, host LessonHost) *LessonMenu {
	return &LessonMenu{files: files, host: host, keys: newLessonKeys()}
}

// KeyMap is the menu's keys, for the help line.
func (m *LessonMenu) KeyMap() lessonKeys { return m.keys }

func (m *LessonMenu) SetWidth(w int) { m.width = w }

// Select puts the cursor on lesson i (from 0).
func (m *LessonMenu) Select(i int) { m.cursor = max(min(i, len(Lessons)-1), 0) }

// Selected is the lesson under the cursor.
func (m *LessonMenu) Selected() *Lesson { return Lessons[m.cursor] }

func (m *LessonMenu) Update(msg tea.Msg) (*LessonMenu, tea.Cmd) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return m, nil
	}
	choose := func(edit bool) tea.Cmd {
		l := m.Selected()
		if l.why(m.host) != "" {
			return nil // the menu says why it cannot run here
		}
		return func() tea.Msg { return LessonChosenMsg{Lesson: l, Edit: edit} }
	}
	switch {
	case key.Matches(k, m.keys.Up):
		m.cursor = (m.cursor + len(Lessons) - 1) % len(Lessons)
	case key.Matches(k, m.keys.Down):
		m.cursor = (m.cursor + 1) % len(Lessons)
	case key.Matches(k, m.keys.Pick):
		if i := int(k.String()[0] - '1'); i < len(Lessons) {
			m.cursor = i
			return m, choose(false)
		}
	case key.Matches(k, m.keys.Launch):
		return m, choose(false)
	case key.Matches(k, m.keys.Edit):
		return m, choose(true)
	case key.Matches(k, m.keys.Back):
		return m, func() tea.Msg { return LessonMenuClosedMsg{} }
	}
	return m, nil
}

var (
	lessonCursorStyle = lipgloss.NewStyle().Reverse(true).Bold(true)
	lessonCodeStyle   = lipgloss.NewStyle().Foreground(lipgloss.Color("6"))
	lessonCannotStyle = lipgloss.NewStyle().Foreground(lipgloss.Color("3")).Bold(true)
)

func (m *LessonMenu) View() string {
	return m.view.get([2]int{m.width, m.cursor}, m.render)
}

func (m *LessonMenu) render() string {
	w := max(min(m.width, 90)-4, 30)
	var b strings.Builder
	b.WriteString(formTitle.Render("Lessons: make each limit bite") + "\n\n")
	for i, l := range Lessons {
		line := fmt.Sprintf(" %d  %s ", i+1, l.Title)
		if i == m.cursor {
			line = lessonCursorStyle.Render(line)
		}
		if l.why(m.host) != "" {
			line += panelStyle.faint.Render(" (not on this host)")
		}
		b.WriteString("  " + line + "\n")
	}
	l := m.Selected()
	body := lipgloss.NewStyle().Width(w).Render(l.Watch(m.files)) + "\n\n" +
		lessonCodeStyle.Render(lipgloss.NewStyle().Width(w).Render("vme50-tui run "+l.SettingsOn(m.host.Rootfs)))
	if why := l.why(m.host); why != "" {
		body = lessonCannotStyle.Render(lipgloss.NewStyle().Width(w).Render("Cannot run on this host: "+why)) + "\n\n" + body
	}
	b.WriteString("\n" + lipgloss.NewStyle().Padding(0, 2).Render(body))
	return b.String()
}
