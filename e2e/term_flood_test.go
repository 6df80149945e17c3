package e2e

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The terminal pane under a flood, in the real binary at 200x50: every
// line of `seq` reaches the screen and the history in order (the
// container waits for the pane, nothing is dropped), the history holds
// exactly its 10,000 lines, and ctrl+c stops `yes` at once. Times are
// logged, not asserted (e2e/bench_term_test.go measures them); the
// deadlines only catch a pane that froze.

// numberRow is a screen row that starts with a number: one of seq's
// lines in the pane, on the left, with the scroll badge or the panels
// further right.
var numberRow = regexp.MustCompile(`^(\d+)(\s|$)`)

// numbers are the numbers the pane's rows show, top to bottom.
func numbers(s string) []int {
	var ns []int
	for _, r := range strings.Split(s, "\n") {
		if m := numberRow.FindStringSubmatch(r); m != nil {
			n, _ := strconv.Atoi(m[1])
			ns = append(ns, n)
		}
	}
	return ns
}

// firstNumber is the first row of the pane that is a number.
func firstNumber(t *testing.T, s string) int {
	t.Helper()
	if ns := numbers(s); len(ns) > 0 {
		return ns[0]
	}
	t.Fatalf("no number on the screen:\n%s", s)
	return 0
}

func TestTermFloodKeepsEveryLine(t *testing.T) {
	clean(t)
	tm := startTmux(t, 200, 50, "--rootfs", rootfsOK, "--hostname", "floodbox")
	tm.waitFor("New container", 10*time.Second)
	for i := 0; i < 20 && !strings.Contains(tm.screen(), "floodbox running"); i++ {
		tm.keys("Enter")
		time.Sleep(150 * time.Millisecond)
	}
	tm.waitFor(`/ # `, 10*time.Second)

	start := time.Now()
	tm.text("seq 1 30000; echo flood-$((6*7))")
	tm.keys("Enter")
	s := tm.waitFor(`(?m)^30000\b.*\nflood-42`, 60*time.Second)
	t.Logf("30,000 lines through the pane in %v (with tmux's polling)", time.Since(start).Round(10*time.Millisecond))
	top := firstNumber(t, s)

	// Back to the oldest line of the history: 10,000 lines above the
	// screen's top, every number in between there and in order.
	tm.keys("-N", "500", "S-PPage")
	s = tm.waitFor(regexp.QuoteMeta("[10000/10000]"), 10*time.Second)
	oldest := firstNumber(t, s)
	if oldest != top-10000 {
		t.Errorf("scrolled back fully, the first line is %d, want %d (the screen's top %d less 10,000):\n%s",
			oldest, top-10000, top, s)
	}
	ns := numbers(s)
	if len(ns) < 40 {
		t.Errorf("only %d numbered rows scrolled back:\n%s", len(ns), s)
	}
	want := oldest
	for _, n := range ns {
		if n != want {
			t.Fatalf("history line %d where %d was due:\n%s", n, want, s)
		}
		want++
	}

	// Typing returns to the live screen; ctrl+c stops a flood.
	tm.text("yes")
	tm.keys("Enter")
	time.Sleep(time.Second)
	start = time.Now()
	tm.keys("C-c")
	// ^C where yes was cut off, at a line's start or after a "y".
	tm.waitFor(`\^C.*\n/ # `, 10*time.Second)
	t.Logf("ctrl+c in a flood of yes: the prompt back in %v", time.Since(start).Round(10*time.Millisecond))

	tm.keys("C-g", "q")
	tm.waitFor(`Quit\?`, 5*time.Second)
	tm.keys("y")
	tm.waitFor(`EXIT=0`, 15*time.Second)
}
