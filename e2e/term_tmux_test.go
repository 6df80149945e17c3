package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// benchTmux is a private tmux server (its own socket, killed at the end)
// for the terminal benchmarks: windows of a fixed size, each running one
// program, typed at and read back as a person would.
type benchTmux struct {
	tb     testing.TB
	socket string
}

func newBenchTmux(tb testing.TB) *benchTmux {
	tb.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		tb.Fatal("tmux is not installed (scripts/install-deps.sh installs it)")
	}
	// Its socket in the benchmark's temporary directory, removed with it.
	x := &benchTmux{tb: tb, socket: filepath.Join(tb.TempDir(), "vme50bench.sock")}
	// A first session keeps the server up; no status line, so a window
	// is all pane; no wait after ESC.
	x.run("new-session", "-d", "-s", "keep", "sleep 3600", ";",
		"set", "-g", "status", "off", ";", "set", "-g", "escape-time", "0")
	tb.Cleanup(func() { exec.Command("tmux", "-S", x.socket, "kill-server").Run() })
	return x
}

func (x *benchTmux) run(args ...string) string {
	x.tb.Helper()
	out, err := exec.Command("tmux", append([]string{"-S", x.socket, "-f", "/dev/null"}, args...)...).CombinedOutput()
	if err != nil {
		x.tb.Fatalf("tmux %v: %v\n%s", args, err, out)
	}
	return string(out)
}

// window starts argv in a new cols x rows window called name; the program
// is the pane's own process (exec), so pid finds it.
func (x *benchTmux) window(name string, cols, rows int, argv ...string) {
	x.tb.Helper()
	quoted := make([]string, len(argv))
	for i, a := range argv {
		quoted[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
	}
	x.run("new-session", "-d", "-s", name, "-x", strconv.Itoa(cols), "-y", strconv.Itoa(rows),
		"exec env TERM=xterm-256color "+strings.Join(quoted, " "))
}

func (x *benchTmux) keys(name string, keys ...string) {
	x.tb.Helper()
	x.run(append([]string{"send-keys", "-t", name}, keys...)...)
}

// line types s and Enter.
func (x *benchTmux) line(name, s string) {
	x.tb.Helper()
	x.run("send-keys", "-t", name, "-l", s)
	x.keys(name, "Enter")
}

func (x *benchTmux) screen(name string) string {
	x.tb.Helper()
	return x.run("capture-pane", "-p", "-t", name)
}

// waitFor waits until name's screen matches re and returns the screen.
func (x *benchTmux) waitFor(name, re string, timeout time.Duration) string {
	x.tb.Helper()
	rx := regexp.MustCompile(re)
	for deadline := time.Now().Add(timeout); ; time.Sleep(50 * time.Millisecond) {
		s := x.screen(name)
		if rx.MatchString(s) {
			return s
		}
		if time.Now().After(deadline) {
			x.tb.Fatalf("%s never showed %q; it shows:\n%s", name, re, s)
		}
	}
}

// pid is the process tmux runs in name's pane.
func (x *benchTmux) pid(name string) int {
	x.tb.Helper()
	pid, err := strconv.Atoi(strings.TrimSpace(x.run("display", "-p", "-t", name, "#{pane_pid}")))
	if err != nil {
		x.tb.Fatal(err)
	}
	return pid
}

// tui starts the TUI in window name (cols x rows) with a shell in a
// container called hostname, and waits for its prompt.
func (x *benchTmux) tui(name string, cols, rows int, hostname string) {
	x.tb.Helper()
	x.window(name, cols, rows, bin, "--rootfs", rootfsOK, "--hostname", hostname, "/bin/sh")
	x.waitFor(name, "New container", 10*time.Second)
	x.enterThroughForm(name, 1)
}

// enterThroughForm presses Enter through the prefilled form until the
// TUI has n containers (n children: each container's PID 1 is one; the tab
// bar is cut at the window's width, past seven tabs), and waits for the
// new one's prompt.
func (x *benchTmux) enterThroughForm(name string, n int) {
	x.tb.Helper()
	pid := x.pid(name)
	for i := 0; i < 40 && children(pid) < n; i++ {
		if i%2 == 0 {
			x.keys(name, "Enter")
		}
		time.Sleep(150 * time.Millisecond)
	}
	if got := children(pid); got != n {
		x.tb.Fatalf("%s runs %d containers, want %d:\n%s", name, got, n, x.screen(name))
	}
	x.waitFor(name, `(?m)/ #( |$)`, 10*time.Second)
}

// children counts the processes whose parent is pid.
func children(pid int) int {
	procs, _ := os.ReadDir("/proc")
	n := 0
	for _, p := range procs {
		data, err := os.ReadFile("/proc/" + p.Name() + "/stat")
		if err != nil {
			continue
		}
		// After the command name in parentheses: state, then the parent.
		f := strings.Fields(string(data[strings.LastIndexByte(string(data), ')')+1:]))
		if len(f) > 1 && f[1] == strconv.Itoa(pid) {
			n++
		}
	}
	return n
}

// newContainer opens the form with ctrl+g n and launches the n-th
// container of the TUI in window name.
func (x *benchTmux) newContainer(name string, n int) {
	x.tb.Helper()
	x.keys(name, "C-g", "n")
	x.waitFor(name, "New container", 5*time.Second)
	x.enterThroughForm(name, n)
}

// cpuTime is the CPU time pid used so far, user and system, to the
// nanosecond: the sum over its threads of /proc/PID/task/TID/schedstat's
// first field. (/proc/PID/stat counts 10 ms ticks: an idle TUI uses ten
// or so in 15 s, and one tick either way moved a ratio by a tenth.) A
// thread that ends takes its time with it; idle programs start and end
// none.
func cpuTime(tb testing.TB, pid int) time.Duration {
	tb.Helper()
	tasks, err := os.ReadDir(fmt.Sprintf("/proc/%d/task", pid))
	if err != nil {
		tb.Fatal(err)
	}
	var sum time.Duration
	for _, t := range tasks {
		data, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%s/schedstat", pid, t.Name()))
		if err != nil {
			continue // ended meanwhile
		}
		ns, _ := strconv.ParseInt(strings.Fields(string(data))[0], 10, 64)
		sum += time.Duration(ns)
	}
	return sum
}

// rssMiB is pid's resident memory (VmRSS) in MiB.
func rssMiB(tb testing.TB, pid int) float64 {
	tb.Helper()
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		tb.Fatal(err)
	}
	for _, l := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(l, "VmRSS:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 64)
			return kb / 1024
		}
	}
	tb.Fatalf("no VmRSS for pid %d", pid)
	return 0
}
