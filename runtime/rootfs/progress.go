package rootfs

import (
	"fmt"
	"io"
	"strings"
	"time"

	"vme50-tui/cgroup"
)

// progressBar counts the bytes read through it and draws them on one
// terminal line, redrawn in place:
//
//	layer 1/3 [############------------------] 1.2 MiB / 3.0 MiB
type progressBar struct {
	r     io.Reader
	w     io.Writer // the terminal; nil draws nothing
	label string
	done  int64
	total int64 // 0 when unknown
	drawn time.Time
}

// redrawEvery keeps a fast download from spending its time on the screen.
const redrawEvery = 100 * time.Millisecond

func (p *progressBar) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	p.done += int64(n)
	if p.w != nil && time.Since(p.drawn) >= redrawEvery {
		p.draw()
	}
	return n, err
}

// finish draws the bar full and ends its line.
func (p *progressBar) finish() {
	if p.w != nil {
		p.draw()
		fmt.Fprintln(p.w)
	}
}

func (p *progressBar) draw() {
	const width = 30
	filled := width
	if p.total > 0 {
		filled = int(min(p.done, p.total) * width / p.total)
	}
	// \r goes back to the start of the line, \x1b[K clears what was left
	// of the last drawing.
	fmt.Fprintf(p.w, "\r%s [%s%s] %s / %s\x1b[K", p.label,
		strings.Repeat("#", filled), strings.Repeat("-", width-filled),
		cgroup.FormatSize(uint64(p.done)), cgroup.FormatSize(uint64(p.total)))
	p.drawn = time.Now()
}
