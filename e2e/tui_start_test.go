package e2e

import (
	"regexp"
	"strings"
	"testing"
	"time"
)

// The start screen (issue 20) in tmux, as a class sees it: a title, the
// form in a box, the focused field's help in this host's file names, and
// what Enter will do, kept current as a memory limit is typed: the run
// line and the kernel's first steps. Enter through launches just that.
func TestTUIStartScreen(t *testing.T) {
	clean(t)
	files := host(t).Files()
	limit := regexp.QuoteMeta(files.MemoryMax + " <- ")
	for _, size := range [][2]int{{80, 24}, {120, 40}} {
		tm := startTmux(t, size[0], size[1], "--rootfs", rootfsOK, "--hostname", "startbox")
		s := tm.waitFor(`What Enter will do`, 10*time.Second)
		for _, re := range []string{`vme50-tui +a teaching container runtime`, `╭─ New container`, `Root filesystem → pivot_root`,
			`vme50-tui run \S*`, `--rootfs \S+busybox-rootfs`, `--hostname startbox /bin/sh`, `mkdir /sys/fs/cgroup/`,
			`clone\(CLONE_NEWPID\|CLONE_NEWNS`, `pivot_root \. \.`, `Lessons: ctrl\+g l`} {
			if !regexp.MustCompile(re).MatchString(s) {
				t.Errorf("%v: the start screen lacks %q:\n%s", size, re, s)
			}
		}
		if regexp.MustCompile(limit).MatchString(s) || strings.Contains(s, "--memory-limit") {
			t.Errorf("%v: a memory limit before one was typed:\n%s", size, s)
		}

		tm.keys("Enter")
		tm.waitFor(`Memory limit → `+regexp.QuoteMeta(files.MemoryMax), 5*time.Second)
		tm.text("64M")
		s = tm.waitFor(`--memory-limit 64M`, 5*time.Second)
		if !regexp.MustCompile(limit + `67108864`).MatchString(s) {
			t.Errorf("%v: the steps do not write 64M:\n%s", size, s)
		}
		tm.keys("BSpace", "BSpace", "BSpace")
		tm.text("1.5G")
		tm.waitFor(`--memory-limit 1\.5G`, 5*time.Second)
		tm.waitFor(limit+`1610612736`, 5*time.Second)
		tm.text("x")
		tm.waitFor(`✗ Enter stops here: --memory-limit "1\.5Gx"`, 5*time.Second)
		tm.keys("BSpace")
		tm.waitFor(limit+`1610612736`, 5*time.Second)

		if size[0] != 80 {
			tm.keys("Escape") // esc on the start screen quits
			tm.waitFor(`EXIT=0`, 15*time.Second)
			continue
		}
		// The form launches what the screen said.
		for i := 0; i < 20 && !strings.Contains(tm.screen(), "startbox running"); i++ {
			tm.keys("Enter")
			time.Sleep(150 * time.Millisecond)
		}
		tm.waitFor(`startbox running`, 10*time.Second)
		id := idOf(t, "startbox")
		if got := cgroupFile(t, id, "memory.max", "memory", "memory.limit_in_bytes"); got != "1610612736" {
			t.Errorf("%s = %s, want 1610612736", files.MemoryMax, got)
		}
		quitTUI(tm)
	}
}
