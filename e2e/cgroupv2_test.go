package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"vme50-tui/cgroup"
)

// cgroup v2's own ideas (memory.high, swap, io.max, the freezer) and what
// cgroup v1 has of them: run here on v1, and in the VM on v2.

// memoryHighLimit is the soft limit of TestMemoryHigh: far below what the
// hog takes, far below its hard limit.
const memoryHighLimit = 24 << 20

// Above memory.high the kernel throttles and reclaims, and kills nothing.
// v1 has no memory.high: one line and 125.
func TestMemoryHigh(t *testing.T) {
	clean(t)
	if host(t).Version == cgroup.V1 {
		r := run(t, "--memory-limit", "128M", "--memory-high", "24M", "/bin/true")
		wantCode(t, r, 125)
		if !strings.Contains(r.stderr, "memory.high") || strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 {
			t.Errorf("stderr %q: want one line about memory.high", r.stderr)
		}
		return
	}
	cmd, id := startContainer(t, "--memory-limit", "128M", "--memory-high", "24M",
		"vme50-hog", "mem", "--rate", "64M/s", "--max", "96M", "--hold", "30")
	if got := cgroupFile(t, id, "memory.high", "", ""); got != strconv.Itoa(memoryHighLimit) {
		t.Errorf("memory.high %s, want %d", got, memoryHighLimit)
	}
	// At 64M/s the hog would reach 96M in 1.5 s; throttled, it stays near
	// the soft limit for as long as we watch.
	var peak uint64
	var high int64
	for deadline := time.Now().Add(4 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		cur, _ := strconv.ParseUint(cgroupFile(t, id, "memory.current", "", ""), 10, 64)
		peak = max(peak, cur)
		events := cgroupFile(t, id, "memory.events", "", "")
		high = statField(events, "high")
		if kills := statField(events, "oom_kill"); kills != 0 {
			t.Fatalf("memory.high OOM-killed: oom_kill %d", kills)
		}
	}
	t.Logf("memory.high 24M: memory.current at most %s, memory.events high %d", cgroup.FormatSize(peak), high)
	if high <= 0 {
		t.Errorf("memory.events high %d: the kernel never throttled", high)
	}
	if peak > 64<<20 {
		t.Errorf("memory.current reached %s under memory.high 24M: not throttled", cgroup.FormatSize(peak))
	}
	if cmd.ProcessState != nil {
		t.Errorf("the hog ended: %s", cmd.ProcessState)
	}
	endContainer(t, cmd, id)
}

// --memory-swap is Docker's memory+swap; without it the container has no
// swap.
func TestMemorySwap(t *testing.T) {
	clean(t)
	v1 := host(t).Version == cgroup.V1
	swapFile := func(id string) (string, bool) {
		name := "memory.swap.max"
		if v1 {
			name = "memory.memsw.limit_in_bytes"
		}
		path := filepath.Join(leafDir(t, id, "memory"), name)
		data, err := os.ReadFile(path)
		if err != nil {
			return "", false
		}
		return strings.TrimSpace(string(data)), true
	}
	for _, c := range []struct {
		flags        []string
		v1, v2       string
		code         int
		stderrSubstr string
	}{
		{[]string{"--memory-limit", "64M"}, "67108864", "0", 0, ""},
		{[]string{"--memory-limit", "64M", "--memory-swap", "96M"}, "100663296", "33554432", 0, ""},
		{[]string{"--memory-limit", "64M", "--memory-swap", "-1"}, "9223372036854771712", "max", 0, ""},
		{[]string{"--memory-limit", "64M", "--memory-swap", "32M"}, "", "", 125, "below --memory-limit"},
		{[]string{"--memory-swap", "96M"}, "", "", 125, "needs --memory-limit"},
	} {
		if c.code != 0 {
			r := run(t, append(c.flags, "/bin/true")...)
			if r.code != c.code || !strings.Contains(r.stderr, c.stderrSubstr) {
				t.Errorf("%q: status %d, %q; want %d, %q", c.flags, r.code, r.stderr, c.code, c.stderrSubstr)
			}
			continue
		}
		cmd, id := startContainer(t, append(c.flags, "/bin/sleep", "1000")...)
		got, ok := swapFile(id)
		want := c.v2
		if v1 {
			want = c.v1
		}
		switch {
		case !ok && v1:
			t.Logf("%q: no swap accounting on this kernel (boot it with swapaccount=1)", c.flags)
		case !ok:
			t.Errorf("%q: no memory.swap.max in the container's cgroup", c.flags)
		case got != want:
			t.Errorf("%q: swap limit %s, want %s", c.flags, got, want)
		}
		endContainer(t, cmd, id)
	}
}

// rootfsOnDisk copies the test rootfs onto a filesystem with a block
// device below it (VME50_DISK_DIR in the VM, whose /tmp is a tmpfs) and
// returns it and the device's MAJ:MIN.
func rootfsOnDisk(t *testing.T) (string, string) {
	t.Helper()
	base := os.Getenv("VME50_DISK_DIR")
	if base == "" {
		base = os.TempDir()
	}
	dir, err := os.MkdirTemp(base, "vme50-disk-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	var fs unix.Statfs_t
	if err := unix.Statfs(dir, &fs); err != nil {
		t.Fatal(err)
	}
	if fs.Type == unix.TMPFS_MAGIC || fs.Type == unix.RAMFS_MAGIC {
		needFail(t, fmt.Sprintf("%s is on a tmpfs or ramfs: no block device below it (set VME50_DISK_DIR)", base))
	}
	var st unix.Stat_t
	if err := unix.Stat(dir, &st); err != nil {
		t.Fatal(err)
	}
	os.Chmod(dir, 0o755)
	root := filepath.Join(dir, "rootfs")
	if out, err := exec.Command("cp", "-a", rootfsOK, root).CombinedOutput(); err != nil {
		t.Fatalf("cp -a %s %s: %v\n%s", rootfsOK, root, err, out)
	}
	return root, fmt.Sprintf("%d:%d", unix.Major(st.Dev), unix.Minor(st.Dev))
}

// needFail fails a test that cannot run under VME50_E2E=1 and skips it
// otherwise.
func needFail(t *testing.T, why string) {
	t.Helper()
	if os.Getenv("VME50_E2E") == "1" {
		t.Fatal(why)
	}
	t.Skip(why)
}

// io.max (v1 blkio.throttle) holds the disk's rate at the limit.
func TestDeviceReadBps(t *testing.T) {
	clean(t)
	root, dev := rootfsOnDisk(t)
	r := vme50(t, "run", "--rootfs", root, "--device-read-bps", dev+":2m", "vme50-hog", "io", "--seconds", "4")
	wantCode(t, r, 0)
	m := regexp.MustCompile(`done: [0-9.]+ MiB read in [0-9.]+ s, ([0-9.]+) MB/s`).FindStringSubmatch(r.stdout)
	if m == nil {
		t.Fatalf("no summary:\n%s%s", r.stdout, r.stderr)
	}
	rate, _ := strconv.ParseFloat(m[1], 64)
	t.Logf("--device-read-bps %s:2m: %.2f MB/s\n%s", dev, rate, r.stdout)
	// 2 MiB/s is 2.10 MB/s; the first second may run ahead of the
	// throttle's budget.
	if rate < 1.5 || rate > 2.8 {
		t.Errorf("read %.2f MB/s under a limit of 2.10 MB/s", rate)
	}
	for _, bad := range []string{"/etc/passwd:1m", "/dev/null:1m", dev, dev + ":fast"} {
		r := run(t, "--device-read-bps", bad, "/bin/true")
		if r.code != 125 || !strings.Contains(r.stderr, "--device-read-bps") {
			t.Errorf("--device-read-bps %s: status %d, %q", bad, r.code, r.stderr)
		}
	}
}

// cpuUsec is the CPU time the container has used, from its cgroup.
func cpuUsec(t *testing.T, id string) int64 {
	t.Helper()
	if host(t).Version == cgroup.V1 {
		ns, _ := strconv.ParseInt(cgroupFile(t, id, "", "cpuacct", "cpuacct.usage"), 10, 64)
		return ns / 1000
	}
	return statField(cgroupFile(t, id, "cpu.stat", "", ""), "usage_usec")
}

// psState is the STATE of container id in `ps --json`.
func psState(t *testing.T, id string) string {
	t.Helper()
	r := vme50(t, "ps", "--json")
	wantCode(t, r, 0)
	var rows []struct{ ID, State string }
	if err := json.Unmarshal([]byte(r.stdout), &rows); err != nil {
		t.Fatalf("ps --json: %v\n%s", err, r.stdout)
	}
	for _, row := range rows {
		if row.ID == id {
			return row.State
		}
	}
	return ""
}

// pause freezes a busy container: its CPU time stops; resume starts it
// again; a paused container is still killed.
func TestPauseResume(t *testing.T) {
	clean(t)
	cmd, id := startContainer(t, "vme50-hog", "cpu", "--threads", "1", "--seconds", "60")
	grew := func() int64 {
		before := cpuUsec(t, id)
		time.Sleep(500 * time.Millisecond)
		return cpuUsec(t, id) - before
	}
	if g := grew(); g < 200_000 {
		t.Fatalf("the hog used %d µs in 500 ms before the pause", g)
	}
	r := vme50(t, "pause", id)
	wantCode(t, r, 0)
	if strings.TrimSpace(r.stdout) != id {
		t.Errorf("pause printed %q, want the id", r.stdout)
	}
	if s := psState(t, id); s != "paused" {
		t.Errorf("ps says %q, want paused", s)
	}
	if g := grew(); g > 10_000 {
		t.Errorf("paused, the hog still used %d µs in 500 ms", g)
	}
	// Nothing starts in a frozen cgroup: exec says so at once.
	if r := vme50(t, "exec", id, "/bin/true"); r.code != 1 || !strings.Contains(r.stderr, "paused") {
		t.Errorf("exec into a paused container: status %d, %q; want 1 and why", r.code, r.stderr)
	}
	wantCode(t, vme50(t, "resume", id), 0)
	if s := psState(t, id); s != "running" {
		t.Errorf("ps says %q after resume, want running", s)
	}
	if g := grew(); g < 200_000 {
		t.Errorf("resumed, the hog used only %d µs in 500 ms", g)
	}
	wantCode(t, vme50(t, "pause", id), 0)
	wantCode(t, vme50(t, "kill", id), 0)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
		if ws := cmd.ProcessState.Sys().(syscall.WaitStatus); ws.ExitStatus() != 137 {
			t.Errorf("run of a paused, killed container exited %d, want 137", ws.ExitStatus())
		}
	case <-time.After(20 * time.Second):
		t.Fatal("a paused container did not die of kill")
	}
	r = vme50(t, "pause", "no-such-container")
	if r.code != 1 || !strings.Contains(r.stderr, "no running container") {
		t.Errorf("pause of nothing: %d %q", r.code, r.stderr)
	}
}
