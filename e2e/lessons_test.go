package e2e

import (
	"bytes"
	"encoding/csv"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"vme50-tui/cgroup"
	"vme50-tui/record"
)

// The lessons of issue 6: vme50-hog in every container makes each limit
// bite, and --record and --verbose show it. The figures come from the
// recordings, as a student would take them.

// recording is a --record file: its header and its rows, column by name.
type recording struct {
	header string
	rows   []map[string]string
}

func readRecording(t *testing.T, path string) recording {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// Read as a spreadsheet would: the events column is quoted when it
	// holds a comma.
	lines, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		t.Fatalf("%s is not CSV: %v\n%s", path, err, data)
	}
	rec := recording{header: strings.Join(lines[0], ",")}
	// On a failure, the whole recording is in the test's log.
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("%s:\n%s", path, data)
		}
	})
	names := lines[0]
	for _, fields := range lines[1:] {
		if len(fields) != len(names) {
			t.Fatalf("row %q has %d fields, the header %d", fields, len(fields), len(names))
		}
		row := map[string]string{}
		for i, name := range names {
			row[name] = fields[i]
		}
		rec.rows = append(rec.rows, row)
	}
	if len(rec.rows) < 2 {
		t.Fatalf("%d rows in the recording:\n%s", len(rec.rows), data)
	}
	return rec
}

// num is a column's value in a row; an empty field fails the test.
func num(t *testing.T, row map[string]string, column string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(row[column], 10, 64)
	if err != nil {
		t.Fatalf("column %s: %q is not a number (row %v)", column, row[column], row)
	}
	return n
}

// cores is the CPU the container used between the rows at about from and
// to (time_ms), in cores.
func (r recording) cores(t *testing.T, from, to int64) float64 {
	t.Helper()
	var a, b map[string]string
	for _, row := range r.rows {
		ms := num(t, row, "time_ms")
		if a == nil && ms >= from {
			a = row
		}
		if ms <= to {
			b = row
		}
	}
	if a == nil || b == nil || num(t, b, "time_ms") <= num(t, a, "time_ms") {
		t.Fatalf("no rows between %d and %d ms", from, to)
	}
	usec := num(t, b, "cpu_usage_usec") - num(t, a, "cpu_usage_usec")
	return float64(usec) / float64(1000*(num(t, b, "time_ms")-num(t, a, "time_ms")))
}

func TestHogMemOOMKilledAndRecorded(t *testing.T) {
	clean(t)
	csv := filepath.Join(t.TempDir(), "mem.csv")
	r := run(t, "--memory-limit", "32M", "--record", csv, "vme50-hog", "mem")
	wantCode(t, r, 137)
	if !strings.Contains(r.stderr, "OOM") || !strings.Contains(r.stdout, "vme50-hog mem: ") {
		t.Errorf("no OOM line, or the hog said nothing:\nstdout %q\nstderr %q", r.stdout, r.stderr)
	}
	rec := readRecording(t, csv)
	if rec.header != record.Header {
		t.Errorf("header %q", rec.header)
	}
	last := rec.rows[len(rec.rows)-1]
	var peak, prevTime int64 = 0, -1
	killed := false // a reading may fall between the OOM kill and the exit
	for i, row := range rec.rows {
		if row["memory_max"] != "33554432" {
			t.Errorf("row %d: memory_max %q, want 33554432 exactly", i, row["memory_max"])
		}
		if ms := num(t, row, "time_ms"); ms <= prevTime {
			t.Errorf("row %d: time_ms %d after %d", i, ms, prevTime)
		} else {
			prevTime = ms
		}
		switch row["oom_kill"] {
		case "0":
			if killed {
				t.Errorf("row %d: oom_kill went back to 0", i)
			}
			// The hog only takes: memory climbs until the kill.
			cur := num(t, row, "memory_current")
			if cur < peak-(1<<20) {
				t.Errorf("row %d: memory_current fell from %d to %d before the kill", i, peak, cur)
			}
			peak = max(peak, cur)
		case "1":
			killed = true
		default:
			t.Errorf("row %d: oom_kill %q", i, row["oom_kill"])
		}
	}
	if first := num(t, rec.rows[0], "memory_current"); peak < 16<<20 || peak < 4*first {
		t.Errorf("memory_current climbed from %d only to %d", first, peak)
	}
	if last["oom_kill"] != "1" {
		t.Errorf("oom_kill %q at the end, want 1", last["oom_kill"])
	}
	if ms := num(t, rec.rows[0], "time_ms"); ms > 500 {
		t.Errorf("the first reading is %d ms after the start", ms)
	}
}

func TestHogCPUQuotaThrottles(t *testing.T) {
	clean(t)
	csv := filepath.Join(t.TempDir(), "cpu.csv")
	r := run(t, "--cpus", "0.5", "--record", csv, "vme50-hog", "cpu", "--threads", "2", "--seconds", "4")
	wantCode(t, r, 0)
	rec := readRecording(t, csv)
	last := rec.rows[len(rec.rows)-1]
	cores := rec.cores(t, 0, num(t, last, "time_ms"))
	t.Logf("--cpus 0.5, 2 busy threads: %.3f cores over %d ms, nr_throttled %s", cores, num(t, last, "time_ms"), last["nr_throttled"])
	if cores < 0.35 || cores > 0.65 {
		t.Errorf("used %.2f cores under --cpus 0.5, want 0.35-0.65", cores)
	}
	if num(t, last, "nr_throttled") <= 0 || num(t, last, "throttled_usec") <= 0 {
		t.Errorf("not throttled: nr_throttled %s throttled_usec %s", last["nr_throttled"], last["throttled_usec"])
	}
}

// Weights only matter when the CPUs are contended: each container runs as
// many busy threads as the host has CPUs.
func TestHogCPUWeightsShare(t *testing.T) {
	clean(t)
	dir := t.TempDir()
	weights := []string{"100", "400"}
	var rates [2]float64
	cmds := make([]*exec.Cmd, 2)
	for i, w := range weights {
		cmds[i] = vme50Cmd(t, "run", "--rootfs", rootfsOK, "--cpu-shares", w,
			"--record", filepath.Join(dir, w+".csv"), "vme50-hog", "cpu", "--seconds", "6")
		if err := cmds[i].Start(); err != nil {
			t.Fatal(err)
		}
	}
	for i, w := range weights {
		wantCode(t, finish(t, cmds[i], cmds[i].Wait()), 0)
		// Both run from about 0 to 6 s of their own recordings, started
		// within a few milliseconds of each other; the middle is shared.
		rates[i] = readRecording(t, filepath.Join(dir, w+".csv")).cores(t, 1000, 5000)
	}
	ratio := rates[1] / rates[0]
	t.Logf("weights 100 and 400: %.3f and %.3f cores, ratio %.2f", rates[0], rates[1], ratio)
	if ratio < 2.5 || ratio > 6 {
		t.Errorf("weights 100 and 400 got %.2f and %.2f cores: ratio %.2f, want 2.5-6", rates[0], rates[1], ratio)
	}
}

func TestHogForkBombMeetsPidsLimit(t *testing.T) {
	clean(t)
	csv := filepath.Join(t.TempDir(), "fork.csv")
	start := time.Now()
	r := run(t, "--pids-limit", "25", "--record", csv, "vme50-hog", "fork", "--seconds", "4")
	took := time.Since(start)
	wantCode(t, r, 0)
	if took > 15*time.Second {
		t.Errorf("the bomb took %s to stop by itself", took)
	}
	refused := regexp.MustCompile(`done: \d+ processes started, (\d+) forks refused`).FindStringSubmatch(r.stdout)
	if refused == nil || refused[1] == "0" {
		t.Errorf("the kernel refused no fork:\n%s", r.stdout)
	}
	rec := readRecording(t, csv)
	var most int64
	for i, row := range rec.rows {
		if row["pids_max"] != "25" {
			t.Errorf("row %d: pids_max %q", i, row["pids_max"])
		}
		most = max(most, num(t, row, "pids_current"))
	}
	if most > 25 || most < 20 {
		t.Errorf("pids_current rose to %d under pids.max 25", most)
	}
}

// run --verbose prints the kernel log: the cgroup writes with their values,
// in the files of this host's cgroup version, clone, and init's steps, in
// the order they happened.
func TestVerboseKernelLog(t *testing.T) {
	clean(t)
	r := run(t, "--verbose", "--memory-limit", "32M", "--pids-limit", "40", "--hostname", "logbox", "/bin/true")
	wantCode(t, r, 0)
	memoryMax := "memory.max <- 33554432"
	if host(t).Version == cgroup.V1 {
		memoryMax = "memory.limit_in_bytes <- 33554432"
	}
	steps := []string{
		"mkdir /sys/fs/cgroup/", memoryMax, "pids.max <- 40", "clone(CLONE_NEWPID|CLONE_NEWNS",
		"mount -t overlay overlay ", "mount -t proc proc ", "mount --bind ", "pivot_root",
		"sethostname logbox", "execve /bin/true", "wait4(", "rmdir /sys/fs/cgroup/",
	}
	lines := strings.Split(strings.TrimSuffix(r.stderr, "\n"), "\n")
	at := 0
	for _, s := range steps {
		for at < len(lines) && !strings.Contains(lines[at], s) {
			at++
		}
		if at == len(lines) {
			t.Fatalf("the log lacks %q, or has it out of order:\n%s", s, r.stderr)
		}
	}
	for _, l := range lines {
		if !strings.HasPrefix(l, "vme50-tui: ") {
			t.Errorf("line %q is not prefixed vme50-tui: ", l)
		}
	}
}

// vme50-hog is found through the container's PATH, read-only, and
// putting it there leaves the rootfs as it was, with an overlay or not.
func TestHogOnPathRootfsUnchanged(t *testing.T) {
	clean(t)
	for _, overlay := range []string{"--overlay=true", "--overlay=false"} {
		before := tree(t, rootfsOK)
		r := run(t, overlay, "/bin/sh", "-c",
			"command -v vme50-hog; vme50-hog help >/dev/null && echo runs; touch /tmp/.vme50/bin/x 2>/dev/null || echo read-only")
		wantCode(t, r, 0)
		if want := "/tmp/.vme50/bin/vme50-hog\nruns\nread-only\n"; r.stdout != want {
			t.Errorf("%s: %q, want %q (stderr %q)", overlay, r.stdout, want, r.stderr)
		}
		if after := tree(t, rootfsOK); after != before {
			t.Errorf("%s changed the rootfs:\n%s", overlay, strings.Join(diff(strings.Split(before, "\n"), strings.Split(after, "\n")), "\n"))
		}
	}
}

// tree lists every file of a directory with its mode, size and mtime: a
// file or directory made (or made and removed) inside shows.
func tree(t *testing.T, root string) string {
	t.Helper()
	var b strings.Builder
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		b.WriteString(path + " " + info.Mode().String() + " " + strconv.FormatInt(info.Size(), 10) + " " +
			strconv.FormatInt(info.ModTime().UnixNano(), 10) + "\n")
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}
