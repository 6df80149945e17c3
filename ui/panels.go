package ui

import (
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"vme50-tui/cgroup"
	"vme50-tui/record"
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
// Panels only draws. The app reads the files into a cgroup.Stats every
// --interval and hands each one to Push; the Readings keep them, with
// their rates, history and events.

// Panels draws one container's cgroup readings.
type Panels struct {
	files    cgroup.Files
	version  cgroup.Version
	now      func() time.Time // the clock flashes are timed by
	hostCPUs int              // the CPU graph's top when there is no quota
	// pressureNote is why there is no pressure to show (Host.PressureNote),
	// or "" where the kernel keeps it.
	pressureNote string
	// The container's network (SetNetwork): its line, panels_net.go.
	network, address string

	width, height int

	r Readings

	// View and Compact are memos: the app calls View on every message,
	// keys and terminal output included, far more often than samples
	// arrive.
	view, compact memoOf[panelsKey]
	renders       int // how many times View really drew, for the tests
}

// panelsKey is everything the panels' drawing depends on. The clock
// matters only through which counters flash.
type panelsKey struct {
	rev           uint64 // Readings.Rev
	width, height int
	flashing      flashSet
}

// NewPanels returns panels for a container on a host whose files are
// named by files.
func NewPanels(files cgroup.Files, version cgroup.Version) *Panels {
	p := &Panels{
		files:    files,
		version:  version,
		now:      time.Now,
		hostCPUs: runtime.NumCPU(),
	}
	p.r.SetFiles(files) // limit changes are told in this host's names
	return p
}

// SetPressureNote says why a reading without pressure has none: the
// host's Host.PressureNote ("pressure: cgroup v2 only", "pressure: not
// enabled in this kernel (psi=1)").
func (p *Panels) SetPressureNote(note string) { p.pressureNote = note }

// SetClock replaces the clock that times the flashes (time.Now by
// default). Tests use it to step time by hand.
func (p *Panels) SetClock(now func() time.Time) { p.now = now }

// SetSize sets the size View fills exactly.
func (p *Panels) SetSize(w, h int) { p.width, p.height = w, h }

// Push takes one sample, unless it is not newer than the last one (see
// Readings.Push); it tells which.
func (p *Panels) Push(s cgroup.Stats) bool { return p.r.Push(s, p.now()) }

// SetInterval is the sampler's: a reading that comes later (a hidden
// tab's, once a second) fills the graphs' samples it stands for
// (Readings.SetInterval).
func (p *Panels) SetInterval(d time.Duration) { p.r.SetInterval(d) }

// PushRecording takes one sample as Push, and writes the one before it,
// with its events, to the recording f (nil: none): Readings.PushRecording.
func (p *Panels) PushRecording(s cgroup.Stats, f *record.File) (bool, error) {
	return p.r.PushRecording(s, p.now(), f)
}

// PushRecorded takes one row of a recording with its events
// (Readings.PushRecorded).
func (p *Panels) PushRecorded(s cgroup.Stats, events []record.Event) bool {
	return p.r.PushRecorded(s, events, p.now())
}

// Note adds an event the app saw happen now (the start, the end): it is
// marked at the next reading (Readings.Note).
func (p *Panels) Note(kind EventKind, text string) { p.r.Note(kind, text, p.now()) }

// PushDisk takes the latest reading of the container's layer.
func (p *Panels) PushDisk(d diskReading) { p.r.PushDisk(d) }

// PushNet takes the latest reading of the container's eth0.
func (p *Panels) PushNet(n netSample) { p.r.PushNet(n) }

// Readings are the readings the panels draw.
func (p *Panels) Readings() *Readings { return &p.r }

// key is the memo key for the panels as they are now.
func (p *Panels) key() panelsKey {
	return panelsKey{p.r.Rev(), p.width, p.height, p.r.Flashing(p.now())}
}

// View draws the panels in exactly the size SetSize gave.
func (p *Panels) View() string {
	k := p.key()
	return p.view.get(k, func() string {
		p.renders++
		return p.render(k.flashing)
	})
}

// Compact is a summary for small screens: one line when it fits the width
// SetSize gave (it does at 80 columns), else as few as it needs. Lines are
// not padded.
//
//	mem 23.1/32.0 MiB 72% oom_kill 1 | cpu 0.48/0.50 cores thr 91 | pids 3/40
func (p *Panels) Compact() string {
	k := p.key()
	return p.compact.get(k, func() string {
		lines := p.compactLines(k.flashing)
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
func (p *Panels) FlashDeadline() (time.Time, bool) { return p.r.FlashDeadline(p.now()) }

// ---- layout ----

// A metricPanel is one box: a title, lines of text and perhaps a graph.
type metricPanel struct {
	title      string
	lines      []panelLine
	graphAfter int         // the graph goes below this many lines
	graph      graphDrawer // nil: no graph
	graphRank  int         // graphs of lower rank get rows first
	bare       bool        // no box and no graph: a line
	faint      bool        // a bare line that is a note, not a reading
}

// graphDrawer draws a panel's graph in w x rows cells, rows lines.
type graphDrawer interface {
	draw(w, rows int) []string
}

// panelLine is one row of text. Extra lines are the first to go when the
// screen is short.
type panelLine struct {
	text  string
	extra bool
}

// render draws the panels into width x height. Graphs come before extra
// lines: it tries every graph with every line, then every graph without
// the extra lines, then one graph fewer (the last ranked goes first) the
// same two ways, and so on; then text alone, with and without the extra
// lines; and at last the compact summary.
func (p *Panels) render(f flashSet) string {
	w, h := p.width, p.height
	if !p.r.HasSample() {
		return fitBlock([]string{"waiting for the first cgroup sample…"}, w, h)
	}
	if w < minBoxWidth {
		return fitBlock(p.compactLines(f), w, h)
	}
	inner := w - 4
	panels := []metricPanel{p.memoryPanel(f, inner), p.cpuPanel(inner), p.ioPanel(inner)}
	if net, ok := p.netPanel(w); ok {
		panels = append(panels, net)
	}
	panels = append(panels, p.pressurePanel(inner), p.pidsPanel(inner))
	for n := countGraphs(panels); n > 0; n-- {
		for _, short := range []bool{false, true} {
			if graphs := graphHeights(panels, h-textRows(panels, short), n); graphs != nil {
				return fitBlock(drawPanels(panels, w, graphs, short), w, h)
			}
		}
	}
	for _, short := range []bool{false, true} {
		if textRows(panels, short) <= h {
			return fitBlock(drawPanels(panels, w, nil, short), w, h)
		}
	}
	return fitBlock(p.compactLines(f), w, h)
}

// textRows is the height of the panels without graphs.
func textRows(panels []metricPanel, short bool) int {
	rows := 0
	for _, pn := range panels {
		if !pn.bare {
			rows += boxRows
		}
		rows += len(pn.visibleLines(short))
	}
	return rows
}

// countGraphs is how many panels have a graph.
func countGraphs(panels []metricPanel) int {
	n := 0
	for _, pn := range panels {
		if pn.graph != nil {
			n++
		}
	}
	return n
}

// graphHeights shares spare rows evenly among the first n graphs by rank
// (the earlier panels first among equals: when only one graph fits, it is
// memory's), or returns nil when they do not fit.
func graphHeights(panels []metricPanel, spare, n int) []int {
	var withGraph []int
	for i, pn := range panels {
		if pn.graph != nil {
			withGraph = append(withGraph, i)
		}
	}
	slices.SortStableFunc(withGraph, func(a, b int) int { return panels[a].graphRank - panels[b].graphRank })
	n = min(n, len(withGraph))
	if n == 0 || spare < n*minGraphRows {
		return nil
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

func drawPanels(panels []metricPanel, w int, graphs []int, short bool) []string {
	var rows []string
	for i, pn := range panels {
		graphRows := 0
		if graphs != nil {
			graphRows = graphs[i]
		}
		if pn.bare {
			for _, l := range pn.visibleLines(short) {
				line := fitLine(" "+l.text, w, "…")
				if pn.faint {
					line = panelStyle.faint.Render(line)
				}
				rows = append(rows, line)
			}
			continue
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
