package cgroup

import (
	"bufio"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// cgroupMount is where every distribution mounts the cgroup filesystems.
const cgroupMount = "/sys/fs/cgroup"

// v1Controllers are the v1 controllers vme50 needs, in the order their
// hierarchies are worked on: memory first, so that a container is under
// its memory limit before anything else.
var v1Controllers = []string{"memory", "cpu", "cpuacct", "pids"}

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
	if st.Type == unix.CGROUP2_SUPER_MAGIC {
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
func detectV1(mountinfo io.Reader) (map[string]string, error) {
	roots := map[string]string{}
	lines := bufio.NewScanner(mountinfo)
	for lines.Scan() {
		m, ok := parseMountinfoLine(lines.Text())
		if !ok || m.fstype != "cgroup" {
			continue
		}
		for _, opt := range strings.Split(m.superOptions, ",") {
			// The first mount wins: a hierarchy mounted twice (a bind
			// mount) is one hierarchy, listed first where it was mounted.
			if slices.Contains(v1Controllers, opt) && roots[opt] == "" {
				roots[opt] = m.mountPoint
			}
		}
	}
	if err := lines.Err(); err != nil {
		return nil, fmt.Errorf("cgroup: read mountinfo: %w", err)
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

// mount is the part of a mountinfo line we need.
type mount struct {
	mountPoint   string
	fstype       string
	superOptions string
}

// parseMountinfoLine splits one line of /proc/self/mountinfo (see
// proc(5)): six fields, optional fields, a lone "-", then fstype, source
// and super options.
func parseMountinfoLine(line string) (mount, bool) {
	fields := strings.Fields(line)
	sep := slices.Index(fields, "-")
	if sep < 6 || len(fields) < sep+4 {
		return mount{}, false
	}
	return mount{
		mountPoint:   unescapeOctal(fields[4]),
		fstype:       fields[sep+1],
		superOptions: fields[sep+3],
	}, true
}

// unescapeOctal undoes the kernel's escaping of mount points: a space is
// written \040, a tab \011, a newline \012 and a backslash \134.
func unescapeOctal(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+4 <= len(s) {
			if n, err := strconv.ParseUint(s[i+1:i+4], 8, 8); err == nil {
				b.WriteByte(byte(n))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
