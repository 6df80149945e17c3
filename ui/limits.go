package ui

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"vme50-tui/cgroup"
)

// Limits changed while a container runs: the steps of the nudge keys
// (ctrl+g - + [ ]) and the words the status line, the events and the
// graphs' markers use for a limit. The editor (limits_editor.go) and the
// app's part (app_limits.go) build on these.

// The nudge keys' steps. Memory moves by a factor, so the same few
// presses matter for a 64M container and for a 4G one; the quota moves
// by a tenth of a core, as a class counts it.
const (
	memoryDownBy = 0.75    // ctrl+g -: memory.max × 3/4
	memoryUpBy   = 4.0 / 3 // ctrl+g +: memory.max × 4/3, back up
	memoryFloor  = 8 << 20 // below 8 MiB a shell hardly starts
	mib          = 1 << 20
	quotaSteps   = 10 // ctrl+g [ ]: ±1/10 of a core; the floor is one step
)

// The nudge keys' words in the help: the steps above, said once.
const (
	memoryDownHelp = "memory ×3/4 (≥ 8M)"
	memoryUpHelp   = "memory ×4/3"
	quotaDownHelp  = "cpu quota −0.1 (≥ 0.1)"
	quotaUpHelp    = "cpu quota +0.1"
)

// memoryStep is the memory limit one nudge from the reading m, rounded to
// a whole MiB, or why there is none. Without a limit, - sets one at 4/3
// of the memory in use: the line appears just above the graph, and the
// next - squeezes.
func memoryStep(m cgroup.MemoryStats, up bool) (cgroup.Limits, error) {
	cur := m.Max
	switch {
	case !isLimited(cur) && up:
		return cgroup.Limits{}, errors.New("memory has no limit to raise")
	case !isLimited(cur):
		return cgroup.Limits{MemoryMax: max(roundMiB(float64(m.Current)*memoryUpBy, math.Ceil), memoryFloor)}, nil
	case up:
		return cgroup.Limits{MemoryMax: roundMiB(float64(cur)*memoryUpBy, math.Ceil)}, nil
	case cur <= memoryFloor:
		return cgroup.Limits{}, fmt.Errorf("memory limit %s: already at the floor", cgroup.FormatSize(cur))
	}
	return cgroup.Limits{MemoryMax: max(roundMiB(float64(cur)*memoryDownBy, math.Floor), memoryFloor)}, nil
}

// roundMiB rounds bytes to whole MiB, down or up.
func roundMiB(bytes float64, round func(float64) float64) uint64 {
	return uint64(round(bytes/mib)) * mib
}

// quotaStep is the CPU quota one nudge from the reading c, on the same
// period, or why there is none. Without a quota, [ starts at every CPU
// of the host (the line appears at the top of the graph); ] past them
// lifts the quota.
func quotaStep(c cgroup.CPUStats, up bool, hostCPUs int) (cgroup.Limits, error) {
	period := c.PeriodUsec
	if period == 0 {
		period = 100000 // the kernel's default
	}
	step, all := period/quotaSteps, uint64(hostCPUs)*period
	_, limited := quotaCores(c)
	var quota uint64
	switch {
	case !limited && up:
		return cgroup.Limits{}, errors.New("the CPU has no quota to raise")
	case !limited:
		quota = all
	case !up && c.QuotaUsec <= step:
		return cgroup.Limits{}, fmt.Errorf("CPU quota %s: already at the floor", coresText(c.QuotaUsec, period))
	case !up:
		quota = (c.QuotaUsec - 1) / step * step // the step below, on the grid of tenths
	default:
		quota = (c.QuotaUsec/step + 1) * step
	}
	if quota > all {
		quota = cgroup.Unlimited // more than the host has is no quota
	}
	return cgroup.Limits{CPUQuotaUsec: quota, CPUPeriodUsec: period}, nil
}

// ---- words ----

// limitSize is a memory limit as the panels say it: "48.0 MiB" or max.
func limitSize(v uint64) string {
	if !isLimited(v) {
		return "max"
	}
	return cgroup.FormatSize(v)
}

// limitCount is a count limit (pids.max): "40" or max.
func limitCount(v uint64) string {
	if !isLimited(v) {
		return "max"
	}
	return strconv.FormatUint(v, 10)
}

// quotaText is a reading's quota in cores: "0.50 cores" or max.
func quotaText(c cgroup.CPUStats) string {
	if _, ok := quotaCores(c); !ok {
		return "max"
	}
	return coresText(c.QuotaUsec, c.PeriodUsec)
}

func coresText(quota, period uint64) string {
	if !isLimited(quota) || period == 0 {
		return "max"
	}
	return fmt.Sprintf("%.2f cores", float64(quota)/float64(period))
}

// written says what a write set, in the host's file names, for the
// status line: "memory.max <- 48.0 MiB, cpu.max <- 0.50 cores".
func written(lim cgroup.Limits, f cgroup.Files, v cgroup.Version) string {
	var parts []string
	if lim.MemoryMax != 0 {
		parts = append(parts, f.MemoryMax+" <- "+limitSize(lim.MemoryMax))
	}
	if lim.MemoryHigh != 0 {
		parts = append(parts, f.MemoryHigh+" <- "+limitSize(lim.MemoryHigh))
	}
	if lim.MemorySwap != 0 {
		parts = append(parts, swapLimitFile(f)+" <- "+swapWritten(lim, v))
	}
	if lim.CPUWeight != 0 {
		weight := lim.CPUWeight
		if v == cgroup.V1 {
			weight = cgroup.SharesFromWeight(weight)
		}
		parts = append(parts, fmt.Sprintf("%s <- %d", f.CPUWeight, weight))
	}
	if lim.CPUQuotaUsec != 0 {
		period := lim.CPUPeriodUsec
		if period == 0 {
			period = 100000
		}
		parts = append(parts, f.CPUMax+" <- "+coresText(lim.CPUQuotaUsec, period))
	}
	if lim.PidsMax != 0 {
		parts = append(parts, f.PidsMax+" <- "+limitCount(lim.PidsMax))
	}
	return strings.Join(parts, ", ")
}

// swapWritten is what a memory+swap write puts in the swap file: v2 the
// swap alone (memory.swap.max = memory+swap less memory), v1 both.
func swapWritten(lim cgroup.Limits, v cgroup.Version) string {
	switch {
	case lim.MemorySwap == cgroup.Unlimited:
		return "max"
	case v == cgroup.V2 && lim.MemorySwap >= lim.MemoryMax:
		return cgroup.FormatSize(lim.MemorySwap - lim.MemoryMax)
	}
	return cgroup.FormatSize(lim.MemorySwap)
}

// markSize is a memory limit in a graph's marker, short: "48M", "1.5G",
// max.
func markSize(v float64) string {
	switch {
	case !(v > 0):
		return "max"
	case v >= 1<<30:
		return strconv.FormatFloat(v/(1<<30), 'f', 1, 64) + "G"
	}
	return strconv.FormatFloat(v/mib, 'f', 0, 64) + "M"
}

// markCores is a quota in a graph's marker: "0.5 cores", max.
func markCores(v float64) string {
	if !(v > 0) {
		return "max"
	}
	return strconv.FormatFloat(math.Round(v*100)/100, 'f', -1, 64) + " cores"
}
