package conformance

import (
	"fmt"
	"image/color"
	"io"
	"strconv"

	uv "github.com/charmbracelet/ultraviolet"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/vt"

	"vme50-tui/ui/vterm"
)

// emulator is what the suite needs of a terminal emulator under test: the
// methods ui/vterm's Terminal and x/vt's Emulator both have.
type emulator interface {
	Write([]byte) (int, error)
	Resize(cols, rows int)
	CellAt(x, y int) *uv.Cell
	CursorPosition() uv.Position
}

// subject is an emulator the suite compares with tmux. known lists the
// streams where it is known to differ, and why: those are checked to still
// differ (so that the list stays true) and logged; any other difference
// fails. The pane's own emulator has no such list.
type subject struct {
	name  string
	make  func(cols, rows int) emulator
	known map[string]string
}

// ours is ui/vterm, the pane's emulator: the subject the suite asserts on.
func ours(cols, rows int) emulator { return vterm.New(cols, rows) }

// xvt is github.com/charmbracelet/x/vt, the pane's first emulator. It
// answers queries (DA, DSR) on a pipe that blocks its Write until read:
// the answers are drained here, as the pane does.
func xvt(cols, rows int) emulator {
	e := vt.NewEmulator(cols, rows)
	go io.Copy(io.Discard, e)
	return e
}

// emulatorScreen reads every cell of an emulator into a screen.
func emulatorScreen(e emulator, cols, rows int) *screen {
	s := newScreen(cols, rows)
	for y := range rows {
		for x := range cols {
			if c := e.CellAt(x, y); c != nil {
				s.cells[y][x] = cellOf(c)
			}
		}
	}
	pos := e.CursorPosition()
	s.cursorX, s.cursorY = pos.X, pos.Y
	if a, ok := e.(interface{ IsAltScreen() bool }); ok {
		s.alt = a.IsAltScreen()
	}
	return s
}

func cellOf(c *uv.Cell) cell {
	out := cell{text: c.Content, width: c.Width}
	if out.text == "" && out.width != 0 {
		out.text = " " // an empty cell is a blank
	}
	if out.text == "" {
		out.width = 0
	}
	st := c.Style
	out.fg, out.bg = colourName(st.Fg), colourName(st.Bg)
	out.bold = st.Attrs&uv.AttrBold != 0
	out.faint = st.Attrs&uv.AttrFaint != 0
	out.italic = st.Attrs&uv.AttrItalic != 0
	out.blink = st.Attrs&(uv.AttrBlink|uv.AttrRapidBlink) != 0
	out.reverse = st.Attrs&uv.AttrReverse != 0
	out.conceal = st.Attrs&uv.AttrConceal != 0
	out.strike = st.Attrs&uv.AttrStrikethrough != 0
	out.underline = int(st.Underline)
	return out
}

// colourName spells a colour as parseCapture does.
func colourName(c color.Color) string {
	switch c := c.(type) {
	case nil:
		return ""
	case ansi.BasicColor:
		return "i" + strconv.Itoa(int(c))
	case ansi.IndexedColor:
		return "i" + strconv.Itoa(int(c))
	}
	r, g, b, _ := c.RGBA()
	return fmt.Sprintf("#%02x%02x%02x", r>>8, g>>8, b>>8)
}
