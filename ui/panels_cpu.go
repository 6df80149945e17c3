package ui

import (
	"fmt"
	"slices"

	"vme50-tui/cgroup"
)

// The CPU panel: cores used against the quota, and cpu.stat's throttling
// counters moving while a busy loop hits it.

func (p *Panels) cpuPanel(inner int) metricPanel {
	title := p.files.CPUStat
	if p.files.CPUUsage != "" && p.files.CPUUsage != p.files.CPUStat {
		title = p.files.CPUUsage + " · " + p.files.CPUStat // v1: usage lives in cpuacct
	}
	lines := []panelLine{
		{text: p.coresGauge(inner)},
		{text: p.quotaLine(), extra: true},
		{text: p.weightLine(), extra: true},
		{text: p.throttledLine()},
		{text: p.throttledTimeLine(), extra: true},
	}
	if p.r.Last().Frozen {
		lines = slices.Insert(lines, 1, panelLine{text: panelStyle.warn.Render(p.frozenLine())})
	}
	return metricPanel{
		title:      title,
		lines:      lines,
		graphAfter: 1,
		graph:      p.cpuGraph(),
		graphRank:  1,
	}
}

// frozenLine says the freezer holds the group (ctrl+g f, vme50-tui
// pause): its processes get no CPU at all until it thaws.
func (p *Panels) frozenLine() string {
	if p.version == cgroup.V1 {
		return p.files.Freeze + " FROZEN: no CPU until thawed"
	}
	return p.files.Freeze + " 1: frozen, no CPU until thawed"
}

// coresGauge shows cores used against the quota, or against the host's
// CPUs when there is none.
func (p *Panels) coresGauge(inner int) string {
	cpu := p.r.CPU()
	if !cpu.ok {
		return "cores used: after the next sample"
	}
	used := cpu.cores
	if q, ok := quotaCores(p.r.Last().CPU); ok {
		label := fmt.Sprintf("%.2f/%.2f cores %3.0f%%", used, q, used/q*100)
		return gaugeLine(used/q, label, inner)
	}
	label := fmt.Sprintf("%.2f cores of %d CPUs", used, p.hostCPUs)
	return gaugeLine(used/float64(p.hostCPUs), label, inner)
}

// quotaLine shows the quota file as the kernel writes it: v2's cpu.max
// is "QUOTA PERIOD" ("max 100000" without a quota), v1's
// cpu.cfs_quota_us is QUOTA alone (-1 without one).
func (p *Panels) quotaLine() string {
	c := p.r.Last().CPU
	q, ok := quotaCores(c)
	quota := "max"
	if p.version == cgroup.V1 {
		quota = "-1"
	}
	if ok {
		quota = fmt.Sprint(c.QuotaUsec)
	}
	content := quota
	if p.version == cgroup.V2 {
		content = fmt.Sprintf("%s %d", quota, c.PeriodUsec)
	}
	if !ok {
		return p.files.CPUMax + " " + content + " (no quota)"
	}
	return fmt.Sprintf("%s %s = %.2f cores", p.files.CPUMax, content, q)
}

// weightLine shows the weight in the host's own file. v1's cpu.shares is
// 1024 where v2's cpu.weight is 100: the Stats hold the weight, so v1
// shows both.
func (p *Panels) weightLine() string {
	weight := p.r.Last().CPU.Weight
	switch {
	case weight == 0:
		return p.files.CPUWeight + " –"
	case p.version == cgroup.V1:
		return fmt.Sprintf("%s %d (weight %d)", p.files.CPUWeight, cgroup.SharesFromWeight(weight), weight)
	}
	return fmt.Sprintf("%s %d", p.files.CPUWeight, weight)
}

// throttledLine counts the periods in which the quota ran out: the moving
// "+N" is the limit biting right now.
func (p *Panels) throttledLine() string {
	cpu := p.r.CPU()
	return "nr_throttled " + fmt.Sprint(p.r.Last().CPU.NrThrottled) +
		sinceLast(cpu, fmt.Sprintf("%.0f", cpu.perSecond(cpu.throttled)), cpu.throttled > 0)
}

// throttledTimeLine is the time spent waiting for the next period. v1's
// cpu.stat calls it throttled_time (in ns); the Stats hold microseconds.
func (p *Panels) throttledTimeLine() string {
	name := "throttled_usec"
	if p.version == cgroup.V1 {
		name = "throttled_time"
	}
	cpu := p.r.CPU()
	return name + " " + formatUsec(p.r.Last().CPU.ThrottledUsec) +
		sinceLast(cpu, formatUsec(uint64(cpu.perSecond(cpu.throttledUsec))), cpu.throttledUsec > 0)
}

// sinceLast is " (+rate/s)", yellow when the counter moved; nothing
// until there is a rate.
func sinceLast(cpu cpuRate, rate string, moved bool) string {
	if !cpu.ok {
		return ""
	}
	text := "+" + rate + "/s"
	if moved {
		text = panelStyle.warn.Render(text)
	}
	return " (" + text + ")"
}

// cpuGraph's top is the quota, drawn as a line; without a quota it is
// every CPU of the host. A quota changed meanwhile steps the line and
// leaves a marker "▼0.5 cores".
func (p *Panels) cpuGraph() *panelGraph {
	g := &panelGraph{hist: p.r.Cores(), chart: Chart{DataStyle: panelStyle.data, LimitStyle: panelStyle.limit,
		MarkStyle: panelStyle.mark, LimitLabel: markCores, Marks: p.r.marks(p.r.Cores())}}
	if q, ok := quotaCores(p.r.Last().CPU); ok {
		g.chart.Max, g.chart.Limit = q, q
		g.caption = panelStyle.limit.Render(string(limitRune)) + " " + p.files.CPUMax + fmt.Sprintf(" = %.2f cores", q)
		return g
	}
	g.chart.Max = float64(max(p.hostCPUs, 1))
	g.caption = fmt.Sprintf("top %d CPUs (host), no quota", p.hostCPUs)
	return g
}
