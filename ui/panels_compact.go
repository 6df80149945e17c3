package ui

import (
	"fmt"

	"vme50-tui/cgroup"
)

// The compact summary, for screens too small for the panels:
//
//	mem 23.1/32.0 MiB 72% oom_kill 1 | cpu 0.48/0.50 cores thr 91 | pids 3/40

// compactLines is the summary in as few lines as the width SetSize gave
// allows (one when it is unknown).
func (p *Panels) compactLines(f flashSet) []string {
	if !p.r.HasSample() {
		return []string{"waiting for the first cgroup sample…"}
	}
	return packWords([][]string{p.compactMemory(f), p.compactCPU(), p.compactPids()}, p.width)
}

// compactMemory is "mem 23.1/32.0 MiB 72%" and "oom_kill 1".
func (p *Panels) compactMemory(f flashSet) []string {
	m := p.r.Last().Memory
	text := "mem " + cgroup.FormatSize(m.Current)
	if isLimited(m.Max) {
		text = fmt.Sprintf("mem %s %.0f%%", sizePair(m.Current, m.Max), percentOf(m.Current, m.Max))
	}
	return []string{text, counterText("oom_kill", m.Events.OOMKill, f.has(EventOOMKill), true)}
}

// compactCPU is "cpu 0.48/0.50 cores" and the total nr_throttled, yellow
// while it is moving.
func (p *Panels) compactCPU() []string {
	c, cpu := p.r.Last().CPU, p.r.CPU()
	text := "cpu –"
	if cpu.ok {
		text = fmt.Sprintf("cpu %.2f cores", cpu.cores)
		if q, ok := quotaCores(c); ok {
			text = fmt.Sprintf("cpu %.2f/%.2f cores", cpu.cores, q)
		}
	}
	thr := fmt.Sprintf("thr %d", c.NrThrottled)
	if cpu.throttled > 0 {
		thr = panelStyle.warn.Render(thr)
	}
	return []string{text, thr}
}

func (p *Panels) compactPids() []string {
	pids := p.r.Last().Pids
	if isLimited(pids.Max) {
		return []string{fmt.Sprintf("pids %d/%d", pids.Current, pids.Max)}
	}
	return []string{fmt.Sprintf("pids %d", pids.Current)}
}
