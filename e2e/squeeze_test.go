package e2e

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"vme50-tui/cgroup"
	"vme50-tui/runtime"
)

// The lesson "Squeeze the memory": vme50-hog mem --cache holds anonymous
// memory and page cache (a sparse file of the runtime's on the host's
// disk, bound at /tmp/.vme50/cache); the limit comes down in steps with
// `vme50-tui update`. The page cache goes first: memory.stat's file
// (total_cache on v1) drops, the anonymous memory stays; then nothing is
// left to drop.

// memStat reads the page cache and the anonymous memory of a container
// from memory.stat: file and anon on v2, total_cache and total_rss on v1.
func memStat(t *testing.T, id string) (file, anon uint64) {
	t.Helper()
	file, anon, ok := tryMemStat(t, id)
	if !ok {
		t.Fatalf("container %s: no memory.stat", id)
	}
	return file, anon
}

// tryMemStat is memStat for a container that may be gone: ok is false then.
func tryMemStat(t *testing.T, id string) (file, anon uint64, ok bool) {
	data, err := os.ReadFile(filepath.Join(leafDir(t, id, "memory"), "memory.stat"))
	if err != nil {
		return 0, 0, false
	}
	fileKey, anonKey := "file", "anon"
	if host(t).Version == cgroup.V1 {
		fileKey, anonKey = "total_cache", "total_rss"
	}
	stat := string(data)
	return uint64(max(statField(stat, fileKey), 0)), uint64(max(statField(stat, anonKey), 0)), true
}

// cacheOnDisk tells whether the runtime's page-cache files are on a disk:
// not where the state directory is in memory (the VM's / is an
// initramfs), where a file's pages are shmem, not droppable page cache.
func cacheOnDisk(t *testing.T) bool {
	var st unix.Statfs_t
	// The nearest directory that is there: StateDir is made at the
	// first start.
	dir := runtime.StateDir
	for unix.Statfs(dir, &st) != nil {
		if dir == "/" {
			t.Fatalf("statfs %s: nothing above it is there", runtime.StateDir)
		}
		dir = filepath.Dir(dir)
	}
	return uint32(st.Type) != unix.TMPFS_MAGIC && uint32(st.Type) != unix.RAMFS_MAGIC
}

// waitStat waits until memory.stat shows at least file and anon bytes.
func waitStat(t *testing.T, id string, file, anon uint64) {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if f, a := memStat(t, id); f >= file && a >= anon {
			return
		}
	}
	f, a := memStat(t, id)
	t.Fatalf("memory.stat never showed %d MiB of page cache and %d MiB anonymous (shows %d and %d)", file>>20, anon>>20, f>>20, a>>20)
}

const mib = 1 << 20

// The lesson's own hog, the limit stepped down as ctrl+g - does (×3/4
// from 256M): each step drops page cache and leaves the anonymous memory;
// below the anonymous memory v2 OOM-kills within the write, v1 refuses it
// (EBUSY) and the hog lives. Where the state directory is a tmpfs (the
// VM) the hog says there is no disk-backed page cache, and none is
// charged: the limitation, asserted.
func TestSqueezeTheMemory(t *testing.T) {
	clean(t)
	onDisk, v2 := cacheOnDisk(t), host(t).Version == cgroup.V2
	cmd, id := startHog(t, []string{"--memory-limit", "256M"}, "mem", "--cache", "96M", "--max", "96M", "--hold", "120")
	if !onDisk {
		waitStat(t, id, 0, 96*mib)
		if file, _ := memStat(t, id); file > 16*mib {
			t.Errorf("%d MiB of page cache charged, with the state directory in memory", file>>20)
		}
	} else {
		waitStat(t, id, 96*mib, 96*mib)
		file, anon := memStat(t, id)
		t.Logf("256M: page cache %d MiB, anonymous %d MiB", file>>20, anon>>20)
		for _, limit := range []uint64{192, 144, 108} {
			updated(t, id, "--memory-limit", strconv.FormatUint(limit, 10)+"M", id)
			time.Sleep(300 * time.Millisecond) // a re-read of the hog, within the new limit
			f, a := memStat(t, id)
			t.Logf("%dM: page cache %d MiB, anonymous %d MiB", limit, f>>20, a>>20)
			if f >= file || f+a > limit*mib {
				t.Errorf("at %dM the page cache went from %d to %d MiB (anonymous %d MiB): it did not drop", limit, file>>20, f>>20, a>>20)
			}
			if a+2*mib < anon {
				t.Errorf("at %dM the anonymous memory went from %d to %d MiB: it has nowhere to go", limit, anon>>20, a>>20)
			}
			if !hogRuns(procsIn(leafDir(t, id, "pids"))) {
				t.Fatalf("at %dM, with page cache left to drop, the hog was killed", limit)
			}
			file = f
		}
		if file > 16*mib {
			t.Errorf("at 108M, %d MiB of page cache is left", file>>20)
		}
	}
	// Below the anonymous memory: nothing is left to drop.
	r := update(t, "--memory-limit", "64M", id)
	var end result
	if v2 {
		wantCode(t, r, 0)
		oneLine(t, r, "container "+id+": to get under memory.max 64.0 MiB the kernel OOM-killed 1 process(es)")
		end = finish(t, cmd, cmd.Wait())
		wantCode(t, end, 137)
		if !strings.Contains(end.stderr, "OOM") {
			t.Errorf("run did not report the OOM kill: %q", end.stderr)
		}
	} else {
		wantCode(t, r, 125)
		oneLine(t, r, "container "+id+": write 67108864 to ", "device or resource busy")
		if !hogRuns(procsIn(leafDir(t, id, "pids"))) {
			t.Error("v1 killed the hog for a limit below its anonymous memory")
		}
		end = endContainer(t, cmd, id)
		wantCode(t, end, 137)
	}
	said := end.stdout
	if !onDisk {
		if !strings.Contains(said, "no disk-backed page cache here: /tmp/.vme50/cache is on a tmpfs") {
			t.Errorf("the hog did not say there is no disk-backed page cache:\n%s", said)
		}
		return
	}
	for _, want := range []string{"page cache: read 96.0 MiB of /tmp/.vme50/cache", "page cache: 96.0 MiB of 96.0 MiB still in memory"} {
		if !strings.Contains(said, want) {
			t.Errorf("the hog did not say %q:\n%s", want, said)
		}
	}
}

// The OOM kill after the page cache, on both versions: the limit comes
// down under a hog that holds page cache and is still taking anonymous
// memory. The kernel drops the cache to make room (memory.stat's file
// falls, the hog still running), and when there is none left the OOM
// killer ends the hog. (A hog that holds still is never OOM-killed by a
// lower limit on v1, which answers EBUSY instead: the test above.)
func TestSqueezeCacheGoesBeforeOOMKill(t *testing.T) {
	clean(t)
	if !cacheOnDisk(t) {
		t.Skipf("%s is in memory: no disk-backed page cache to drop (the lesson's hog says so; TestSqueezeTheMemory asserts it)", runtime.StateDir)
	}
	cmd, id := startHog(t, []string{"--memory-limit", "512M"}, "mem", "--cache", "64M", "--rate", "8M/s", "--max", "400M", "--hold", "30")
	waitStat(t, id, 60*mib, 8*mib)
	_, anon := memStat(t, id)
	limit := anon + 64*mib + 24*mib // the cache and 24M to grow into: then the cache must go
	updated(t, id, "--memory-limit", strconv.FormatUint(limit, 10), id)
	waited := make(chan error, 1)
	go func() { waited <- cmd.Wait() }()
	var dropped bool
	var minFile uint64 = 1 << 62
	var log bytes.Buffer
	samples := 0
	for deadline := time.Now().Add(40 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		select {
		case err := <-waited:
			end := finish(t, cmd, err)
			wantCode(t, end, 137)
			if !strings.Contains(end.stderr, "OOM") {
				t.Errorf("run did not report the OOM kill: %q", end.stderr)
			}
			if !dropped {
				t.Errorf("the OOM kill came before the page cache dropped (least seen: %d MiB):\n%s", minFile>>20, log.String())
			}
			t.Logf("memory.stat under %d MiB:\n%s", limit>>20, log.String())
			return
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("no OOM kill within 40 s:\n%s", log.String())
		}
		if !hogRuns(procsIn(leafDir(t, id, "pids"))) {
			continue
		}
		file, anon, ok := tryMemStat(t, id)
		if !ok || anon == 0 {
			continue // the group is being torn down
		}
		if samples++; samples%10 == 1 {
			log.WriteString(strconv.FormatUint(file>>20, 10) + " MiB page cache, " + strconv.FormatUint(anon>>20, 10) + " MiB anonymous\n")
		}
		minFile = min(minFile, file)
		if file < 8*mib {
			dropped = true
		}
	}
}
