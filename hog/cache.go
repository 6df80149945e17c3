package hog

import (
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"vme50-tui/cgroup"
)

// Page cache for the "Squeeze the memory" lesson (mem --cache).
//
// Page cache is charged to the memory cgroup of the process that first
// reads a page in, and only clean pages of a file on a disk can be dropped
// without swap. So the runtime gives every container a file of its own
// (runtime/hog_linux.go): a sparse file on the host's disk, with no blocks,
// that nothing else has read. Reading its holes costs no disk I/O, yet
// every page read is a page of page cache, charged to the container; when
// the limit comes down the kernel drops those pages first, and the next
// read brings back what the limit allows.
//
// A container's own files cannot do this: its writable layer and /tmp
// are a tmpfs, whose pages are shmem (memory.stat counts them as file,
// but they can go nowhere without swap).

// CachePath is where the runtime binds a container's page-cache file,
// read-only, beside vme50-hog's directory.
const CachePath = "/tmp/.vme50/cache"

// cacheFile is the file mem --cache reads (tests change it).
var cacheFile = CachePath

// pageCache is the part of cacheFile that mem --cache keeps in memory.
type pageCache struct {
	f    *os.File
	size uint64 // bytes from the start of f
}

// openPageCache opens cacheFile for size bytes of page cache. It returns
// nil, with the reason said, where there can be no reclaimable page cache:
// no file (not in a vme50 container), or a file in memory (a tmpfs).
func openPageCache(size uint64) *pageCache {
	f, err := os.Open(cacheFile)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			say("mem", "no page cache here: no %s (the runtime binds it into vme50 containers; not with --userns); anonymous memory only", cacheFile)
		} else {
			say("mem", "no page cache here: %v; anonymous memory only", err)
		}
		return nil
	}
	if onDisk, fs := diskBacked(f); !onDisk {
		f.Close()
		say("mem", "no disk-backed page cache here: %s is on %s, whose pages are memory (shmem) that only swap could take, not page cache the kernel can drop; anonymous memory only", cacheFile, fs)
		return nil
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		say("mem", "no page cache here: %v; anonymous memory only", err)
		return nil
	}
	if uint64(st.Size()) < size {
		say("mem", "%s holds only %s: that much page cache, not %s", cacheFile,
			cgroup.FormatSize(uint64(st.Size())), cgroup.FormatSize(size))
		size = uint64(st.Size())
	}
	readRandomly(f)
	return &pageCache{f: f, size: size}
}

// read reads the whole of the cache once: every page not in memory now is
// read in again, and charged to this cgroup.
func (c *pageCache) read() error {
	buf := make([]byte, 1<<20)
	for off := uint64(0); off < c.size; {
		n, err := c.f.ReadAt(buf[:min(uint64(len(buf)), c.size-off)], int64(off))
		off += uint64(n)
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read %s: %w", cacheFile, err)
		}
	}
	return nil
}

// keep says once a second how much of the cache is still in memory, and
// reads it all again, until stop is closed.
func (c *pageCache) keep(stop <-chan struct{}, done *sync.WaitGroup) {
	defer done.Done()
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		select {
		case <-stop:
			return
		case <-tick.C:
		}
		if resident, ok := inMemory(c.f, c.size); ok {
			say("mem", "page cache: %s of %s still in memory, reading it again", cgroup.FormatSize(resident), cgroup.FormatSize(c.size))
		}
		if err := c.read(); err != nil {
			say("mem", "%v", err)
			return
		}
	}
}
