package e2e

import (
	"fmt"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The TUI driven as a person would: in tmux, with keys typed and the
// screen read back.

// tmux is one detached tmux session running the binary.
type tmux struct {
	t    *testing.T
	name string
}

func startTmux(t *testing.T, cols, rows int, args ...string) *tmux {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		if skipWhy == "" {
			t.Fatal("tmux is not installed (make test installs it)")
		}
	}
	name := fmt.Sprintf("vme50-e2e-%d", time.Now().UnixNano())
	cmdline := append([]string{bin}, args...)
	for i, a := range cmdline {
		cmdline[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
	}
	// remain-on-exit keeps the pane (and its last screen) after the
	// program quits, so the test can read how it ended.
	cmd := exec.Command("tmux", "new-session", "-d", "-s", name, "-x", fmt.Sprint(cols), "-y", fmt.Sprint(rows),
		"env TERM=xterm-256color "+strings.Join(cmdline, " ")+"; echo EXIT=$?; sleep 60")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("tmux: %v\n%s", err, out)
	}
	tm := &tmux{t: t, name: name}
	t.Cleanup(func() { exec.Command("tmux", "kill-session", "-t", name).Run() })
	return tm
}

// keys types keys, in tmux's send-keys names ("Enter", "C-g") or as text.
func (tm *tmux) keys(keys ...string) {
	tm.t.Helper()
	args := append([]string{"send-keys", "-t", tm.name}, keys...)
	if out, err := exec.Command("tmux", args...).CombinedOutput(); err != nil {
		tm.t.Fatalf("send-keys %v: %v\n%s", keys, err, out)
	}
}

// text types literal text.
func (tm *tmux) text(s string) {
	tm.t.Helper()
	if out, err := exec.Command("tmux", "send-keys", "-t", tm.name, "-l", s).CombinedOutput(); err != nil {
		tm.t.Fatalf("send-keys -l: %v\n%s", err, out)
	}
}

func (tm *tmux) screen() string {
	out, err := exec.Command("tmux", "capture-pane", "-p", "-t", tm.name).Output()
	if err != nil {
		tm.t.Fatalf("capture-pane: %v", err)
	}
	return string(out)
}

// waitFor waits until the screen matches re, and returns the screen.
func (tm *tmux) waitFor(re string, timeout time.Duration) string {
	tm.t.Helper()
	rx := regexp.MustCompile(re)
	deadline := time.Now().Add(timeout)
	for {
		s := tm.screen()
		if rx.MatchString(s) {
			return s
		}
		if time.Now().After(deadline) {
			tm.t.Fatalf("the screen never showed %q; it shows:\n%s", re, s)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func TestTUIMemoryLimitBites(t *testing.T) {
	clean(t)
	files := host(t).Files()
	tm := startTmux(t, 200, 50, "--rootfs", rootfsOK, "--memory-limit", "48M", "--hostname", "tuibox")
	tm.waitFor("New container", 10*time.Second)
	// The form is prefilled: Enter through every field launches.
	for i := 0; i < 20; i++ {
		tm.keys("Enter")
		time.Sleep(150 * time.Millisecond)
		if strings.Contains(tm.screen(), "running") {
			break
		}
	}
	tm.waitFor(`tuibox running`, 10*time.Second)
	tm.waitFor(`/ # `, 10*time.Second)
	tm.text("echo hello-from-$((6*7))")
	tm.keys("Enter")
	tm.waitFor(`hello-from-42`, 5*time.Second)
	// The panels, titled with this host's file names.
	s := tm.waitFor(regexp.QuoteMeta(files.MemoryCurrent), 5*time.Second)
	for _, name := range []string{files.MemoryMax, files.CPUStat, files.PidsCurrent} {
		if !strings.Contains(s, name) {
			t.Errorf("the panels do not name %s:\n%s", name, s)
		}
	}
	if !strings.Contains(s, "48.0 MiB") {
		t.Errorf("the memory limit 48.0 MiB is not shown:\n%s", s)
	}
	// A memory hog in a pipeline: the kernel kills tail, the shell lives.
	tm.text("head -c 300m /dev/zero | tail; echo shell-lives")
	tm.keys("Enter")
	// Generous waits: under qemu's software emulation (the cgroup v2 VM)
	// pushing 300 MB through a pipe takes a while.
	s = tm.waitFor(`oom_kill\D{0,20}1\b`, 90*time.Second)
	tm.waitFor(`shell-lives`, 30*time.Second)
	if !strings.Contains(tm.screen(), "tuibox running") {
		t.Errorf("the container did not survive the OOM kill of tail:\n%s", s)
	}
	// Quit: ctrl+g q asks, y confirms; everything is removed (clean checks).
	tm.keys("C-g", "q")
	tm.waitFor(`Quit\?`, 5*time.Second)
	tm.keys("y")
	tm.waitFor(`EXIT=0`, 15*time.Second)
}

// launchInTmux starts the TUI on a prefilled form and Enters through it.
func launchInTmux(t *testing.T, args ...string) *tmux {
	t.Helper()
	tm := startTmux(t, 120, 30, append([]string{"--rootfs", rootfsOK, "--hostname", "sigbox"}, args...)...)
	tm.waitFor("New container", 10*time.Second)
	for i := 0; i < 20 && !strings.Contains(tm.screen(), "sigbox running"); i++ {
		tm.keys("Enter")
		time.Sleep(150 * time.Millisecond)
	}
	tm.waitFor(`/ # `, 10*time.Second)
	return tm
}

// tuiPid finds the vme50-tui process that tmux runs.
func tuiPid(t *testing.T) int {
	t.Helper()
	out, _ := exec.Command("pgrep", "-f", "-x", regexp.QuoteMeta(bin)+" --rootfs .*sigbox.*").Output()
	fields := strings.Fields(string(out))
	if len(fields) != 1 {
		t.Fatalf("want one vme50-tui process, found %q", out)
	}
	pid, err := strconv.Atoi(fields[0])
	if err != nil {
		t.Fatal(err)
	}
	return pid
}

// SIGTERM, SIGHUP (the terminal closed) and SIGINT end the TUI cleanly:
// every container killed, every cgroup and overlay removed (clean checks).
func TestTUISignalsCleanUp(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGHUP, syscall.SIGINT} {
		t.Run(sig.String(), func(t *testing.T) {
			clean(t)
			tm := launchInTmux(t)
			tm.text("sleep 1000 &")
			tm.keys("Enter")
			time.Sleep(300 * time.Millisecond)
			if err := syscall.Kill(tuiPid(t), sig); err != nil {
				t.Fatal(err)
			}
			tm.waitFor(`EXIT=\d+`, 15*time.Second)
		})
	}
}

// The memory lesson, as a class would run it: picked from the lessons
// menu on the start screen, it launches the hog at 64M; the screen shows
// what to watch, the OOM kill in the panels and on the tab, and the
// kernel log lists the steps, the execve of the hog and the kill.
func TestTUIMemoryLesson(t *testing.T) {
	clean(t)
	files := host(t).Files()
	tm := startTmux(t, 200, 50, "--rootfs", rootfsOK)
	tm.waitFor("New container", 10*time.Second)
	tm.keys("C-g", "l")
	tm.waitFor(`Lessons: make each limit bite`, 5*time.Second)
	tm.keys("Enter") // the first lesson: memory
	tm.waitFor(`Lesson: Memory limit bites`, 10*time.Second)
	tm.waitFor(`vme50-hog mem: holding`, 20*time.Second)
	if s := tm.screen(); !strings.Contains(s, files.MemoryMax+" 64.0 MiB") {
		t.Errorf("the limit line %s 64.0 MiB is not drawn:\n%s", files.MemoryMax, s)
	}
	s := tm.waitFor(`mem-hog OOM-killed`, 90*time.Second)
	if !regexp.MustCompile(regexp.QuoteMeta(files.MemoryEvents) + `[^\n│]*oom_kill 1\b`).MatchString(s) {
		t.Errorf("the panels do not show oom_kill 1 in %s:\n%s", files.MemoryEvents, s)
	}
	tm.keys("C-g", "j")
	s = tm.waitFor(`kernel log · \d+ steps`, 5*time.Second)
	for _, want := range []string{"execve /tmp/.vme50/bin/vme50-hog mem", "oom_kill 0 -> 1", "rmdir "} {
		if !strings.Contains(s, want) {
			t.Errorf("the kernel log lacks %q:\n%s", want, s)
		}
	}
	// Nothing runs: ctrl+g q quits at once; clean checks nothing is left.
	tm.keys("C-g", "q")
	tm.waitFor(`EXIT=0`, 15*time.Second)
}

// SIGKILL of the TUI: its containers die with it within two seconds
// (parent-death signal, PID namespace), and the next start of vme50-tui
// removes the cgroup and overlay directory they left.
func TestTUISIGKILLLeavesNothingAfterNextStart(t *testing.T) {
	clean(t)
	others := foreignPidNamespaces()
	tm := launchInTmux(t)
	tm.text("sleep 1000 & sleep 1000")
	tm.keys("Enter")
	time.Sleep(300 * time.Millisecond)
	leaves := len(leafDirs(t))
	if err := syscall.Kill(tuiPid(t), syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	tm.waitFor(`EXIT=137`, 5*time.Second)
	deadline := time.Now().Add(2 * time.Second)
	for !slices.Equal(foreignPidNamespaces(), others) && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if ns := foreignPidNamespaces(); !slices.Equal(ns, others) {
		t.Errorf("the container outlived the TUI by 2 s: %v", ns)
	}
	if len(leafDirs(t)) != leaves {
		t.Errorf("the cgroup was removed before any next start")
	}
	// The next start (here run) sweeps; clean checks nothing is left.
	wantCode(t, run(t, "/bin/true"), 0)
}
