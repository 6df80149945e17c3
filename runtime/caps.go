package runtime

import (
	"errors"
	"fmt"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// Capabilities split root's power into pieces: CAP_SYS_ADMIN mounts
// filesystems, CAP_SYS_MODULE loads kernel modules, CAP_SYS_BOOT reboots.
// A process running as uid 0 with every capability can do all of that to
// the host, namespaces or not. So the command keeps only Docker's default
// set, the pieces a program's own root needs (change file owners, bind
// port 80, setuid to another user), and can never get the rest back.

// Capability is one capability, by its number in linux/capability.h.
type Capability int

// capabilityNames are the kernel's names, without "CAP_".
var capabilityNames = map[Capability]string{
	unix.CAP_CHOWN: "CHOWN", unix.CAP_DAC_OVERRIDE: "DAC_OVERRIDE", unix.CAP_DAC_READ_SEARCH: "DAC_READ_SEARCH",
	unix.CAP_FOWNER: "FOWNER", unix.CAP_FSETID: "FSETID", unix.CAP_KILL: "KILL", unix.CAP_SETGID: "SETGID",
	unix.CAP_SETUID: "SETUID", unix.CAP_SETPCAP: "SETPCAP", unix.CAP_LINUX_IMMUTABLE: "LINUX_IMMUTABLE",
	unix.CAP_NET_BIND_SERVICE: "NET_BIND_SERVICE", unix.CAP_NET_BROADCAST: "NET_BROADCAST",
	unix.CAP_NET_ADMIN: "NET_ADMIN", unix.CAP_NET_RAW: "NET_RAW", unix.CAP_IPC_LOCK: "IPC_LOCK",
	unix.CAP_IPC_OWNER: "IPC_OWNER", unix.CAP_SYS_MODULE: "SYS_MODULE", unix.CAP_SYS_RAWIO: "SYS_RAWIO",
	unix.CAP_SYS_CHROOT: "SYS_CHROOT", unix.CAP_SYS_PTRACE: "SYS_PTRACE", unix.CAP_SYS_PACCT: "SYS_PACCT",
	unix.CAP_SYS_ADMIN: "SYS_ADMIN", unix.CAP_SYS_BOOT: "SYS_BOOT", unix.CAP_SYS_NICE: "SYS_NICE",
	unix.CAP_SYS_RESOURCE: "SYS_RESOURCE", unix.CAP_SYS_TIME: "SYS_TIME", unix.CAP_SYS_TTY_CONFIG: "SYS_TTY_CONFIG",
	unix.CAP_MKNOD: "MKNOD", unix.CAP_LEASE: "LEASE", unix.CAP_AUDIT_WRITE: "AUDIT_WRITE",
	unix.CAP_AUDIT_CONTROL: "AUDIT_CONTROL", unix.CAP_SETFCAP: "SETFCAP", unix.CAP_MAC_OVERRIDE: "MAC_OVERRIDE",
	unix.CAP_MAC_ADMIN: "MAC_ADMIN", unix.CAP_SYSLOG: "SYSLOG", unix.CAP_WAKE_ALARM: "WAKE_ALARM",
	unix.CAP_BLOCK_SUSPEND: "BLOCK_SUSPEND", unix.CAP_AUDIT_READ: "AUDIT_READ", unix.CAP_PERFMON: "PERFMON",
	unix.CAP_BPF: "BPF", unix.CAP_CHECKPOINT_RESTORE: "CHECKPOINT_RESTORE",
}

func (c Capability) String() string { return "CAP_" + c.name() }

// name is the kernel's name without "CAP_", or the number of one this
// program does not know.
func (c Capability) name() string {
	if name, ok := capabilityNames[c]; ok {
		return name
	}
	return strconv.Itoa(int(c))
}

// DefaultCapabilities are Docker's default set: what a container's root
// keeps.
var DefaultCapabilities = []Capability{
	unix.CAP_CHOWN, unix.CAP_DAC_OVERRIDE, unix.CAP_FSETID, unix.CAP_FOWNER, unix.CAP_MKNOD,
	unix.CAP_NET_RAW, unix.CAP_SETGID, unix.CAP_SETUID, unix.CAP_SETFCAP, unix.CAP_SETPCAP,
	unix.CAP_NET_BIND_SERVICE, unix.CAP_SYS_CHROOT, unix.CAP_KILL, unix.CAP_AUDIT_WRITE,
}

// DefaultCapabilitiesFor is the set a command starts from on network n:
// Docker's default set, without CAP_NET_RAW on the host's network. A raw
// or packet socket sees every packet of the interfaces in its network
// namespace: in a namespace of its own that is the container's own
// traffic, on the host's it is the host's loopback and wire too (local
// passwords, other users' connections). --cap-add NET_RAW gives it back.
func DefaultCapabilitiesFor(n Network) []Capability {
	if n != NetworkHost {
		return DefaultCapabilities
	}
	return slices.DeleteFunc(slices.Clone(DefaultCapabilities), func(c Capability) bool { return c == unix.CAP_NET_RAW })
}

// netRawNote is the kernel log's line for a command that shares the
// host's network without CAP_NET_RAW, or "" when that is not the case.
func netRawNote(n Network, caps []Capability) string {
	if n != NetworkHost || slices.Contains(caps, unix.CAP_NET_RAW) {
		return ""
	}
	return "# --network host: the command gets no CAP_NET_RAW, so no raw or packet socket " +
		"sees the host's traffic (--cap-add NET_RAW gives it back)"
}

// ParseCapability reads a capability's name as people write it:
// NET_ADMIN, net_admin, CAP_NET_ADMIN.
func ParseCapability(s string) (Capability, error) {
	name := strings.TrimPrefix(strings.ToUpper(strings.TrimSpace(s)), "CAP_")
	for c, n := range capabilityNames {
		if n == name {
			return c, nil
		}
	}
	return 0, fmt.Errorf("unknown capability %q (see capabilities(7): e.g. NET_ADMIN, SYS_PTRACE, ALL)", s)
}

// Capabilities is the default set of network n (DefaultCapabilitiesFor)
// with add added and drop taken away, as Docker does: ALL in add stands
// for every capability, and ALL in drop starts from none, so
// "--cap-drop ALL --cap-add CHOWN" is CHOWN alone. The result is sorted.
func Capabilities(n Network, add, drop []string) ([]Capability, error) {
	set := slices.Clone(DefaultCapabilitiesFor(n))
	if slices.ContainsFunc(drop, isAll) {
		set = []Capability{} // none, which nil would not say: nil is the default set
	}
	for _, s := range add {
		if isAll(s) {
			set = allCapabilities()
			continue
		}
		c, err := ParseCapability(s)
		if err != nil {
			return nil, err
		}
		set = append(set, c)
	}
	for _, s := range drop {
		if isAll(s) {
			continue // applied first
		}
		c, err := ParseCapability(s)
		if err != nil {
			return nil, err
		}
		set = slices.DeleteFunc(set, func(x Capability) bool { return x == c })
	}
	slices.Sort(set)
	return slices.Compact(set), nil
}

func isAll(s string) bool { return strings.EqualFold(strings.TrimSpace(s), "ALL") }

func allCapabilities() []Capability { return slices.Collect(maps.Keys(capabilityNames)) }

// capLastCap is the highest capability this kernel knows.
func capLastCap() Capability {
	data, err := os.ReadFile("/proc/sys/kernel/cap_last_cap")
	if err == nil {
		if n, err := strconv.Atoi(strings.TrimSpace(string(data))); err == nil {
			return Capability(n)
		}
	}
	return unix.CAP_LAST_CAP
}

// dropCapabilities runs in init, on the thread that will exec (the
// kernel keeps capabilities per thread): it leaves exactly keep in every
// set, so that the command, root or not, has those and no others, and
// nothing it runs can gain more.
func dropCapabilities(keep []Capability) error {
	// Only what this kernel knows and we hold can be kept: --cap-add ALL
	// names capabilities newer than the kernel, or ones the machine's
	// root lacks (a container's, say). Asking capset for those fails.
	last := capLastCap()
	held, err := permittedCapabilities()
	if err != nil {
		return err
	}
	var missing []string
	keep = slices.DeleteFunc(slices.Clone(keep), func(c Capability) bool {
		if c > last || held&(1<<c) == 0 {
			missing = append(missing, c.name())
			return true
		}
		return false
	})
	if len(missing) > 0 {
		logStep("# not kept, this kernel or its root does not have them: %s", strings.Join(missing, " "))
	}
	kept := func(c Capability) bool { return slices.Contains(keep, c) }
	// The bounding set caps what any later exec may give: a setuid-root
	// binary or a file with capabilities gets no more than this. Dropping
	// from it needs CAP_SETPCAP, so it goes first.
	var dropped []string
	for c := Capability(0); c <= last; c++ {
		if kept(c) {
			continue
		}
		if err := unix.Prctl(unix.PR_CAPBSET_DROP, uintptr(c), 0, 0, 0); err != nil {
			return fmt.Errorf("prctl(PR_CAPBSET_DROP, %s): %w", c, err)
		}
		dropped = append(dropped, c.name())
	}
	logStep("prctl(PR_CAPBSET_DROP) for %d capabilities: %s", len(dropped), strings.Join(dropped, " "))
	// Ambient capabilities would survive an exec of an ordinary file; the
	// command should start with none of them. (Kernels before 4.3 have no
	// ambient set: EINVAL.)
	if err := unix.Prctl(unix.PR_CAP_AMBIENT, unix.PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0); err != nil && !errors.Is(err, unix.EINVAL) {
		return fmt.Errorf("prctl(PR_CAP_AMBIENT_CLEAR_ALL): %w", err)
	}
	// Effective (in force now) and permitted (may be made effective)
	// become keep; root's exec then gives the command exactly keep
	// (capabilities(7), "Capabilities and execution of programs by
	// root"). The inheritable set stays empty, as Docker's since
	// CVE-2022-24769: with it, a user other than root in the container
	// who runs a file with inheritable capabilities would get them
	// (no_new_privs stops that today, but should not have to).
	hdr := unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3}
	var data [2]unix.CapUserData // capabilities 0-31 and 32-63
	for _, c := range keep {
		data[c/32].Effective |= 1 << (c % 32)
		data[c/32].Permitted |= 1 << (c % 32)
	}
	if err := unix.Capset(&hdr, &data[0]); err != nil {
		return fmt.Errorf("capset: %w", err)
	}
	names := make([]string, len(keep))
	for i, c := range keep {
		names[i] = c.name()
	}
	logStep("capset(effective = permitted = %s, inheritable = none)", strings.Join(names, " "))
	return nil
}

// permittedCapabilities is this thread's permitted set, a bit per
// capability.
func permittedCapabilities() (uint64, error) {
	hdr := unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3}
	var data [2]unix.CapUserData
	if err := unix.Capget(&hdr, &data[0]); err != nil {
		return 0, fmt.Errorf("capget: %w", err)
	}
	return uint64(data[1].Permitted)<<32 | uint64(data[0].Permitted), nil
}

// setNoNewPrivs makes exec unable to add privileges from now on, for this
// process and everything it starts: a setuid binary runs as its caller,
// file capabilities are ignored. (Also per thread, until the exec.)
func setNoNewPrivs() error {
	if err := unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
		return fmt.Errorf("prctl(PR_SET_NO_NEW_PRIVS): %w", err)
	}
	logStep("prctl(PR_SET_NO_NEW_PRIVS, 1)")
	return nil
}

// closeExtraFDs marks every descriptor above stderr close-on-exec, so
// that nothing of ours (pipes to the parent, the cgroup directory, the
// console socket) leaks into the command. The status pipe must live until
// the exec itself: that it closes is how the parent learns of a good exec.
func closeExtraFDs() error {
	err := unix.CloseRange(3, ^uint(0), unix.CLOSE_RANGE_CLOEXEC)
	if err == nil {
		logStep("close_range(3, ~0, CLOSE_RANGE_CLOEXEC)")
		return nil
	}
	// Before Linux 5.11: one by one.
	entries, rerr := os.ReadDir("/proc/self/fd")
	if rerr != nil {
		return fmt.Errorf("close_range: %v; reading /proc/self/fd: %w", err, rerr)
	}
	for _, e := range entries {
		if fd, err := strconv.Atoi(e.Name()); err == nil && fd > 2 {
			unix.CloseOnExec(fd)
		}
	}
	logStep("fcntl(FD_CLOEXEC) on every fd above 2")
	return nil
}
