package vterm

import (
	"image/color"

	uv "github.com/charmbracelet/ultraviolet"
	"github.com/charmbracelet/x/ansi"
)

// A pen is the SGR state text is written with, packed so that it can be a
// map key and compared with ==. Cells do not hold pens: they hold a
// 16-bit index into the terminal's table of the pens in use (styleTable),
// so a cell stays 8 bytes however rich its style.
type pen struct {
	fg, bg, ul uint32 // colours, see colour kinds below
	attrs      uint8  // uv.Attr* bits
	under      uint8  // uv.Underline* style
}

// A packed colour is a kind in the top byte and a value below it.
const (
	colourDefault uint32 = 0
	colourBasic   uint32 = 1 << 24 // the 16 ANSI colours (SGR 30-37, 90-97)
	colourIndexed uint32 = 2 << 24 // the 256-colour palette (SGR 38;5;n)
	colourRGB     uint32 = 3 << 24 // truecolour (SGR 38;2;r;g;b)
	colourKind    uint32 = 0xff << 24
)

// packColour turns a colour as x/ansi parsed it into its packed form.
func packColour(c color.Color) uint32 {
	switch c := c.(type) {
	case nil:
		return colourDefault
	case ansi.BasicColor:
		return colourBasic | uint32(c)
	case ansi.IndexedColor:
		return colourIndexed | uint32(c)
	default:
		r, g, b, _ := c.RGBA()
		return colourRGB | (r>>8)<<16 | (g>>8)<<8 | b>>8
	}
}

// unpackColour is the colour uv draws for a packed one.
func unpackColour(p uint32) color.Color {
	v := p &^ colourKind
	switch p & colourKind {
	case colourBasic:
		return ansi.BasicColor(uint8(v))
	case colourIndexed:
		return ansi.IndexedColor(uint8(v))
	case colourRGB:
		return color.RGBA{R: uint8(v >> 16), G: uint8(v >> 8), B: uint8(v), A: 0xff}
	}
	return nil
}

// uvStyle is the pen as ultraviolet's style, which the pane draws with.
func (p pen) uvStyle() uv.Style {
	return uv.Style{
		Fg:             unpackColour(p.fg),
		Bg:             unpackColour(p.bg),
		UnderlineColor: unpackColour(p.ul),
		Underline:      uv.Underline(p.under),
		Attrs:          p.attrs,
	}
}

// maxStyles is how many distinct pens a terminal can index at once.
const maxStyles = 1 << 16

// styleTable interns pens. Index 0 is the default pen, so a zero cell is a
// blank in the default style. The uv.Style of each pen is made once here,
// not once per drawn cell.
type styleTable struct {
	ids  map[pen]uint16
	pens []pen
	uv   []uv.Style
}

func newStyleTable() styleTable {
	return styleTable{ids: map[pen]uint16{{}: 0}, pens: []pen{{}}, uv: []uv.Style{{}}}
}

// id is the index of p, adding it if new. When the table is full, the
// caller compacts it (see Terminal.compactStyles) and asks again; ok is
// false only if the table is full.
func (s *styleTable) id(p pen) (id uint16, ok bool) {
	return s.add(p, maxStyles-quantisedRoom)
}

// quantisedRoom is the end of the table kept for what a compaction keeps
// and for the palette colours of internFull, so that while the table is
// full, a rainbow is still drawn in colours close to its own.
const quantisedRoom = 4096

// add is the index of p, adding it if the table has fewer than limit.
func (s *styleTable) add(p pen, limit int) (id uint16, ok bool) {
	if id, ok := s.ids[p]; ok {
		return id, true
	}
	if len(s.pens) >= limit {
		return 0, false
	}
	id = uint16(len(s.pens))
	s.ids[p] = id
	s.pens = append(s.pens, p)
	s.uv = append(s.uv, p.uvStyle())
	return id, true
}
