package e2e

import (
	"regexp"
	"strings"
	"testing"
	"time"
)

// The limit editor under a running hog, as a class would watch it: the
// container starts at 200M, the hog climbs towards 150M, and while it is
// still low the teacher lowers memory to 64M (ctrl+g u). The write
// succeeds on both versions (the hog uses less than 64M then), the graph's
// limit line moves and a marker ▼64M shows the moment, the hog climbs on
// into the new limit and the OOM killer ends it; the kernel log shows the
// write in the kernel's words. (Lowering below the memory in use is a
// different story on v1: EBUSY, the limit unchanged; the unit tests and
// the update command's tests cover it.)
func TestTUIUpdateMemoryUnderHog(t *testing.T) {
	clean(t)
	files := host(t).Files()
	tm := startTmux(t, 200, 50, "--rootfs", rootfsOK, "--memory-limit", "200M", "--hostname", "updbox")
	tm.waitFor("New container", 10*time.Second)
	for i := 0; i < 20 && !strings.Contains(tm.screen(), "updbox running"); i++ {
		tm.keys("Enter")
		time.Sleep(150 * time.Millisecond)
	}
	tm.waitFor(`/ # `, 10*time.Second)
	// exec: the hog becomes the container's command, so its OOM kill is
	// the container's end, and the tab says so.
	tm.text("exec vme50-hog mem --max 150M --rate 8M/s --hold 60")
	tm.keys("Enter")
	// Climbing, still well under 64M: 16 to 39 MiB of 200.
	tm.waitFor(`\b(1[6-9]|[23]\d)\.\d/200\.0 MiB`, 30*time.Second)
	tm.keys("C-g", "u")
	tm.waitFor(`Limits of updbox`, 5*time.Second)
	tm.keys("C-u")
	tm.text("64M")
	tm.keys("Enter")
	s := tm.waitFor(`▼64M`, 10*time.Second)
	if !strings.Contains(s, files.MemoryMax+" <- 64.0 MiB") {
		t.Errorf("the status line does not say %s <- 64.0 MiB:\n%s", files.MemoryMax, s)
	}
	if !strings.Contains(s, files.MemoryMax+" 64.0 MiB") {
		t.Errorf("the limit line is not at %s 64.0 MiB:\n%s", files.MemoryMax, s)
	}
	tm.waitFor(`updbox OOM-killed`, 60*time.Second)
	tm.keys("C-g", "j")
	s = tm.waitFor(`kernel log · \d+ steps`, 5*time.Second)
	want := files.MemoryMax + " <- 67108864"
	if !regexp.MustCompile(regexp.QuoteMeta(want)).MatchString(s) {
		t.Errorf("the kernel log lacks %q:\n%s", want, s)
	}
	tm.keys("C-g", "q")
	tm.waitFor(`EXIT=0`, 15*time.Second)
}
