package cgroup

import (
	"bufio"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// WarmMigration makes the first move of a process between v1 cgroups
// cheaper, by starting what it waits for a few milliseconds early, in the
// background.
//
// Moving a process (a write to cgroup.procs) takes a lock that every fork
// and exit on the host reads; to take it, the kernel first switches those
// readers to a slow path and waits an RCU grace period for all CPUs to see
// the switch: 4 to 15 ms here, most of a container's start on v1, where
// init is moved into each hierarchy after it is born (runc pays it too).
// The slow path stays on for about one more grace period after the move.
// So a move made now, while vme50 is still detecting, sweeping and making
// the cgroup, is paid for in parallel, and init's move finds the grace
// period passed or under way. make bench, side by side: see README.
//
// The move is of our own process into the cgroup it is already in (a
// no-op the kernel still takes the lock for), made only after that
// cgroup's cgroup.procs is seen to list us: never into another cgroup.
// Nothing to do on v2, where clone3 places init in its cgroup at birth.
func WarmMigration() {
	go warmMigration()
}

// warmMigration is WarmMigration's work; it reports whether it moved. It
// is quick rather than thorough (it runs beside the start it speeds up): the
// pids hierarchy where every distribution mounts it, no Detect.
func warmMigration() bool {
	var st unix.Statfs_t
	if err := unix.Statfs(cgroupMount, &st); err != nil || int64(st.Type) == cgroup2Magic {
		return false
	}
	data, err := os.ReadFile("/proc/self/cgroup")
	if err != nil {
		return false
	}
	dir := ownCgroup(string(data), filepath.Join(cgroupMount, "pids"), "pids")
	return dir != "" && noOpMove(dir, os.Getpid())
}

// ownCgroup is the directory of our cgroup in the v1 hierarchy of
// controller, mounted at mount, from /proc/self/cgroup's text
// ("8:pids:/user.slice"); "" if it does not list that controller.
func ownCgroup(procSelfCgroup, mount, controller string) string {
	for _, line := range strings.Split(procSelfCgroup, "\n") {
		f := strings.SplitN(line, ":", 3)
		if len(f) == 3 && slices.Contains(strings.Split(f[1], ","), controller) && mount != "" {
			return filepath.Join(mount, filepath.Clean("/"+f[2]))
		}
	}
	return ""
}

// noOpMove writes pid into dir's cgroup.procs if dir lists it there
// already. (Where the hierarchy is mounted from a subdirectory, inside a
// container, the path of /proc/self/cgroup is not below the mount point:
// the list tells.) It reports whether it wrote.
func noOpMove(dir string, pid int) bool {
	procs := filepath.Join(dir, "cgroup.procs")
	f, err := os.Open(procs)
	if err != nil {
		return false
	}
	want := strconv.Itoa(pid)
	listed := false
	lines := bufio.NewScanner(f)
	for lines.Scan() {
		if lines.Text() == want {
			listed = true
			break
		}
	}
	f.Close()
	if !listed {
		return false
	}
	return os.WriteFile(procs, []byte(want), 0) == nil
}
