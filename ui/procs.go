package ui

import (
	"fmt"
	"slices"
	"strconv"
	"time"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"vme50-tui/cgroup"
	"vme50-tui/runtime"
)

// ProcList is a container's processes (ctrl+g t), from its cgroup's own
// list of them (cgroup.procs) and what /proc says of each: the shell, the
// hog and its children as a lesson runs, the most memory first. The OOM
// killer's victims are gone from /proc; the kernel's report of each
// (runtime.OOMKill) stands in for it, marked "killed", with what it held
// when it was killed. Like the host view it knows nothing of the kernel:
// the app reads the processes at every reading interval while the list is
// on screen, and only then, and gives them to Set.
type ProcList struct {
	name    string // the container's, for the title
	procs   []runtime.Process
	victims []runtime.OOMKill
	err     string
	listed  bool
	procsIn string // the file the pids come from: cgroup.procs
	reading bool   // the app's reading is under way

	// A process's CPU share is the growth of its CPU time between two
	// readings over the wall time between them: the last reading of each
	// pid is kept for the next.
	prev map[int]procCPU
	cpu  map[int]float64 // percent of one core, over the last interval

	width, height int
	rev           int
	view          memoOf[[2]int]
}

// procCPU is a process's CPU time at one reading.
type procCPU struct {
	used time.Duration
	at   time.Time
}

// NewProcList returns an empty list for a container called name, whose
// pids the kernel lists in file (cgroup.procs).
func NewProcList(name, file string) *ProcList {
	return &ProcList{name: name, procsIn: file, prev: map[int]procCPU{}, cpu: map[int]float64{}}
}

// SetSize sets the size View fills exactly.
func (l *ProcList) SetSize(w, h int) {
	if w != l.width || h != l.height {
		l.width, l.height = w, h
		l.rev++
	}
}

// Set takes one reading, made at at: the processes, the kernel's reports
// of its OOM kills, or why the processes could not be read (the
// container has ended: the last list stays, with the victims).
func (l *ProcList) Set(procs []runtime.Process, victims []runtime.OOMKill, err error, at time.Time) {
	l.rev++
	l.listed = true
	l.victims = victims
	if err != nil {
		l.err = err.Error()
		return
	}
	l.err = ""
	seen := make(map[int]bool, len(procs))
	for _, p := range procs {
		seen[p.PID] = true
		if prev, ok := l.prev[p.PID]; ok && at.After(prev.at) {
			l.cpu[p.PID] = 100 * (p.CPU - prev.used).Seconds() / at.Sub(prev.at).Seconds()
		}
		l.prev[p.PID] = procCPU{p.CPU, at}
	}
	for pid := range l.prev {
		if !seen[pid] { // gone: a new process may get its pid
			delete(l.prev, pid)
			delete(l.cpu, pid)
		}
	}
	l.procs = slices.Clone(procs)
	// The runtime lists them so already; the list's order is its own.
	slices.SortStableFunc(l.procs, func(a, b runtime.Process) int {
		if c := cmpDesc(a.RSS, b.RSS); c != 0 {
			return c
		}
		return a.PID - b.PID
	})
}

// Processes are the processes of the last reading, in their order.
func (l *ProcList) Processes() []runtime.Process { return l.procs }

// CPU is the share of one core process pid used over the last interval;
// false until two readings of it.
func (l *ProcList) CPU(pid int) (float64, bool) {
	c, ok := l.cpu[pid]
	return c, ok
}

// KilledRSS is what an OOM victim held resident when it was killed: its
// anonymous memory, its file pages and its shared memory.
func KilledRSS(k runtime.OOMKill) uint64 { return k.AnonRSS + k.FileRSS + k.ShmemRSS }

// procStates are /proc's state letters in words.
var procStates = map[string]string{
	"R": "running", "S": "sleeping", "D": "disk wait", "T": "stopped", "t": "traced",
	"Z": "zombie", "X": "dead", "I": "idle",
}

func stateWord(s string) string {
	if w, ok := procStates[s]; ok {
		return w
	}
	return s
}

// procStyle marks the OOM killer's victims in the danger colour; the word
// "killed" in their state says it without colour too (NO_COLOR).
var procStyle = struct{ killed lipgloss.Style }{
	killed: lipgloss.NewStyle().Foreground(lipgloss.Color("1")).Bold(true),
}

// View draws the list in exactly the size SetSize gave.
func (l *ProcList) View() string {
	return l.view.get([2]int{l.rev, l.width*10000 + l.height}, l.render)
}

func (l *ProcList) render() string {
	w := l.width
	title := fmt.Sprintf("Processes of %s: %d in %s", l.name, len(l.procs), l.procsIn)
	if n := len(l.victims); n > 0 {
		title += fmt.Sprintf(", %d OOM-killed", n)
	}
	title += " · by RSS"
	lines := []string{hostStyle.title.Render(ansi.Truncate(title, w, "…"))}
	switch {
	case !l.listed:
		lines = append(lines, "", "reading "+l.procsIn+"…")
	case l.err != "" && len(l.procs) == 0 && len(l.victims) == 0:
		lines = append(lines, "", statusStyle.Render(ansi.Truncate(l.err, w, "…")))
	default:
		lines = append(lines, l.table(w)...)
		if l.err != "" {
			lines = append(lines, "", hostStyle.faint.Render("as last read: "+l.err))
		}
	}
	return fitBlock(lines, w, max(l.height, 1))
}

// table is the header, the processes that fit, and under them the OOM
// killer's victims, the latest first.
func (l *ProcList) table(w int) []string {
	cols := []hostColumn{
		{title: "PID", right: true, keep: 0},
		{title: "IN CT", right: true, keep: 3},
		{title: "STATE", keep: 4},
		{title: "THR", right: true, keep: 5},
		{title: "RSS▼", right: true, keep: 1},
		{title: "CPU%", right: true, keep: 2},
		{title: "COMMAND", keep: 6},
	}
	add := func(cells ...string) {
		for i := range cols {
			cols[i].cells = append(cols[i].cells, cells[i])
		}
	}
	for _, p := range l.procs {
		cpu := "–"
		if c, ok := l.cpu[p.PID]; ok {
			cpu = fmt.Sprintf("%.1f", c)
		}
		add(strconv.Itoa(p.PID), pidText(p.NSPID), stateWord(p.State), strconv.Itoa(p.Threads),
			cgroup.FormatSize(p.RSS), cpu, p.Command)
	}
	victims := slices.Clone(l.victims)
	slices.Reverse(victims)
	for _, k := range victims {
		add(strconv.Itoa(k.PID), pidText(k.ContainerPID), "killed (OOM)", "–",
			cgroup.FormatSize(KilledRSS(k)), "–", runtime.Printable(k.Task))
	}
	shown := fitColumns(cols, w)
	out := []string{hostStyle.header.Render(ansi.Truncate(drawRow(shown, -1), w, ""))}
	for _, i := range rowsThatFit(len(l.procs), len(victims), max(l.height-2, 1)) {
		switch {
		case i < 0:
			out = append(out, hostStyle.faint.Render("…"))
		case i >= len(l.procs):
			out = append(out, procStyle.killed.Render(fitLine(drawRow(shown, i), w, "…")))
		default:
			out = append(out, drawRow(shown, i))
		}
	}
	return out
}

// rowsThatFit picks the rows of procs processes and then victims that fit
// in room lines: the first processes (the most memory) and the latest
// victims, which keep a third of the room at least, so that a kill shows
// however many processes run; -1 stands for the "…" of rows left out.
func rowsThatFit(procs, victims, room int) []int {
	if procs+victims <= room {
		rows := make([]int, procs+victims)
		for i := range rows {
			rows[i] = i
		}
		return rows
	}
	v := min(victims, max(room/3, 1))
	p := max(room-v-1, 0) // one line for the "…"
	if p > procs {
		p = procs
		v = min(victims, room-p-1)
	}
	var rows []int
	for i := range p {
		rows = append(rows, i)
	}
	rows = append(rows, -1)
	for i := range v {
		rows = append(rows, procs+i)
	}
	return rows
}

// pidText is a pid in the container, "–" where the kernel did not say.
func pidText(pid int) string {
	if pid <= 0 {
		return "–"
	}
	return strconv.Itoa(pid)
}
