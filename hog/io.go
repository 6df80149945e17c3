package hog

import (
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"
)

// ioMain reads (or writes) a file past the page cache, so that every byte
// is a request to the disk below, and says once a second how many MB/s it
// gets: under --device-read-bps or --device-write-bps (io.max) the kernel
// holds the rate at the limit.
//
// Reads go to a file of the root filesystem (the overlay's lower layer is
// the rootfs on the host's disk), writes to a file it makes and removes.
// A file on a tmpfs has no disk below it: the workload says so and stops.
func ioMain(args []string) int {
	fs := newFlags("io", "Reads (or writes) a file with O_DIRECT, past the page cache, and prints the MB/s.")
	write := fs.Bool("write", false, "write a file of --size, over and over, instead of reading one")
	fs.Bool("read", true, "read --file over and over (the default)")
	file := fs.String("file", "", "the `path` to read (default: the largest of /bin/busybox, /bin/sh)\nor to write (default: ./vme50-hog-io.tmp)")
	sizeFlag := fs.String("size", "64M", "how much of the written file to go through before starting over: `SIZE`")
	secondsFlag := fs.Float64("seconds", 30, "stop after `S` seconds")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	duration, err := seconds("seconds", *secondsFlag)
	var size uint64
	if err == nil {
		size, err = parseRate(*sizeFlag)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s io: %v\n", Name, err)
		return 2
	}
	what := "read"
	if *write {
		what = "written"
	}
	d, err := openDirect(*file, *write)
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s io: %v\n", Name, err)
		return 1
	}
	defer d.close()
	// Ended early (ctrl+c, a stop), a written file is still removed.
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	say("io", "%s %s with O_DIRECT, %s blocks, for %s", map[bool]string{false: "reading", true: "writing"}[*write],
		d.path, formatBytes(directBlock), duration)

	start := time.Now()
	deadline := start.Add(duration)
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	var total, lastTotal uint64
	last := start
	for time.Now().Before(deadline) {
		select {
		case <-stop:
			say("io", "stopped: %s %s in %.1f s", formatBytes(total), what, time.Since(start).Seconds())
			return 0
		case now := <-tick.C:
			rate := float64(total-lastTotal) / now.Sub(last).Seconds()
			say("io", "%.2f MB/s %s in the last second (%.0f s left)", rate/1e6, what, max(deadline.Sub(now), 0).Seconds())
			lastTotal, last = total, now
		default:
		}
		n, err := d.step(size)
		if err != nil {
			fmt.Fprintf(os.Stderr, "%s io: %v\n", Name, err)
			return 1
		}
		total += n
	}
	wall := time.Since(start)
	say("io", "done: %s %s in %.1f s, %.2f MB/s on average", formatBytes(total), what, wall.Seconds(), float64(total)/wall.Seconds()/1e6)
	return 0
}

// directBlock is the size of one read or write: a multiple of any disk's
// block size, as O_DIRECT needs.
const directBlock = 1 << 20

// formatBytes writes n as the size flags take it: 64.0 MiB.
func formatBytes(n uint64) string {
	return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
}
