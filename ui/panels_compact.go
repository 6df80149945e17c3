package ui

import (
	"fmt"
	"slices"

	"vme50-tui/cgroup"
)

// The compact summary, for screens too small for the panels:
//
//	mem 23.1/32.0 MiB 72% oom_kill 1 | cpu 0.48/0.50 cores thr 91 | pids 3/40

// compactLines is the summary in as few lines as the width SetSize gave
// allows (one when it is unknown). Memory, CPU and pids always; then, in
// this order and only where they fit without a line more, the freezer's
// state, memory.events high, the I/O rates, the network's and the
// pressure.
func (p *Panels) compactLines(f flashSet) []string {
	if !p.r.HasSample() {
		return []string{"waiting for the first cgroup sample…"}
	}
	mem, cpu := p.compactMemory(f), p.compactCPU()
	groups := [][]string{mem, cpu, p.compactPids()}
	lines := packWords(groups, p.width)
	try := func(more [][]string) {
		if packed := packWords(more, p.width); len(packed) <= len(lines) {
			groups, lines = more, packed
		}
	}
	if p.r.Last().Frozen {
		try(slices.Concat([][]string{mem, append(slices.Clone(cpu), panelStyle.warn.Render("frozen"))}, groups[2:]))
	}
	if high := p.compactHigh(); high != "" {
		// In place of the percent of memory.max: over memory.high, the
		// throttling is the story.
		m := p.r.Last().Memory
		memHigh := slices.Clone(groups[0])
		if isLimited(m.Max) {
			memHigh[0] = "mem " + sizePair(m.Current, m.Max)
		}
		memHigh = slices.Insert(memHigh, 1, high)
		try(slices.Concat([][]string{memHigh}, groups[1:]))
	}
	for _, g := range [][]string{p.compactIO(), p.compactNet(), p.compactPressure()} {
		if g != nil {
			try(append(slices.Clone(groups), g))
		}
	}
	return lines
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

// compactHigh is "high 3570", memory.events high where memory.high is
// set, yellow while it climbs; "" elsewhere.
func (p *Panels) compactHigh() string {
	m := p.r.Last().Memory
	if !isLimited(m.High) {
		return ""
	}
	high := fmt.Sprintf("high %d", m.Events.High)
	if r := p.r.Rates(); r.ok && r.high > 0 {
		high = panelStyle.warn.Render(high)
	}
	return high
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

// compactIO is "io r 2.0/2.0 MiB/s", each direction that has a limit or
// moved bytes in the last second; nil when neither has.
func (p *Panels) compactIO() []string {
	io, r := p.r.Last().IO, p.r.Rates()
	if !r.ok {
		return nil
	}
	words := []string{"io"}
	for _, d := range []struct {
		name  string
		rate  float64
		limit uint64
	}{{"r", r.read, io.ReadBpsMax}, {"w", r.write, io.WriteBpsMax}} {
		switch {
		case isLimited(d.limit):
			words = append(words, d.name+" "+sizePair(uint64(d.rate), d.limit)+"/s")
		case d.rate >= 1:
			words = append(words, d.name+" "+rateText(d.rate))
		}
	}
	if len(words) == 1 {
		return nil
	}
	return words
}

// compactPressure is "psi cpu 12% mem 3% io 0%" (some, avg10) where some
// process stalled in the last ten seconds; nil otherwise.
func (p *Panels) compactPressure() []string {
	pr := p.r.Last().Pressure
	if pr == nil {
		return nil
	}
	words := []string{"psi"}
	stalled := false
	for k := range numPressure {
		avg := psiOf(pr, pressureKind(k)).Some.Avg10
		stalled = stalled || avg >= 0.5
		words = append(words, fmt.Sprintf("%s %.0f%%", pressureShort[k], avg))
	}
	if !stalled {
		return nil
	}
	return words
}
