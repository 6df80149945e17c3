package ui

import (
	"math"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"vme50-tui/cgroup"
)

// Numbers and words as the panels write them: sizes, durations, percents,
// and words packed into lines.

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

// formatSpan rounds a graph's time span: 2.5s, 23s, 1m0s.
func formatSpan(d time.Duration) string {
	if d < 10*time.Second {
		return d.Round(100 * time.Millisecond).String()
	}
	return d.Round(time.Second).String()
}

// packWords joins groups of words into lines of at most width cells, " | "
// between groups and " " within one. A group too wide for a line of its
// own is broken between its words. width <= 0 means no limit.
func packWords(groups [][]string, width int) []string {
	p := linePacker{width: width}
	for _, group := range groups {
		text := strings.Join(group, " ")
		if p.fits(text) {
			p.add(text, " | ")
			continue
		}
		for i, word := range group {
			sep := " "
			if i == 0 {
				sep = " | "
			}
			p.add(word, sep)
		}
	}
	return append(p.lines, p.cur)
}

// linePacker fills lines of at most width cells (any, when width <= 0).
type linePacker struct {
	width int
	lines []string // the full ones
	cur   string   // the one being filled
}

func (p *linePacker) fits(text string) bool {
	return p.width <= 0 || ansi.StringWidth(text) <= p.width
}

// add puts text on the current line after sep, or starts the next line
// with it when it does not fit.
func (p *linePacker) add(text, sep string) {
	switch {
	case p.cur == "":
		p.cur = text
	case p.fits(p.cur + sep + text):
		p.cur += sep + text
	default:
		p.lines = append(p.lines, p.cur)
		p.cur = text
	}
}
