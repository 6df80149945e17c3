package cgroup

import (
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"

	"golang.org/x/sys/unix"

	"vme50-tui/internal/mountinfo"
)

// cgroupMount is where every distribution mounts the cgroup filesystems.
const cgroupMount = "/sys/fs/cgroup"

// cgroup2Magic is the cgroup2 filesystem's type in statfs (Linux's
// CGROUP2_SUPER_MAGIC, written out: the package also builds elsewhere,
// for the tests of what is not about the kernel).
const cgroup2Magic = 0x63677270

// v1Controllers are the v1 controllers vme50 needs, in the order their
// hierarchies are worked on: memory first, so that a container is under
// its memory limit before anything else.
var v1Controllers = []string{"memory", "cpu", "cpuacct", "pids"}

// v1Optional are the v1 controllers used where the host mounts them: blkio
// for --device-read-bps and --device-write-bps, freezer for pause. A host
// without them runs containers still, without those.
var v1Optional = []string{"blkio", "freezer"}

// Detect finds this machine's cgroup layout.
//
// The filesystem type of /sys/fs/cgroup tells the design: on a v2 host it
// is cgroup2 itself; on a v1 or hybrid host it is a tmpfs holding one
// mount per hierarchy, which /proc/self/mountinfo lists.
func Detect() (*Host, error) {
	var st unix.Statfs_t
	if err := unix.Statfs(cgroupMount, &st); err != nil {
		return nil, fmt.Errorf("cgroup: statfs %s: %w", cgroupMount, err)
	}
	if int64(st.Type) == cgroup2Magic {
		return NewHost(V2, cgroupMount, nil), nil
	}
	f, err := os.Open("/proc/self/mountinfo")
	if err != nil {
		return nil, fmt.Errorf("cgroup: %w", err)
	}
	defer f.Close()
	roots, err := detectV1(f)
	if err != nil {
		return nil, err
	}
	return NewHost(V1, "", roots), nil
}

// NewHost describes a cgroup layout without looking at the machine: tests
// use it with fake trees under a temporary directory. root is the v2
// mount; v1roots maps memory, cpu, cpuacct and pids to their hierarchies.
func NewHost(v Version, root string, v1roots map[string]string) *Host {
	return &Host{Version: v, Root: root, V1Roots: maps.Clone(v1roots)}
}

// detectV1 finds the mount point of each controller in v1Controllers in
// mountinfo (the text of /proc/self/mountinfo). A v1 hierarchy is a mount
// of type "cgroup" whose super options name its controllers, e.g.
//
//	32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,relatime - cgroup cgroup rw,cpu,cpuacct
//
// Lines of type "cgroup2" (the unified tree of a hybrid host) and named
// hierarchies without controllers (name=systemd) are not for us.
func detectV1(mountinfoFile io.Reader) (map[string]string, error) {
	mounts, err := mountinfo.Parse(mountinfoFile)
	if err != nil {
		return nil, fmt.Errorf("cgroup: read mountinfo: %w", err)
	}
	roots := map[string]string{}
	for _, m := range mounts {
		if m.FSType != "cgroup" {
			continue
		}
		for _, opt := range strings.Split(m.SuperOptions, ",") {
			// The first mount wins: a hierarchy mounted twice (a bind
			// mount) is one hierarchy, listed first where it was mounted.
			known := slices.Contains(v1Controllers, opt) || slices.Contains(v1Optional, opt)
			if known && roots[opt] == "" {
				roots[opt] = m.MountPoint
			}
		}
	}
	if missing := missingControllers(roots); len(missing) > 0 {
		return nil, fmt.Errorf("cgroup v1: controller %s not mounted (no line of type \"cgroup\" in /proc/self/mountinfo lists it)",
			strings.Join(missing, ", "))
	}
	return roots, nil
}

// missingControllers lists the controllers in v1Controllers that roots lacks.
func missingControllers(roots map[string]string) []string {
	var missing []string
	for _, c := range v1Controllers {
		if roots[c] == "" {
			missing = append(missing, c)
		}
	}
	return missing
}
