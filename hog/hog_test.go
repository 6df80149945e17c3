package hog

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// capture runs a workload and returns its status and what it said.
func capture(t *testing.T, args ...string) (int, string) {
	t.Helper()
	var buf bytes.Buffer
	out = &buf
	t.Cleanup(func() { out = os.Stdout })
	return Main(args), buf.String()
}

func TestParseRate(t *testing.T) {
	for in, want := range map[string]uint64{"16M/s": 16 << 20, "16M": 16 << 20, "512k/s": 512 << 10, " 1G/s ": 1 << 30} {
		if got, err := parseRate(in); err != nil || got != want {
			t.Errorf("parseRate(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "max", "fast", "-1M/s", "16M/min"} {
		if _, err := parseRate(in); err == nil {
			t.Errorf("parseRate(%q) accepted", in)
		}
	}
}

func TestBadUsage(t *testing.T) {
	for _, args := range [][]string{
		nil, {"disk"}, {"mem", "--rate", "fast"}, {"mem", "--max", "max"}, {"mem", "--hold", "-1"},
		{"cpu", "--threads", "0"}, {"cpu", "--seconds", "0"}, {"cpu", "extra"}, {"fork", "--max", "0"},
		{"fork", "--seconds", "NaN"},
	} {
		if code, _ := capture(t, args...); code != 2 {
			t.Errorf("%q: status %d, want 2", args, code)
		}
	}
	if code, text := capture(t, "help"); code != 0 || !strings.Contains(text, "fork") {
		t.Errorf("help: %d %q", code, text)
	}
}

func TestMem(t *testing.T) {
	start := time.Now()
	code, text := capture(t, "mem", "--rate", "4M/s", "--max", "1M", "--hold", "0.01")
	if code != 0 || !strings.Contains(text, "holding 1.0 MiB (--max)") {
		t.Errorf("status %d, said:\n%s", code, text)
	}
	// 1M at 4M/s: three pieces of 0.4M, a tenth of a second apart.
	if took := time.Since(start); took < 200*time.Millisecond || took > 2*time.Second {
		t.Errorf("took %s", took)
	}
}

func TestCPU(t *testing.T) {
	code, text := capture(t, "cpu", "--threads", "1", "--seconds", "1.2")
	if code != 0 || !strings.Contains(text, "cores in the last second") || !strings.Contains(text, "done:") {
		t.Errorf("status %d, said:\n%s", code, text)
	}
	// The thread really spun: most of its 1.2 s on a CPU (this machine
	// may be busy, so half of it will do).
	var used float64
	if i := strings.Index(text, "done: "); i >= 0 {
		fmt.Sscanf(text[i:], "done: %f s of CPU time", &used)
	}
	if used < 0.6 {
		t.Errorf("%.2f s of CPU time in 1.2 s of one busy thread:\n%s", used, text)
	}
}

// Without a pids limit, --max caps the processes at once; all of them are
// gone when the workload returns.
func TestFork(t *testing.T) {
	code, text := capture(t, "fork", "--seconds", "1.5", "--max", "3")
	if code != 0 || !strings.Contains(text, "3 running") || !strings.Contains(text, "done: 3 processes started, 0 forks refused") {
		t.Errorf("status %d, said:\n%s", code, text)
	}
	if n := countChildren(t); n != 0 {
		t.Errorf("%d children left", n)
	}
}

// countChildren counts the processes whose parent is this one.
func countChildren(t *testing.T) int {
	procs, _ := filepath.Glob("/proc/[0-9]*/stat")
	self := " " + strconv.Itoa(os.Getpid()) + " "
	n := 0
	for _, p := range procs {
		data, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		s := string(data)
		fields := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
		if len(fields) > 1 && " "+fields[1]+" " == self {
			n++
		}
	}
	return n
}

// --cache takes a size; without it mem reads no file at all.
func TestMemCacheFlag(t *testing.T) {
	for _, bad := range []string{"lots", "0", "-1M", "max"} {
		if code, _ := capture(t, "mem", "--cache", bad, "--max", "1M", "--hold", "0.01"); code != 2 {
			t.Errorf("--cache %q: status %d, want 2", bad, code)
		}
	}
	cacheFile = filepath.Join(t.TempDir(), "missing")
	t.Cleanup(func() { cacheFile = CachePath })
	if code, text := capture(t, "mem", "--max", "1M", "--hold", "0.01"); code != 0 || strings.Contains(text, "cache") {
		t.Errorf("without --cache: status %d, said:\n%s", code, text)
	}
	if code, text := capture(t, "mem", "--cache", "1M", "--max", "1M", "--hold", "0.01"); code != 0 ||
		!strings.Contains(text, "no page cache here: no "+cacheFile) || !strings.Contains(text, "holding 1.0 MiB (--max)") {
		t.Errorf("no cache file: status %d, said:\n%s", code, text)
	}
}

// A sparse file on a disk: --cache reads it (its holes become page cache)
// and says once a second how much of it is in memory; on a tmpfs it says
// there is no disk-backed page cache instead of pretending.
func TestMemCache(t *testing.T) {
	sparse := func(dir string) string {
		p := filepath.Join(dir, "cache")
		f, err := os.Create(p)
		if err == nil {
			err = f.Truncate(8 << 20)
			f.Close()
		}
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	t.Cleanup(func() { cacheFile = CachePath })
	cacheFile = sparse(t.TempDir())
	f, _ := os.Open(cacheFile)
	onDisk, fs := diskBacked(f)
	f.Close()
	if !onDisk {
		t.Logf("the test's temporary directory is on %s", fs)
	} else {
		code, text := capture(t, "mem", "--cache", "4M", "--max", "1M", "--hold", "1.5")
		if code != 0 || !strings.Contains(text, "page cache: read 4.0 MiB of "+cacheFile) ||
			!strings.Contains(text, "page cache: 4.0 MiB of 4.0 MiB still in memory") {
			t.Errorf("status %d, said:\n%s", code, text)
		}
	}
	if st, err := os.Stat("/dev/shm"); err != nil || !st.IsDir() {
		t.Skip("no /dev/shm")
	}
	cacheFile = sparse(t.TempDir())
	if tmp, err := os.MkdirTemp("/dev/shm", "hogtest"); err == nil {
		defer os.RemoveAll(tmp)
		cacheFile = sparse(tmp)
	}
	f, _ = os.Open(cacheFile)
	onDisk, _ = diskBacked(f)
	f.Close()
	if onDisk {
		t.Skip("/dev/shm is no tmpfs here")
	}
	code, text := capture(t, "mem", "--cache", "4M", "--max", "1M", "--hold", "0.01")
	if code != 0 || !strings.Contains(text, "no disk-backed page cache here: "+cacheFile+" is on a tmpfs") ||
		strings.Contains(text, "page cache: read") {
		t.Errorf("on a tmpfs: status %d, said:\n%s", code, text)
	}
}
