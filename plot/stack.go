package plot

import (
	"io"

	"github.com/go-analyze/charts/chartdraw"
)

// Stacking panels in one picture: chartdraw draws a chart on a canvas of
// its own, from (0, 0). below hands a chart the one shared canvas moved
// down by top pixels instead, so each panel draws under the one before;
// the picture is saved once, when the last is drawn.

// below is a RendererProvider that gives the shared canvas, moved down.
func below(canvas chartdraw.Renderer, top int) chartdraw.RendererProvider {
	return func(int, int) chartdraw.Renderer { return shifted{Renderer: canvas, dy: top} }
}

// shifted draws on the canvas dy pixels lower; everything that is not a
// position (colours, fonts, measuring text) goes through unchanged.
type shifted struct {
	chartdraw.Renderer
	dy int
}

func (s shifted) MoveTo(x, y int)                 { s.Renderer.MoveTo(x, y+s.dy) }
func (s shifted) LineTo(x, y int)                 { s.Renderer.LineTo(x, y+s.dy) }
func (s shifted) QuadCurveTo(cx, cy, x, y int)    { s.Renderer.QuadCurveTo(cx, cy+s.dy, x, y+s.dy) }
func (s shifted) Circle(radius float64, x, y int) { s.Renderer.Circle(radius, x, y+s.dy) }
func (s shifted) Text(body string, x, y int)      { s.Renderer.Text(body, x, y+s.dy) }
func (s shifted) ArcTo(cx, cy int, rx, ry, startAngle, delta float64) {
	s.Renderer.ArcTo(cx, cy+s.dy, rx, ry, startAngle, delta)
}

// Save does nothing: a panel is part of the picture, which Draw saves.
func (s shifted) Save(io.Writer) error { return nil }
