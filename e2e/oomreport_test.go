package e2e

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// The OOM killer's own report, from the kernel's log: which process it
// killed, in the container and on the host, and how big it was.
func TestOOMReportNamesTheVictim(t *testing.T) {
	clean(t)
	r := run(t, "--memory-limit", "32M", "-v", "/bin/sh", "-c", "vme50-hog mem --rate 64M/s; echo hog ended $?")
	wantCode(t, r, 0)
	if !strings.Contains(r.stdout, "hog ended 137") {
		t.Fatalf("the hog was not killed:\n%s", r.stdout)
	}
	// Its pid in the container is told when the report came before the
	// victim was reaped (not always so on a slow machine).
	report := regexp.MustCompile(`the OOM killer killed vme50-hog \(pid (?:(\d+) in the container, )?\d+ on the host\): anon-rss ([0-9.]+) MiB`)
	lines := report.FindAllStringSubmatch(r.stderr, -1)
	// Once as a kernel line of the log (-v), once in the report at the end.
	if len(lines) != 2 {
		t.Fatalf("want the kernel's report twice (log and end):\n%s", r.stderr)
	}
	if lines[0][1] == "1" {
		t.Errorf("the victim is PID 1, the shell: %s", lines[0][0])
	}
	if rss, _ := strconv.ParseFloat(lines[0][2], 64); rss < 16 {
		t.Errorf("the victim's anon-rss %s MiB: under a 32M limit, the hog had more", lines[0][2])
	}
	if !strings.Contains(r.stderr, "OOM killer ended 1 process(es) inside") {
		t.Errorf("no OOM line:\n%s", r.stderr)
	}
}
