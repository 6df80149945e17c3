package e2e

import (
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The process list (ctrl+g t) of a shell that runs the memory hog under a
// small limit, as a class would: the shell and vme50-hog, with their pids
// on the host and in the container and their RSS; then the OOM kill, its
// victim marked in the list and named in the status. At the two sizes a
// classroom uses: a laptop's 80x24 and a projector's 200x50.
func TestTUIProcessListMemoryHog(t *testing.T) {
	for _, size := range [][2]int{{200, 50}, {80, 24}} {
		t.Run(strconv.Itoa(size[0])+"x"+strconv.Itoa(size[1]), func(t *testing.T) {
			clean(t)
			tm := launchAt(t, size[0], size[1], "procbox", "--memory-limit", "48M")
			// Slowly, so that the list shows it alive for a few seconds.
			tm.text("vme50-hog mem --rate 4M/s; echo shell-lives")
			tm.keys("Enter")
			tm.keys("C-g", "t")
			// A row: host pid, pid in the container, state, threads, RSS,
			// CPU %, command.
			row := func(command string) *regexp.Regexp {
				return regexp.MustCompile(`(?m)^\s*(\d+)\s+(\d+)\s+(running|sleeping|disk wait)\s+(\d+)\s+([\d.]+ [KMG]?i?B)\s+([\d.]+|–)\s+` + command)
			}
			s := tm.waitFor(`Processes of procbox: \d+ in cgroup.procs`, 5*time.Second)
			deadline := time.Now().Add(10 * time.Second)
			for !(row(`/bin/sh`).MatchString(s) && row(`vme50-hog mem`).MatchString(s)) && time.Now().Before(deadline) {
				time.Sleep(200 * time.Millisecond)
				s = tm.screen()
			}
			t.Logf("the list with the hog alive:\n%s", s)
			sh, hog := row(`/bin/sh`).FindStringSubmatch(s), row(`vme50-hog mem`).FindStringSubmatch(s)
			if sh == nil || hog == nil {
				t.Fatalf("the list does not show the shell and the hog:\n%s", s)
			}
			if sh[2] != "1" {
				t.Errorf("the shell is pid %s in the container, want 1", sh[2])
			}
			// The host pid is the hog's own, as /proc on the host has it.
			if comm, err := os.ReadFile("/proc/" + hog[1] + "/comm"); err != nil || strings.TrimSpace(string(comm)) != "vme50-hog" {
				t.Errorf("host pid %s of the hog is %q (%v)", hog[1], comm, err)
			}
			if hog[2] == "1" || hog[1] == hog[2] {
				t.Errorf("the hog's pids: host %s, container %s", hog[1], hog[2])
			}
			// The kill: the victim marked in the list, named in the status.
			tm.waitFor(`killed \(OOM\)`, 60*time.Second)
			s = tm.waitFor(`the kernel killed vme50-hog \(pid \d+ in the container\), anon-rss [\d.]+ MiB`, 5*time.Second)
			t.Logf("after the OOM kill:\n%s", s)
			victim := regexp.MustCompile(`(?m)^\s*(\d+)\s+(\d+|–)\s+killed \(OOM\)\s+–\s+([\d.]+) MiB\s+–\s+vme50-hog`).FindStringSubmatch(s)
			if victim == nil {
				t.Fatalf("no victim row:\n%s", s)
			}
			if victim[1] != hog[1] {
				t.Errorf("the victim is host pid %s, the hog was %s", victim[1], hog[1])
			}
			if mib, _ := strconv.ParseFloat(victim[3], 64); mib < 24 || mib > 80 {
				// anon-rss near the 48 MiB limit, with the file pages of
				// the binary it had mapped (file-rss) on top.
				t.Errorf("the victim held %s MiB when killed, want about the 48 MiB limit", victim[3])
			}
			// The shell lives on, in the list and in the terminal.
			tm.keys("C-g", "t")
			tm.waitFor(`shell-lives`, 10*time.Second)
			tm.keys("C-g", "q")
			tm.waitFor(`Quit\?`, 5*time.Second)
			tm.keys("y")
			tm.waitFor(`EXIT=0`, 15*time.Second)
		})
	}
}

// Presenter mode on the real binary: ctrl+g z zooms the memory panel in
// big figures, tab goes to the CPU's, esc leaves; ctrl+g space holds the
// display while the shell runs on: what it prints shows only once the
// display goes on.
func TestTUIPresenterMode(t *testing.T) {
	clean(t)
	tm := launchAt(t, 80, 24, "presbox", "--memory-limit", "48M")
	tm.keys("C-g", "z")
	s := tm.waitFor(`memory of presbox · panel 1 of 5`, 5*time.Second)
	if !strings.Contains(s, "▀▀▀") || !strings.Contains(s, "of memory.") {
		t.Errorf("the zoom has no big figure or no limit line:\n%s", s)
	}
	tm.keys("Tab")
	tm.waitFor(`CPU of presbox · panel 2 of 5`, 5*time.Second)
	tm.keys("Escape")
	tm.waitFor(`(?m)^/ #`, 5*time.Second)

	tm.keys("C-g", "Space")
	tm.waitFor(`display held, the container runs on`, 5*time.Second)
	tm.text("echo held-$((6*7))")
	tm.keys("Enter")
	time.Sleep(time.Second)
	if s := tm.screen(); strings.Contains(s, "held-42") {
		t.Errorf("the held display shows what came after:\n%s", s)
	}
	tm.keys("C-g", "Space")
	s = tm.waitFor(`(?m)^held-42`, 5*time.Second)
	if strings.Contains(s, "display held") {
		t.Errorf("the status still says held:\n%s", s)
	}
	tm.keys("C-g", "q")
	tm.waitFor(`Quit\?`, 5*time.Second)
	tm.keys("y")
	tm.waitFor(`EXIT=0`, 15*time.Second)
}

// launchAt starts the TUI at cols x rows on a prefilled form for a
// container called hostname, Enters through it and waits for the shell's
// prompt (at the end of its line: tmux leaves out the space after it).
func launchAt(t *testing.T, cols, rows int, hostname string, args ...string) *tmux {
	t.Helper()
	tm := startTmux(t, cols, rows, append([]string{"--rootfs", rootfsOK, "--hostname", hostname}, args...)...)
	tm.waitFor("New container", 10*time.Second)
	for i := 0; i < 30 && !strings.Contains(tm.screen(), hostname+" running"); i++ {
		tm.keys("Enter")
		time.Sleep(150 * time.Millisecond)
	}
	tm.waitFor(`(?m)^/ #`, 10*time.Second)
	return tm
}
