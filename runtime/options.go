package runtime

import (
	"fmt"
	"math"
	goruntime "runtime"
	"strconv"
	"strings"

	"vme50-tui/cgroup"
	"vme50-tui/runtime/rootfs"
)

// Options are a container's settings as a person types them, on the
// command line (`run`'s flags) or in the TUI's form. Both check them with
// the functions below, one source of truth, and turn them into a Spec.
type Options struct {
	Rootfs      string
	MemoryLimit string // e.g. "64M"; "" or "max": no limit
	MemoryHigh  string // v2's soft limit, e.g. "48M"; "" or "max": none
	// MemorySwap is Docker's memory+swap, e.g. "96M"; "" (or equal to
	// MemoryLimit): no swap; "-1" or "max": any swap.
	MemorySwap     string
	DeviceReadBps  []string // DEV:RATE, e.g. /dev/sda:1m
	DeviceWriteBps []string
	CPUShares      string // 1..10000; "": the kernel's default (100)
	CPUs           string // e.g. "0.5"; "" or "0": no quota
	PidsLimit      string // "": DefaultPidsLimit; "max" or "0": no limit
	Hostname       string
	Network        string   // bridge (the default: eth0 on vme50br0), none (only lo) or host
	Publish        []string // -p HOST:CONTAINER: TCP ports published on the host (bridge only)
	DiskLimit      string   // what the container may write, e.g. "1G"; "max": a tmpfs's default
	Overlay        bool
	CapAdd         []string // capabilities added to DefaultCapabilities, or ALL
	CapDrop        []string // capabilities taken away, or ALL
	UserNS         bool     // root in the container is an unprivileged uid on the host
	Args           []string
}

// DefaultOptions are the settings a new container starts from: a network
// of its own on the host's bridge (as Docker's default), a cap on its
// processes, a throw-away overlay.
func DefaultOptions() Options {
	return Options{Rootfs: rootfs.DefaultBusybox, Network: string(NetworkBridge),
		PidsLimit: strconv.Itoa(DefaultPidsLimit), DiskLimit: DefaultDiskLimit, Overlay: true}
}

// FieldError is a bad setting: which one (its flag name), what was typed,
// and why it is wrong.
type FieldError struct {
	Field string // the flag's name: memory-limit, cpu-shares, ...
	Value string
	Err   error
}

func (e *FieldError) Error() string {
	return fmt.Sprintf("--%s %q: %v", e.Field, e.Value, e.Err)
}

func (e *FieldError) Unwrap() error { return e.Err }

// Spec checks every setting and builds the container's Spec. The error is
// a *FieldError naming the first bad setting.
func (o Options) Spec() (Spec, error) {
	s := Spec{Args: o.Args, Hostname: o.Hostname, Overlay: o.Overlay}
	var err error
	field := func(name, value string, e error) error {
		return &FieldError{Field: name, Value: value, Err: e}
	}
	if s.Rootfs, err = CheckRootfs(o.Rootfs); err != nil {
		return s, field("rootfs", o.Rootfs, err)
	}
	if s.Limits.MemoryMax, err = cgroup.ParseSize(o.MemoryLimit); err != nil {
		return s, field("memory-limit", o.MemoryLimit, err)
	}
	if s.Limits.MemoryHigh, err = cgroup.ParseSize(o.MemoryHigh); err != nil {
		return s, field("memory-high", o.MemoryHigh, err)
	}
	if s.Limits.MemorySwap, err = ParseMemorySwap(o.MemorySwap, s.Limits.MemoryMax); err != nil {
		return s, field("memory-swap", o.MemorySwap, err)
	}
	if s.IO, err = ParseDeviceRates(o.DeviceReadBps, o.DeviceWriteBps); err != nil {
		return s, err
	}
	if s.Limits.CPUWeight, err = ParseCPUShares(o.CPUShares); err != nil {
		return s, field("cpu-shares", o.CPUShares, err)
	}
	if s.Limits.CPUQuotaUsec, s.Limits.CPUPeriodUsec, err = ParseCPUs(o.CPUs); err != nil {
		return s, field("cpus", o.CPUs, err)
	}
	if s.Limits.PidsMax, err = ParsePidsLimit(o.PidsLimit); err != nil {
		return s, field("pids-limit", o.PidsLimit, err)
	}
	if s.DiskLimit, err = ParseDiskLimit(o.DiskLimit); err != nil {
		return s, field("disk-limit", o.DiskLimit, err)
	}
	if err := ValidateHostname(o.Hostname); err != nil {
		return s, field("hostname", o.Hostname, err)
	}
	if s.Network, err = ParseNetwork(o.Network); err != nil {
		return s, field("network", o.Network, err)
	}
	if s.Ports, err = ParsePublish(o.Publish); err != nil {
		return s, field("publish", strings.Join(o.Publish, ","), err)
	}
	if len(s.Ports) > 0 && s.Network != NetworkBridge {
		return s, field("publish", strings.Join(o.Publish, ","),
			fmt.Errorf("needs --network bridge: with --network %s the container has no address of its own to publish", s.Network))
	}
	for _, f := range []struct {
		name string
		caps []string
	}{{"cap-add", o.CapAdd}, {"cap-drop", o.CapDrop}} {
		if _, err := Capabilities(s.Network, f.caps, nil); err != nil {
			return s, field(f.name, strings.Join(f.caps, ","), err)
		}
	}
	// The network comes first: on the host's, CAP_NET_RAW is not given.
	if s.Capabilities, err = Capabilities(s.Network, o.CapAdd, o.CapDrop); err != nil {
		return s, err
	}
	if o.UserNS {
		m := UserNSRange()
		s.UserNS = &m
	}
	if len(o.Args) == 0 || o.Args[0] == "" {
		return s, fmt.Errorf("no command given (e.g. /bin/sh)")
	}
	return s, nil
}

// CheckRootfs is ValidateRootfs with a hint for the default rootfs, which
// a fresh machine does not have yet.
func CheckRootfs(dir string) (string, error) {
	abs, err := ValidateRootfs(dir)
	if err != nil && dir == rootfs.DefaultBusybox {
		err = fmt.Errorf("%w (make it with: sudo vme50-tui rootfs create)", err)
	}
	return abs, err
}

// ParseMemorySwap reads --memory-swap, Docker's memory+swap, given the
// memory limit: "" is no swap (the container's default: memory+swap is
// the memory limit), "-1" or "max" any swap the host has, a size at least
// the memory limit.
func ParseMemorySwap(s string, memory uint64) (uint64, error) {
	text := strings.TrimSpace(s)
	switch {
	case text == "":
		return memory, nil // 0 without a memory limit: nothing to write
	case memory == 0:
		return 0, fmt.Errorf("needs --memory-limit: memory+swap is counted from it")
	case text == "-1" || strings.EqualFold(text, "max"):
		return cgroup.Unlimited, nil
	}
	v, err := cgroup.ParseSize(text)
	if err == nil && v < memory {
		err = fmt.Errorf("below --memory-limit %s: memory+swap includes the memory", cgroup.FormatSize(memory))
	}
	return v, err
}

// ParseCPUShares reads --cpu-shares, the original tool's name for the
// cgroup v2 weight: 1..10000, 100 is every group's default.
func ParseCPUShares(s string) (uint64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil || n < 1 || n > 10000 {
		return 0, fmt.Errorf("must be a whole number from 1 to 10000 (100 is the default)")
	}
	return n, nil
}

// cpuPeriodUsec is the bandwidth period a --cpus quota is spread over,
// the kernel's default.
const cpuPeriodUsec = 100000

// ParseCPUs reads --cpus, a number of cores, into a cpu.max quota and
// period: 0.5 is 50000 µs of CPU time in every 100000 µs.
func ParseCPUs(s string) (quota, period uint64, err error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" || s == "0" || s == "max" {
		return 0, 0, nil
	}
	maxCPUs := float64(goruntime.NumCPU())
	cpus, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(cpus) || cpus < 0.01 || cpus > maxCPUs {
		return 0, 0, fmt.Errorf("must be a number of cores from 0.01 to %g, the CPUs of this host (0 or max: no quota)", maxCPUs)
	}
	return uint64(math.Round(cpus * cpuPeriodUsec)), cpuPeriodUsec, nil
}

// DefaultPidsLimit is pids.max of a container not given --pids-limit:
// plenty for a shell, a build or a small service, and a fork bomb stops
// there instead of at the kernel's pid_max, which would starve the host.
const DefaultPidsLimit = 1024

// ParsePidsLimit reads --pids-limit: the most processes at once. Empty is
// the default; max (or 0, as before there was a default) lifts it.
func ParsePidsLimit(s string) (uint64, error) {
	switch s = strings.ToLower(strings.TrimSpace(s)); s {
	case "":
		return DefaultPidsLimit, nil
	case "0", "max":
		return 0, nil
	}
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil || n > math.MaxInt32 {
		return 0, fmt.Errorf("must be a whole number of processes, 1 or more (max or 0: no limit)")
	}
	return n, nil
}

// ParseNetwork reads --network. Empty is the default, bridge, as Docker's:
// a network namespace of the container's own that still reaches out; a
// container shares the host's network only when asked to.
func ParseNetwork(s string) (Network, error) {
	switch n := Network(strings.TrimSpace(s)); n {
	case "", NetworkBridge:
		return NetworkBridge, nil
	case NetworkHost, NetworkNone:
		return n, nil
	}
	return "", fmt.Errorf("use bridge (eth0 on the host's bridge %s, NAT out), none (only lo) or host (the host's interfaces)", BridgeName)
}

// DefaultDiskLimit is --disk-limit when none is given: room to install a
// few packages, and a dd of /dev/zero stops there. (A memory limit below
// it stops the writes first: the layer is memory.)
const DefaultDiskLimit = "1G"

// ParseDiskLimit reads --disk-limit, a size as --memory-limit takes it.
// Empty is the default; max leaves the tmpfs the kernel's default size,
// half of the RAM.
func ParseDiskLimit(s string) (uint64, error) {
	if strings.TrimSpace(s) == "" {
		s = DefaultDiskLimit
	}
	n, err := cgroup.ParseSize(s)
	if err == nil && n > 0 && n < 1<<20 {
		return 0, fmt.Errorf("at least 1M: the container's first writes need room")
	}
	return n, err
}

// Lifted is what a change of limits writes for a parser's "no limit" (0,
// from max or 0): cgroup.Unlimited, which lifts the limit. In
// cgroup.Limits a zero field is left as it is.
func Lifted(v uint64) uint64 {
	if v == 0 {
		return cgroup.Unlimited
	}
	return v
}
