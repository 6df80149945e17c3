package plot

import (
	"fmt"

	"github.com/go-analyze/charts/chartdraw"

	"vme50-tui/cgroup"
	"vme50-tui/record"
)

// The three panels, one per controller, each run a line in its colour,
// each limit a dashed line in the same colour. The legend names the runs
// only, by their files; the titles say which line is the limit: a legend
// entry per limit and run would not fit the width with a few runs.

const mib = 1 << 20

// memoryPanel: memory used against memory.max (and memory.high, v2's
// soft limit, where a run had one), in MiB.
func (p *picture) memoryPanel() *chartdraw.Chart {
	current := p.fileName(func(f cgroup.Files) string { return f.MemoryCurrent })
	limit := p.fileName(func(f cgroup.Files) string { return f.MemoryMax })
	high := p.fileName(func(f cgroup.Files) string { return f.MemoryHigh })
	var series []chartdraw.Series
	hasHigh := false
	for i, run := range p.runs {
		series = append(series, p.line(i, run.Name, func(st cgroup.Stats) float64 { return float64(st.Memory.Current) / mib }))
		series = append(series, p.limit(i, dashed, func(st cgroup.Stats) uint64 { return st.Memory.Max }, mib)...)
		h := p.limit(i, dotted, func(st cgroup.Stats) uint64 { return st.Memory.High }, mib)
		hasHigh = hasHigh || len(h) > 0
		series = append(series, h...)
	}
	title := fmt.Sprintf("memory: %s against %s (dashed)", current, limit)
	if hasHigh && high != "" {
		title += " and " + high + " (dotted)"
	}
	return p.panel(title, "MiB", series, true)
}

// cpuPanel: the cores used, the growth of the CPU time between two
// readings over the time between them (2 = two cores busy the whole
// interval). The quota (cpu.max) is not in the recording, so it has no
// line: the flat top where the line stops rising is where it bit.
func (p *picture) cpuPanel() *chartdraw.Chart {
	usage := p.fileName(func(f cgroup.Files) string {
		if f.CPUUsage == f.CPUStat {
			return f.CPUStat + " usage_usec"
		}
		return f.CPUUsage
	})
	quota := p.fileName(func(f cgroup.Files) string { return f.CPUMax })
	var series []chartdraw.Series
	for i, run := range p.runs {
		if cores := p.thinned(coresUsed(run.Rec.Samples)); len(cores.XValues) > 0 {
			cores.Name = run.Name
			cores.Style = p.solid(i)
			series = append(series, cores)
		}
	}
	title := fmt.Sprintf("CPU: cores used, the growth of %s per second (the quota, %s, is not recorded)", usage, quota)
	return p.panel(title, "cores", series, false)
}

// pidsPanel: the processes against pids.max.
func (p *picture) pidsPanel() *chartdraw.Chart {
	current := p.fileName(func(f cgroup.Files) string { return f.PidsCurrent })
	limit := p.fileName(func(f cgroup.Files) string { return f.PidsMax })
	var series []chartdraw.Series
	for i, run := range p.runs {
		series = append(series, p.line(i, run.Name, func(st cgroup.Stats) float64 { return float64(st.Pids.Current) }))
		series = append(series, p.limit(i, dashed, func(st cgroup.Stats) uint64 { return st.Pids.Max }, 1)...)
	}
	return p.panel(fmt.Sprintf("processes: %s against %s (dashed)", current, limit), "processes", series, false)
}

// coresUsed is the CPU time used between each two readings over the time
// between them. A pair with no time between them, or whose counter went
// down (it never should), is skipped.
func coresUsed(samples []record.Sample) chartdraw.ContinuousSeries {
	var cs chartdraw.ContinuousSeries
	for i := 1; i < len(samples); i++ {
		prev, cur := samples[i-1], samples[i]
		elapsed := (cur.At - prev.At).Microseconds()
		if elapsed <= 0 || cur.Stats.CPU.UsageUsec < prev.Stats.CPU.UsageUsec {
			continue
		}
		cs.XValues = append(cs.XValues, cur.At.Seconds())
		cs.YValues = append(cs.YValues, float64(cur.Stats.CPU.UsageUsec-prev.Stats.CPU.UsageUsec)/float64(elapsed))
	}
	return cs
}
