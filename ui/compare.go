package ui

import (
	"fmt"
	"slices"
	"strings"
)

// The compare view puts every running container on one screen, a box each: the
// cores it uses and its share of all the cores the containers use, beside
// its memory against its limit, each with its history. Two containers at
// cpu.weight 100 and 400, both wanting every CPU, show the split at a
// glance: about 20% and 80%.
//
// It draws from each tab's Readings (through its Panels, which know the
// host's file names); it keeps nothing but the last screen.
type Compare struct {
	width, height int
	cache         memoOf[string]
}

func (c *Compare) SetSize(w, h int) { c.width, c.height = w, h }

// compareMinRows is the smallest box: its borders, a line of text, and a
// graph of a caption and two rows.
const compareMinRows = boxRows + 1 + minGraphRows

// View draws the tabs, as many as fit, in exactly the size SetSize gave.
func (c *Compare) View(tabs []*tab) string {
	var key strings.Builder
	fmt.Fprint(&key, c.width, c.height)
	for _, t := range tabs {
		// What a box shows changes only with what its readings draw
		// (a reading, an event: Rev) or the end.
		fmt.Fprint(&key, ";", t.c.ID(), t.ended, t.panels.Readings().Rev())
	}
	return c.cache.get(key.String(), func() string { return c.render(tabs) })
}

func (c *Compare) render(all []*tab) string {
	w, h := c.width, c.height
	tabs := competing(all)
	if len(tabs) == 0 {
		return fitBlock([]string{"no containers yet: ctrl+g n starts one, ctrl+g l a lesson"}, w, h)
	}
	// Every box gets the same height, so the graphs line up.
	shown := min(len(tabs), max(h/compareMinRows, 1))
	boxH := max(h/shown, compareMinRows)
	total := coresUsed(tabs)
	var rows []string
	for _, t := range tabs[:shown] {
		rows = append(rows, compareBox(slices.Index(all, t), t, total, w, boxH)...)
	}
	if shown < len(tabs) {
		rows = append(rows[:min(len(rows), h-1)], fmt.Sprintf("… %d more containers: a taller screen shows them", len(tabs)-shown))
	}
	return fitBlock(rows, w, h)
}

// competing is the running containers, which compete now; when none
// runs, all of them, to show how the last ones ended. An exec's tab is
// its container again: left out.
func competing(all []*tab) []*tab {
	all = slices.DeleteFunc(slices.Clone(all), func(t *tab) bool { return t.kind == tabExec })
	tabs := slices.DeleteFunc(slices.Clone(all), func(t *tab) bool { return t.ended })
	if len(tabs) == 0 {
		return all
	}
	return tabs
}

// coresUsed is the cores used by all the running containers together.
func coresUsed(tabs []*tab) float64 {
	total := 0.0
	for _, t := range tabs {
		if cpu := t.panels.Readings().CPU(); !t.ended && cpu.ok {
			total += cpu.cores
		}
	}
	return total
}

// compareBox is one container: CPU on the left, memory on the right.
func compareBox(i int, t *tab, total float64, w, h int) []string {
	p, r := t.panels, t.panels.Readings()
	inner := w - 4
	left := (inner - 3) / 2
	right := inner - 3 - left
	title := fmt.Sprintf("%d %s %s · %s · %s", i+1, shortID(t.c.ID()), t.c.Spec().Hostname, t.status(), p.weightLine())
	if !r.HasSample() {
		return drawBox(title, []string{"waiting for the first cgroup sample…"}, w)
	}
	body := []string{fitLine(compareCPU(t, total, left), left, "…") + " │ " +
		fitLine(memoryGauge(r.Last().Memory, right), right, "…")}
	if graphRows := h - boxRows - 1; graphRows >= minGraphRows {
		cpuGraph := p.cpuGraph().draw(left, graphRows)
		memGraph := p.memoryGraph().draw(right, graphRows)
		for row := range cpuGraph {
			body = append(body, fitLine(cpuGraph[row], left, "…")+" │ "+fitLine(memGraph[row], right, "…"))
		}
	}
	return drawBox(title, body, w)
}

// compareCPU is the cores gauge, after the container's share of all the
// cores used while it runs: the share is what the weights decide.
func compareCPU(t *tab, total float64, w int) string {
	p := t.panels
	cpu := p.Readings().CPU()
	if t.ended || !cpu.ok || !(total > 0) {
		return p.coresGauge(w)
	}
	share := fmt.Sprintf("%3.0f%% of all cores used · ", cpu.cores/total*100)
	return share + p.coresGauge(max(w-len(share), 1))
}
