package main

import (
	"fmt"
	"math"
	goruntime "runtime"

	"github.com/spf13/pflag"

	"vme50-tui/cgroup"
	"vme50-tui/runtime"
	"vme50-tui/runtime/rootfs"
)

// containerFlags are the flags of `run` and of the TUI's form: the
// original vme50-container's flags, and a few more.
type containerFlags struct {
	rootfs      string
	memoryLimit string
	cpuShares   int
	cpus        float64
	pidsLimit   int
	hostname    string
	network     string
	overlay     bool
}

func (f *containerFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&f.rootfs, "rootfs", rootfs.DefaultBusybox, "root filesystem directory of the container")
	fs.StringVar(&f.memoryLimit, "memory-limit", "", "memory limit, e.g. 64M, 1.5G, 512k, 128MiB (max or empty: none)")
	fs.IntVar(&f.cpuShares, "cpu-shares", 0, "relative CPU weight 1..10000, 100 is the default (cgroup v2 cpu.weight; v1 cpu.shares = N*1024/100)")
	fs.Float64Var(&f.cpus, "cpus", 0, "CPU quota in cores, e.g. 0.5 (cpu.max); 0: none")
	fs.IntVar(&f.pidsLimit, "pids-limit", 0, "most processes at once (pids.max); 0: none")
	fs.StringVar(&f.hostname, "hostname", "", "hostname inside the container (default: the container's id)")
	fs.StringVar(&f.network, "network", string(runtime.NetworkHost), "network: host (the host's interfaces) or none (only lo)")
	fs.BoolVar(&f.overlay, "overlay", true, "write into a throw-away overlay instead of the rootfs itself")
}

// cpuPeriodUsec is the bandwidth period --cpus is spread over, the
// kernel's default.
const cpuPeriodUsec = 100000

// spec checks every flag and builds the container's Spec. Each error names
// the flag and the value, so the user knows what to fix.
func (f *containerFlags) spec(args []string) (runtime.Spec, error) {
	s := runtime.Spec{
		Args:     args,
		Hostname: f.hostname,
		Network:  runtime.Network(f.network),
		Overlay:  f.overlay,
	}
	var err error
	if s.Rootfs, err = runtime.ValidateRootfs(f.rootfs); err != nil {
		if f.rootfs == rootfs.DefaultBusybox {
			err = fmt.Errorf("%w (make it with: sudo vme50-tui rootfs create)", err)
		}
		return s, flagError("rootfs", f.rootfs, err)
	}
	if s.Limits.MemoryMax, err = cgroup.ParseSize(f.memoryLimit); err != nil {
		return s, flagError("memory-limit", f.memoryLimit, err)
	}
	if f.cpuShares < 0 || f.cpuShares > 10000 {
		return s, flagError("cpu-shares", f.cpuShares, fmt.Errorf("must be between 1 and 10000 (100 is the default)"))
	}
	s.Limits.CPUWeight = uint64(f.cpuShares)
	if f.cpus != 0 {
		maxCPUs := float64(goruntime.NumCPU())
		if math.IsNaN(f.cpus) || f.cpus < 0.01 || f.cpus > maxCPUs {
			return s, flagError("cpus", f.cpus, fmt.Errorf("must be between 0.01 and %g, the CPUs of this host", maxCPUs))
		}
		s.Limits.CPUQuotaUsec = uint64(math.Round(f.cpus * cpuPeriodUsec))
		s.Limits.CPUPeriodUsec = cpuPeriodUsec
	}
	if f.pidsLimit < 0 {
		return s, flagError("pids-limit", f.pidsLimit, fmt.Errorf("must be 1 or more (0: no limit)"))
	}
	s.Limits.PidsMax = uint64(f.pidsLimit)
	if err := runtime.ValidateHostname(f.hostname); err != nil {
		return s, flagError("hostname", f.hostname, err)
	}
	if s.Network != runtime.NetworkHost && s.Network != runtime.NetworkNone {
		return s, flagError("network", f.network, fmt.Errorf("use host or none"))
	}
	if len(args) == 0 {
		return s, &exitError{code: runtime.ExitRuntimeFailed, msg: "no command given (e.g. vme50-tui run /bin/sh)"}
	}
	return s, nil
}

func flagError(name string, value any, err error) error {
	return &exitError{code: runtime.ExitRuntimeFailed,
		msg: fmt.Sprintf("--%s %q: %v", name, fmt.Sprint(value), err)}
}
