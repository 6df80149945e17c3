package hog

import (
	"fmt"
	"os"
	goruntime "runtime"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sys/unix"
)

// cpuMain keeps --threads threads busy for --seconds seconds, and says once
// a second how many cores of CPU time it got: under cpu.max (--cpus) the
// kernel throttles it to the quota; beside other busy containers it gets
// its share by cpu.weight (--cpu-shares).
func cpuMain(args []string) int {
	fs := newFlags("cpu", "Keeps N threads busy for S seconds and prints the cores it gets.")
	threads := fs.Int("threads", goruntime.NumCPU(), "`N` busy threads (default: the CPUs of the host)")
	secondsFlag := fs.Float64("seconds", 30, "stop after `S` seconds")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	duration, err := seconds("seconds", *secondsFlag)
	if err == nil && (*threads < 1 || *threads > 1024) {
		err = fmt.Errorf("--threads %d: give 1 to 1024 threads", *threads)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s cpu: %v\n", Name, err)
		return 2
	}
	// Go (1.25 and later) would size its pool of running threads to the
	// container's CPU quota; the lesson is the kernel holding N runnable
	// threads back, so N of them must run, and one more for the reports.
	goruntime.GOMAXPROCS(*threads + 1)

	say("cpu", "%d busy threads for %s", *threads, duration)
	var stop atomic.Bool
	var spinning sync.WaitGroup
	for range *threads {
		spinning.Go(func() { spin(&stop) })
	}
	start, used := time.Now(), cpuTime()
	reportCPU(start, used, duration)
	stop.Store(true)
	spinning.Wait()
	wall, total := time.Since(start), cpuTime()-used
	say("cpu", "done: %.1f s of CPU time in %.1f s, %.2f cores on average",
		total.Seconds(), wall.Seconds(), total.Seconds()/wall.Seconds())
	return 0
}

// spin keeps one OS thread busy until stop is set. LockOSThread gives the
// goroutine a thread of its own, so the kernel sees one runnable thread per
// spinner to schedule, and throttle.
func spin(stop *atomic.Bool) {
	goruntime.LockOSThread()
	for !stop.Load() {
	}
}

// reportCPU says once a second how many cores the process got in the last
// second, until duration has passed since start.
func reportCPU(start time.Time, used time.Duration, duration time.Duration) {
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	deadline := time.After(duration)
	last := start
	for {
		select {
		case <-deadline:
			return
		case now := <-tick.C:
			cpu := cpuTime()
			cores := (cpu - used).Seconds() / now.Sub(last).Seconds()
			left := max(duration-now.Sub(start), 0)
			say("cpu", "%.2f cores in the last second (%.0f s left)", cores, left.Seconds())
			used, last = cpu, now
		}
	}
}

// cpuTime is the CPU time all threads of this process have used so far,
// in user and kernel mode, as the kernel counts it (getrusage).
func cpuTime() time.Duration {
	var ru unix.Rusage
	if err := unix.Getrusage(unix.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
