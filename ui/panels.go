package ui

import (
	"fmt"
	"math"
	"runtime"
	"strings"
	"time"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"vme50-tui/cgroup"
)

// The metric panels sit beside a container's terminal and show what its
// cgroup files say, so a class can watch a limit bite: memory climbing to
// memory.max and oom_kill going up, cpu.stat's throttling counters moving
// while a busy loop hits its quota, pids.current reaching pids.max.
//
// Every panel is titled with the file names this host really has (v2's
// memory.current, v1's memory.usage_in_bytes, ...): teaching those names
// is the point, so the students can `cat` the same files themselves.
//
// Panels only draws. The runtime's sampler reads the files into a
// cgroup.Stats every ~250 ms and the app hands each one to Push.

// FlashFor is how long a counter stays highlighted after it went up: long
// enough to catch the eye of a class, short enough that the next event
// flashes anew.
const FlashFor = 1500 * time.Millisecond

// HistoryLen is how many samples the graphs keep: a minute at the default
// 250 ms interval, more than the widest panel shows.
const HistoryLen = 240

// Panels draws one container's cgroup readings.
type Panels struct {
	files    cgroup.Files
	version  cgroup.Version
	now      func() time.Time // the clock flashes are timed by
	hostCPUs int              // the CPU graph's top when there is no quota

	width, height int

	last     cgroup.Stats
	have     bool          // last holds a sample
	cpu      cpuDelta      // between the last two samples
	memory   sampleHistory // memory current, bytes
	cores    sampleHistory // CPU cores used
	peakSeen uint64        // highest memory current pushed, for kernels without a peak file
	disk     diskReading   // the container's layer tmpfs

	// flashUntil is when each counter's highlight ends.
	flashUntil [numCounters]time.Time

	// View and Compact are cached: the app calls View on every message,
	// keys and terminal output included, far more often than samples
	// arrive.
	view, compact viewCache
	renders       int // how many times View really drew, for the tests
}

// NewPanels returns panels for a container on a host whose files are
// named by files.
func NewPanels(files cgroup.Files, version cgroup.Version) *Panels {
	return &Panels{
		files:    files,
		version:  version,
		now:      time.Now,
		hostCPUs: runtime.NumCPU(),
	}
}

// SetClock replaces the clock that times the flashes (time.Now by
// default). Tests use it to step time by hand.
func (p *Panels) SetClock(now func() time.Time) {
	p.now = now
	p.invalidate()
}

// SetSize sets the size View fills exactly.
func (p *Panels) SetSize(w, h int) {
	if w == p.width && h == p.height {
		return
	}
	p.width, p.height = w, h
	p.invalidate()
}

// Push takes one sample. A sample without a Time is taken as read now.
func (p *Panels) Push(s cgroup.Stats) {
	now := p.now()
	if s.Time.IsZero() {
		s.Time = now
	}
	// The first sample is only a baseline: counters that were already
	// above zero (a restarted container, panels opened late) do not flash.
	prevCPU := p.cpu
	if p.have {
		p.cpu = cpuBetween(p.last, s)
		p.flashIncreases(p.last.Memory.Events, s.Memory.Events, now)
	}
	same := p.drawsTheSame(s, prevCPU)
	p.memory.add(s.Time, float64(s.Memory.Current))
	if p.cpu.ok {
		p.cores.add(s.Time, p.cpu.cores)
	}
	p.peakSeen = max(p.peakSeen, s.Memory.Current)
	p.last, p.have = s, true
	if !same {
		p.invalidate()
	}
}

// diskReading is what a container has written into its layer tmpfs (its
// overlay's upper layer and /tmp), against the tmpfs's size, --disk-limit.
type diskReading struct {
	used, size uint64
	ok         bool
}

// PushDisk takes the latest reading of the container's layer.
func (p *Panels) PushDisk(d diskReading) {
	if d != p.disk {
		p.disk = d
		p.invalidate()
	}
}

// drawsTheSame tells whether the panels with sample s would look exactly
// as they do: the same reading as the last one, the same rates, and graphs
// already full of that very value (dropping the oldest sample and adding
// an equal one moves nothing). An idle container is like that most of the
// time; then nothing is drawn again.
func (p *Panels) drawsTheSame(s cgroup.Stats, prevCPU cpuDelta) bool {
	if !p.have || !p.cpu.ok || !prevCPU.ok {
		return false
	}
	a, b := p.last, s
	a.Time, b.Time = time.Time{}, time.Time{}
	return a == b && p.cpu.cores == prevCPU.cores && p.cpu.throttled == prevCPU.throttled &&
		p.cpu.throttledUsec == prevCPU.throttledUsec &&
		p.memory.fullOf(float64(s.Memory.Current)) && p.cores.fullOf(p.cpu.cores)
}

// View draws the panels in exactly the size SetSize gave.
func (p *Panels) View() string {
	return p.view.get(p.flashing(p.now()), func(f flashSet) string {
		p.renders++
		return p.render(f)
	})
}

// Compact is a summary for small screens: one line when it fits the width
// SetSize gave (it does at 80 columns), else as few as it needs. Lines are
// not padded.
//
//	mem 23.1/32.0 MiB 72% oom_kill 1 | cpu 0.48/0.50 cores thr 91 | pids 3/40
func (p *Panels) Compact() string {
	return p.compact.get(p.flashing(p.now()), func(f flashSet) string {
		lines := p.compactLines(f)
		if p.width > 0 {
			for i := range lines {
				lines[i] = ansi.Truncate(lines[i], p.width, "…")
			}
		}
		return strings.Join(lines, "\n")
	})
}

// FlashDeadline is when the next highlight ends. (The app needs no timer
// for it: its sampler ticks, and so redraws, until it quits.)
func (p *Panels) FlashDeadline() (time.Time, bool) {
	now := p.now()
	var next time.Time
	for _, until := range p.flashUntil {
		if until.After(now) && (next.IsZero() || until.Before(next)) {
			next = until
		}
	}
	return next, !next.IsZero()
}

// ---- caching ----

// viewCache keeps a rendered string until something it depends on changes:
// a sample, the size, or which counters are flashing.
type viewCache struct {
	text     string
	valid    bool
	flashing flashSet
}

func (c *viewCache) get(f flashSet, render func(flashSet) string) string {
	if !c.valid || c.flashing != f {
		c.text, c.valid, c.flashing = render(f), true, f
	}
	return c.text
}

func (p *Panels) invalidate() {
	p.view.valid, p.compact.valid = false, false
}

// ---- flashing counters ----

// counter names the memory event counters that flash when they go up.
type counter int

const (
	counterMax     counter = iota // memory.events max (v1: memory.failcnt)
	counterOOM                    // memory.events oom
	counterOOMKill                // memory.events oom_kill (v1: memory.oom_control)
	numCounters
)

// flashSet has bit c set while counter c is highlighted.
type flashSet uint8

func (f flashSet) has(c counter) bool { return f&(1<<c) != 0 }

func eventCounts(e cgroup.MemoryEvents) [numCounters]uint64 {
	return [numCounters]uint64{e.Max, e.OOM, e.OOMKill}
}

// flashIncreases starts the highlight of every counter that went up. A
// counter that went down (a new cgroup under the same panels) is a new
// baseline, not an event.
func (p *Panels) flashIncreases(prev, cur cgroup.MemoryEvents, now time.Time) {
	before, after := eventCounts(prev), eventCounts(cur)
	for c := range after {
		if after[c] > before[c] {
			p.flashUntil[c] = now.Add(FlashFor)
		}
	}
}

func (p *Panels) flashing(now time.Time) flashSet {
	var f flashSet
	for c, until := range p.flashUntil {
		if now.Before(until) {
			f |= 1 << c
		}
	}
	return f
}

// ---- CPU between two samples ----

// cpuDelta is what happened between two samples. cpu.stat's counters only
// grow, so "how busy is it now" is the difference of two readings divided
// by the wall time between them.
type cpuDelta struct {
	ok            bool // false until two samples, or after a counter reset
	interval      time.Duration
	cores         float64 // CPU time used per wall time: 0.5 = half a core
	throttled     uint64  // periods throttled in the interval (nr_throttled)
	throttledUsec uint64  // time spent throttled in the interval
}

func cpuBetween(prev, cur cgroup.Stats) cpuDelta {
	interval := cur.Time.Sub(prev.Time)
	if interval <= 0 || cur.CPU.UsageUsec < prev.CPU.UsageUsec {
		return cpuDelta{}
	}
	used := cur.CPU.UsageUsec - prev.CPU.UsageUsec
	return cpuDelta{
		ok:            true,
		interval:      interval,
		cores:         float64(used) / float64(interval.Microseconds()),
		throttled:     counterIncrease(prev.CPU.NrThrottled, cur.CPU.NrThrottled),
		throttledUsec: counterIncrease(prev.CPU.ThrottledUsec, cur.CPU.ThrottledUsec),
	}
}

// counterIncrease is b-a for a counter, 0 if it went backwards (a reset).
func counterIncrease(a, b uint64) uint64 {
	if b < a {
		return 0
	}
	return b - a
}

// quotaCores is cpu.max as cores: 50000 per 100000 µs is 0.5 cores.
func quotaCores(c cgroup.CPUStats) (float64, bool) {
	if c.QuotaUsec == cgroup.Unlimited || c.QuotaUsec == 0 || c.PeriodUsec == 0 {
		return 0, false
	}
	return float64(c.QuotaUsec) / float64(c.PeriodUsec), true
}

// ---- history ----

// sampleHistory is a bounded series of samples for a graph, oldest first.
type sampleHistory struct {
	values []float64
	times  []time.Time
}

func (h *sampleHistory) add(t time.Time, v float64) {
	h.values = append(h.values, v)
	h.times = append(h.times, t)
	if len(h.values) > HistoryLen {
		// Re-slicing drops the oldest; append copies into a fresh array
		// when the old one is full, so memory stays bounded.
		h.values = h.values[len(h.values)-HistoryLen:]
		h.times = h.times[len(h.times)-HistoryLen:]
	}
}

// fullOf tells whether the history is full and every sample in it is v.
func (h *sampleHistory) fullOf(v float64) bool {
	if len(h.values) < HistoryLen {
		return false
	}
	for _, x := range h.values {
		if x != v {
			return false
		}
	}
	return true
}

// span is the time covered by the newest n samples.
func (h *sampleHistory) span(n int) time.Duration {
	n = min(n, len(h.times))
	if n < 2 {
		return 0
	}
	return h.times[len(h.times)-1].Sub(h.times[len(h.times)-n])
}

// ---- styles ----

// Colours are the terminal's own first eight, so they follow its theme,
// and there are few of them: on a classroom projector every extra colour
// is one more thing to squint at.
var panelStyle = struct {
	title, border, faint lipgloss.Style
	data, limit          lipgloss.Style // the graphs
	warn, bad            lipgloss.Style // a counter moving; a process killed
	flash                lipgloss.Style
	gauge                [3]lipgloss.Style // room left, 75% and up, 90% and up
}{
	title:  lipgloss.NewStyle().Bold(true),
	border: lipgloss.NewStyle(),
	faint:  lipgloss.NewStyle().Faint(true),
	data:   lipgloss.NewStyle().Foreground(lipgloss.Color("6")), // cyan
	limit:  lipgloss.NewStyle().Foreground(lipgloss.Color("1")), // red
	warn:   lipgloss.NewStyle().Foreground(lipgloss.Color("3")), // yellow
	bad:    lipgloss.NewStyle().Foreground(lipgloss.Color("1")).Bold(true),
	// A flashing counter is drawn in reverse video: visible in any theme
	// and on any projector, without a colour of its own.
	flash: lipgloss.NewStyle().Reverse(true).Bold(true),
	gauge: [3]lipgloss.Style{
		lipgloss.NewStyle().Foreground(lipgloss.Color("2")), // green
		lipgloss.NewStyle().Foreground(lipgloss.Color("3")), // yellow
		lipgloss.NewStyle().Foreground(lipgloss.Color("1")), // red
	},
}

// ---- layout ----

// A metricPanel is one box: a title, lines of text and perhaps a graph.
type metricPanel struct {
	title      string
	lines      []panelLine
	graphAfter int         // the graph goes below this many lines
	graph      *panelGraph // nil: no graph
}

// panelLine is one row of text. Extra lines are the first to go (after the
// graphs) when the screen is short.
type panelLine struct {
	text  string
	extra bool
}

const (
	minBoxWidth  = 20 // narrower than this, boxes waste the room: Compact instead
	minGraphRows = 3  // a caption and two rows of chart
	boxRows      = 2  // a box's top and bottom borders
)

// render draws the panels into width x height. When they do not fit, it
// drops, in order: graphs (the CPU one first), extra lines, the boxes.
func (p *Panels) render(f flashSet) string {
	w, h := p.width, p.height
	if !p.have {
		return fitBlock([]string{"waiting for the first cgroup sample…"}, w, h)
	}
	if w < minBoxWidth {
		return fitBlock(p.compactLines(f), w, h)
	}
	panels := []metricPanel{p.memoryPanel(f, w-4), p.cpuPanel(w - 4), p.pidsPanel(w - 4)}
	full := textRows(panels, false)
	if graphs := graphHeights(panels, h-full); graphs != nil {
		return fitBlock(drawPanels(panels, w, graphs, false), w, h)
	}
	switch {
	case full <= h:
		return fitBlock(drawPanels(panels, w, nil, false), w, h)
	case textRows(panels, true) <= h:
		return fitBlock(drawPanels(panels, w, nil, true), w, h)
	}
	return fitBlock(p.compactLines(f), w, h)
}

// textRows is the height of the panels without graphs.
func textRows(panels []metricPanel, short bool) int {
	rows := 0
	for _, pn := range panels {
		rows += boxRows + len(pn.visibleLines(short))
	}
	return rows
}

// graphHeights shares spare rows among the graphs, evenly, the earlier
// panels first: when only one graph fits, it is memory's. It returns nil
// when no graph fits.
func graphHeights(panels []metricPanel, spare int) []int {
	var withGraph []int
	for i, pn := range panels {
		if pn.graph != nil {
			withGraph = append(withGraph, i)
		}
	}
	for n := len(withGraph); n > 0; n-- {
		if spare < n*minGraphRows {
			continue
		}
		heights := make([]int, len(panels))
		for k, i := range withGraph[:n] {
			heights[i] = spare / n
			if k < spare%n {
				heights[i]++
			}
		}
		return heights
	}
	return nil
}

func drawPanels(panels []metricPanel, w int, graphs []int, short bool) []string {
	var rows []string
	for i, pn := range panels {
		graphRows := 0
		if graphs != nil {
			graphRows = graphs[i]
		}
		rows = append(rows, drawBox(pn.title, pn.body(w-4, graphRows, short), w)...)
	}
	return rows
}

func (pn metricPanel) visibleLines(short bool) []panelLine {
	var out []panelLine
	for _, l := range pn.lines {
		if !short || !l.extra {
			out = append(out, l)
		}
	}
	return out
}

// body is the text inside the box, with graphRows of graph (0: none).
func (pn metricPanel) body(inner, graphRows int, short bool) []string {
	var rows []string
	for i, l := range pn.lines {
		if i == pn.graphAfter && graphRows > 0 {
			rows = append(rows, pn.graph.draw(inner, graphRows)...)
		}
		if !short || !l.extra {
			rows = append(rows, l.text)
		}
	}
	if pn.graphAfter >= len(pn.lines) && graphRows > 0 {
		rows = append(rows, pn.graph.draw(inner, graphRows)...)
	}
	return rows
}

// drawBox draws a rounded border around body, the title set into the top
// edge, every row exactly w cells:
//
//	╭─ cpu.stat ───────╮
//	│ 0.48 cores       │
//	╰──────────────────╯
func drawBox(title string, body []string, w int) []string {
	b := lipgloss.RoundedBorder()
	inner := w - 4
	title = ansi.Truncate(title, w-5, "…")
	fill := w - 5 - ansi.StringWidth(title)
	rows := []string{
		panelStyle.border.Render(b.TopLeft+b.Top+" ") + panelStyle.title.Render(title) +
			panelStyle.border.Render(" "+strings.Repeat(b.Top, fill)+b.TopRight),
	}
	for _, text := range body {
		rows = append(rows, panelStyle.border.Render(b.Left)+" "+fitLine(text, inner, "…")+" "+panelStyle.border.Render(b.Right))
	}
	return append(rows, panelStyle.border.Render(b.BottomLeft+strings.Repeat(b.Bottom, w-2)+b.BottomRight))
}

// fitBlock makes rows exactly w cells wide and h rows high. The app lays
// the screen out by size: one line too long would wrap and shift
// everything below it.
func fitBlock(rows []string, w, h int) string {
	if h <= 0 {
		return ""
	}
	out := make([]string, h)
	for i := range out {
		if i < len(rows) {
			out[i] = fitLine(rows[i], w, "")
		} else {
			out[i] = strings.Repeat(" ", max(w, 0))
		}
	}
	return strings.Join(out, "\n")
}

// fitLine cuts s to w cells (ending in tail when cut) or pads it with
// spaces to w. Escape sequences do not count: they take no cells.
func fitLine(s string, w int, tail string) string {
	w = max(w, 0)
	s = ansi.Truncate(s, w, tail)
	return s + strings.Repeat(" ", max(w-ansi.StringWidth(s), 0))
}

// firstFit returns the first text that fits in w cells, or the last one:
// a narrow panel says the same thing in fewer words.
func firstFit(w int, texts ...string) string {
	for _, t := range texts {
		if ansi.StringWidth(t) <= w {
			return t
		}
	}
	return texts[len(texts)-1]
}

// ---- gauges ----

// gaugeLine is a bar followed by its label, the bar taking the room the
// label leaves; no bar when too little is left.
func gaugeLine(frac float64, label string, inner int) string {
	barWidth := inner - ansi.StringWidth(label) - 1
	if barWidth < 4 {
		return label
	}
	return gaugeBar(frac, barWidth) + " " + label
}

// gaugeBar draws frac (0..1) of w cells in eighths of a cell, so a slow
// climb moves the bar every few percent, not every 1/w.
func gaugeBar(frac float64, w int) string {
	frac = min(max(frac, 0), 1)
	if math.IsNaN(frac) {
		frac = 0
	}
	eighths := int(math.Round(frac * float64(w*8)))
	full, part := eighths/8, eighths%8
	bar := strings.Repeat("█", full)
	empty := w - full
	if part > 0 {
		bar += string([]rune("▏▎▍▌▋▊▉")[part-1])
		empty--
	}
	return styled(gaugeColour(frac), bar) + styled(panelStyle.faint, strings.Repeat("░", empty))
}

// styled is style.Render, but nothing at all for an empty text (lipgloss
// would still write the escape sequences).
func styled(style lipgloss.Style, text string) string {
	if text == "" {
		return ""
	}
	return style.Render(text)
}

func gaugeColour(frac float64) lipgloss.Style {
	switch {
	case frac >= 0.9:
		return panelStyle.gauge[2]
	case frac >= 0.75:
		return panelStyle.gauge[1]
	}
	return panelStyle.gauge[0]
}

// isLimited says whether a limit read from a file is set.
func isLimited(v uint64) bool { return v != cgroup.Unlimited && v != 0 }

func percentOf(part, whole uint64) float64 {
	return float64(part) / float64(whole) * 100
}

// sizePair writes two sizes sharing their unit once: "23.1/32.0 MiB".
func sizePair(a, b uint64) string {
	as, bs := cgroup.FormatSize(a), cgroup.FormatSize(b)
	aNum, aUnit, _ := strings.Cut(as, " ")
	bNum, bUnit, _ := strings.Cut(bs, " ")
	if aUnit == bUnit {
		return aNum + "/" + bNum + " " + bUnit
	}
	return as + "/" + bs
}

// ---- memory ----

func (p *Panels) memoryPanel(f flashSet, inner int) metricPanel {
	m := p.last.Memory
	lines := []panelLine{
		{text: memoryGauge(m, inner)},
		{text: p.peakLine(m), extra: true},
	}
	lines = append(lines, p.eventLines(m.Events, f, inner)...)
	lines = append(lines, panelLine{text: p.statLine(m, inner), extra: true})
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
	return "peak " + cgroup.FormatSize(p.peakSeen) + " (seen here)"
}

// eventLines shows the counters that say the limit bit. v2 has them in
// one file, memory.events. v1 spreads them over two and has no count of
// OOMs that did not kill, so it shows oom_kill and failcnt. On a narrow
// panel the file name goes first and oom_kill last: a death must show.
func (p *Panels) eventLines(e cgroup.MemoryEvents, f flashSet, inner int) []panelLine {
	kill := counterText("oom_kill", e.OOMKill, f.has(counterOOMKill), true)
	if p.version == cgroup.V1 {
		return []panelLine{
			{text: firstFit(inner, p.files.MemoryEvents+" "+kill, kill)},
			{text: counterText("memory.failcnt", e.Max, f.has(counterMax), false), extra: true},
		}
	}
	counts := counterText("max", e.Max, f.has(counterMax), false) + " " +
		counterText("oom", e.OOM, f.has(counterOOM), false) + " " + kill
	return []panelLine{{text: firstFit(inner, p.files.MemoryEvents+" "+counts, counts, kill)}}
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
// climbing to memory.max. Without a limit the top is the peak seen.
func (p *Panels) memoryGraph() *panelGraph {
	m := p.last.Memory
	g := &panelGraph{hist: &p.memory, chart: Chart{DataStyle: panelStyle.data, LimitStyle: panelStyle.limit}}
	if isLimited(m.Max) {
		g.chart.Max, g.chart.Limit = float64(m.Max), float64(m.Max)
		g.caption = panelStyle.limit.Render(string(limitRune)) + " " + p.files.MemoryMax + " " + cgroup.FormatSize(m.Max)
		return g
	}
	top := max(p.peakSeen, 1)
	g.chart.Max = float64(top)
	g.caption = "top " + cgroup.FormatSize(top) + " (peak, no limit)"
	return g
}

// ---- CPU ----

func (p *Panels) cpuPanel(inner int) metricPanel {
	title := p.files.CPUStat
	if p.files.CPUUsage != "" && p.files.CPUUsage != p.files.CPUStat {
		title = p.files.CPUUsage + " · " + p.files.CPUStat // v1: usage lives in cpuacct
	}
	return metricPanel{
		title: title,
		lines: []panelLine{
			{text: p.coresGauge(inner)},
			{text: p.quotaLine(), extra: true},
			{text: p.weightLine(), extra: true},
			{text: p.throttledLine()},
			{text: p.throttledTimeLine(), extra: true},
		},
		graphAfter: 1,
		graph:      p.cpuGraph(),
	}
}

// coresGauge shows cores used against the quota, or against the host's
// CPUs when there is none.
func (p *Panels) coresGauge(inner int) string {
	if !p.cpu.ok {
		return "cores used: after the next sample"
	}
	used := p.cpu.cores
	if q, ok := quotaCores(p.last.CPU); ok {
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
	c := p.last.CPU
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
	weight := p.last.CPU.Weight
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
	return "nr_throttled " + fmt.Sprint(p.last.CPU.NrThrottled) +
		p.sinceLast(fmt.Sprintf("%.0f", p.perSecond(p.cpu.throttled)), p.cpu.throttled > 0)
}

// throttledTimeLine is the time spent waiting for the next period. v1's
// cpu.stat calls it throttled_time (in ns); the Stats hold microseconds.
func (p *Panels) throttledTimeLine() string {
	name := "throttled_usec"
	if p.version == cgroup.V1 {
		name = "throttled_time"
	}
	return name + " " + formatUsec(p.last.CPU.ThrottledUsec) +
		p.sinceLast(formatUsec(uint64(p.perSecond(p.cpu.throttledUsec))), p.cpu.throttledUsec > 0)
}

// perSecond turns a counter's increase over the last interval into a rate.
// A rate, not the raw increase: the interval jitters by a millisecond or
// two, and "+0/s" of an idle container then reads the same every sample,
// so the panels need not be drawn again.
func (p *Panels) perSecond(delta uint64) float64 {
	return float64(delta) / p.cpu.interval.Seconds()
}

// sinceLast is " (+rate/s)", yellow when the counter moved.
func (p *Panels) sinceLast(rate string, moved bool) string {
	if !p.cpu.ok {
		return ""
	}
	text := "+" + rate + "/s"
	if moved {
		text = panelStyle.warn.Render(text)
	}
	return " (" + text + ")"
}

// formatUsec writes microseconds as a Go duration, rounded to what a
// person reads: 6.76s, 120ms, 850µs.
func formatUsec(usec uint64) string {
	d := time.Duration(min(usec, math.MaxInt64/1000)) * time.Microsecond
	switch {
	case d >= time.Second:
		d = d.Round(10 * time.Millisecond)
	case d >= time.Millisecond:
		d = d.Round(time.Millisecond)
	}
	return d.String()
}

// cpuGraph's top is the quota, drawn as a line; without a quota it is
// every CPU of the host.
func (p *Panels) cpuGraph() *panelGraph {
	g := &panelGraph{hist: &p.cores, chart: Chart{DataStyle: panelStyle.data, LimitStyle: panelStyle.limit}}
	if q, ok := quotaCores(p.last.CPU); ok {
		g.chart.Max, g.chart.Limit = q, q
		g.caption = panelStyle.limit.Render(string(limitRune)) + " " + p.files.CPUMax + fmt.Sprintf(" = %.2f cores", q)
		return g
	}
	g.chart.Max = float64(max(p.hostCPUs, 1))
	g.caption = fmt.Sprintf("top %d CPUs (host), no quota", p.hostCPUs)
	return g
}

// ---- PIDs ----

func (p *Panels) pidsPanel(inner int) metricPanel {
	pids := p.last.Pids
	text := fmt.Sprintf("%d · no limit", pids.Current)
	if isLimited(pids.Max) {
		label := fmt.Sprintf("%d/%d %3.0f%%", pids.Current, pids.Max, percentOf(pids.Current, pids.Max))
		text = gaugeLine(float64(pids.Current)/float64(pids.Max), label, inner)
	}
	lines := []panelLine{{text: text}}
	if d := p.disk; d.ok && d.size > 0 {
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

// ---- graphs ----

// panelGraph is a panel's history chart with a caption above it that names
// the top of the y-axis and the time shown.
type panelGraph struct {
	chart   Chart // Width and Height are set when drawn
	hist    *sampleHistory
	caption string
}

// draw returns rows rows: the caption, then the chart.
func (g *panelGraph) draw(w, rows int) []string {
	c := g.chart
	c.Width, c.Height = w, rows-1
	shown := min(len(g.hist.values), w*c.samplesPerCell())
	caption := g.caption
	if span := g.hist.span(shown); span > 0 {
		caption += " · last " + formatSpan(span)
	}
	return append([]string{caption}, strings.Split(c.Render(g.hist.values), "\n")...)
}

// formatSpan rounds a graph's time span: 2.5s, 23s, 1m0s.
func formatSpan(d time.Duration) string {
	if d < 10*time.Second {
		return d.Round(100 * time.Millisecond).String()
	}
	return d.Round(time.Second).String()
}

// ---- compact ----

// compactLines is the summary for screens too small for the panels: as
// few lines as the width SetSize gave allows (one when it is unknown).
func (p *Panels) compactLines(f flashSet) []string {
	if !p.have {
		return []string{"waiting for the first cgroup sample…"}
	}
	return packWords([][]string{p.compactMemory(f), p.compactCPU(), p.compactPids()}, p.width)
}

// packWords joins groups of words into lines of at most width cells, " | "
// between groups and " " within one. A group too wide for a line of its
// own is broken between its words. width <= 0 means no limit.
func packWords(groups [][]string, width int) []string {
	var lines []string
	cur := ""
	add := func(text, sep string) {
		switch {
		case cur == "":
			cur = text
		case width <= 0 || ansi.StringWidth(cur+sep+text) <= width:
			cur += sep + text
		default:
			lines = append(lines, cur)
			cur = text
		}
	}
	for _, group := range groups {
		text := strings.Join(group, " ")
		if width <= 0 || ansi.StringWidth(text) <= width {
			add(text, " | ")
			continue
		}
		for i, word := range group {
			sep := " "
			if i == 0 {
				sep = " | "
			}
			add(word, sep)
		}
	}
	return append(lines, cur)
}

// compactMemory is "mem 23.1/32.0 MiB 72%" and "oom_kill 1".
func (p *Panels) compactMemory(f flashSet) []string {
	m := p.last.Memory
	text := "mem " + cgroup.FormatSize(m.Current)
	if isLimited(m.Max) {
		text = fmt.Sprintf("mem %s %.0f%%", sizePair(m.Current, m.Max), percentOf(m.Current, m.Max))
	}
	return []string{text, counterText("oom_kill", m.Events.OOMKill, f.has(counterOOMKill), true)}
}

// compactCPU is "cpu 0.48/0.50 cores" and the total nr_throttled, yellow
// while it is moving.
func (p *Panels) compactCPU() []string {
	c := p.last.CPU
	text := "cpu –"
	if p.cpu.ok {
		text = fmt.Sprintf("cpu %.2f cores", p.cpu.cores)
		if q, ok := quotaCores(c); ok {
			text = fmt.Sprintf("cpu %.2f/%.2f cores", p.cpu.cores, q)
		}
	}
	thr := fmt.Sprintf("thr %d", c.NrThrottled)
	if p.cpu.throttled > 0 {
		thr = panelStyle.warn.Render(thr)
	}
	return []string{text, thr}
}

func (p *Panels) compactPids() []string {
	pids := p.last.Pids
	if isLimited(pids.Max) {
		return []string{fmt.Sprintf("pids %d/%d", pids.Current, pids.Max)}
	}
	return []string{fmt.Sprintf("pids %d", pids.Current)}
}
