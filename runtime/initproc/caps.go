package initproc

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Capabilities split root's power into pieces: CAP_SYS_ADMIN mounts
// filesystems, CAP_SYS_MODULE loads kernel modules, CAP_SYS_BOOT reboots.
// A process running as uid 0 with every capability can do all of that to
// the host, namespaces or not. So the command keeps only Docker's default
// set, the pieces a program's own root needs (change file owners, bind
// port 80, setuid to another user), and can never get the rest back.

// Capability is one capability, by its number in linux/capability.h.
type Capability int

// capabilityNames are the kernel's names, without "CAP_", each at its
// number: linux/capability.h numbers them 0 (CHOWN) to 40
// (CHECKPOINT_RESTORE) in this order. (Written out rather than taken from
// x/sys's Linux constants, so that the parsing of --cap-add builds
// anywhere; caps_linux_test.go checks them against those.)
var capabilityNames = []string{
	"CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID", "KILL", "SETGID", "SETUID",
	"SETPCAP", "LINUX_IMMUTABLE", "NET_BIND_SERVICE", "NET_BROADCAST", "NET_ADMIN", "NET_RAW",
	"IPC_LOCK", "IPC_OWNER", "SYS_MODULE", "SYS_RAWIO", "SYS_CHROOT", "SYS_PTRACE", "SYS_PACCT",
	"SYS_ADMIN", "SYS_BOOT", "SYS_NICE", "SYS_RESOURCE", "SYS_TIME", "SYS_TTY_CONFIG", "MKNOD",
	"LEASE", "AUDIT_WRITE", "AUDIT_CONTROL", "SETFCAP", "MAC_OVERRIDE", "MAC_ADMIN", "SYSLOG",
	"WAKE_ALARM", "BLOCK_SUSPEND", "AUDIT_READ", "PERFMON", "BPF", "CHECKPOINT_RESTORE",
}

// CapNamed is the capability called name (without "CAP_").
func CapNamed(name string) Capability {
	return Capability(slices.Index(capabilityNames, name))
}

func (c Capability) String() string { return "CAP_" + c.name() }

// name is the kernel's name without "CAP_", or the number of one this
// program does not know.
func (c Capability) name() string {
	if c >= 0 && int(c) < len(capabilityNames) {
		return capabilityNames[c]
	}
	return strconv.Itoa(int(c))
}

// ParseCapability reads a capability's name as people write it:
// NET_ADMIN, net_admin, CAP_NET_ADMIN.
func ParseCapability(s string) (Capability, error) {
	name := strings.TrimPrefix(strings.ToUpper(strings.TrimSpace(s)), "CAP_")
	if i := slices.Index(capabilityNames, name); i >= 0 {
		return Capability(i), nil
	}
	return 0, fmt.Errorf("unknown capability %q (see capabilities(7): e.g. NET_ADMIN, SYS_PTRACE, ALL)", s)
}

// AllCapabilities is every capability this program knows, for --cap-add ALL.
func AllCapabilities() []Capability {
	all := make([]Capability, len(capabilityNames))
	for i := range all {
		all[i] = Capability(i)
	}
	return all
}
