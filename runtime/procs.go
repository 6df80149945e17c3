package runtime

import (
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"vme50-tui/cgroup"
)

// A container's processes, from its cgroup's own list (cgroup.procs) and
// what /proc says of each: the process list of the panels, where the
// class sees the shell, the hog and its children as a lesson runs.

// Process is one process of a container.
type Process struct {
	PID     int    // its pid on the host
	NSPID   int    // its pid in the container (0 where the kernel does not say)
	PPID    int    // its parent's pid on the host
	Command string // its command line, or [name] when it has none (a zombie)
	// State is /proc's one letter: R running, S sleeping, D in the kernel
	// uninterruptibly, T stopped, Z a zombie.
	State   string
	Threads int
	RSS     uint64        // resident memory, bytes
	CPU     time.Duration // user and system time so far
}

// clockTick is the unit of /proc/PID/stat's times: USER_HZ, 1/100 s on
// every common architecture.
const clockTick = 10 * time.Millisecond

// Processes lists the container's processes, by memory, largest first.
func (c *Container) Processes() ([]Process, error) {
	if c.cg == nil {
		return nil, fmt.Errorf("container %s has not started", c.id)
	}
	pids, err := c.cg.Procs()
	if err != nil {
		return nil, err
	}
	return readProcesses(pids), nil
}

// Processes lists the processes of a container found by Find.
func (f Found) Processes(host *cgroup.Host) ([]Process, error) {
	pids, err := host.Open(f.ID).Procs()
	if err != nil {
		if !f.StillRunning() {
			return nil, &EndedError{ID: f.ID}
		}
		return nil, err
	}
	return readProcesses(pids), nil
}

// readProcesses reads /proc for each pid; one gone meanwhile is left out.
func readProcesses(pids []int) []Process {
	var ps []Process
	for _, pid := range pids {
		if p, err := readProcess(pid); err == nil {
			ps = append(ps, p)
		}
	}
	slices.SortStableFunc(ps, func(a, b Process) int {
		if a.RSS != b.RSS {
			return cmpDesc(a.RSS, b.RSS)
		}
		return a.PID - b.PID
	})
	return ps
}

func cmpDesc(a, b uint64) int {
	if a > b {
		return -1
	}
	return 1
}

// readProcess reads /proc/PID/stat, status and cmdline.
func readProcess(pid int) (Process, error) {
	dir := "/proc/" + strconv.Itoa(pid)
	stat, err := os.ReadFile(dir + "/stat")
	if err != nil {
		return Process{}, err
	}
	p, err := parseStat(pid, string(stat))
	if err != nil {
		return p, err
	}
	if status, err := os.ReadFile(dir + "/status"); err == nil {
		parseStatus(string(status), &p)
	}
	if cmd := readCommand(dir + "/cmdline"); cmd != "" {
		p.Command = cmd
	}
	p.Command = Printable(p.Command)
	return p, nil
}

// maxCommand bounds what is read of a command line: a process in the
// container chooses its own, and may make it a megabyte long.
const maxCommand = 4096

// readCommand reads at most maxCommand bytes of /proc/PID/cmdline, its
// arguments (NUL-separated there) joined by spaces; "" for none.
func readCommand(path string) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	buf, _ := io.ReadAll(io.LimitReader(f, maxCommand))
	return strings.TrimRight(strings.ReplaceAll(string(buf), "\x00", " "), " ")
}

// Printable is s as a terminal may show it: a process names itself, and
// a student hands in a recording, and what a terminal would act on
// becomes a '?', as ps(1) shows it: an escape sequence that sets the
// title or clears the screen, C0 and C1 controls (U+0080-U+009F, which
// VTE terminals take as CSI, OSC, ST when UTF-8 encoded), format
// characters (category Cf: U+202E turns the rest of the line around,
// zero-width ones hide words). Tabs and newlines become spaces, broken
// UTF-8 (a name cut at maxCommand) a '?' too, and variation selectors,
// which only change how the character before them looks (emoji or
// text, and so its width), are dropped.
func Printable(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\t':
			return ' '
		case unicode.Is(unicode.Variation_Selector, r):
			return -1
		case r == utf8.RuneError || !unicode.IsPrint(r) || unicode.Is(unicode.Cf, r):
			return '?'
		}
		return r
	}, s)
}

// parseStat reads the fields of /proc/PID/stat we show: "PID (comm) S
// PPID ... utime stime ... num_threads ...". The name may hold spaces
// and parentheses: the fields count from its last ')'.
func parseStat(pid int, stat string) (Process, error) {
	open, end := strings.IndexByte(stat, '('), strings.LastIndexByte(stat, ')')
	if open < 0 || end < open {
		return Process{}, fmt.Errorf("/proc/%d/stat: no (comm)", pid)
	}
	f := strings.Fields(stat[end+1:])
	if len(f) < 18 {
		return Process{}, fmt.Errorf("/proc/%d/stat: %d fields", pid, len(f))
	}
	num := func(i int) int64 { n, _ := strconv.ParseInt(f[i], 10, 64); return n }
	return Process{
		PID:     pid,
		Command: "[" + stat[open+1:end] + "]",
		State:   f[0],
		PPID:    int(num(1)),
		CPU:     time.Duration(num(11)+num(12)) * clockTick, // utime, stime: fields 14 and 15
		Threads: int(num(17)),                               // num_threads: field 20
	}, nil
}

// parseStatus reads VmRSS and NSpid from /proc/PID/status.
func parseStatus(status string, p *Process) {
	for line := range strings.Lines(status) {
		key, value, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		fields := strings.Fields(value)
		switch {
		case key == "VmRSS" && len(fields) > 0:
			kb, _ := strconv.ParseUint(fields[0], 10, 64)
			p.RSS = kb << 10
		case key == "NSpid" && len(fields) > 0:
			p.NSPID, _ = strconv.Atoi(fields[len(fields)-1])
		}
	}
}
