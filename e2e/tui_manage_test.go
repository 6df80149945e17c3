package e2e

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"
)

// The TUI as a container manager: its host view lists a container that
// `vme50-tui run` started in another process, opens its panels and a
// shell in it, and stops it; ctrl+g e opens a second shell in the TUI's
// own container.

// launchTUI starts the TUI in tmux on a prefilled form, Enters through it
// and waits for the shell of its container, called hostname.
func launchTUI(t *testing.T, cols, rows int, hostname string) *tmux {
	t.Helper()
	tm := startTmux(t, cols, rows, "--rootfs", rootfsOK, "--hostname", hostname)
	tm.waitFor("New container", 10*time.Second)
	for i := 0; i < 20 && !strings.Contains(tm.screen(), hostname+" running"); i++ {
		tm.keys("Enter")
		time.Sleep(150 * time.Millisecond)
	}
	tm.waitFor(`/ # `, 10*time.Second)
	return tm
}

// execShell opens a shell in the current tab's container, called name,
// with ctrl+g e and enter, and waits for its prompt in tab n.
func execShell(tm *tmux, n int, name string) {
	tm.t.Helper()
	tm.keys("C-g", "e")
	tm.waitFor(`exec into `+name+`: /bin/sh`, 5*time.Second)
	tm.keys("Enter")
	tm.waitFor(fmt.Sprintf(`%d exec %s running`, n, name), 10*time.Second)
	tm.waitFor(`/ # `, 10*time.Second)
}

func TestTUIHostViewRunContainer(t *testing.T) {
	clean(t)
	files := host(t).Files()
	// A shell that ends on SIGTERM, a second after it: stop needs no
	// SIGKILL.
	run, id := startContainer(t, "--hostname", "runbox", "--memory-limit", "64M", "--cpus", "0.5",
		"/bin/sh", "-c", "trap 'exit 0' TERM; while :; do sleep 1; done")
	tm := launchTUI(t, 120, 40, "tuibox")

	tm.keys("C-g", "h")
	// Other tests may run containers beside ours: the filter keeps ours.
	tm.waitFor(`Containers on this host: \d+, 1 of this TUI`, 10*time.Second)
	tm.text("/runbox")
	tm.keys("Enter")
	tm.waitFor(`Containers on this host: \d+, 1 of this TUI · filter runbox: 1 shown · sorted by memory`, 5*time.Second)
	row := fmt.Sprintf(`> %s\s+runbox\s+running\s+\d+s\s+[\d.]+ KiB/64\.0 MiB\s+[\d.]+/0\.50\s+\d+/1024\s+pid %d\s+/bin/sh -c`,
		id[:8], run.Process.Pid)
	s := tm.waitFor(row, 10*time.Second)
	if regexp.MustCompile(`(?m)^  \S+\s+tuibox`).MatchString(s) {
		t.Errorf("the filter runbox left tuibox in:\n%s", s)
	}
	tm.keys("Escape") // the filter off: both ours and runbox
	tm.waitFor(`tuibox\s+running.*this TUI`, 5*time.Second)

	// Enter on runbox: its panels, in the whole width, no terminal.
	tm.text("/runbox")
	tm.keys("Enter", "Enter")
	tm.waitFor(fmt.Sprintf(`runbox \(%s\), started by pid %d: its terminal is there`, id[:8], run.Process.Pid), 10*time.Second)
	tm.waitFor(`2 `+id[:8]+` runbox running`, 5*time.Second)
	s = tm.waitFor(regexp.QuoteMeta(files.MemoryCurrent), 5*time.Second)
	for _, want := range []string{files.MemoryMax, files.CPUStat, files.PidsCurrent, "64.0 MiB", "0.50 cores"} {
		if !strings.Contains(s, want) {
			t.Errorf("the panels of runbox lack %q:\n%s", want, s)
		}
	}
	if !regexp.MustCompile(`(?m)^╭─ ` + regexp.QuoteMeta(files.MemoryCurrent) + `.*╮$`).MatchString(s) {
		t.Errorf("the panels do not start at the left edge (a terminal beside them?):\n%s", s)
	}

	// ctrl+g e: a shell in runbox, in a tab of its own.
	execShell(tm, 3, "runbox")
	tm.text("echo host-$(hostname)")
	tm.keys("Enter")
	tm.waitFor(`host-runbox`, 5*time.Second)

	// The host view stops runbox after a y: run reports the end, the
	// attached tab and the exec end with it.
	tm.keys("C-g", "h")
	tm.waitFor(`filter runbox: 1 shown`, 5*time.Second) // the view kept its filter
	tm.keys("k")
	tm.waitFor(`Stop runbox\?`, 5*time.Second)
	tm.keys("y")
	tm.waitFor(`runbox stopped`, 20*time.Second)
	done := make(chan error, 1)
	go func() { done <- run.Wait() }()
	select {
	case err := <-done:
		if run.ProcessState.ExitCode() != 0 {
			t.Errorf("run exited %v after a stop its shell traps", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("run did not end after the stop")
	}
	// One escape at a time, each seen done before the next key: an escape
	// and a key right behind it read as alt+that key.
	tm.keys("Escape") // the filter off
	tm.waitFor(`1 of this TUI · sorted by memory`, 5*time.Second)
	tm.keys("Escape") // back to the exec's tab, its terminal
	tm.waitFor(`host-runbox`, 5*time.Second)
	s = tm.waitFor(`2 `+id[:8]+` runbox ended`, 10*time.Second)
	if !regexp.MustCompile(`3 exec runbox (killed|exited)`).MatchString(s) {
		t.Errorf("the exec into runbox did not end with it:\n%s", s)
	}

	tm.keys("C-g", "q")
	tm.waitFor(`Quit\? 1 running container`, 5*time.Second)
	tm.keys("y")
	tm.waitFor(`EXIT=0`, 15*time.Second)
}

// ctrl+g e opens a second shell in the TUI's own container: the same
// hostname, the same PID namespace (PID 1 is the first shell, and the
// first shell's processes are there), and it ends with the container.
func TestTUIExecSecondShell(t *testing.T) {
	clean(t)
	tm := launchTUI(t, 120, 40, "execbox")
	tm.text("sleep 4242 & echo first-$$")
	tm.keys("Enter")
	tm.waitFor(`first-1\b`, 5*time.Second)

	execShell(tm, 2, "execbox")
	tm.text("echo name-$(hostname) pid-$$; ps -o pid,args")
	tm.keys("Enter")
	s := tm.waitFor(`name-execbox pid-\d+`, 5*time.Second)
	m := regexp.MustCompile(`pid-(\d+)`).FindStringSubmatch(s)
	if m == nil || m[1] == "1" {
		t.Errorf("the second shell is PID %v, not a second process:\n%s", m, s)
	}
	for _, re := range []string{`(?m)^\s+1 /bin/sh\s`, `(?m)^\s+\d+ sleep 4242\s`, `(?m)^\s+` + m[1] + ` /bin/sh\s`} {
		if !regexp.MustCompile(re).MatchString(s) {
			t.Errorf("ps in the second shell lacks %s:\n%s", re, s)
		}
	}

	// The container ends (its first shell exits): so does the exec.
	tm.keys("C-g", "1")
	tm.text("exit")
	tm.keys("Enter")
	tm.waitFor(`1 \w+ execbox exited \(code 0\)`, 10*time.Second)
	tm.waitFor(`2 exec execbox (killed \(SIGKILL\)|exited)`, 10*time.Second)
	tm.keys("C-g", "e")
	tm.waitFor(`execbox has ended: there is nothing to exec into`, 5*time.Second)

	tm.keys("C-g", "q")
	tm.waitFor(`EXIT=0`, 15*time.Second)
}
