package hog

import (
	"errors"
	"fmt"
	"os"
	goruntime "runtime"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// forkMain is a fork bomb with brakes. Like ":(){ :|:& };:" it makes
// processes as fast as the kernel lets it, until pids.current reaches
// pids.max and every further fork fails with EAGAIN; unlike it, every
// process exits by itself after --seconds, and --max caps the processes at
// once even where pids.max is not set.
//
// Only this first process forks; each child (child.go) just waits for the
// deadline. That fills pids.max as a real bomb would, and one process sees
// and counts every refusal.
func forkMain(args []string) int {
	fs := newFlags("fork", "Starts processes as fast as it can for S seconds, counting the forks the kernel\n"+
		"refuses (EAGAIN: pids.max reached). Every process exits after S seconds.")
	secondsFlag := fs.Float64("seconds", 10, "stop after `S` seconds: every process exits then")
	maxFlag := fs.Int("max", 1000, "at most `N` processes at once, for containers without --pids-limit")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	duration, err := seconds("seconds", *secondsFlag)
	if err == nil && *maxFlag < 1 {
		err = fmt.Errorf("--max %d: give 1 or more processes", *maxFlag)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s fork: %v\n", Name, err)
		return 2
	}
	// pids.max counts threads, not processes, and a Go program makes a
	// new thread when all of its threads are busy. At the cap that would
	// fail and end us, so we run on one thread and start no goroutines:
	// the threads the program began with are enough.
	goruntime.GOMAXPROCS(1)

	b := &bomb{deadline: time.Now().Add(duration), max: *maxFlag}
	say("fork", "forking for %s; this process has %d threads, and pids.max counts each of them",
		duration, threads())
	b.run()
	say("fork", "done: %d processes started, %d forks refused; waiting for the children to exit",
		b.started, b.refused)
	for b.running > 0 && b.reap(0) {
	}
	return 0
}

// bomb is the state of one fork bomb.
type bomb struct {
	deadline time.Time
	max      int // processes at once

	running          int // children not reaped yet
	started, refused int // in all
	failed           error

	// Since the last report.
	startedNow, refusedNow int
}

// run starts children as fast as it can until the deadline, and reports
// once a second.
func (b *bomb) run() {
	lastReport := time.Now()
	for now := lastReport; now.Before(b.deadline); now = time.Now() {
		for b.running > 0 && b.reap(unix.WNOHANG) {
		}
		if b.running < b.max {
			b.fork()
		} else {
			time.Sleep(10 * time.Millisecond)
		}
		if now.Sub(lastReport) >= time.Second {
			b.report(now)
			lastReport = now
		}
	}
}

// fork starts one child and counts how that went.
func (b *bomb) fork() {
	_, err := forkChild(childSleeps, b.deadline)
	switch {
	case err == nil:
		b.running++
		b.started++
		b.startedNow++
	case errors.Is(err, unix.EAGAIN):
		// clone(2) failed: the cgroup holds pids.max tasks already.
		b.refused++
		b.refusedNow++
	default:
		b.failed = err
	}
}

// report says what happened in the last second.
func (b *bomb) report(now time.Time) {
	left := b.deadline.Sub(now).Round(time.Second)
	say("fork", "%d running, %d started and %d refused by the kernel (EAGAIN) in the last second, %s left",
		b.running, b.startedNow, b.refusedNow, left)
	if b.failed != nil {
		say("fork", "fork also failed otherwise: %v", b.failed)
		b.failed = nil
	}
	b.startedNow, b.refusedNow = 0, 0
}

// reap collects one child that has exited (wait4 with the given options:
// unix.WNOHANG returns at once when none has). It tells whether it did.
func (b *bomb) reap(options int) bool {
	var ws unix.WaitStatus
	pid, err := unix.Wait4(-1, &ws, options, nil)
	if pid <= 0 || err != nil {
		return false
	}
	b.running--
	return true
}

// threads is this process's number of threads, from /proc/self/status.
func threads() int {
	data, _ := os.ReadFile("/proc/self/status")
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "Threads:"); ok {
			n, _ := strconv.Atoi(strings.TrimSpace(v))
			return n
		}
	}
	return 0
}
