// Package cgroup creates, limits, reads and removes the control groups that
// hold vme50 containers. It knows nothing about containers: it manages a
// directory named vme50/<id> in every cgroup hierarchy the host has.
//
// Linux has two cgroup designs and classroom machines have both:
//
//   - v2 ("unified"): one tree at /sys/fs/cgroup, every controller in it.
//     Our leaf is /sys/fs/cgroup/vme50/<id>.
//   - v1 (or "hybrid", v1 plus an empty v2 tree): one tree per controller,
//     /sys/fs/cgroup/memory, /sys/fs/cgroup/cpu,cpuacct, ... Our leaf exists
//     once in each tree: /sys/fs/cgroup/<controller>/vme50/<id>.
//
// Both are hidden behind Manager; v1.go and v2.go each do one version.
package cgroup

import (
	"errors"
	"fmt"
	"math"
	"time"
)

// Parent is the directory, in every hierarchy, that holds our containers.
const Parent = "vme50"

// Unlimited is how a limit that is not set ("max", or v1's huge page
// counter) appears in Limits and Stats.
const Unlimited uint64 = math.MaxUint64

// Version is the cgroup design the host runs.
type Version int

const (
	V1 Version = 1 // v1 or hybrid: one hierarchy per controller
	V2 Version = 2 // unified
)

func (v Version) String() string { return fmt.Sprintf("cgroup v%d", int(v)) }

// Limits are what the kernel is told to enforce. The zero value of each
// field means "no limit" (or, for CPUWeight, the kernel's default).
type Limits struct {
	MemoryMax uint64 // bytes; 0 = no limit
	// CPUWeight is cgroup v2's cpu.weight, 1..10000 (default 100). On v1 it
	// is written as cpu.shares = weight*1024/100.
	CPUWeight uint64
	// CPUQuotaUsec per CPUPeriodUsec is the cpu.max bandwidth: 50000/100000
	// is half a core. 0 = no quota. A zero period means 100000.
	CPUQuotaUsec  uint64
	CPUPeriodUsec uint64
	PidsMax       uint64 // 0 = no limit
	// MemoryHigh is v2's memory.high, the soft limit: above it the kernel
	// throttles the group's allocations and reclaims, and kills nothing.
	// 0 = none. v1 has no such file: Set refuses it (ErrNoMemoryHigh).
	MemoryHigh uint64
	// MemorySwap is Docker's --memory-swap: memory plus swap, in bytes.
	// 0 = no swap at all (memory.swap.max 0; v1 memsw = the memory
	// limit); Unlimited = as much swap as the host has. Written with
	// MemoryMax, which it needs.
	MemorySwap uint64
}

// MaxCPUWeight is the largest cpu.weight; the least is 1.
const MaxCPUWeight = 10000

// check refuses limits the kernel would take badly, before anything is
// written. A weight is 1..10000 on both versions: v2 refuses more with
// ERANGE, but v1's cpu.shares would quietly take the clamped 262144, and
// the same flag must mean the same on every host.
func (lim Limits) check() error {
	if lim.CPUWeight > MaxCPUWeight {
		return fmt.Errorf("cgroup: cpu weight %d is outside 1..%d", lim.CPUWeight, MaxCPUWeight)
	}
	return nil
}

// Stats is one reading of a leaf's files, the same struct for both
// versions. Byte counts are bytes, times are microseconds.
type Stats struct {
	Time   time.Time
	Memory MemoryStats
	CPU    CPUStats
	Pids   PidsStats
	IO     IOStats
	// Pressure is v2's PSI of the group; nil where the kernel gives none
	// (v1, or PSI off: see PressureNote).
	Pressure *Pressure
	// Frozen: the group's processes are stopped by the freezer (v2
	// cgroup.events frozen 1, v1 freezer.state FROZEN).
	Frozen bool
}

// Fresh passes readings on in time order: Take is true only for a
// reading newer than every one taken before. Readings reach whoever draws
// or records them by more than one path (a tick, the container's end)
// and may arrive late or twice; each consumer keeps its own Fresh.
type Fresh struct{ last time.Time }

// Take tells whether st is newer than the last reading taken, and takes
// it if so.
func (f *Fresh) Take(st Stats) bool {
	if !st.Time.After(f.last) {
		return false
	}
	f.last = st.Time
	return true
}

type MemoryStats struct {
	Current uint64
	Max     uint64 // Unlimited when no limit is set
	Peak    uint64 // 0 when the kernel does not report it
	Events  MemoryEvents
	Anon    uint64 // from memory.stat (v1: total_rss)
	File    uint64 // from memory.stat (v1: total_cache)
	High    uint64 // memory.high; Unlimited when none (always, on v1)
	// Swap is the swap in use: v2 memory.swap.current; v1 memsw usage
	// less memory usage. SwapMax is the room for it (Unlimited: none).
	Swap    uint64
	SwapMax uint64
}

// MemoryEvents are v2's memory.events counters. On v1, Max is
// memory.failcnt and OOM and OOMKill both come from memory.oom_control's
// oom_kill (v1 counts no OOMs that did not kill).
type MemoryEvents struct {
	High    uint64 // times the group went over memory.high and was throttled (v2 only)
	Max     uint64
	OOM     uint64
	OOMKill uint64
}

type CPUStats struct {
	UsageUsec     uint64
	UserUsec      uint64
	SystemUsec    uint64
	NrPeriods     uint64
	NrThrottled   uint64
	ThrottledUsec uint64
	Weight        uint64 // cpu.weight (v1: derived from cpu.shares)
	QuotaUsec     uint64 // Unlimited when no quota
	PeriodUsec    uint64
}

type PidsStats struct {
	Current uint64
	Max     uint64 // Unlimited when no limit is set
}

// Files names the host's real files behind each Stats value, so a screen can
// teach the names the kernel uses on this machine.
type Files struct {
	MemoryCurrent string // memory.current | memory.usage_in_bytes
	MemoryMax     string // memory.max | memory.limit_in_bytes
	MemoryPeak    string // memory.peak | memory.max_usage_in_bytes
	MemoryEvents  string // memory.events | memory.oom_control
	MemoryStat    string // memory.stat
	CPUUsage      string // cpu.stat | cpuacct.usage
	CPUStat       string // cpu.stat
	CPUWeight     string // cpu.weight | cpu.shares
	CPUMax        string // cpu.max | cpu.cfs_quota_us
	PidsCurrent   string // pids.current
	PidsMax       string // pids.max
	MemoryHigh    string // memory.high | "" (v1 has none)
	MemorySwap    string // memory.swap.current | memory.memsw.usage_in_bytes
	IOStat        string // io.stat | blkio.throttle.io_service_bytes
	IOMax         string // io.max | blkio.throttle.{read,write}_bps_device
	Freeze        string // cgroup.freeze | freezer.state
}

// Manager is one container's leaf cgroup, in every hierarchy that has it.
type Manager interface {
	ID() string
	Version() Version
	// Paths are the leaf's directories: one on v2, one per hierarchy on v1.
	Paths() []string
	Files() Files
	// Set writes the limits. A zero field is left as the kernel's default.
	Set(Limits) error
	// AddProc moves a process (and, on v1, each hierarchy's view of it)
	// into the leaf.
	AddProc(pid int) error
	// Procs lists the processes in the leaf.
	Procs() ([]int, error)
	Stats() (Stats, error)
	// Kill sends SIGKILL to every process in the leaf and waits until it is
	// empty (cgroup.kill on v2 where the kernel has it).
	Kill() error
	// Destroy removes the leaf from every hierarchy. A missing leaf is not
	// an error; a busy one is retried for a while.
	Destroy() error
	// OpenDir opens the leaf directory for clone3's CLONE_INTO_CGROUP
	// (v2 only; v1 returns ErrNoCloneInto).
	OpenDir() (fd int, err error)
	// SetIO writes bandwidth limits on block devices (v2 io.max, v1
	// blkio.throttle.*_bps_device).
	SetIO([]IOLimit) error
	// Freeze stops (true) or resumes (false) every process in the leaf,
	// and returns once the kernel says it is done.
	Freeze(frozen bool) error
	// Frozen tells whether the freezer has stopped every process.
	Frozen() (bool, error)
}

// ErrNoCloneInto is returned by OpenDir on hosts where a child cannot be
// born straight into its cgroup.
var ErrNoCloneInto = errors.New("cgroup: CLONE_INTO_CGROUP needs cgroup v2")

// Host is the cgroup layout of this machine, found by Detect.
type Host struct {
	Version Version
	// Root is where the v2 tree is mounted (v2 hosts).
	Root string
	// V1Roots maps each v1 controller we use (memory, cpu, cpuacct, pids)
	// to the mount point of its hierarchy. Co-mounted controllers share one
	// ("cpu" and "cpuacct" both -> /sys/fs/cgroup/cpu,cpuacct).
	V1Roots map[string]string
	// Trace, when set, is told of every change made to the cgroup
	// filesystem, in the kernel's words: ("mkdir", path, ""),
	// ("write", path, value) or ("rmdir", path, ""). It feeds the kernel
	// log of the UI. It is called after the change succeeded, from the
	// goroutine that made it, and looked up at each change, so Managers
	// made before it was set use it too.
	Trace func(op, path, value string)
}
