package main

import (
	"errors"
	"fmt"
	"time"

	"github.com/spf13/pflag"

	"vme50-tui/runtime"
)

// registerContainerFlags binds the flags of `run` and of the TUI's form to
// o: the original vme50-container's flags, and a few more. The values stay
// as typed; runtime.Options.Spec checks them, for the form too.
func registerContainerFlags(fs *pflag.FlagSet, o *runtime.Options) {
	*o = runtime.DefaultOptions()
	fs.StringVar(&o.Rootfs, "rootfs", o.Rootfs, "root filesystem `directory` of the container")
	fs.StringVar(&o.MemoryLimit, "memory-limit", "", "memory limit `size`, e.g. 64M, 1.5G, 512k, 128MiB (max or empty: none)")
	fs.StringVar(&o.MemoryHigh, "memory-high", "", "soft memory limit `size` (cgroup v2 memory.high): above it the kernel\nthrottles and reclaims, and kills nothing")
	fs.StringVar(&o.MemorySwap, "memory-swap", "", "memory plus swap `size`, Docker's meaning (-1: any swap; empty or\nequal to --memory-limit: no swap, the default)")
	fs.StringSliceVar(&o.DeviceReadBps, "device-read-bps", nil, "cap reads from a disk, `DEV:RATE`, e.g. /dev/sda:1m or 8:0:1m (io.max)")
	fs.StringSliceVar(&o.DeviceWriteBps, "device-write-bps", nil, "cap writes to a disk, `DEV:RATE`, e.g. /dev/sda:1m (io.max)")
	fs.StringVar(&o.CPUShares, "cpu-shares", "", "relative CPU `weight` 1..10000, 100 is the default\n(cgroup v2 cpu.weight; v1 cpu.shares = weight*1024/100)")
	fs.StringVar(&o.CPUs, "cpus", "", "CPU quota in `cores`, e.g. 0.5 (cpu.max); 0 or max: none")
	fs.StringVar(&o.PidsLimit, "pids-limit", o.PidsLimit, "most `processes` at once (pids.max); max or 0: none")
	fs.StringVar(&o.Hostname, "hostname", "", "`name` of the container's host (default: its id)")
	fs.StringVar(&o.Network, "network", o.Network, "`network`: bridge (eth0 on the host's bridge "+runtime.BridgeName+", NAT out),\nnone (a namespace of its own with only lo) or host\n(the host's interfaces; without CAP_NET_RAW unless --cap-add NET_RAW)")
	fs.StringArrayVarP(&o.Publish, "publish", "p", nil, "publish the container's TCP `port` on the host: HOST:CONTAINER, e.g. 8080:80\n(repeat for more; --network bridge; "+runtime.SubnetEnv+" chooses the bridge's subnet)")
	fs.StringVar(&o.DiskLimit, "disk-limit", o.DiskLimit, "most the container may write, its layer and /tmp together, e.g. 256M\n(a tmpfs charged to its memory; max: half the RAM)")
	fs.BoolVar(&o.Overlay, "overlay", o.Overlay, "write into a throw-away overlay, not into the rootfs itself\n(=false: the container changes the rootfs on the host's disk, beyond --disk-limit)")
	fs.StringSliceVar(&o.CapAdd, "cap-add", nil, "give the command these `capabilities` too, e.g. NET_ADMIN,SYS_PTRACE (ALL: every one)")
	fs.StringSliceVar(&o.CapDrop, "cap-drop", nil, "take these `capabilities` away, e.g. NET_RAW (ALL: every one)")
	fs.BoolVar(&o.UserNS, "userns", false, "a user namespace: the container's root is an unprivileged uid on the host\n(root's range in /etc/subuid, else 1000000000-1000065535)")
}

// specFrom checks the options and builds the container's Spec; a bad
// setting is one line naming the flag and the value, and status 125.
func specFrom(o runtime.Options, args []string) (runtime.Spec, error) {
	o.Args = args
	s, err := o.Spec()
	if err != nil {
		var fe *runtime.FieldError
		if !errors.As(err, &fe) {
			err = errors.New(err.Error() + " (e.g. vme50-tui run /bin/sh)")
		}
		return s, &exitError{code: runtime.ExitRuntimeFailed, msg: err.Error()}
	}
	return s, nil
}

// defaultInterval is the time between two readings of a container's cgroup
// files (--interval), for the TUI's panels and run's --record.
const defaultInterval = 250 * time.Millisecond

// checkInterval refuses an --interval so short that reading the cgroup
// files would become a load of its own.
func checkInterval(d time.Duration) error {
	if d < 50*time.Millisecond {
		return &exitError{code: runtime.ExitRuntimeFailed,
			msg: fmt.Sprintf("--interval %s: sample at most every 50ms", d)}
	}
	return nil
}
