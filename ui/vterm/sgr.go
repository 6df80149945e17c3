package vterm

import (
	"image/color"

	uv "github.com/charmbracelet/ultraviolet"
	"github.com/charmbracelet/x/ansi"
)

// sgr applies SGR (CSI ... m): attributes and colours of the text that
// follows. Colours in both forms, 38;5;n and 38:5:n, are read by x/ansi.
func (t *Terminal) sgr(ps ansi.Params) {
	p := t.pen
	if len(ps) == 0 {
		p = pen{}
	}
	for i := 0; i < len(ps); i++ {
		n := param(ps, i, 0)
		switch {
		case n == 0:
			p = pen{}
		case n == 1:
			p.attrs |= uv.AttrBold
		case n == 2:
			p.attrs |= uv.AttrFaint
		case n == 3:
			p.attrs |= uv.AttrItalic
		case n == 4:
			p.under = uint8(uv.UnderlineSingle)
			if ps[i].HasMore() && i+1 < len(ps) { // 4:3 curly and friends
				i++
				if u := param(ps, i, 0); u <= int(uv.UnderlineDashed) {
					p.under = uint8(u)
				}
			}
		case n == 5 || n == 6:
			p.attrs |= uv.AttrBlink
		case n == 7:
			p.attrs |= uv.AttrReverse
		case n == 8:
			p.attrs |= uv.AttrConceal
		case n == 9:
			p.attrs |= uv.AttrStrikethrough
		case n == 21:
			p.under = uint8(uv.UnderlineDouble)
		case n == 22:
			p.attrs &^= uv.AttrBold | uv.AttrFaint
		case n == 23:
			p.attrs &^= uv.AttrItalic
		case n == 24:
			p.under = uint8(uv.UnderlineNone)
		case n == 25:
			p.attrs &^= uv.AttrBlink
		case n == 27:
			p.attrs &^= uv.AttrReverse
		case n == 28:
			p.attrs &^= uv.AttrConceal
		case n == 29:
			p.attrs &^= uv.AttrStrikethrough
		case n >= 30 && n <= 37:
			p.fg = colourBasic | uint32(n-30)
		case n == 39:
			p.fg = colourDefault
		case n >= 40 && n <= 47:
			p.bg = colourBasic | uint32(n-40)
		case n == 49:
			p.bg = colourDefault
		case n == 59:
			p.ul = colourDefault
		case n >= 90 && n <= 97:
			p.fg = colourBasic | uint32(n-90+8)
		case n >= 100 && n <= 107:
			p.bg = colourBasic | uint32(n-100+8)
		case n == 38 || n == 48 || n == 58:
			if c, used, ok := semicolonColour(ps[i:]); ok {
				i += used - 1
				setColour(&p, n, c)
				continue
			}
			var c color.Color
			used := ansi.ReadStyleColor(ps[i:], &c)
			if used == 0 {
				// Unreadable: skip this parameter's sub-parameters.
				for i+1 < len(ps) && ps[i].HasMore() {
					i++
				}
				continue
			}
			i += used - 1
			if c == nil {
				continue // "implementation defined": no change
			}
			setColour(&p, n, packColour(c))
		}
	}
	t.setPen(p)
}

// setColour sets the colour SGR n (38, 48 or 58) names.
func setColour(p *pen, n int, c uint32) {
	switch n {
	case 38:
		p.fg = c
	case 48:
		p.bg = c
	default:
		p.ul = c
	}
}

// semicolonColour reads the common forms 38;5;n and 38;2;r;g;b without
// going through a color.Color (boxing one allocates, once per coloured
// line of a flood); ok is false for any other form, which x/ansi reads.
func semicolonColour(ps ansi.Params) (c uint32, used int, ok bool) {
	if len(ps) < 3 || ps[0].HasMore() || ps[1].HasMore() {
		return 0, 0, false
	}
	switch param(ps, 1, 0) {
	case 5:
		if v := param(ps, 2, 0); v <= 255 && !ps[2].HasMore() {
			return colourIndexed | uint32(v), 3, true
		}
	case 2:
		if len(ps) < 5 {
			return 0, 0, false
		}
		r, g, b := param(ps, 2, 0), param(ps, 3, 0), param(ps, 4, 0)
		if r <= 255 && g <= 255 && b <= 255 && !ps[2].HasMore() && !ps[3].HasMore() {
			return colourRGB | uint32(r)<<16 | uint32(g)<<8 | uint32(b), 5, true
		}
	}
	return 0, 0, false
}
