package ui

import "strings"

// Big figures for presenter mode: a number three rows high, drawn with
// the half-block characters every terminal font has, so that the back of
// a classroom reads it off a projector. Only what numbers need: digits,
// the point, the slash of used/limit, the percent sign, a minus, a space.
// (No Go library we depend on draws big text; figlet fonts are five rows
// and more, too tall for an 80x24 screen.)

// bigGlyphs holds each character's three rows, all of one width per
// character.
var bigGlyphs = map[rune][3]string{
	'0': {"█▀█", "█ █", "▀▀▀"},
	'1': {"▄█ ", " █ ", "▀▀▀"},
	'2': {"▀▀█", "█▀▀", "▀▀▀"},
	'3': {"▀▀█", " ▀█", "▀▀▀"},
	'4': {"█ █", "▀▀█", "  ▀"},
	'5': {"█▀▀", "▀▀█", "▀▀▀"},
	'6': {"█▀▀", "█▀█", "▀▀▀"},
	'7': {"▀▀█", "  █", "  ▀"},
	'8': {"█▀█", "█▀█", "▀▀▀"},
	'9': {"█▀█", "▀▀█", "▀▀▀"},
	'.': {" ", " ", "▀"},
	'/': {"  █", " █ ", "█  "},
	'%': {"▀ █", " █ ", "█ ▄"},
	'-': {"   ", "▀▀▀", "   "},
	' ': {"  ", "  ", "  "},
}

// bigRows is s in big figures: three rows, a column of space between
// characters; a character without a glyph is left out.
func bigRows(s string) [3]string {
	var rows [3]strings.Builder
	first := true
	for _, r := range s {
		g, ok := bigGlyphs[r]
		if !ok {
			continue
		}
		for i := range rows {
			if !first {
				rows[i].WriteByte(' ')
			}
			rows[i].WriteString(g[i])
		}
		first = false
	}
	return [3]string{rows[0].String(), rows[1].String(), rows[2].String()}
}

// doubleRows draws rows twice as wide and twice as high. A half block
// is two pixels, its top and bottom: doubled, its top pixel fills the
// first row and its bottom pixel the second.
func doubleRows(rows []string) []string {
	halves := map[rune][2]rune{'▀': {'█', ' '}, '▄': {' ', '█'}, '█': {'█', '█'}}
	var out []string
	for _, r := range rows {
		var top, bottom strings.Builder
		for _, c := range r {
			h, ok := halves[c]
			if !ok {
				h = [2]rune{c, c}
			}
			top.WriteString(strings.Repeat(string(h[0]), 2))
			bottom.WriteString(strings.Repeat(string(h[1]), 2))
		}
		out = append(out, top.String(), bottom.String())
	}
	return out
}
