package e2e

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// `run --record` of a memory hog under a 32M limit, then `replay` of its
// recording in tmux, as a student would after the lesson: the panels named
// by this host's files, the OOM kill marked on the memory graph with its
// victim, the end reached with End, the start again with Home.
func TestTUIReplayOfAnOOMKill(t *testing.T) {
	clean(t)
	files := host(t).Files()
	rec := filepath.Join(t.TempDir(), "hog.csv")
	r := run(t, "--memory-limit", "32M", "--record", rec, "vme50-hog", "mem")
	wantCode(t, r, 137)
	data, err := os.ReadFile(rec)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), "oom_kill vme50-hog pid ") || !strings.Contains(string(data), "exit status 137") {
		t.Fatalf("the recording's events lack the kill's victim or the exit:\n%s", data)
	}

	tm := startTmux(t, 160, 60, "replay", rec)
	s := tm.waitFor(regexp.QuoteMeta(files.MemoryCurrent), 10*time.Second)
	for _, want := range []string{"replay " + rec, "reading ", "start cgroup v", "space play/pause"} {
		if !strings.Contains(s, want) {
			t.Errorf("the replay's first screen lacks %q:\n%s", want, s)
		}
	}
	// End: the last reading, where the kernel killed; the memory graph's
	// axis marks the kill (K), the status line tells the exit. The kill's
	// words, naming the victim, are the newest event's: on the end's
	// screen when the kill and the exit share a row (or a column), else
	// one reading back.
	tm.keys("End")
	s = tm.waitFor(`last: exit status 137`, 5*time.Second)
	if m := regexp.MustCompile(`reading (\d+)/(\d+)`).FindStringSubmatch(s); m == nil || m[1] != m[2] {
		t.Errorf("End did not reach the last reading:\n%s", s)
	}
	for _, want := range []string{"paused", "oom_kill 1"} {
		if !strings.Contains(s, want) {
			t.Errorf("the end lacks %q:\n%s", want, s)
		}
	}
	if !regexp.MustCompile(`\sK[\s:]`).MatchString(s) {
		t.Errorf("no K marks the kill on the graphs' axis:\n%s", s)
	}
	victim := `oom_kill vme50-hog pid \d+ in the container`
	if !regexp.MustCompile(victim).MatchString(s) {
		tm.keys("Left")
		tm.waitFor(victim, 5*time.Second)
	}
	// Home: the first reading, before the kill.
	tm.keys("Home")
	s = tm.waitFor(`reading 1/`, 5*time.Second)
	if strings.Contains(s, "oom_kill vme50-hog") {
		t.Errorf("the kill is marked before it happened:\n%s", s)
	}
	tm.keys("q")
	tm.waitFor(`EXIT=0`, 5*time.Second)

	// A file that is not a recording (the VM has no /etc/hostname: one
	// of our own): one line naming it and its line.
	notes := filepath.Join(t.TempDir(), "notes.txt")
	if err := os.WriteFile(notes, []byte("the OOM killer took the hog\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	bad := vme50(t, "replay", notes)
	wantCode(t, bad, 125)
	if lines := strings.Split(strings.TrimSpace(bad.stderr), "\n"); len(lines) != 1 || !strings.Contains(lines[0], "notes.txt: line 1: not a recording") {
		t.Errorf("replay of %s said:\n%s", notes, bad.stderr)
	}
}
