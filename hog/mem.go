package hog

import (
	"fmt"
	"os"
	"sync"
	"time"

	"golang.org/x/sys/unix"

	"vme50-tui/cgroup"
)

// memStep is how often mem takes its next piece: ten times a second, so
// that memory.current climbs smoothly rather than in one-second stairs.
const memStep = 100 * time.Millisecond

// memMain takes memory at a steady rate until the kernel's OOM killer ends
// it (memory.max reached: killed by SIGKILL, exit status 137) or it holds
// --max, which it keeps for --hold seconds before exiting with status 0.
// With --cache it first reads that much of its page-cache file (cache.go),
// and reads it again every second while it runs.
func memMain(args []string) int {
	fs := newFlags("mem", "Takes memory at a rate and writes to every page of it, until the OOM killer\n"+
		"ends it or it holds --max, which it keeps for --hold seconds, then exits.\n"+
		"--cache also keeps SIZE of page cache, read from a file on the host's disk\n"+
		"("+CachePath+"), read again every second: the kernel can drop it, not the rest.")
	rateFlag := fs.String("rate", "16M/s", "how fast to take memory, in `SIZE/s` (k, M, G: powers of 1024)")
	maxFlag := fs.String("max", "512M", "stop taking memory at this `SIZE`")
	holdFlag := fs.Float64("hold", 10, "`seconds` to hold --max before exiting")
	cacheFlag := fs.String("cache", "", "also keep `SIZE` of page cache (none by default)")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	rate, err := parseRate(*rateFlag)
	var hold time.Duration
	if err == nil {
		hold, err = seconds("hold", *holdFlag)
	}
	limit, merr := cgroup.ParseSize(*maxFlag)
	if err == nil && (merr != nil || limit == 0) {
		err = fmt.Errorf("--max %q: give a size, e.g. 256M", *maxFlag)
	}
	var cacheSize uint64
	if err == nil && *cacheFlag != "" {
		if cacheSize, err = cgroup.ParseSize(*cacheFlag); err != nil || cacheSize == 0 {
			err = fmt.Errorf("--cache %q: give a size, e.g. 96M", *cacheFlag)
		}
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s mem: %v\n", Name, err)
		return 2
	}

	if cacheSize > 0 {
		if cache := openPageCache(cacheSize); cache != nil {
			defer cache.f.Close()
			if err := cache.read(); err != nil {
				fmt.Fprintf(os.Stderr, "%s mem: %v\n", Name, err)
				return 1
			}
			say("mem", "page cache: read %s of %s, a file on the host's disk with no blocks: page cache charged to this cgroup, which the kernel can drop; reading it again every second",
				cgroup.FormatSize(cache.size), cacheFile)
			stop, done := make(chan struct{}), new(sync.WaitGroup)
			done.Add(1)
			go cache.keep(stop, done)
			defer done.Wait()
			defer close(stop)
		}
	}
	say("mem", "taking %s a second, up to %s", cgroup.FormatSize(rate), cgroup.FormatSize(limit))
	held, err := takeMemoryAtRate(rate, limit)
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s mem: %v\n", Name, err)
		return 1
	}
	say("mem", "holding %s (--max) for %s, then exiting", cgroup.FormatSize(held), hold)
	time.Sleep(hold)
	return 0
}

// takeMemoryAtRate takes rate bytes a second, in ten pieces, until it holds
// limit bytes; it never lets go of them. It says once a second how much it
// holds.
func takeMemoryAtRate(rate, limit uint64) (held uint64, err error) {
	piece := max(rate*uint64(memStep)/uint64(time.Second), uint64(os.Getpagesize()))
	tick := time.NewTicker(memStep)
	defer tick.Stop()
	lastReport := time.Now()
	for held < limit {
		n := min(piece, limit-held)
		if err := takeMemory(n); err != nil {
			return held, err
		}
		held += n
		if time.Since(lastReport) >= time.Second {
			lastReport = time.Now()
			say("mem", "holding %s, written to every page", cgroup.FormatSize(held))
		}
		<-tick.C
	}
	return held, nil
}

// takeMemory asks the kernel for n bytes of fresh memory (an anonymous
// mmap) and writes one byte into each page of it. The kernel hands out a
// page only when it is first written: memory asked for but never touched
// is not charged to memory.current. The memory is never unmapped.
func takeMemory(n uint64) error {
	mem, err := unix.Mmap(-1, 0, int(n), unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANONYMOUS)
	if err != nil {
		return fmt.Errorf("mmap %d bytes: %w", n, err)
	}
	page := os.Getpagesize()
	for i := 0; i < len(mem); i += page {
		mem[i] = 1
	}
	return nil
}
