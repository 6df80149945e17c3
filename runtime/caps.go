package runtime

import (
	"slices"
	"strings"

	"vme50-tui/runtime/initproc"
)

// Capabilities split root's power into pieces: CAP_SYS_ADMIN mounts
// filesystems, CAP_SYS_MODULE loads kernel modules, CAP_SYS_BOOT reboots.
// A process running as uid 0 with every capability can do all of that to
// the host, namespaces or not. So the command keeps only Docker's default
// set, the pieces a program's own root needs (change file owners, bind
// port 80, setuid to another user), and can never get the rest back.

// Capability is one capability, by its number in linux/capability.h
// (package initproc, which drops the others).
type Capability = initproc.Capability

// ParseCapability reads a capability's name as people write it:
// NET_ADMIN, net_admin, CAP_NET_ADMIN.
func ParseCapability(s string) (Capability, error) { return initproc.ParseCapability(s) }

// capNamed is the capability called name (without "CAP_").
func capNamed(name string) Capability { return initproc.CapNamed(name) }

// capNetRaw opens raw and packet sockets.
var capNetRaw = capNamed("NET_RAW")

// DefaultCapabilities are Docker's default set: what a container's root
// keeps.
var DefaultCapabilities = []Capability{
	capNamed("CHOWN"), capNamed("DAC_OVERRIDE"), capNamed("FSETID"), capNamed("FOWNER"), capNamed("MKNOD"),
	capNetRaw, capNamed("SETGID"), capNamed("SETUID"), capNamed("SETFCAP"), capNamed("SETPCAP"),
	capNamed("NET_BIND_SERVICE"), capNamed("SYS_CHROOT"), capNamed("KILL"), capNamed("AUDIT_WRITE"),
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
	return slices.DeleteFunc(slices.Clone(DefaultCapabilities), func(c Capability) bool { return c == capNetRaw })
}

// netRawNote is the kernel log's line for a command that shares the
// host's network without CAP_NET_RAW, or "" when that is not the case.
func netRawNote(n Network, caps []Capability) string {
	if n != NetworkHost || slices.Contains(caps, capNetRaw) {
		return ""
	}
	return "# --network host: the command gets no CAP_NET_RAW, so no raw or packet socket " +
		"sees the host's traffic (--cap-add NET_RAW gives it back)"
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

func allCapabilities() []Capability { return initproc.AllCapabilities() }
