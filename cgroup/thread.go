package cgroup

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// Born in the leaf on cgroup v1.
//
// v2 starts a child in its cgroup with clone3(CLONE_INTO_CGROUP). v1 has no
// such flag, and moving a process afterwards (its pid into cgroup.procs)
// costs a whole RCU grace period: the kernel write-locks every process's
// fork against the move (cgroup_threadgroup_rwsem), and taking that lock
// waits until every CPU has passed a quiescent state, 5 to 15 ms here,
// most of a container's start. But a child is born in the cgroups of the
// *thread* that forks it, and the kernel moves the calling thread alone
// ("0" written into a tasks file) without that lock, since nothing can
// fork or exit under a thread that is busy writing. So the thread that
// forks the container's init steps into the leaf, forks, and steps back.

// ThreadMover is a leaf the calling thread can step into and back out of:
// a child it forks meanwhile is born in the leaf (cgroup v1).
type ThreadMover interface {
	// EnterThread moves the calling thread into the leaf of every
	// hierarchy and returns leave, which moves it back where it was. The
	// caller must hold its goroutine on the thread (runtime.LockOSThread)
	// from before EnterThread until leave has returned.
	EnterThread() (leave func() error, err error)
}

// threadCgroups is where the kernel lists the calling thread's cgroup in
// each v1 hierarchy; tests point it at a fake.
var threadCgroups = "/proc/thread-self/cgroup"

func (l *v1Leaf) EnterThread() (func() error, error) {
	homes, err := l.threadHomes()
	if err != nil {
		return nil, err
	}
	var entered []string // the hierarchies' homes of what moved in so far
	leave := func() error {
		var errs []error
		for _, home := range entered {
			err := l.fs.write(filepath.Join(home, "tasks"), "0")
			if err != nil {
				// Left in the leaf, we would be among the processes its
				// Kill kills: move the whole process back, slowly.
				if perr := l.fs.write(filepath.Join(home, "cgroup.procs"), strconv.Itoa(os.Getpid())); perr != nil {
					err = errors.Join(err, perr)
				} else {
					err = nil
				}
			}
			errs = append(errs, err)
		}
		entered = nil
		return errors.Join(errs...)
	}
	for i, dir := range l.paths {
		if err := l.fs.write(filepath.Join(dir, "tasks"), "0"); err != nil {
			return nil, errors.Join(err, leave())
		}
		entered = append(entered, homes[i])
	}
	return leave, nil
}

// threadHomes finds the cgroup directory the calling thread is in, in the
// hierarchy of each of the leaf's paths (same order).
func (l *v1Leaf) threadHomes() ([]string, error) {
	f, err := os.Open(threadCgroups)
	if err != nil {
		return nil, fmt.Errorf("cgroup: %w", err)
	}
	defer f.Close()
	// Each line is "hierarchy-id:controllers:/path", e.g.
	// "4:cpu,cpuacct:/user.slice".
	byController := map[string]string{}
	lines := bufio.NewScanner(f)
	for lines.Scan() {
		parts := strings.SplitN(lines.Text(), ":", 3)
		if len(parts) != 3 {
			continue
		}
		for _, c := range strings.Split(parts[1], ",") {
			byController[c] = parts[2]
		}
	}
	if err := lines.Err(); err != nil {
		return nil, fmt.Errorf("cgroup: %s: %w", threadCgroups, err)
	}
	h := l.fs.host
	var homes, mounts []string // in v1Mounts' order, as l.paths
	for _, c := range h.v1InUse() {
		mount := h.V1Roots[c]
		if slices.Contains(mounts, mount) {
			continue // co-mounted with one seen already
		}
		mounts = append(mounts, mount)
		rel, ok := byController[c]
		if !ok || !filepath.IsAbs(rel) {
			return nil, fmt.Errorf("cgroup: %s names no %s cgroup of this thread", threadCgroups, c)
		}
		home := filepath.Join(mount, rel)
		// The path is relative to the hierarchy's root as this process's
		// cgroup namespace sees it; a mount of another root would not
		// have it.
		if _, err := os.Stat(filepath.Join(home, "tasks")); err != nil {
			return nil, fmt.Errorf("cgroup: this thread's %s cgroup: %w", c, err)
		}
		homes = append(homes, home)
	}
	return homes, nil
}
