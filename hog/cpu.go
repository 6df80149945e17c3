package hog

import (
	"fmt"
	"os"
	goruntime "runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// cpuMain keeps --threads busy threads for --seconds seconds, and says once
// a second how many cores of CPU time they got: under cpu.max (--cpus) the
// kernel throttles them to the quota; beside other busy containers they get
// their share by cpu.weight (--cpu-shares). Each thread is a child process
// of a single thread (child.go), so that nothing else of ours runs.
func cpuMain(args []string) int {
	fs := newFlags("cpu", "Keeps N threads busy for S seconds and prints the cores they get.")
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

	start := time.Now()
	deadline := start.Add(duration)
	var spinners []int
	for range *threads {
		pid, err := forkChild(childSpins, deadline)
		if err != nil {
			fmt.Fprintf(os.Stderr, "%s cpu: fork: %v\n", Name, err)
			killAll(spinners)
			return 1
		}
		spinners = append(spinners, pid)
	}
	say("cpu", "%d busy threads (processes %s) for %s", len(spinners), pidList(spinners), duration)
	reportCPU(spinners, start, deadline)
	for _, pid := range spinners {
		unix.Wait4(pid, nil, 0, nil)
	}
	var ru unix.Rusage
	unix.Getrusage(unix.RUSAGE_CHILDREN, &ru)
	used := time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	wall := time.Since(start)
	say("cpu", "done: %.1f s of CPU time in %.1f s, %.2f cores on average",
		used.Seconds(), wall.Seconds(), used.Seconds()/wall.Seconds())
	return 0
}

// reportCPU says once a second how many cores the spinners got in the last
// second, until the deadline.
func reportCPU(spinners []int, start, deadline time.Time) {
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	last, used := start, cpuTime(spinners)
	end := time.After(time.Until(deadline))
	for {
		select {
		case <-end:
			return
		case now := <-tick.C:
			cpu := cpuTime(spinners)
			cores := (cpu - used).Seconds() / now.Sub(last).Seconds()
			left := max(deadline.Sub(now), 0)
			say("cpu", "%.2f cores in the last second (%.0f s left)", cores, left.Seconds())
			used, last = cpu, now
		}
	}
}

// cpuTime is the CPU time the processes have used so far, in user and
// kernel mode, as the kernel counts it in /proc/PID/stat (fields 14 and 15,
// in ticks of 1/100 s).
func cpuTime(pids []int) time.Duration {
	var ticks int64
	for _, pid := range pids {
		data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
		if err != nil {
			continue
		}
		// The command name, field 2, is in parentheses and may hold spaces.
		s := string(data)
		fields := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
		if len(fields) < 13 {
			continue
		}
		utime, _ := strconv.ParseInt(fields[11], 10, 64)
		stime, _ := strconv.ParseInt(fields[12], 10, 64)
		ticks += utime + stime
	}
	return time.Duration(ticks) * (time.Second / 100)
}

// killAll kills and reaps processes.
func killAll(pids []int) {
	for _, pid := range pids {
		unix.Kill(pid, syscall.SIGKILL)
		unix.Wait4(pid, nil, 0, nil)
	}
}

// pidList writes pids as "12, 13, 14".
func pidList(pids []int) string {
	s := make([]string, len(pids))
	for i, pid := range pids {
		s[i] = strconv.Itoa(pid)
	}
	return strings.Join(s, ", ")
}
