package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"vme50-tui/cgroup"
	"vme50-tui/runtime"
)

// vme50-tui update, run from this test process against containers of
// `run` processes: the limits change in the live cgroup files, and the
// kernel answers as the lesson says (reclaim, OOM kill or EBUSY,
// throttling, refused forks).

// update runs `vme50-tui update args...`.
func update(t *testing.T, args ...string) result {
	t.Helper()
	return vme50(t, append([]string{"update"}, args...)...)
}

// updated runs update and checks that it printed the container's id and
// succeeded.
func updated(t *testing.T, id string, args ...string) result {
	t.Helper()
	r := update(t, args...)
	wantCode(t, r, 0)
	if r.stdout != id+"\n" {
		t.Errorf("update %v printed %q, want the id %s", args, r.stdout, id)
	}
	return r
}

// oneLine checks that stderr is one line holding every word of want.
func oneLine(t *testing.T, r result, want ...string) {
	t.Helper()
	if strings.Count(r.stderr, "\n") != 1 {
		t.Errorf("stderr is not one line: %q", r.stderr)
	}
	for _, w := range want {
		if !strings.Contains(r.stderr, w) {
			t.Errorf("stderr lacks %q: %q", w, r.stderr)
		}
	}
}

// startHog is startContainer for `vme50-hog args...` under flags.
func startHog(t *testing.T, flags []string, args ...string) (*exec.Cmd, string) {
	t.Helper()
	return startContainer(t, append(append(flags, "vme50-hog"), args...)...)
}

// hogRuns tells whether one of pids is vme50-hog.
func hogRuns(pids []int) bool {
	for _, pid := range pids {
		cmdline, _ := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
		argv0, _, _ := strings.Cut(string(cmdline), "\x00")
		if filepath.Base(argv0) == "vme50-hog" {
			return true
		}
	}
	return false
}

// leafDir is a container's leaf in the hierarchy of a controller (v1), or
// its one leaf (v2).
func leafDir(t *testing.T, id, v1controller string) string {
	h := host(t)
	if h.Version == cgroup.V1 {
		return filepath.Join(h.V1Roots[v1controller], cgroup.Parent, id)
	}
	return filepath.Join(h.Root, cgroup.Parent, id)
}

// endContainer kills every process of a container from startContainer and
// waits for its run, which cleans up.
func endContainer(t *testing.T, cmd *exec.Cmd, id string) result {
	t.Helper()
	t.Logf("ending container %s", id) // to tell its leftovers from others'
	for _, pid := range procsIn(leafDir(t, id, "pids")) {
		syscall.Kill(pid, syscall.SIGKILL)
	}
	return finish(t, cmd, cmd.Wait())
}

// memoryLimit reads the memory limit in bytes, "max" when there is none
// (v1 shows its huge page-aligned number).
func memoryLimit(t *testing.T, id string) string {
	t.Helper()
	v := cgroupFile(t, id, "memory.max", "memory", "memory.limit_in_bytes")
	if n, err := strconv.ParseUint(v, 10, 64); err == nil && n >= 1<<62 {
		return "max"
	}
	return v
}

// memorySwapLimit reads v1's memory.memsw.limit_in_bytes like
// memoryLimit, or "" where the kernel does not account swap (and on v2).
func memorySwapLimit(t *testing.T, id string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(leafDir(t, id, "memory"), "memory.memsw.limit_in_bytes"))
	if host(t).Version == cgroup.V2 || err != nil {
		return ""
	}
	v := strings.TrimSpace(string(data))
	if n, err := strconv.ParseUint(v, 10, 64); err == nil && n >= 1<<62 {
		return "max"
	}
	return v
}

// memoryUsage reads the bytes the container's group uses now.
func memoryUsage(t *testing.T, id string) uint64 {
	t.Helper()
	n, _ := strconv.ParseUint(cgroupFile(t, id, "memory.current", "memory", "memory.usage_in_bytes"), 10, 64)
	return n
}

// waitUsage waits until the group uses at least bytes.
func waitUsage(t *testing.T, id string, bytes uint64) {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if memoryUsage(t, id) >= bytes {
			return
		}
	}
	t.Fatalf("the container never used %d bytes (uses %d)", bytes, memoryUsage(t, id))
}

// Raised and lowered by id, by a prefix of it and by hostname; the memory
// limit, and on v1 the memory+swap limit with it, in the files.
func TestUpdateMemoryRaisedAndLowered(t *testing.T) {
	clean(t)
	hostname := "upd-" + runtime.NewID()[:8]
	cmd, id := startContainer(t, "--hostname", hostname, "--memory-limit", "32M", "/bin/sleep", "30")
	for _, step := range []struct{ name, value, want string }{
		{id, "64M", "67108864"},       // raised: v1 writes memsw first
		{id[:8], "16M", "16777216"},   // lowered: v1 writes the limit first
		{hostname, "max", "max"},      // lifted
		{hostname, "48M", "50331648"}, // and limited again
	} {
		updated(t, id, "--memory-limit", step.value, step.name)
		if got := memoryLimit(t, id); got != step.want {
			t.Errorf("--memory-limit %s: memory limit %s, want %s", step.value, got, step.want)
		}
		if swap := memorySwapLimit(t, id); swap != "" && swap != step.want {
			t.Errorf("--memory-limit %s: memory.memsw.limit_in_bytes %s, want %s", step.value, swap, step.want)
		}
	}
	// Only the flag given is written: pids.max is still run's default.
	if got := cgroupFile(t, id, "pids.max", "pids", "pids.max"); got != "1024" {
		t.Errorf("pids.max %s, want the untouched 1024", got)
	}
	wantCode(t, endContainer(t, cmd, id), 137)
}

// Lowered under a hog that is still taking memory: the hog meets the new
// limit, and the OOM killer ends it; run reports it, with the new limit.
func TestUpdateLowerMemoryUntilOOMKill(t *testing.T) {
	clean(t)
	cmd, id := startHog(t, []string{"--memory-limit", "512M"}, "mem", "--max", "200M", "--hold", "30")
	waitUsage(t, id, 32<<20)
	// Above what it uses now (v1 would refuse less with EBUSY), below
	// what it is about to take.
	limit := (memoryUsage(t, id)>>20 + 24) << 20
	updated(t, id, "--memory-limit", strconv.FormatUint(limit, 10), id)
	r := finish(t, cmd, cmd.Wait())
	wantCode(t, r, 137)
	files := host(t).Files()
	want := "was OOM-killed (" + files.MemoryMax + " " + cgroup.FormatSize(limit)
	if !strings.Contains(r.stderr, want) {
		t.Errorf("run's stderr lacks %q: %q", want, r.stderr)
	}
}

// Lowered below what the hog holds: v1 refuses (EBUSY, after trying to
// reclaim), kills nothing and changes nothing, and update says so in one
// line with status 125; v2 reclaims and then OOM-kills within the write,
// and update says that.
func TestUpdateMemoryBelowUsage(t *testing.T) {
	clean(t)
	cmd, id := startHog(t, []string{"--memory-limit", "512M"}, "mem", "--rate", "512M/s", "--max", "200M", "--hold", "30")
	waitUsage(t, id, 200<<20)
	r := update(t, "--memory-limit", "64M", id)
	if host(t).Version == cgroup.V2 {
		wantCode(t, r, 0)
		oneLine(t, r, "container "+id+": to get under memory.max 64.0 MiB the kernel OOM-killed 1 process(es)")
		end := finish(t, cmd, cmd.Wait())
		wantCode(t, end, 137)
		if !strings.Contains(end.stderr, "OOM") {
			t.Errorf("run did not report the OOM kill: %q", end.stderr)
		}
		return
	}
	wantCode(t, r, 125)
	oneLine(t, r, "vme50-tui: container "+id+": write 67108864 to ", "/memory.limit_in_bytes: device or resource busy",
		"already uses more than 64.0 MiB: memory.usage_in_bytes is ")
	if got := memoryLimit(t, id); got != "536870912" {
		t.Errorf("memory.limit_in_bytes %s after a refused write, want 536870912", got)
	}
	if got := memorySwapLimit(t, id); got != "" && got != "536870912" {
		t.Errorf("memory.memsw.limit_in_bytes %s after a refused write, want 536870912", got)
	}
	if len(procsIn(leafDir(t, id, "pids"))) == 0 {
		t.Error("the hog was killed")
	}
	wantCode(t, endContainer(t, cmd, id), 137)
}

// A quota given to a busy container throttles it at once: nr_throttled
// climbs; lifted, it stops climbing.
func TestUpdateCPUQuotaThrottles(t *testing.T) {
	clean(t)
	cmd, id := startHog(t, nil, "cpu", "--threads", "2", "--seconds", "30")
	throttled := func() int64 { return statField(cgroupFile(t, id, "cpu.stat", "cpu", "cpu.stat"), "nr_throttled") }
	time.Sleep(300 * time.Millisecond)
	if n := throttled(); n != 0 {
		t.Errorf("nr_throttled %d without a quota", n)
	}
	updated(t, id, "--cpus", "0.2", id)
	quota := map[cgroup.Version]string{cgroup.V2: "20000 100000", cgroup.V1: "20000"}[host(t).Version]
	if got := cgroupFile(t, id, "cpu.max", "cpu", "cpu.cfs_quota_us"); got != quota {
		t.Errorf("quota %q, want %q", got, quota)
	}
	time.Sleep(500 * time.Millisecond)
	first := throttled()
	time.Sleep(time.Second)
	// Ten periods a second, each throttled under 0.2 of a core.
	if second := throttled(); first <= 0 || second < first+5 {
		t.Errorf("nr_throttled %d, then %d a second later: not climbing under --cpus 0.2", first, second)
	}

	updated(t, id, "--cpus", "0", id)
	lifted := map[cgroup.Version]string{cgroup.V2: "max 100000", cgroup.V1: "-1"}[host(t).Version]
	if got := cgroupFile(t, id, "cpu.max", "cpu", "cpu.cfs_quota_us"); got != lifted {
		t.Errorf("quota %q after --cpus 0, want %q", got, lifted)
	}
	time.Sleep(200 * time.Millisecond)
	first = throttled()
	time.Sleep(time.Second)
	if second := throttled(); second > first+1 {
		t.Errorf("nr_throttled went on from %d to %d without a quota", first, second)
	}
	wantCode(t, endContainer(t, cmd, id), 137)
}

// pids.max below pids.current: the kernel kills nothing, and refuses
// forks from then on. An inner shell forks a sleep every 0.1 s; at the
// first refused fork busybox's sh gives up and exits, and the outer one
// (PID 1) says so with builtins alone, while its two sleeps live on.
func TestUpdatePidsBelowCurrent(t *testing.T) {
	clean(t)
	script := `sleep 30 & sleep 30 & sh -c "while sleep 0.1; do :; done"; echo inner shell ended; wait`
	cmd, id := startContainer(t, "/bin/sh", "-c", script)
	r := updated(t, id, "--pids-limit", "2", id)
	if !strings.Contains(r.stderr, "is above pids.max 2: nothing was killed") {
		t.Errorf("update did not say that nothing is killed: %q", r.stderr)
	}
	time.Sleep(time.Second)
	if pids := procsIn(leafDir(t, id, "pids")); len(pids) != 3 {
		t.Errorf("the container holds %d processes under pids.max 2, want the outer shell and its two sleeps (%v)", len(pids), pids)
	}
	end := endContainer(t, cmd, id)
	if !strings.Contains(end.stdout, "inner shell ended") || !strings.Contains(end.stderr, "can't fork") {
		t.Errorf("no fork refused: stdout %q stderr %q", end.stdout, end.stderr)
	}
}

// A name that fits no running container, or several, is one line and
// status 1, and nothing is written.
func TestUpdateUnknownAndAmbiguous(t *testing.T) {
	clean(t)
	oneLine(t, update(t, "--cpus", "0.5", "nosuchcontainer"), `no running container has the id, id prefix or hostname "nosuchcontainer"`)
	wantCode(t, update(t, "--cpus", "0.5", "nosuchcontainer"), 1)

	// Containers of one hostname, until two ids share their first digit:
	// at most 17 (16 hex digits).
	hostname := "twin-" + runtime.NewID()[:8]
	type started struct {
		cmd *exec.Cmd
		id  string
	}
	byDigit := map[byte][]started{}
	var all []started
	var pair []started
	for len(pair) < 2 {
		cmd, id := startContainer(t, "--hostname", hostname, "/bin/sleep", "30")
		all = append(all, started{cmd, id})
		byDigit[id[0]] = append(byDigit[id[0]], started{cmd, id})
		pair = byDigit[id[0]]
	}
	for _, name := range []string{pair[0].id[:1], hostname} {
		r := update(t, "--cpus", "0.5", name)
		wantCode(t, r, 1)
		oneLine(t, r, strconv.Quote(name)+" names ", pair[0].id, pair[1].id, "give more of the id")
	}
	unlimited := map[cgroup.Version]string{cgroup.V2: "max 100000", cgroup.V1: "-1"}[host(t).Version]
	for _, c := range all {
		if got := cgroupFile(t, c.id, "cpu.max", "cpu", "cpu.cfs_quota_us"); got != unlimited {
			t.Errorf("container %s got quota %q from an ambiguous update", c.id, got)
		}
	}
	for _, c := range all {
		wantCode(t, endContainer(t, c.cmd, c.id), 137)
	}
	// Ended: its id now names nothing.
	r := update(t, "--cpus", "0.5", pair[0].id)
	wantCode(t, r, 1)
	oneLine(t, r, "no running container has the id")
}
