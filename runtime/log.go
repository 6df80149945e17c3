package runtime

import (
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"vme50-tui/cgroup"
)

// The kernel log: every step the runtime asks of the kernel for one
// container, in order and in the kernel's words, so that a student sees
// what "starting a container" is made of. The parent's steps (cgroup
// files, clone, wait) are logged as they are made; init's steps (mounts,
// pivot_root, sethostname, execve) are sent up the status pipe (init.go) and
// logged when they arrive; the kernel's own events (an OOM kill) are logged
// when a reading of the cgroup shows them.

// LogEntry is one line of a container's kernel log.
type LogEntry struct {
	Time time.Time
	From LogSource
	// Text is the step in the kernel's words: "memory.max <- 67108864",
	// "mount -t proc proc /…/merged/proc -o nosuid,nodev,noexec".
	Text string
}

func (e LogEntry) String() string { return e.Text }

// LogSource tells who made a step.
type LogSource string

const (
	FromParent LogSource = "parent" // vme50 on the host: cgroups, clone, wait
	FromInit   LogSource = "init"   // init inside the container, before exec
	FromKernel LogSource = "kernel" // an event the kernel reported
)

// kernelLog is one process's kernel log: a container's, or an exec's.
// Lines may come from several goroutines (Start, the waiter, samplers);
// the lock keeps the entries and onLog in one order.
type kernelLog struct {
	mu      sync.Mutex
	entries []LogEntry
	onLog   func(LogEntry) // told of each line as it is added, if set
}

// add adds a line made at t (by another process, init, at its own time).
func (l *kernelLog) add(t time.Time, from LogSource, text string) {
	e := LogEntry{Time: t, From: from, Text: text}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.entries = append(l.entries, e)
	if len(l.entries) > maxLogEntries {
		l.leaveOut(t)
	}
	if l.onLog != nil {
		l.onLog(e)
	}
}

// A container that runs for days, or whose network is made again and
// again, must not grow its log without end. The first lines (how it was
// made, what a student reads) and the newest stay; those between go, and
// one line says how many.
const (
	maxLogEntries = 5000
	logHead       = 500
	logCut        = 1000 // lines left out at once
)

func (l *kernelLog) leaveOut(t time.Time) {
	gone := l.entries[logHead : logHead+logCut]
	n := logCut
	if first := gone[0]; first.From == FromParent && strings.HasPrefix(first.Text, "# ") && strings.HasSuffix(first.Text, " lines left out") {
		var before int
		fmt.Sscanf(first.Text, "# %d lines", &before)
		n += before - 1
	}
	marker := LogEntry{Time: t, From: FromParent, Text: fmt.Sprintf("# %d lines left out", n)}
	l.entries = append(append(l.entries[:logHead:logHead], marker), l.entries[logHead+logCut:]...)
}

// lines returns the log so far.
func (l *kernelLog) lines() []LogEntry {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]LogEntry(nil), l.entries...)
}

// Log returns the container's kernel log so far.
func (c *Container) Log() []LogEntry { return c.klog.lines() }

// logf adds a line to the kernel log and tells Spec.OnLog.
func (c *Container) logf(from LogSource, format string, args ...any) {
	c.klog.add(time.Now(), from, fmt.Sprintf(format, args...))
}

// tracedHost is a copy of host whose cgroup changes are logged in this
// container's log, and still reported to host's own Trace, if any. Each
// container has its own copy, so that a host shared by many containers
// logs each change in the right one.
func (c *Container) tracedHost(host *cgroup.Host) *cgroup.Host {
	traced := *host
	traced.Trace = func(op, path, value string) {
		c.logCgroupChange(op, path, value)
		if host.Trace != nil {
			host.Trace(op, path, value)
		}
	}
	return &traced
}

// logCgroupChange logs one change to the cgroup filesystem as a person
// would make it: "mkdir /sys/fs/cgroup/vme50/3f2a…", "memory.max <-
// 67108864" (a file of the container's own cgroup, by its name), or the
// whole path for a file elsewhere ("/sys/fs/cgroup/vme50/cgroup.subtree_control <- +cpu").
func (c *Container) logCgroupChange(op, path, value string) {
	if op != "write" {
		c.logf(FromParent, "%s %s", op, path)
		return
	}
	name := path
	// A file of the container's own cgroup by its name; but not tasks,
	// written in every v1 hierarchy as our thread steps into the leaf to
	// fork init there: six lines alike would not say where it went.
	if filepath.Base(filepath.Dir(path)) == c.id && filepath.Base(path) != "tasks" {
		name = filepath.Base(path)
	}
	c.logf(FromParent, "%s <- %s", name, value)
}

// noteEvents logs what a reading of the cgroup shows the kernel did since
// the last reading: the OOM killer's kills, as the kernel counts them in
// memory.events (v1: memory.oom_control).
func (c *Container) noteEvents(st cgroup.Stats) {
	c.eventsMu.Lock()
	was := c.oomKills
	c.oomKills = max(was, st.Memory.Events.OOMKill)
	c.eventsMu.Unlock()
	if st.Memory.Events.OOMKill > was {
		c.logf(FromKernel, "%s oom_kill %d -> %d", c.cg.Files().MemoryEvents, was, st.Memory.Events.OOMKill)
	}
}

// watchOOMKills has the kernel's reports of OOM kills in the container's
// cgroup logged as they come. Where the kernel's log cannot be read, the
// kernel log says so, once, and the counters alone tell of the kills.
func (c *Container) watchOOMKills() {
	stop, err := watchOOM(c.id, func(k OOMKill) {
		c.eventsMu.Lock()
		c.victims = append(c.victims, k)
		c.eventsMu.Unlock()
		c.logf(FromKernel, "%s", k.Text())
	})
	c.unwatchOOM = stop
	if err != nil {
		c.logf(FromParent, "# %v: who the OOM killer kills is not shown", err)
	}
}

// OOMVictims are the kernel's reports of OOM kills in the container's
// cgroup so far, oldest first (none where its log cannot be read).
func (c *Container) OOMVictims() []OOMKill {
	c.eventsMu.Lock()
	defer c.eventsMu.Unlock()
	return append([]OOMKill(nil), c.victims...)
}

// oomReportWait bounds the wait, at the end, for the kernel's report of a
// kill memory.events already counts: the two are written moments apart.
const oomReportWait = 300 * time.Millisecond

// oomVictims returns the reports of the container's kills, waiting
// briefly for those of the kills counted but not yet reported.
func (c *Container) oomVictims(kills uint64) []OOMKill {
	deadline := time.Now().Add(oomReportWait)
	for {
		c.eventsMu.Lock()
		victims := append([]OOMKill(nil), c.victims...)
		c.eventsMu.Unlock()
		if uint64(len(victims)) >= kills || time.Now().After(deadline) {
			return victims
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// exitWords says how a process ended, as wait4 told us.
func exitWords(ws syscall.WaitStatus) string {
	if ws.Signaled() {
		return fmt.Sprintf("killed by signal %d (%s)", ws.Signal(), ws.Signal())
	}
	return fmt.Sprintf("exited with status %d", ws.ExitStatus())
}
