package e2e

import (
	"encoding/json"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"vme50-tui/cgroup"
)

// The lessons of cgroup v2's own ideas (issue 15) in the TUI, driven in
// tmux as a class would: picked from the menu, watched in the panels, and
// checked against the cgroup files themselves. On a v1 host the v2-only
// lessons say in the menu why they cannot run; in the VM (v2) they run.

// openLessonMenu starts the TUI on rootfs at 120x40 and opens the lessons
// menu from the start screen.
func openLessonMenu(t *testing.T, rootfs string) *tmux {
	t.Helper()
	tm := startTmux(t, 120, 40, "--rootfs", rootfs)
	tm.waitFor("New container", 10*time.Second)
	tm.keys("C-g", "l")
	tm.waitFor(`Lessons: make each limit bite`, 5*time.Second)
	return tm
}

// quitTUI quits with ctrl+g q and y, and waits for the TUI's end.
func quitTUI(tm *tmux) {
	tm.t.Helper()
	tm.keys("C-g", "q")
	tm.waitFor(`Quit\?`, 10*time.Second)
	tm.keys("y")
	tm.waitFor(`EXIT=0`, 20*time.Second)
}

// idOf waits for the running container called hostname (ps --json) and
// returns its id: other tests may start containers meanwhile.
func idOf(t *testing.T, hostname string) string {
	t.Helper()
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		r := vme50(t, "ps", "--json")
		var rows []struct{ ID, Hostname string }
		if json.Unmarshal([]byte(r.stdout), &rows) != nil {
			continue
		}
		for _, row := range rows {
			if row.Hostname == hostname {
				return row.ID
			}
		}
	}
	t.Fatalf("no container %s in ps", hostname)
	return ""
}

// memoryEvents reads a counter of the leaf's memory.events (v2).
func memoryEvents(t *testing.T, id, key string) int64 {
	t.Helper()
	return statField(cgroupFile(t, id, "memory.events", "", ""), key)
}

// "memory.high slows, it does not kill": on v1 the menu says it needs
// cgroup v2 and enter launches nothing; on v2 it launches, memory.events
// high climbs (in the panel and in the file), memory.pressure rises, and
// nothing is OOM-killed: the hog lives on, held near 24M.
func TestTUIV2MemoryHighLesson(t *testing.T) {
	clean(t)
	tm := openLessonMenu(t, rootfsOK)
	// The sixth lesson, by the arrow keys (a digit would launch it).
	for range 5 {
		tm.keys("Down")
	}
	if host(t).Version == cgroup.V1 {
		s := tm.waitFor(`Cannot run on this host: needs cgroup v2`, 5*time.Second)
		for _, want := range []string{"6  memory.high slows, it does not kill  (not on this host)",
			"vme50-tui run --memory-limit 128M --memory-high 24M"} {
			if !strings.Contains(s, want) {
				t.Errorf("the menu does not say %q:\n%s", want, s)
			}
		}
		tm.keys("Enter")
		tm.keys("6")
		time.Sleep(time.Second)
		if s := tm.screen(); !strings.Contains(s, "Lessons: make each limit bite") || strings.Contains(s, "mem-high running") {
			t.Errorf("enter left the menu or launched the lesson:\n%s", s)
		}
		tm.keys("Escape")
		tm.waitFor("New container", 5*time.Second)
		tm.keys("Escape") // esc on the start screen quits
		tm.waitFor(`EXIT=0`, 15*time.Second)
		return
	}

	tm.waitFor(`The hog wants 96M at 64M a second`, 5*time.Second) // the sixth under the cursor
	tm.keys("Enter")
	tm.waitFor(`mem-high running`, 20*time.Second)
	id := idOf(t, "mem-high")
	if got := cgroupFile(t, id, "memory.high", "", ""); got != strconv.Itoa(24<<20) {
		t.Errorf("memory.high %q, want %d", got, 24<<20)
	}
	// The panel shows memory.events high climbing (on a narrow panel
	// without the file's name), while the hog is held near 24M of its 96M.
	s := tm.waitFor(`\bhigh [1-9]\d* max \d+ oom 0 oom_kill 0`, 60*time.Second)
	first := memoryEvents(t, id, "high")
	for _, want := range []string{"╌ ", "high 24.0 MiB", "memory.high 24.0 MiB", "memory.pressure some"} {
		if !strings.Contains(s, want) {
			t.Errorf("the panels lack %q:\n%s", want, s)
		}
	}
	time.Sleep(5 * time.Second)
	second := memoryEvents(t, id, "high")
	if first < 1 || second <= first {
		t.Errorf("memory.events high went from %d to %d in 5 s: no throttling", first, second)
	}
	if oom := memoryEvents(t, id, "oom_kill"); oom != 0 {
		t.Errorf("memory.events oom_kill %d: memory.high must not kill", oom)
	}
	cur, _ := strconv.ParseInt(cgroupFile(t, id, "memory.current", "", ""), 10, 64)
	if cur > 64<<20 {
		t.Errorf("memory.current %d: the hog was not held near memory.high (24M)", cur)
	}
	psi := cgroupFile(t, id, "memory.pressure", "", "")
	if m := regexp.MustCompile(`some avg10=\S+ avg60=\S+ avg300=\S+ total=(\d+)`).FindStringSubmatch(psi); m == nil || m[1] == "0" {
		t.Errorf("memory.pressure shows no stall:\n%s", psi)
	}
	s = tm.screen()
	if !strings.Contains(s, "mem-high running") || !regexp.MustCompile(`oom_kill 0\b`).MatchString(s) {
		t.Errorf("the hog did not live, or oom_kill is not 0:\n%s", s)
	}
	t.Logf("memory.events high %d -> %d in 5 s; memory.current %d\n%s", first, second, cur, s)
	quitTUI(tm)
}

// cores is the cores figure of the CPU panel's gauge ("0.98 cores of 4
// CPUs"), or -1.
func coresShown(s string) float64 {
	m := regexp.MustCompile(`(\d+\.\d\d) cores of \d+ CPUs`).FindStringSubmatch(s)
	if m == nil {
		return -1
	}
	v, _ := strconv.ParseFloat(m[1], 64)
	return v
}

// "Freeze and thaw", on both versions: ctrl+g f freezes the container
// (the tab says paused, the CPU panel shows 0.00 cores and the freezer's
// file, the cgroup's CPU time stands still, the shell echoes nothing);
// ctrl+g f again thaws it, the keys typed meanwhile arrive, the CPU runs
// again; the kernel log shows both writes.
func TestTUIFreezeLesson(t *testing.T) {
	clean(t)
	h := host(t)
	tm := openLessonMenu(t, rootfsOK)
	tm.keys("8")
	tm.waitFor(`freeze-me running`, 20*time.Second)
	id := idOf(t, "freeze-me")
	tm.waitFor(`vme50-hog cpu: \d+\.\d\d cores in the last second`, 30*time.Second)
	busy := func() bool {
		return coresShown(tm.screen()) >= 0.3
	}
	for deadline := time.Now().Add(20 * time.Second); !busy(); time.Sleep(200 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the hog's core never showed in the CPU panel:\n%s", tm.screen())
		}
	}

	tm.keys("C-g", "f")
	frozenLine := "cgroup.freeze 1: frozen, no CPU until thawed"
	if h.Version == cgroup.V1 {
		frozenLine = "freezer.state FROZEN: no CPU until thawed"
	}
	tm.waitFor(`freeze-me paused`, 15*time.Second)
	tm.waitFor(regexp.QuoteMeta(frozenLine), 5*time.Second)
	tm.waitFor(`0\.00 cores of \d+ CPUs`, 10*time.Second)
	usec := cpuUsec(t, id)
	if state := psState(t, id); state != "paused" {
		t.Errorf("ps says %q, want paused", state)
	}
	// Typed into a frozen shell: nothing echoes.
	tm.text("echo thawed-$((6*7))")
	tm.keys("Enter")
	time.Sleep(1500 * time.Millisecond)
	s := tm.screen()
	if strings.Contains(s, "thawed-42") || strings.Contains(s, "echo thawed") {
		t.Errorf("the frozen shell echoed:\n%s", s)
	}
	if grew := cpuUsec(t, id) - usec; grew > 10_000 {
		t.Errorf("frozen, the container used %d µs of CPU in 1.5 s", grew)
	}

	tm.keys("C-g", "f")
	tm.waitFor(`freeze-me running`, 15*time.Second)
	tm.waitFor(`thawed-42`, 10*time.Second) // the keys were kept, and arrive
	for deadline := time.Now().Add(20 * time.Second); !busy(); time.Sleep(200 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the CPU did not come back after the thaw:\n%s", tm.screen())
		}
	}
	if strings.Contains(tm.screen(), frozenLine) {
		t.Errorf("still frozen in the panel after the thaw:\n%s", tm.screen())
	}

	// The kernel log has both writes, in the kernel's words.
	tm.keys("C-g", "j")
	s = tm.waitFor(`kernel log · \d+ steps`, 5*time.Second)
	want := []string{"cgroup.freeze <- 1", "cgroup.freeze <- 0"}
	if h.Version == cgroup.V1 {
		want = []string{"freezer.state <- FROZEN", "freezer.state <- THAWED"}
	}
	for _, w := range want {
		if !strings.Contains(s, w) {
			t.Errorf("the kernel log lacks %q:\n%s", w, s)
		}
	}
	quitTUI(tm)
}

// "io.max throttles the disk", on a rootfs on a real disk: the I/O panel
// holds the read rate at the line of 2 MiB/s, as the hog's own figure;
// on a rootfs with no disk below, the menu says so.
func TestTUIV2IOLesson(t *testing.T) {
	clean(t)
	root, _ := rootfsOnDisk(t)
	tm := openLessonMenu(t, root)
	tm.keys("7")
	tm.waitFor(`io-hog running`, 20*time.Second)
	// The panel's title names the host's files; the rate sits at the limit.
	files := host(t).Files()
	s := tm.waitFor(`read (1\.[89]|2\.[01])/2\.0 MiB/s`, 60*time.Second)
	if !strings.Contains(s, files.IOStat) || !strings.Contains(s, "2.0 MiB/s") {
		t.Errorf("the I/O panel:\n%s", s)
	}
	tm.waitFor(`vme50-hog io: \d+\.\d\d MB/s read in the last second \(5[0-7] s left`, 20*time.Second)
	// The hog's own count, second by second: the median of five seconds,
	// for io.max lets a second after a slow one (a VM's stall) catch up
	// (3.03 MB/s was seen once).
	report := regexp.MustCompile(`vme50-hog io: (\d+\.\d\d) MB/s read in the last second \((\d+) s left`)
	rates := map[string]float64{}
	for deadline := time.Now().Add(15 * time.Second); len(rates) < 5 && time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		if m := report.FindAllStringSubmatch(tm.screen(), -1); len(m) > 0 {
			rates[m[len(m)-1][2]], _ = strconv.ParseFloat(m[len(m)-1][1], 64)
		}
	}
	seen := slices.Sorted(maps.Values(rates))
	if len(seen) < 3 {
		t.Fatalf("the hog reported %d seconds in 15 s", len(seen))
	}
	if rate := seen[len(seen)/2]; rate < 1.5 || rate > 2.8 {
		t.Errorf("the hog read a median %.2f MB/s under 2 MiB/s (%v)", rate, seen)
	}
	quitTUI(tm)

	// The test's own rootfs in the VM is in the initramfs: no disk.
	var fs unix.Statfs_t
	if unix.Statfs(rootfsOK, &fs) == nil && (fs.Type == unix.TMPFS_MAGIC || fs.Type == unix.RAMFS_MAGIC) {
		tm := openLessonMenu(t, rootfsOK)
		for range 6 {
			tm.keys("Down")
		}
		s := tm.waitFor(`Cannot run on this host: no block device under the rootfs`, 5*time.Second)
		if !strings.Contains(s, "7  io.max throttles the disk  (not on this host)") {
			t.Errorf("the menu does not mark the lesson:\n%s", s)
		}
		tm.keys("Escape")
		tm.waitFor("New container", 5*time.Second)
		tm.keys("Escape")
		tm.waitFor(`EXIT=0`, 15*time.Second)
	}
}

// "CPU pressure climbs": where the kernel keeps PSI for the group, a
// quota of 0.2 cores under two busy threads shows in cpu.pressure's some
// (the panel's figure and the file's total); elsewhere the menu gives the
// reason, PressureNote's.
func TestTUIV2PressureLesson(t *testing.T) {
	clean(t)
	h := host(t)
	tm := openLessonMenu(t, rootfsOK)
	for range 8 {
		tm.keys("Down")
	}
	tm.waitFor(`Two busy threads under cpu.max = 0.2 cores`, 5*time.Second) // the ninth under the cursor
	if note := h.PressureNote(); note != "" {
		s := tm.waitFor(`Cannot run on this host: needs PSI`, 5*time.Second)
		if !strings.Contains(strings.Join(strings.Fields(s), " "), "needs PSI: "+note) {
			t.Errorf("the menu does not give %q:\n%s", note, s)
		}
		tm.keys("Enter")
		time.Sleep(time.Second)
		if s := tm.screen(); strings.Contains(s, "pressure running") {
			t.Errorf("the lesson was launched:\n%s", s)
		}
		tm.keys("Escape")
		tm.waitFor("New container", 5*time.Second)
		tm.keys("Escape")
		tm.waitFor(`EXIT=0`, 15*time.Second)
		return
	}
	tm.keys("Enter")
	tm.waitFor(`pressure running`, 20*time.Second)
	id := idOf(t, "pressure")
	s := tm.waitFor(`cpu\.pressure\s+some\s+([1-9]\d|100)\.\d%`, 60*time.Second)
	psi := cgroupFile(t, id, "cpu.pressure", "", "")
	if m := regexp.MustCompile(`some avg10=\S+ avg60=\S+ avg300=\S+ total=(\d+)`).FindStringSubmatch(psi); m == nil || m[1] == "0" {
		t.Errorf("cpu.pressure shows no stall:\n%s", psi)
	}
	t.Logf("%s\n%s", psi, s)
	quitTUI(tm)
}
