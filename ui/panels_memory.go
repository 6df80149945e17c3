package ui

import (
	"fmt"

	"vme50-tui/cgroup"
)

// The memory and pids panels: memory against memory.max with the counters
// that say the limit bit, and pids.current against pids.max.

func (p *Panels) memoryPanel(f flashSet, inner int) metricPanel {
	m := p.r.Last().Memory
	lines := []panelLine{
		{text: memoryGauge(m, inner)},
		{text: p.peakLine(m), extra: true},
	}
	if isLimited(m.High) && p.files.MemoryHigh != "" {
		lines = append(lines, panelLine{text: p.highLine(m, inner)})
	}
	lines = append(lines, p.eventLines(m.Events, f, inner)...)
	lines = append(lines, panelLine{text: p.statLine(m, inner)})
	if swap := p.swapLine(m, inner); swap != "" {
		lines = append(lines, panelLine{text: swap, extra: true})
	}
	return metricPanel{
		title:      p.files.MemoryCurrent + " / " + p.files.MemoryMax,
		lines:      lines,
		graphAfter: 1,
		graph:      p.memoryGraph(),
	}
}

func memoryGauge(m cgroup.MemoryStats, inner int) string {
	if !isLimited(m.Max) {
		return cgroup.FormatSize(m.Current) + " · no limit"
	}
	label := fmt.Sprintf("%s %3.0f%%", sizePair(m.Current, m.Max), percentOf(m.Current, m.Max))
	return gaugeLine(float64(m.Current)/float64(m.Max), label, inner)
}

// peakLine shows the kernel's own peak where it has one (v2 memory.peak
// needs Linux 5.19), else the highest value these panels saw.
func (p *Panels) peakLine(m cgroup.MemoryStats) string {
	if m.Peak > 0 {
		return p.files.MemoryPeak + " " + cgroup.FormatSize(m.Peak)
	}
	return "peak " + cgroup.FormatSize(p.r.PeakSeen()) + " (seen here)"
}

// highLine is memory.high, the soft limit, and how often the group went
// over it in the last interval (memory.events high): each time, the
// kernel reclaimed and made the allocation wait. Yellow while it climbs.
func (p *Panels) highLine(m cgroup.MemoryStats, inner int) string {
	text := p.files.MemoryHigh + " " + cgroup.FormatSize(m.High)
	if pct := percentOf(m.Current, m.High); pct >= 1 {
		text += fmt.Sprintf(" (%.0f%% of it)", pct)
	}
	r := p.r.Rates()
	if !r.ok || r.high == 0 {
		return text
	}
	over := panelStyle.warn.Render(fmt.Sprintf("throttled +%.0f/s", r.high))
	return firstFit(inner, text+" · "+over, p.files.MemoryHigh+" "+cgroup.FormatSize(m.High)+" · "+over)
}

// swapLine is the swap in use, where there is any or the group may have
// some: v2 reads memory.swap.current (room: memory.swap.max); v1 only
// memory and swap together (memory.memsw.usage_in_bytes), so the swap is
// that less memory.usage_in_bytes. "" where no swap is used or allowed.
func (p *Panels) swapLine(m cgroup.MemoryStats, inner int) string {
	room := isLimited(m.SwapMax) && m.SwapMax > 0
	if m.Swap == 0 && !room {
		return ""
	}
	used := cgroup.FormatSize(m.Swap)
	if room {
		used = sizePair(m.Swap, m.SwapMax)
	}
	if p.version == cgroup.V1 {
		return firstFit(inner, "swap "+used+" ("+p.files.MemorySwap+" − usage)", "swap "+used)
	}
	return firstFit(inner, p.files.MemorySwap+" "+used, "swap "+used)
}

// eventLines shows the counters that say the limit bit. v2 has them in
// one file, memory.events. v1 spreads them over two and has no count of
// OOMs that did not kill, so it shows oom_kill and failcnt. On a narrow
// panel the file name goes first and oom_kill last: a death must show.
func (p *Panels) eventLines(e cgroup.MemoryEvents, f flashSet, inner int) []panelLine {
	kill := counterText("oom_kill", e.OOMKill, f.has(EventOOMKill), true)
	if p.version == cgroup.V1 {
		return []panelLine{
			{text: firstFit(inner, p.files.MemoryEvents+" "+kill, kill)},
			{text: counterText("memory.failcnt", e.Max, f.has(EventMemoryMax), false), extra: true},
		}
	}
	counts := counterText("max", e.Max, f.has(EventMemoryMax), false) + " " +
		counterText("oom", e.OOM, f.has(EventOOM), false) + " " + kill
	// high counts the times the group went over memory.high: yellow
	// while it climbs, as nr_throttled's rate.
	high := fmt.Sprintf("high %d", e.High)
	if r := p.r.Rates(); r.ok && r.high > 0 {
		high = panelStyle.warn.Render(high)
	}
	return []panelLine{{text: firstFit(inner, p.files.MemoryEvents+" "+high+" "+counts, high+" "+counts, counts, kill)}}
}

// counterText is "name value", in reverse video while flashing. A killing
// counter stays red once above zero: the class should not miss that a
// process died. The text never changes width, so nothing beside it jumps.
func counterText(name string, v uint64, flashing, kills bool) string {
	text := fmt.Sprintf("%s %d", name, v)
	switch {
	case flashing:
		return panelStyle.flash.Render(text)
	case kills && v > 0:
		return panelStyle.bad.Render(text)
	}
	return text
}

// statLine splits memory into anon (the program's own data: only
// swapping could free it) and file (page cache: the kernel can drop it
// when the limit is near). v1 calls them total_rss and total_cache.
func (p *Panels) statLine(m cgroup.MemoryStats, inner int) string {
	anon, file := cgroup.FormatSize(m.Anon), cgroup.FormatSize(m.File)
	if p.version == cgroup.V1 {
		return firstFit(inner,
			fmt.Sprintf("%s total_rss %s total_cache %s", p.files.MemoryStat, anon, file),
			fmt.Sprintf("total_rss %s total_cache %s", anon, file),
			fmt.Sprintf("rss %s cache %s", anon, file))
	}
	return firstFit(inner,
		fmt.Sprintf("%s anon %s file %s", p.files.MemoryStat, anon, file),
		fmt.Sprintf("anon %s file %s", anon, file))
}

// memoryGraph's top is the limit, so memory climbing to the line is memory
// climbing to memory.max. Without a limit the top is the peak seen. A
// limit changed meanwhile steps the line and leaves a marker "▼48M" (the
// chart raises the top to an older, higher limit still in view).
//
// memory.high, where set, is a second line under it, in yellow: the
// memory that climbs to it and stays there is the kernel throttling.
func (p *Panels) memoryGraph() *panelGraph {
	m := p.r.Last().Memory
	g := &panelGraph{hist: p.r.Memory(), chart: Chart{DataStyle: panelStyle.data, LimitStyle: panelStyle.limit,
		MarkStyle: panelStyle.mark, SoftStyle: panelStyle.soft, LimitLabel: markSize, Marks: p.r.marks(p.r.Memory())}}
	high := ""
	if isLimited(m.High) && p.files.MemoryHigh != "" {
		g.chart.Soft = float64(m.High)
		high = " " + panelStyle.soft.Render(string(softRune)) + " " + p.files.MemoryHigh + " " + cgroup.FormatSize(m.High)
	}
	if isLimited(m.Max) {
		g.chart.Max, g.chart.Limit = float64(m.Max), float64(m.Max)
		limit := panelStyle.limit.Render(string(limitRune)) + " " + p.files.MemoryMax + " " + cgroup.FormatSize(m.Max)
		g.caption = limit + high
		if high != "" {
			g.short = panelStyle.limit.Render(string(limitRune)) + " max " + cgroup.FormatSize(m.Max) + " " +
				panelStyle.soft.Render(string(softRune)) + " high " + cgroup.FormatSize(m.High)
		}
		return g
	}
	top := max(p.r.PeakSeen(), 1)
	if high != "" {
		// The soft line at three quarters of the height: room to see
		// the memory go over it, and be pushed back.
		top = max(top, m.High/3*4)
	}
	g.chart.Max = float64(top)
	g.caption = "top " + cgroup.FormatSize(top) + high
	if high == "" {
		g.caption += " (peak, no limit)"
	}
	return g
}

// ---- PIDs ----

func (p *Panels) pidsPanel(inner int) metricPanel {
	pids := p.r.Last().Pids
	text := fmt.Sprintf("%d · no limit", pids.Current)
	if isLimited(pids.Max) {
		label := fmt.Sprintf("%d/%d %3.0f%%", pids.Current, pids.Max, percentOf(pids.Current, pids.Max))
		text = gaugeLine(float64(pids.Current)/float64(pids.Max), label, inner)
	}
	lines := []panelLine{{text: text}}
	if d := p.r.Disk(); d.ok && d.size > 0 {
		// Not a cgroup file: the tmpfs that holds what the container
		// writes, whose pages its memory cgroup is charged for.
		label := fmt.Sprintf("disk %s/%s %3.0f%%", cgroup.FormatSize(d.used), cgroup.FormatSize(d.size), percentOf(d.used, d.size))
		lines = append(lines, panelLine{text: gaugeLine(float64(d.used)/float64(d.size), label, inner)})
	}
	return metricPanel{
		title: p.files.PidsCurrent + " / " + p.files.PidsMax,
		lines: lines,
	}
}
