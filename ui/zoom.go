package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"vme50-tui/cgroup"
)

// Presenter mode's zoom (ctrl+g z): one of the current container's panels
// on the whole screen, for a projector. Its main figure in big digits
// (zoom_digits.go), what it is measured against under it, then the panel
// itself, its graph taking every row that is left. The panel zoomed is
// the memory's first; tab (or →, ←) goes to the next panel, z or esc back
// to the terminal. While zoomed, keys are the zoom's: the terminal is not
// on screen, and nothing is typed into it blind.

// panelKind is a panel the zoom can show.
type panelKind int

const (
	zoomMemory panelKind = iota
	zoomCPU
	zoomPids
	zoomIO
	zoomPressure
	numZoom
)

var zoomNames = [numZoom]string{"memory", "CPU", "pids", "I/O", "pressure"}

// zoomKeyMap is the zoom's keys.
type zoomKeyMap struct{ Next, Prev, Back key.Binding }

var zoomKeys = zoomKeyMap{
	Next: key.NewBinding(key.WithKeys("tab", "right", "l"), key.WithHelp("tab/→", "next panel")),
	Prev: key.NewBinding(key.WithKeys("shift+tab", "left", "h"), key.WithHelp("←", "previous")),
	Back: key.NewBinding(key.WithKeys("esc", "z", "q"), key.WithHelp("esc/z", "back")),
}

func (k zoomKeyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Next, k.Prev, k.Back, newKeyMap().Prefix, prefixed(newKeyMap().Still)}
}

func (k zoomKeyMap) FullHelp() [][]key.Binding { return [][]key.Binding{k.ShortHelp()} }

// toggleZoom zooms the current panel, or leaves the zoom.
func (a *App) toggleZoom() {
	a.views.zoom = !a.views.zoom
}

// zoomKey takes a key while a panel is zoomed.
func (a *App) zoomKey(k tea.KeyPressMsg) tea.Cmd {
	switch {
	case key.Matches(k, zoomKeys.Next):
		a.zoomed = (a.zoomed + 1) % numZoom
	case key.Matches(k, zoomKeys.Prev):
		a.zoomed = (a.zoomed + numZoom - 1) % numZoom
	case key.Matches(k, zoomKeys.Back):
		a.views.zoom = false
	}
	return nil
}

// zoomView draws the zoomed panel of tab t on the screen between the tab
// bar and the bottom line.
func (a *App) zoomView(t *tab) string {
	w, h := a.width, a.height-2
	p := t.panels
	if !p.r.HasSample() {
		return fitBlock([]string{"waiting for the first cgroup sample…"}, w, h)
	}
	k := a.zoomed
	lines := []string{hostStyle.title.Render(fmt.Sprintf("%s of %s · panel %d of %d", zoomNames[k], t.name(), k+1, numZoom)), ""}
	num, unit, caption := zoomFigure(p, k)
	big := bigRows(num)
	figure, unitRow := big[:], len(big)-1
	if h >= 40 && ansi.StringWidth(big[0])*2+len(unit)+4 <= w {
		// Room for bigger figures still; the unit beside the digits'
		// foot, not under it (the last row is the bottom half of ▀).
		figure = doubleRows(figure)
		unitRow = len(figure) - 2
	}
	for i, row := range figure {
		if i == unitRow {
			row += "  " + unit
		}
		lines = append(lines, "  "+panelStyle.title.Render(row))
	}
	lines = append(lines, "", "  "+caption, "")

	pn := zoomPanel(p, k, p.r.Flashing(p.now()), w-4)
	if pn.bare { // no box, no graph: a note (no pressure on this host)
		for _, l := range pn.lines {
			lines = append(lines, " "+l.text)
		}
		return fitBlock(lines, w, h)
	}
	graphRows := 0
	if pn.graph != nil {
		graphRows = h - len(lines) - boxRows - len(pn.body(w-4, 0, false))
		if graphRows < minGraphRows {
			graphRows = 0
		}
	}
	lines = append(lines, drawBox(pn.title, pn.body(w-4, graphRows, false), w)...)
	return fitBlock(lines, w, h)
}

// zoomPanel is panel k as the panels draw it, inner cells wide.
func zoomPanel(p *Panels, k panelKind, f flashSet, inner int) metricPanel {
	switch k {
	case zoomCPU:
		return p.cpuPanel(inner)
	case zoomPids:
		return p.pidsPanel(inner)
	case zoomIO:
		return p.ioPanel(inner)
	case zoomPressure:
		return p.pressurePanel(inner)
	}
	return p.memoryPanel(f, inner)
}

// zoomFigure is panel k's main figure (in characters bigRows draws), its
// unit, and a line on what it is and what it is measured against.
func zoomFigure(p *Panels, k panelKind) (num, unit, caption string) {
	st, files := p.r.Last(), p.files
	switch k {
	case zoomMemory:
		m := st.Memory
		num, unit = splitUnit(cgroup.FormatSize(m.Current))
		caption = files.MemoryCurrent + ", no limit in " + files.MemoryMax
		if isLimited(m.Max) {
			caption = fmt.Sprintf("%s, %d%% of %s %s", files.MemoryCurrent, m.Current*100/m.Max,
				files.MemoryMax, cgroup.FormatSize(m.Max))
		}
		return num, unit, caption + fmt.Sprintf(" · oom_kill %d", m.Events.OOMKill)
	case zoomCPU:
		num, unit = "-", "cores"
		if c := p.r.CPU(); c.ok {
			num = fmt.Sprintf("%.2f", c.cores)
		}
		caption = "cores used over the last interval (" + files.CPUUsage + "); no quota (" + files.CPUMax + ")"
		if q, ok := quotaCores(st.CPU); ok {
			caption = fmt.Sprintf("cores used over the last interval (%s), of %.2f (%s)",
				files.CPUUsage, q, files.CPUMax)
		}
		return num, unit, caption
	case zoomPids:
		return fmt.Sprint(st.Pids.Current), "pids", fmt.Sprintf("%s, of %s %s",
			files.PidsCurrent, files.PidsMax, limitCount(st.Pids.Max))
	case zoomIO:
		r := p.r.Rates()
		num, unit = splitUnit(rateText(r.write))
		return num, unit, fmt.Sprintf("written per second (%s), read %s", files.IOStat, rateText(r.read))
	}
	if st.Pressure == nil {
		return "-", "", p.noPressure()
	}
	worst := pressureCPU
	for kind := range numPressure {
		if psiOf(st.Pressure, pressureKind(kind)).Some.Avg10 > psiOf(st.Pressure, worst).Some.Avg10 {
			worst = pressureKind(kind)
		}
	}
	return fmt.Sprintf("%.1f%%", psiOf(st.Pressure, worst).Some.Avg10), "",
		pressureFiles[worst] + " some avg10: the share of the last 10 s some process waited for it"
}

// splitUnit cuts "23.1 MiB" into "23.1" and "MiB".
func splitUnit(s string) (num, unit string) {
	num, unit, _ = strings.Cut(s, " ")
	return num, unit
}
