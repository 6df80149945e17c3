package ui

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"vme50-tui/cgroup"
	"vme50-tui/runtime"
	"vme50-tui/runtime/rootfs"
)

// What Enter will do, for the start screen: the `vme50-tui run` line that
// starts the same container, and the first steps the runtime will ask of
// the kernel, in the kernel log's words (runtime/log.go, cgroup/fs.go).
// Both follow the form as it is typed; the container's id and PID 1's pid
// are not known yet, and stand as <id> and <pid>.

// ---- the run line ----

// shellSafe are the words a shell takes as they are.
var shellSafe = regexp.MustCompile(`^[A-Za-z0-9_@%+=:,./-]+$`)

// shellQuote quotes a word for a shell where it needs it.
func shellQuote(w string) string {
	if shellSafe.MatchString(w) {
		return w
	}
	return "'" + strings.ReplaceAll(w, "'", `'\''`) + "'"
}

// shellLine quotes every word.
func shellLine(words []string) string {
	quoted := make([]string, len(words))
	for i, w := range words {
		quoted[i] = shellQuote(w)
	}
	return strings.Join(quoted, " ")
}

// flagList collects flags with their values, quoted, leaving out the
// empty ones.
type flagList []string

func (l *flagList) add(name string, values ...string) {
	for _, v := range values {
		if v = strings.TrimSpace(v); v != "" {
			*l = append(*l, name+" "+shellQuote(v))
		}
	}
}

// limitFlags are o's limits and hostname as `run` flags: a lesson's own
// settings. A default (pids 1024) is left out.
func limitFlags(o runtime.Options) flagList {
	var l flagList
	l.add("--memory-limit", o.MemoryLimit)
	l.add("--memory-high", o.MemoryHigh)
	l.add("--memory-swap", o.MemorySwap)
	l.add("--device-read-bps", o.DeviceReadBps...)
	l.add("--device-write-bps", o.DeviceWriteBps...)
	l.add("--cpus", o.CPUs)
	l.add("--cpu-shares", o.CPUShares)
	if strings.TrimSpace(o.PidsLimit) != strconv.Itoa(runtime.DefaultPidsLimit) {
		l.add("--pids-limit", o.PidsLimit)
	}
	l.add("--hostname", o.Hostname)
	return l
}

// runLine is the command line that starts the container v describes, as
// a person would type it: the defaults left out.
func runLine(v FormValues) string { return strings.Join(runPieces(v), " ") }

// runPieces are the run line in pieces that stay together on a line:
// "vme50-tui run", each flag with its value, the command.
func runPieces(v FormValues) []string {
	o := v.Options
	l := flagList{"vme50-tui run"}
	if o.Rootfs != rootfs.DefaultBusybox {
		l.add("--rootfs", o.Rootfs)
	}
	l = append(l, limitFlags(o)...)
	if d := strings.TrimSpace(o.DiskLimit); d != runtime.DefaultDiskLimit {
		l.add("--disk-limit", d)
	}
	if n := strings.TrimSpace(o.Network); n != string(runtime.NetworkBridge) {
		l.add("--network", n)
	}
	l.add("-p", o.Publish...)
	if !o.Overlay {
		l = append(l, "--overlay=false")
	}
	if o.UserNS {
		l = append(l, "--userns")
	}
	l.add("--record", v.Record)
	return append(l, shellLine(o.Args))
}

// ---- the kernel's first steps ----

// A kernelStep is one line of the kernel log to come. The key steps are
// those a short screen keeps: the cgroup made, its first limit, the
// clone into the namespaces, pivot_root.
type kernelStep struct {
	text string
	key  bool
}

// kernelSteps are the first steps a container of v would take on host, in
// the kernel log's words, or the error that Enter would stop at. The
// rootfs is left to its field's own check: it is on the disk, and the
// steps are about the words typed.
func kernelSteps(host *cgroup.Host, v FormValues) ([]kernelStep, error) {
	o := v.Options
	o.Rootfs = "/"
	spec, err := o.Spec()
	if err != nil {
		return nil, err
	}
	id := "<id>"
	var steps []kernelStep
	add := func(key bool, format string, args ...any) {
		steps = append(steps, kernelStep{fmt.Sprintf(format, args...), key})
	}
	for i, s := range cgroupSteps(host, spec) {
		add(i < 2, "%s", s) // the mkdir and the first limit
	}
	if host.Version == cgroup.V1 {
		// v1 has no CLONE_INTO_CGROUP: the thread that forks init steps
		// into the leaf of each hierarchy first (runtime/process_linux.go).
		add(false, ".../vme50/<id>/tasks <- 0 (in each hierarchy: init is born where its parent's thread is)")
	}
	add(true, "clone(%s) = <pid>, which runs vme50-init", cloneFlags(host, spec))
	if m := spec.UserNS; m != nil {
		add(false, "/proc/<pid>/uid_map <- %s, gid_map <- %s", m, m)
	}
	if spec.Network == runtime.NetworkBridge {
		add(false, "ip link add vme50%s type veth peer name eth0 netns <pid>", id)
		for _, p := range spec.Ports {
			add(false, "nft add rule ip vme50 published tcp dport %d counter dnat to <address>:%d", p.Host, p.Container)
		}
	}
	root, err := filepath.Abs(v.Options.Rootfs)
	if err != nil {
		root = v.Options.Rootfs
	}
	merged := filepath.Join(runtime.StateDir, id, "merged")
	if spec.Overlay {
		add(false, "mount -t overlay overlay %s -o lowerdir=%s,upperdir=…", merged, root)
	} else {
		merged = root
		add(false, "mount --rbind %s %s (no overlay: the rootfs itself)", root, root)
	}
	hostname := spec.Hostname
	if hostname == "" {
		hostname = id
	}
	add(true, "pivot_root . . (in %s: it becomes /)", merged)
	add(false, "sethostname %s", hostname)
	if len(spec.Args) > 0 {
		add(false, "execve %s", spec.Args[0])
	}
	return steps, nil
}

// someSteps are n of the steps, in their order: the key ones first.
func someSteps(steps []kernelStep, n int) []kernelStep {
	if n >= len(steps) {
		return steps
	}
	keep := make([]bool, len(steps))
	for _, key := range []bool{true, false} {
		for i, s := range steps {
			if n > 0 && s.key == key && !keep[i] {
				keep[i] = true
				n--
			}
		}
	}
	var out []kernelStep
	for i, s := range steps {
		if keep[i] {
			out = append(out, s)
		}
	}
	return out
}

// cgroupSteps are the cgroup's directory and the limits written into it,
// in the order cgroup's Set writes them.
func cgroupSteps(host *cgroup.Host, spec runtime.Spec) []string {
	lim := spec.Limits
	var steps []string
	write := func(file string, value any) { steps = append(steps, fmt.Sprintf("%s <- %v", file, value)) }
	if host.Version == cgroup.V2 {
		steps = append(steps, "mkdir "+filepath.Join(host.Root, cgroup.Parent, "<id>"))
		if lim.MemoryMax != 0 {
			write("memory.max", lim.MemoryMax)
		}
		if lim.CPUWeight != 0 {
			write("cpu.weight", lim.CPUWeight)
		}
		if lim.CPUQuotaUsec != 0 {
			write("cpu.max", fmt.Sprintf("%d %d", lim.CPUQuotaUsec, lim.CPUPeriodUsec))
		}
		if lim.PidsMax != 0 {
			write("pids.max", lim.PidsMax)
		}
		if lim.MemoryHigh != 0 {
			write("memory.high", lim.MemoryHigh)
		}
		if lim.MemorySwap == cgroup.Unlimited {
			write("memory.swap.max", "max")
		} else if lim.MemorySwap != 0 {
			write("memory.swap.max", lim.MemorySwap-lim.MemoryMax) // memory+swap less the memory
		}
		for _, io := range spec.IO {
			write("io.max", fmt.Sprintf("%s rbps=%s wbps=%s", io.Device(), bpsWord(io.ReadBps), bpsWord(io.WriteBps)))
		}
		return steps
	}
	steps = append(steps, "mkdir "+v1Dirs(host))
	if lim.MemoryMax != 0 {
		write("memory.limit_in_bytes", lim.MemoryMax)
		memsw := filepath.Join(host.V1Roots["memory"], "memory.memsw.limit_in_bytes")
		if _, err := os.Stat(memsw); err == nil {
			write("memory.memsw.limit_in_bytes", max(lim.MemorySwap, lim.MemoryMax))
		}
	}
	if lim.CPUWeight != 0 {
		write("cpu.shares", cgroup.SharesFromWeight(lim.CPUWeight))
	}
	if lim.CPUQuotaUsec != 0 {
		write("cpu.cfs_period_us", lim.CPUPeriodUsec)
		write("cpu.cfs_quota_us", lim.CPUQuotaUsec)
	}
	if lim.PidsMax != 0 {
		write("pids.max", lim.PidsMax)
	}
	for _, io := range spec.IO {
		write("blkio.throttle.read_bps_device", fmt.Sprintf("%s %d", io.Device(), io.ReadBps))
		write("blkio.throttle.write_bps_device", fmt.Sprintf("%s %d", io.Device(), io.WriteBps))
	}
	return steps
}

// bpsWord is a bandwidth as io.max takes it: 0, none, is max.
func bpsWord(v uint64) string {
	if v == 0 {
		return "max"
	}
	return strconv.FormatUint(v, 10)
}

// v1Dirs are the container's directories in the v1 hierarchies, in the
// order they are made (memory first), as one shell word where they share
// a parent: /sys/fs/cgroup/{memory,cpu,cpuacct,pids}/vme50/<id>.
func v1Dirs(host *cgroup.Host) string {
	var mounts []string
	for _, c := range []string{"memory", "cpu", "cpuacct", "pids", "blkio", "freezer"} {
		if m := host.V1Roots[c]; filepath.IsAbs(m) && !slices.Contains(mounts, m) {
			mounts = append(mounts, m)
		}
	}
	leaf := filepath.Join(cgroup.Parent, "<id>")
	if len(mounts) == 0 {
		return filepath.Join("/sys/fs/cgroup/memory", leaf)
	}
	parent := filepath.Dir(mounts[0])
	names := make([]string, len(mounts))
	for i, m := range mounts {
		if filepath.Dir(m) != parent {
			return filepath.Join(mounts[0], leaf) + fmt.Sprintf(" (and in %d more hierarchies)", len(mounts)-1)
		}
		names[i] = filepath.Base(m)
	}
	if len(names) == 1 {
		return filepath.Join(mounts[0], leaf)
	}
	return filepath.Join(parent, "{"+strings.Join(names, ",")+"}", leaf)
}

// cloneFlags are the namespaces a container of spec is born in, spelt as
// the kernel log spells them.
func cloneFlags(host *cgroup.Host, spec runtime.Spec) string {
	flags := []string{"CLONE_NEWPID", "CLONE_NEWNS", "CLONE_NEWUTS", "CLONE_NEWIPC"}
	if spec.Network != runtime.NetworkHost {
		flags = append(flags, "CLONE_NEWNET")
	}
	if spec.UserNS != nil {
		flags = append(flags, "CLONE_NEWUSER")
	}
	if host.Version == cgroup.V2 {
		flags = append(flags, "CLONE_INTO_CGROUP")
	}
	return strings.Join(flags, "|")
}
