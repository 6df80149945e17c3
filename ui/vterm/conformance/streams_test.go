package conformance

import (
	"fmt"
	"strings"
)

// stream is a byte stream to play, in parts: the first at the stream's
// size, each later one after a resize of the window to its own size (a
// resize in the middle of a program's output).
type stream struct {
	name  string
	parts []part
}

type part struct {
	cols, rows int
	data       []byte
}

// one is a stream of a single part at cols x rows.
func one(name string, cols, rows int, data string) stream {
	return stream{name: name, parts: []part{{cols, rows, []byte(data)}}}
}

const (
	csi  = "\x1b["
	crlf = "\r\n"
)

// handStreams are written by hand, one feature each, as a program would
// use it; tmux says what the screen must then show.
func handStreams() []stream {
	var sgr16, sgr256, truecolour strings.Builder
	for i := range 8 {
		fmt.Fprintf(&sgr16, csi+"%dm f%d "+csi+"%dm f%d "+csi+"%dm b%d "+csi+"%dm b%d "+csi+"0m"+crlf,
			30+i, i, 90+i, i+8, 40+i, i, 100+i, i+8)
	}
	sgr16.WriteString(csi + "31;42mboth" + csi + "39mdefault-fg" + csi + "49mdefault-bg" + csi + "m")
	for i := 0; i < 256; i += 17 {
		fmt.Fprintf(&sgr256, csi+"38;5;%dm%3d"+csi+"48;5;%dm%3d"+csi+"0m ", i, i, 255-i, 255-i)
	}
	for i := 0; i < 256; i += 51 {
		fmt.Fprintf(&truecolour, csi+"38;2;%d;%d;%dmfg"+csi+"48;2;%d;%d;%dmbg"+csi+"0m ", i, 255-i, i/2, 255-i, i, 128)
	}
	var tabs strings.Builder
	tabs.WriteString("a\tb\tc\td\te\tf\tg\th\ti\tj\tk" + crlf)
	tabs.WriteString("1234567\t8\t\t9" + crlf)
	// Tab stops of our own: clear all (TBC 3), set at 5 and 12 (HTS).
	tabs.WriteString(csi + "3g" + csi + "6G\x1bH" + csi + "13G\x1bH\r|\tx\ty\tz" + crlf)
	// CBT goes back a stop; TBC 0 clears the stop under the cursor. No
	// CHT (CSI I): tmux 3.3a ignores it (xterm moves forward n stops).
	tabs.WriteString("\t\ttwo" + csi + "Zback" + csi + "0g" + "\r\t\tx" + crlf)
	return []stream{
		one("sgr16", 40, 10, sgr16.String()),
		one("sgr256", 80, 6, sgr256.String()),
		one("truecolour", 60, 4, truecolour.String()),
		one("attributes", 60, 8,
			csi+"1mbold"+csi+"22m "+csi+"2mfaint"+csi+"22m "+csi+"3mitalic"+csi+"23m "+
				csi+"4munder"+csi+"24m "+csi+"5mblink"+csi+"25m "+csi+"7mreverse"+csi+"27m "+
				csi+"8mconceal"+csi+"28m "+csi+"9mstrike"+csi+"29m end"+crlf+
				csi+"1;3;4;7;31;43mall"+csi+"0mnone"+crlf+
				csi+"1;2mbf"+csi+"22mx"+csi+"4:3mcurly"+csi+"4:0mno"+csi+"21mdouble"+csi+"m"+crlf+
				csi+"7;44mrev-on-blue"+csi+"m"),
		// Emoji as tmux 3.3a keeps them: a flag is two cells of one
		// regional indicator each, a skin tone a wide cell of its own, a
		// character after a zero-width joiner a cell of its own. No VS16
		// (❤️): tmux 3.3a and xterm keep its base's width, 1, newer tmux
		// makes it 2. The cursor at the end checks the widths.
		// (The last row shows it: one back from the flag is its second letter.)
		one("emoji", 24, 5, "😀 smile"+crlf+"🇫🇷 flag 👍🏽 tone"+crlf+"e\u0301 accent"+crlf+"👩\u200d💻 coder"+crlf+
			"🇯🇵"+csi+"1DX"),
		one("wide", 20, 6,
			"中文字 ab e"+crlf+
				// A wide character that does not fit in the last column
				// wraps whole; the column it leaves is blank.
				"0123456789abcdefghi中"+crlf+
				// Writing over either half of a wide character clears it.
				"中中中"+csi+"1GX"+csi+"4GY"+crlf+
				"é café ñ"),
		one("tabs", 40, 6, tabs.String()),
		one("autowrap", 10, 6,
			"0123456789wrapped"+crlf+
				// At the last column the cursor waits: CR goes back on the
				// same row; a character wraps.
				"abcdefghij\rX"+crlf+
				// DECAWM off: the last column is overwritten.
				csi+"?7labcdefghijKLM"+csi+"?7h"+crlf+
				// No EL or CUB while a wrap is pending: xterm's cursor
				// is on the last column then, tmux's one past it, so they
				// erase from or move back to different columns. CR first.
				"0123456789\r"+csi+"5C"+csi+"K"+crlf+
				"fillfillfi"),
		one("scrolling", 20, 6,
			"one"+crlf+"two"+crlf+"three"+crlf+"four"+crlf+"five"+crlf+"six"+crlf+"seven"+crlf+"eight"+
				csi+"2S"+csi+"1T"),
		one("scroll-region", 20, 10,
			"top"+crlf+"r1"+crlf+"r2"+crlf+"r3"+crlf+"r4"+crlf+"r5"+crlf+"r6"+crlf+"r7"+crlf+"r8"+crlf+"bottom"+
				csi+"3;7r"+ // rows 3 to 7 scroll, the others stay
				csi+"7;1H"+"\nnew1\nnew2"+
				csi+"3;1H\x1bMri"+ // reverse index at the region's top scrolls down
				csi+"4;1H"+csi+"2Linserted"+ // IL inside the region
				csi+"5;1H"+csi+"1M"+ // DL
				csi+"r"+csi+"10;1Hend"),
		one("insert-delete-char", 30, 5,
			"abcdefghij"+csi+"4G"+csi+"3@XYZ"+crlf+
				"abcdefghij"+csi+"3G"+csi+"2P"+crlf+
				"abcdefghij"+csi+"2G"+csi+"3X"+crlf+
				csi+"41m"+"0123456789"+csi+"1G"+csi+"4@"+csi+"m"+csi+"28G!"+crlf+
				"0123456789"+csi+"1G"+csi+"44m"+csi+"4P"+csi+"m"+csi+"28G!"),
		one("erase", 20, 10,
			"abcdefghijklmnopqrst"+csi+"1;8H"+csi+"K"+
				csi+"2;1H"+"abcdefghijklmnopqrst"+csi+"2;8H"+csi+"1K"+
				csi+"3;1H"+"abcdefghijklmnopqrst"+csi+"3;8H"+csi+"2K"+
				// An erase with a background colour paints it (BCE); a
				// character at the row's end makes tmux print the cells.
				csi+"4;1H"+"abcdefghijklmnopqrst"+csi+"4;5H"+csi+"42m"+csi+"K"+csi+"m"+csi+"4;20H|"+
				csi+"5;1H"+"xxxxxxxxxxxxxxxxxxxx"+crlf+"yyyyyyyyyyyyyyyyyyyy"+crlf+"zzzzzzzzzzzzzzzzzzzz"+
				csi+"6;10H"+csi+"J"+
				csi+"8;1H"+"wwwwwwwwwwwwwwwwwwww"+csi+"1;3H"+csi+"45m"+csi+"1J"+csi+"m"+csi+"1;20H|"+csi+"10;1H@"),
		one("erase-display", 10, 4, "aaaaaaaaaa"+crlf+"bbbbbbbbbb"+crlf+"cccc"+csi+"2J"+"after"),
		one("alternate-screen", 20, 6,
			"main screen"+crlf+"line two"+crlf+
				csi+"?1049h"+csi+"H"+csi+"2J"+"on the alternate"+crlf+csi+"44mblue"+csi+"m"+
				csi+"?1049l"+"back"),
		one("alternate-screen-on", 20, 6,
			"main"+csi+"?1049h"+csi+"H"+"alternate"+csi+"3;3H"+csi+"7mx"+csi+"m"),
		one("alternate-47", 20, 6,
			"main"+crlf+csi+"?47h"+"alt47"+csi+"?47l"+crlf+csi+"?1047h"+"alt1047"+csi+"?1047l"+"after"),
		one("save-restore-cursor", 30, 6,
			csi+"3;5H"+csi+"1;31m"+"\x1b7"+csi+"1;1H"+csi+"mplain"+"\x1b8"+"red-bold"+
				csi+"m"+csi+"5;10H"+csi+"s"+csi+"1;20Hfar"+csi+"u"+"back"),
		one("cursor-moves", 20, 8,
			csi+"5;5HA"+csi+"2AB"+csi+"3BC"+csi+"4CD"+csi+"6DE"+csi+"10GF"+csi+"2dG"+
				csi+"99;99HH"+csi+"0;0HI"+csi+"99DJ"+csi+"4;4f"+"K"+csi+"3EL"+csi+"2FM"),
		// DEC special graphics: the line drawing of boxes (ESC ( 0 ... ESC ( B).
		one("line-drawing", 20, 4, "\x1b(0lqqqk"+crlf+"x   x"+crlf+"mqqqj\x1b(B lqx"),
		one("insert-mode", 20, 3, "abcdef"+csi+"3G"+csi+"4hXY"+csi+"4lZ"+crlf+"0123456789"+csi+"1G"+csi+"4h"+csi+"32mgreen"+csi+"m"+csi+"4l"),
		one("origin-mode", 20, 8, csi+"3;6r"+csi+"?6h"+csi+"1;1Hin-region"+csi+"9;1Hclamped"+csi+"?6l"+csi+"r"+csi+"8;1Hout"),
		// REP within the row: at its end tmux stops, xterm wraps.
		one("repeat", 20, 4, "a"+csi+"5b"+crlf+csi+"31m-"+csi+"18b"+csi+"m"),
		one("index-nel", 20, 5, "one\x1bDtwo\x1bEthree"+csi+"5;1H\x1bDscrolled"+csi+"2;10H\x1bMup"),
		// No HPR (CSI a): tmux 3.3a ignores it, xterm moves right.
		one("line-moves", 20, 6, csi+"4;5Ha"+csi+"2Fb"+csi+"Ec"+csi+"15`d"+csi+"1;1H"+csi+"10Cf"),
		one("full-reset", 20, 4, csi+"1;31mbefore"+csi+"3;5r\x1bcafter"),
		// No soft reset (DECSTR, CSI ! p): tmux 3.3a ignores it, xterm
		// resets the pen and insert mode.
		// Tab stops survive DECSTR, as in xterm.
		one("soft-reset-keeps-tabs", 20, 3, csi+"3G\x1bH"+csi+"!p\r\tX"),
		// C1 controls sent as UTF-8 (U+009B is CSI to VTE, screen and
		// mosh): tmux prints none, and neither may the pane, whose cells
		// reach the teacher's real terminal. Where vterm differs from tmux
		// on purpose, for the same reason, there is no stream here: bidi
		// and other format characters (U+202E) are dropped, where tmux
		// keeps them as marks; after a ZWJ on a narrow character, what
		// follows gets its own cell (tmux joins a, ZWJ, 中 into one
		// column); VS16 on a narrow character is dropped. See
		// ui/vterm/print.go and safety_test.go.
		one("c1-controls-utf8", 20, 3, "a\u009b31mb\u009d0;title\u009cc\u0085d"+crlf+"e\u0090x\u009cf"),
		one("erase-scrollback", 20, 3, "a"+crlf+"b"+crlf+"c"+crlf+"d"+csi+"3Je"),
		{name: "resize-shrink", parts: []part{
			{30, 10, []byte("first line" + crlf + "second" + crlf + "third" + crlf + "4" + crlf + "5" + crlf +
				"6" + crlf + "7" + crlf + "8 the cursor is here")},
			// Fewer rows than the cursor's: rows below it go first, then
			// rows above it go up and off the top; the cursor's row stays.
			{24, 6, []byte(crlf + "after shrink")},
			// Wider: written at the new columns. Not taller: tmux brings
			// rows back from its history then, xterm adds blank rows.
			{40, 6, []byte(csi + "1;30H" + "top right")},
		}},
		// A resize while a program (vi, less) has the alternate screen:
		// it stays on, and leaving it shows the main screen as it was.
		{name: "alternate-resize", parts: []part{
			{20, 6, []byte("main text" + crlf + "more main" + csi + "?1049h" + csi + "H" + "on the alternate")},
			{24, 8, []byte(csi + "H" + csi + "2J" + "redrawn at 24x8")},
			{24, 8, []byte(csi + "?1049l" + "back")},
		}},
		{name: "resize-grow", parts: []part{
			{20, 5, []byte("one" + crlf + "two" + crlf + csi + "41mred" + csi + "m")},
			// Narrower only where no row has text beyond the new width:
			// tmux rewraps longer rows (reflow), xterm cuts them.
			{30, 8, []byte(csi + "8;1H" + "bottom" + csi + "1;20H" + "right")},
			// Fewer rows than the text, the cursor on the top row: the
			// rows below the cursor go (tmux and xterm both keep the
			// cursor's row and those above it on screen).
			{25, 4, []byte(crlf + "less")},
		}},
	}
}
