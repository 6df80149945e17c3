package runtime

import (
	"fmt"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

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

// Log returns the container's kernel log so far.
func (c *Container) Log() []LogEntry {
	c.logMu.Lock()
	defer c.logMu.Unlock()
	return append([]LogEntry(nil), c.log...)
}

// logf adds a line to the kernel log and tells Spec.OnLog. Lines may come
// from several goroutines (Start, the waiter, samplers); the lock keeps
// the log and OnLog in one order.
func (c *Container) logf(from LogSource, format string, args ...any) {
	c.logAt(time.Now(), from, fmt.Sprintf(format, args...))
}

// logAt adds a line made at t, by another process (init).
func (c *Container) logAt(t time.Time, from LogSource, text string) {
	e := LogEntry{Time: t, From: from, Text: text}
	c.logMu.Lock()
	defer c.logMu.Unlock()
	c.log = append(c.log, e)
	if c.spec.OnLog != nil {
		c.spec.OnLog(e)
	}
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
	if filepath.Base(filepath.Dir(path)) == c.id {
		name = filepath.Base(path)
	}
	c.logf(FromParent, "%s <- %s", name, value)
}

// noteEvents logs what a reading of the cgroup shows the kernel did since
// the last reading: the OOM killer's kills, as the kernel counts them in
// memory.events (v1: memory.oom_control).
func (c *Container) noteEvents(st cgroup.Stats) {
	c.logMu.Lock()
	was := c.oomKills
	c.oomKills = max(was, st.Memory.Events.OOMKill)
	c.logMu.Unlock()
	if st.Memory.Events.OOMKill > was {
		c.logf(FromKernel, "%s oom_kill %d -> %d", c.cg.Files().MemoryEvents, was, st.Memory.Events.OOMKill)
	}
}

// cloneFlagNames spells clone flags as the kernel's headers do:
// "CLONE_NEWPID|CLONE_NEWNS|...".
func cloneFlagNames(flags uintptr, intoCgroup bool) string {
	names := []struct {
		flag uintptr
		name string
	}{
		{syscall.CLONE_NEWPID, "CLONE_NEWPID"}, {syscall.CLONE_NEWNS, "CLONE_NEWNS"},
		{syscall.CLONE_NEWUTS, "CLONE_NEWUTS"}, {syscall.CLONE_NEWIPC, "CLONE_NEWIPC"},
		{syscall.CLONE_NEWNET, "CLONE_NEWNET"}, {syscall.CLONE_NEWUSER, "CLONE_NEWUSER"},
	}
	var set []string
	for _, n := range names {
		if flags&n.flag != 0 {
			set = append(set, n.name)
		}
	}
	if intoCgroup {
		set = append(set, "CLONE_INTO_CGROUP")
	}
	return strings.Join(set, "|")
}

// exitWords says how a process ended, as wait4 told us.
func exitWords(ws syscall.WaitStatus) string {
	if ws.Signaled() {
		return fmt.Sprintf("killed by signal %d (%s)", ws.Signal(), ws.Signal())
	}
	return fmt.Sprintf("exited with status %d", ws.ExitStatus())
}

// mountFlagNames are mount(8)'s names for the mount flags init uses.
var mountFlagNames = []struct {
	flag uintptr
	name string
}{
	{unix.MS_RDONLY, "ro"}, {unix.MS_NOSUID, "nosuid"}, {unix.MS_NODEV, "nodev"},
	{unix.MS_NOEXEC, "noexec"}, {unix.MS_STRICTATIME, "strictatime"},
}

// mountOptions names the flags as mount(8)'s options: ro, nosuid, ...
func mountOptions(flags uintptr) []string {
	var opts []string
	for _, f := range mountFlagNames {
		if flags&f.flag != 0 {
			opts = append(opts, f.name)
		}
	}
	return opts
}

// mountWords writes a mount(2) call as the mount(8) command that makes
// it, which a student can type: "mount -t proc proc /x/proc -o
// nosuid,nodev,noexec", "mount --bind /a /b", "mount --make-rprivate /".
func mountWords(source, target, fstype string, flags uintptr, data string) string {
	r := ""
	if flags&unix.MS_REC != 0 {
		r = "r"
	}
	opts := mountOptions(flags)
	if data != "" {
		opts = append(opts, data)
	}
	switch {
	case flags&unix.MS_PRIVATE != 0:
		return fmt.Sprintf("mount --make-%sprivate %s", r, target)
	case flags&unix.MS_SLAVE != 0:
		return fmt.Sprintf("mount --make-%sslave %s", r, target)
	case flags&unix.MS_MOVE != 0:
		return fmt.Sprintf("mount --move %s %s", source, target)
	case flags&unix.MS_REMOUNT != 0:
		if flags&unix.MS_BIND != 0 {
			opts = append([]string{"bind"}, opts...)
		}
		return fmt.Sprintf("mount -o %s %s", strings.Join(append([]string{"remount"}, opts...), ","), target)
	case flags&unix.MS_BIND != 0:
		return fmt.Sprintf("mount --%sbind %s %s", r, source, target)
	}
	words := fmt.Sprintf("mount -t %s %s %s", fstype, source, target)
	if len(opts) > 0 {
		words += " -o " + strings.Join(opts, ",")
	}
	return words
}
