// Package plot draws recordings (record.Read) as the picture for a lab
// sheet: three panels stacked on one time axis in seconds, memory against
// its limits, the cores used, the processes against pids.max, each titled
// with the host's file names, the events marked; several recordings on
// the same panels, one colour each, to compare two runs of a lesson.
//
// The drawing is github.com/go-analyze/charts/chartdraw (the maintained
// fork of go-chart): continuous series to SVG or PNG with few package
// inits, so the plot command costs the other commands of the binary next
// to nothing at their start.
package plot

import (
	"bytes"
	"fmt"
	"io"

	"github.com/go-analyze/charts/chartdraw"

	"vme50-tui/record"
)

// A Run is one recording and the name the legend gives it (its file's).
type Run struct {
	Name string
	Rec  *record.Recording
}

// Draw writes the picture of runs to w, size pixels, as format.
func Draw(w io.Writer, format Format, size Size, runs []Run) error {
	p := newPicture(runs)
	p.columns = size.Width
	canvas := format.renderer()(size.Width, size.Height)
	panels := []*chartdraw.Chart{p.memoryPanel(), p.cpuPanel(), p.pidsPanel()}
	// The panels share the height; the last takes what division leaves.
	top := 0
	for i, c := range panels {
		c.Width = size.Width
		c.Height = size.Height / len(panels)
		if i == len(panels)-1 {
			c.Height = size.Height - top
		}
		if err := c.Render(below(canvas, top), nil); err != nil {
			return err
		}
		top += c.Height
	}
	if format == SVG {
		return saveSVG(w, canvas, size)
	}
	return canvas.Save(w)
}

// saveSVG writes the SVG with its size: chartdraw gives the root element
// a viewBox alone, which a document or an image viewer stretches to
// whatever room it has; width and height make it open at --size.
func saveSVG(w io.Writer, canvas chartdraw.Renderer, size Size) error {
	var buf bytes.Buffer
	if err := canvas.Save(&buf); err != nil {
		return err
	}
	sized := fmt.Sprintf(`<svg width="%d" height="%d" `, size.Width, size.Height)
	_, err := w.Write(bytes.Replace(buf.Bytes(), []byte("<svg "), []byte(sized), 1))
	return err
}
