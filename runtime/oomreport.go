package runtime

import (
	"fmt"
	"strconv"
	"strings"
	"sync"

	"vme50-tui/cgroup"
)

// The OOM killer's own report. A memory.events counter says that the
// kernel killed; its log says whom, and how big it was:
//
//	oom-kill:constraint=CONSTRAINT_MEMCG,...,oom_memcg=/vme50/<id>,task_memcg=/vme50/<id>,task=vme50-hog,pid=421,uid=0
//	Memory cgroup out of memory: Killed process 421 (vme50-hog) total-vm:1308076kB, anon-rss:32256kB, file-rss:8656kB, shmem-rss:0kB, ...
//
// As root we read those lines from /dev/kmsg as they come (oomwatch_linux.go),
// match them to a container by its cgroup, and put them in its kernel log
// and its Result.

// OOMKill is one kill of the OOM killer in a container's cgroup.
type OOMKill struct {
	Cgroup string // the victim's memory cgroup, as the kernel names it: /vme50/<id>
	Task   string // its command name (comm), e.g. vme50-hog
	PID    int    // its pid on the host
	// ContainerPID is its pid inside the container, when the kernel's
	// report came before it was reaped; 0 when not known.
	ContainerPID int
	// Its memory when killed, in bytes: all it had mapped, and what was
	// resident of it: anonymous memory, file pages, shared memory.
	TotalVM, AnonRSS, FileRSS, ShmemRSS uint64
}

// Text is the kill in a sentence, for the kernel log and run's report.
func (k OOMKill) Text() string {
	where := fmt.Sprintf("pid %d on the host", k.PID)
	if k.ContainerPID > 0 {
		where = fmt.Sprintf("pid %d in the container, %d on the host", k.ContainerPID, k.PID)
	}
	return fmt.Sprintf("the OOM killer killed %s (%s): anon-rss %s, file-rss %s, total-vm %s",
		k.Task, where, cgroup.FormatSize(k.AnonRSS), cgroup.FormatSize(k.FileRSS), cgroup.FormatSize(k.TotalVM))
}

// ContainerID is the container whose cgroup the victim was in ("" when
// it was not one of ours).
func (k OOMKill) ContainerID() string {
	dir, id, ok := strings.Cut(strings.TrimPrefix(k.Cgroup, "/"), "/")
	for ok && dir != cgroup.Parent {
		// A vme50 below other cgroups: .../vme50/<id>.
		dir, id, ok = strings.Cut(id, "/")
	}
	if !ok || id == "" || strings.Contains(id, "/") {
		return ""
	}
	return id
}

// oomParser pairs the two lines of one kill: the first names the cgroup,
// the second the sizes; the pid links them.
type oomParser struct {
	mu sync.Mutex
	// pending is the last oom-kill line, until the kernel's next line
	// about a kill, which must be its Killed process line: a pair that
	// never completed (a global OOM's "Out of memory: Killed process", a
	// record lost) must not pair with a later kill of another container
	// whose pid came round again (an attack review's finding).
	pending *OOMKill
}

// line reads one message of the kernel's log (without kmsg's prefix) and
// returns a kill once both its lines are in.
func (p *oomParser) line(msg string) (OOMKill, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if rest, ok := strings.CutPrefix(msg, "oom-kill:"); ok {
		p.pending = parseOOMKill(rest)
		return OOMKill{}, false
	}
	_, rest, ok := strings.Cut(msg, "Killed process ")
	if !ok {
		return OOMKill{}, false
	}
	k := p.pending
	p.pending = nil
	if k == nil || !strings.HasPrefix(msg, "Memory cgroup out of memory: ") {
		return OOMKill{}, false
	}
	pidText, rest, _ := strings.Cut(rest, " ")
	if pid, err := strconv.Atoi(pidText); err != nil || pid != k.PID {
		return OOMKill{}, false
	}
	for _, field := range strings.Fields(strings.ReplaceAll(rest, ",", " ")) {
		key, value, ok := strings.Cut(field, ":")
		if !ok || !strings.HasSuffix(value, "kB") {
			continue
		}
		kb, err := strconv.ParseUint(strings.TrimSuffix(value, "kB"), 10, 64)
		if err != nil {
			continue
		}
		switch key {
		case "total-vm":
			k.TotalVM = kb << 10
		case "anon-rss":
			k.AnonRSS = kb << 10
		case "file-rss":
			k.FileRSS = kb << 10
		case "shmem-rss":
			k.ShmemRSS = kb << 10
		}
	}
	return *k, true
}

// parseOOMKill reads the oom-kill line's fields:
// "constraint=...,task_memcg=/vme50/<id>,task=NAME,pid=N,uid=U". The task
// name is the process's own, commas and "task_memcg=" included if it
// likes (a container hid its kills with one): the cgroup is the first
// task_memcg=, the name runs from the first ",task=" to the last ",pid=".
func parseOOMKill(fields string) *OOMKill {
	var k OOMKill
	_, memcg, ok := strings.Cut(fields, "task_memcg=")
	if !ok {
		return nil
	}
	k.Cgroup, _, _ = strings.Cut(memcg, ",")
	_, task, ok := strings.Cut(memcg, ",task=")
	end := strings.LastIndex(task, ",pid=")
	if !ok || end < 0 {
		return nil
	}
	k.Task = task[:end]
	pidText, _, _ := strings.Cut(task[end+len(",pid="):], ",")
	if pid, err := strconv.Atoi(pidText); err == nil && pid > 0 {
		k.PID = pid
		return &k
	}
	return nil
}

// kmsgMessage is the message of one /dev/kmsg record,
// "PRIORITY,SEQUENCE,MICROSECONDS,FLAGS;MESSAGE\n" followed by
// continuation lines (" KEY=VALUE"), which we do not need; "" for a
// record the kernel did not write itself. Whoever may write /dev/kmsg
// (root, a container given CAP_SYS_ADMIN) can add lines, which once
// reported a forged OOM kill in another container (an attack review's
// finding); but the kernel marks them: their facility, PRIORITY/8, is
// the user's (1), never the kernel's (0).
func kmsgMessage(record string) string {
	prefix, msg, ok := strings.Cut(record, ";")
	if !ok {
		return ""
	}
	priText, _, _ := strings.Cut(prefix, ",")
	if pri, err := strconv.Atoi(priText); err != nil || pri>>3 != 0 {
		return ""
	}
	msg, _, _ = strings.Cut(msg, "\n")
	return msg
}
