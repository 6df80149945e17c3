package ui

import (
	"fmt"
	"strings"

	"vme50-tui/cgroup"
)

// The I/O panel: the bytes the group read and wrote per second (the growth
// of io.stat's rbytes and wbytes; v1 blkio.throttle.io_service_bytes),
// against the io.max bandwidth where one is set (v1:
// blkio.throttle.read_bps_device and write_bps_device).

func (p *Panels) ioPanel(inner int) metricPanel {
	io := p.r.Last().IO
	r := p.r.Rates()
	readMax, writeMax := isLimited(io.ReadBpsMax), isLimited(io.WriteBpsMax)
	title := p.files.IOStat
	if readMax || writeMax {
		title = firstFit(inner, title+" / "+p.ioMaxFile(readMax), title)
	}
	var lines []panelLine
	switch {
	case !r.ok:
		lines = append(lines, panelLine{text: "read – · write – (after the next sample)"})
	case !readMax && !writeMax:
		lines = append(lines, panelLine{text: "read " + rateText(r.read) + " · write " + rateText(r.write)})
	default:
		lines = append(lines,
			panelLine{text: bandwidthLine("read", r.read, io.ReadBpsMax, inner)},
			panelLine{text: bandwidthLine("write", r.write, io.WriteBpsMax, inner)})
	}
	lines = append(lines, panelLine{extra: true, text: fmt.Sprintf("in all: read %s, written %s",
		cgroup.FormatSize(io.ReadBytes), cgroup.FormatSize(io.WriteBytes))})
	pn := metricPanel{title: title, lines: lines, graphAfter: len(lines) - 1, graphRank: 4}
	switch {
	case readMax || writeMax:
		pn.graph, pn.graphRank = p.ioGraph(io), 2 // the limit makes it the lesson
	case peakOf(p.r.IORead()) > 0 || peakOf(p.r.IOWrite()) > 0:
		pn.graph = p.ioGraph(io) // after the pressure's graph
	}
	return pn
}

// ioMaxFile names the file of the limit set: v2 has one, v1 one a
// direction.
func (p *Panels) ioMaxFile(read bool) string {
	if p.version == cgroup.V1 && !read {
		return strings.Replace(p.files.IOMax, "read", "write", 1)
	}
	return p.files.IOMax
}

// bandwidthLine is one direction's rate, as a gauge against its limit
// where it has one.
func bandwidthLine(dir string, rate float64, limit uint64, inner int) string {
	if !isLimited(limit) {
		return dir + " " + rateText(rate)
	}
	used := uint64(max(rate, 0))
	label := fmt.Sprintf("%s %s/s %3.0f%%", dir, sizePair(used, limit), percentOf(used, limit))
	return gaugeLine(float64(used)/float64(limit), label, inner)
}

// rateText is bytes per second: "1.9 MiB/s".
func rateText(v float64) string { return cgroup.FormatSize(uint64(max(v, 0))) + "/s" }

// markRate is a bandwidth in a graph's marker: "2M/s", max.
func markRate(v float64) string {
	if !(v > 0) {
		return "max"
	}
	return markSize(v) + "/s"
}

// ioGraph draws the direction that has a limit (reads first), its top
// the limit; without one, whichever direction moved more bytes, its top
// the peak seen.
func (p *Panels) ioGraph(io cgroup.IOStats) *panelGraph {
	g := &panelGraph{chart: Chart{DataStyle: panelStyle.data, LimitStyle: panelStyle.limit,
		MarkStyle: panelStyle.mark, LimitLabel: markRate}}
	limited := func(hist *sampleHistory, limit uint64, read bool, key string) *panelGraph {
		g.hist, g.chart.Marks = hist, p.r.marks(hist)
		g.chart.Max, g.chart.Limit = float64(limit), float64(limit)
		line, rate := panelStyle.limit.Render(string(limitRune)), rateText(float64(limit))
		g.caption = line + " " + p.ioMaxFile(read) + " " + key + " " + rate
		if p.version == cgroup.V1 {
			g.caption = line + " " + p.ioMaxFile(read) + " " + rate // a file a direction, no key
		}
		g.short = line + " " + key + " " + rate
		return g
	}
	switch {
	case isLimited(io.ReadBpsMax):
		return limited(p.r.IORead(), io.ReadBpsMax, true, "rbps")
	case isLimited(io.WriteBpsMax):
		return limited(p.r.IOWrite(), io.WriteBpsMax, false, "wbps")
	}
	reads, writes := p.r.IORead(), p.r.IOWrite()
	g.hist, g.caption = reads, "reads"
	if peakOf(writes) > peakOf(reads) {
		g.hist, g.caption = writes, "writes"
	}
	g.chart.Marks = p.r.marks(g.hist)
	top := max(peakOf(g.hist), 1<<20)
	g.chart.Max = top
	g.caption += ", top " + rateText(top) + " (peak, no limit)"
	return g
}

// peakOf is the highest value in a history.
func peakOf(h *sampleHistory) float64 {
	top := 0.0
	for _, v := range h.values {
		top = max(top, v)
	}
	return top
}
