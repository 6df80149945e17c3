package ui

import (
	"strconv"
	"unicode"
	"unicode/utf8"

	tea "charm.land/bubbletea/v2"
)

// Key encoding: what a real xterm sends down the pty for a key press.
//
// Bubble Tea hands us keys already decoded (tea.KeyPressMsg); the program in
// the container expects the raw bytes a terminal would have sent for them.
// The rules below follow xterm's defaults (modifyCursorKeys=2,
// modifyFunctionKeys=2, no modifyOtherKeys), which is what TERM=xterm* tells
// programs to expect:
//
//   - text is sent as UTF-8; alt puts an ESC in front of it;
//   - ctrl turns a letter (and @ [ \ ] ^ _ ?) into its C0 control byte;
//   - cursor keys are ESC [ A, or ESC O A when the program switched on
//     "application cursor keys" (DECCKM; vi and less do);
//   - a modified special key carries the modifiers as a parameter:
//     ESC [ 1 ; m A for letter-final keys, ESC [ n ; m ~ for tilde keys,
//     where m = 1 + shift(1) + alt(2) + ctrl(4) + meta(8).
//
// The pane's first emulator, x/vt, had an encoder (Emulator.SendKey) that
// sent nothing at all for modified special keys (ctrl+right, shift+F5,
// ...), which is why this file exists; ui/vterm has none.

// Modifier bits as xterm counts them in the "m" parameter.
const (
	xtermShift = 1
	xtermAlt   = 2
	xtermCtrl  = 4
	xtermMeta  = 8
)

// cursorKeys end in a letter and follow DECCKM when unmodified:
// ESC [ A normally, ESC O A in application cursor mode.
var cursorKeys = map[rune]byte{
	tea.KeyUp:      'A',
	tea.KeyDown:    'B',
	tea.KeyRight:   'C',
	tea.KeyLeft:    'D',
	tea.KeyBegin:   'E',
	tea.KeyHome:    'H',
	tea.KeyEnd:     'F',
	tea.KeyKpUp:    'A',
	tea.KeyKpDown:  'B',
	tea.KeyKpRight: 'C',
	tea.KeyKpLeft:  'D',
	tea.KeyKpBegin: 'E',
	tea.KeyKpHome:  'H',
	tea.KeyKpEnd:   'F',
}

// pfKeys are F1-F4, which a VT100 called PF1-PF4: always ESC O P..S
// when unmodified, whatever the cursor mode.
var pfKeys = map[rune]byte{
	tea.KeyF1: 'P',
	tea.KeyF2: 'Q',
	tea.KeyF3: 'R',
	tea.KeyF4: 'S',
}

// tildeKeys are sent as ESC [ n ~ (VT220 style).
var tildeKeys = map[rune]int{
	tea.KeyFind:     1,
	tea.KeyInsert:   2,
	tea.KeyDelete:   3,
	tea.KeySelect:   4,
	tea.KeyPgUp:     5,
	tea.KeyPgDown:   6,
	tea.KeyKpInsert: 2,
	tea.KeyKpDelete: 3,
	tea.KeyKpPgUp:   5,
	tea.KeyKpPgDown: 6,
	tea.KeyF5:       15,
	tea.KeyF6:       17,
	tea.KeyF7:       18,
	tea.KeyF8:       19,
	tea.KeyF9:       20,
	tea.KeyF10:      21,
	tea.KeyF11:      23,
	tea.KeyF12:      24,
	tea.KeyF13:      25,
	tea.KeyF14:      26,
	tea.KeyF15:      28,
	tea.KeyF16:      29,
	tea.KeyF17:      31,
	tea.KeyF18:      32,
	tea.KeyF19:      33,
	tea.KeyF20:      34,
}

// keypadText maps keypad keys to the characters they type. We always
// answer in numeric keypad mode: programs rarely ask for the application
// keypad, and the host terminal usually does not report keypad keys apart
// from the main keys anyway.
var keypadText = map[rune]rune{
	tea.KeyKp0: '0', tea.KeyKp1: '1', tea.KeyKp2: '2', tea.KeyKp3: '3',
	tea.KeyKp4: '4', tea.KeyKp5: '5', tea.KeyKp6: '6', tea.KeyKp7: '7',
	tea.KeyKp8: '8', tea.KeyKp9: '9',
	tea.KeyKpEqual: '=', tea.KeyKpMultiply: '*', tea.KeyKpPlus: '+',
	tea.KeyKpComma: ',', tea.KeyKpMinus: '-', tea.KeyKpDecimal: '.',
	tea.KeyKpDivide: '/', tea.KeyKpSep: ',',
}

// EncodeKey returns the bytes xterm would send for k, or nil for keys a
// terminal sends nothing for (lone modifiers, media keys, ...). appCursor
// is the DECCKM mode of the program's terminal (see Pane), which only
// changes unmodified cursor keys.
func EncodeKey(k tea.KeyPressMsg, appCursor bool) []byte {
	mods := xtermMods(k.Mod)
	code := k.Code
	if code == tea.KeyKpEnter {
		code = tea.KeyEnter
	}
	if r, ok := keypadText[code]; ok {
		code = r
		if k.Text == "" && mods&(xtermCtrl|xtermAlt) == 0 {
			k.Text = string(r)
		}
	}

	if final, ok := cursorKeys[code]; ok {
		return letterKey(final, mods, appCursor)
	}
	if final, ok := pfKeys[code]; ok {
		return letterKey(final, mods, true)
	}
	if n, ok := tildeKeys[code]; ok {
		return tildeKey(n, mods)
	}
	if b := namedKey(code, mods); b != nil {
		return b
	}
	return textKey(k, code, mods)
}

// xtermMods turns Bubble Tea's modifier set into xterm's bit count.
// Super, hyper and the lock keys (caps, num) have no place in xterm's
// encoding and are left out.
func xtermMods(m tea.KeyMod) int {
	n := 0
	if m&tea.ModShift != 0 {
		n |= xtermShift
	}
	if m&tea.ModAlt != 0 {
		n |= xtermAlt
	}
	if m&tea.ModCtrl != 0 {
		n |= xtermCtrl
	}
	if m&tea.ModMeta != 0 {
		n |= xtermMeta
	}
	return n
}

// letterKey encodes keys like the arrows: ESC [ A, ESC O A (ss3 is true in
// application cursor mode and for F1-F4), or ESC [ 1 ; m A with modifiers.
func letterKey(final byte, mods int, ss3 bool) []byte {
	switch {
	case mods != 0:
		return []byte("\x1b[1;" + strconv.Itoa(mods+1) + string(final))
	case ss3:
		return []byte{0x1b, 'O', final}
	default:
		return []byte{0x1b, '[', final}
	}
}

// tildeKey encodes ESC [ n ~ or, with modifiers, ESC [ n ; m ~.
func tildeKey(n, mods int) []byte {
	s := "\x1b[" + strconv.Itoa(n)
	if mods != 0 {
		s += ";" + strconv.Itoa(mods+1)
	}
	return []byte(s + "~")
}

// namedKey handles the keys that are single control bytes: enter, tab,
// backspace, escape and space. Their modifiers are mostly lost, as on a
// real terminal; alt still adds the ESC prefix.
func namedKey(code rune, mods int) []byte {
	var b []byte
	switch code {
	case tea.KeyEnter:
		b = []byte{'\r'}
	case tea.KeyTab:
		if mods&xtermShift != 0 {
			b = []byte("\x1b[Z") // back-tab
		} else {
			b = []byte{'\t'}
		}
	case tea.KeyBackspace:
		if mods&xtermCtrl != 0 {
			b = []byte{0x08} // ^H: xterm's ctrl+backspace
		} else {
			b = []byte{0x7f}
		}
	case tea.KeyEscape:
		b = []byte{0x1b}
	case tea.KeySpace:
		if mods&xtermCtrl != 0 {
			b = []byte{0x00} // ctrl+space is NUL, like ctrl+@
		} else {
			b = []byte{' '}
		}
	default:
		return nil
	}
	return withAlt(b, mods)
}

// textKey handles printable keys, with ctrl and alt.
func textKey(k tea.KeyPressMsg, code rune, mods int) []byte {
	if mods&xtermCtrl != 0 {
		if c, ok := ctrlByte(code); ok {
			return withAlt([]byte{c}, mods)
		}
		// ctrl+1 and friends have no control byte: xterm sends the plain
		// character, so we fall through.
	}
	text := keyText(k, code, mods)
	if text == "" {
		return nil
	}
	return withAlt([]byte(text), mods)
}

// keyText is the text a printable key types. Bubble Tea fills Key.Text for
// plain and shifted keys; with ctrl or alt held it leaves Text empty, so we
// rebuild it from the key code.
func keyText(k tea.KeyPressMsg, code rune, mods int) string {
	if k.Text != "" && utf8.ValidString(k.Text) {
		return k.Text
	}
	if !printable(code) {
		return ""
	}
	if mods&xtermShift != 0 {
		if printable(k.ShiftedCode) {
			return string(k.ShiftedCode)
		}
		return string(unicode.ToUpper(code))
	}
	return string(code)
}

// printable reports whether r is a character a key can type: not a
// control character and not one of Bubble Tea's special key codes (which
// live above unicode.MaxRune).
func printable(r rune) bool {
	return r >= ' ' && r != 0x7f && utf8.ValidRune(r) && unicode.IsPrint(r)
}

// ctrlByte is the C0 control byte that ctrl+r sends, if there is one:
// ctrl+a..z are 1..26, ctrl+@ [ \ ] ^ _ are 0 and 27..31 (the character
// with bit 0x40 cleared), and the VT220 digit row aliases ctrl+2..8.
func ctrlByte(r rune) (byte, bool) {
	switch {
	case r >= 'a' && r <= 'z':
		return byte(r - 'a' + 1), true
	case r >= '@' && r <= '_': // @, A-Z, [ \ ] ^ _
		return byte(r) & 0x1f, true
	}
	switch r {
	case ' ', '2':
		return 0x00, true
	case '3':
		return 0x1b, true
	case '4':
		return 0x1c, true
	case '5':
		return 0x1d, true
	case '6':
		return 0x1e, true
	case '7', '/':
		return 0x1f, true
	case '8', '?':
		return 0x7f, true
	}
	return 0, false
}

// withAlt puts ESC in front of b when alt is held: the "meta sends
// escape" convention every terminal uses by default.
func withAlt(b []byte, mods int) []byte {
	if mods&xtermAlt == 0 {
		return b
	}
	return append([]byte{0x1b}, b...)
}
