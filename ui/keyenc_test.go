package ui

import (
	"testing"
	"unicode/utf8"

	tea "charm.land/bubbletea/v2"
	uv "github.com/charmbracelet/ultraviolet"
)

// k builds a key press the way Bubble Tea reports it.
func k(code rune, mod tea.KeyMod) tea.KeyPressMsg {
	return tea.KeyPressMsg{Code: code, Mod: mod}
}

// txt is a printable key press, as Bubble Tea reports typed text.
func txt(s string) tea.KeyPressMsg {
	r, _ := utf8.DecodeRuneInString(s)
	return tea.KeyPressMsg{Code: r, Text: s}
}

const (
	shift = tea.ModShift
	alt   = tea.ModAlt
	ctrl  = tea.ModCtrl
)

func TestEncodeKey(t *testing.T) {
	tests := []struct {
		name      string
		key       tea.KeyPressMsg
		appCursor bool
		want      string
	}{
		// Text.
		{"letter", txt("a"), false, "a"},
		{"shifted letter", tea.KeyPressMsg{Code: 'a', ShiftedCode: 'A', Mod: shift, Text: "A"}, false, "A"},
		{"symbol", txt("!"), false, "!"},
		{"utf-8", txt("é"), false, "é"},
		{"wide", txt("日"), false, "日"},
		{"emoji cluster", tea.KeyPressMsg{Code: tea.KeyExtended, Text: "👍🏽"}, false, "👍🏽"},
		{"space", tea.KeyPressMsg{Code: tea.KeySpace, Text: " "}, false, " "},

		// C0 keys.
		{"enter", k(tea.KeyEnter, 0), false, "\r"},
		{"keypad enter", k(tea.KeyKpEnter, 0), false, "\r"},
		{"tab", k(tea.KeyTab, 0), false, "\t"},
		{"shift+tab", k(tea.KeyTab, shift), false, "\x1b[Z"},
		{"backspace", k(tea.KeyBackspace, 0), false, "\x7f"},
		{"ctrl+backspace", k(tea.KeyBackspace, ctrl), false, "\x08"},
		{"alt+backspace", k(tea.KeyBackspace, alt), false, "\x1b\x7f"},
		{"escape", k(tea.KeyEscape, 0), false, "\x1b"},
		{"alt+escape", k(tea.KeyEscape, alt), false, "\x1b\x1b"},
		{"alt+enter", k(tea.KeyEnter, alt), false, "\x1b\r"},

		// Control characters.
		{"ctrl+a", k('a', ctrl), false, "\x01"},
		{"ctrl+c", k('c', ctrl), false, "\x03"},
		{"ctrl+d", k('d', ctrl), false, "\x04"},
		{"ctrl+z", k('z', ctrl), false, "\x1a"},
		{"ctrl+shift+c", k('c', ctrl|shift), false, "\x03"},
		{"ctrl+space", k(tea.KeySpace, ctrl), false, "\x00"},
		{"ctrl+@", k('@', ctrl), false, "\x00"},
		{"ctrl+[", k('[', ctrl), false, "\x1b"},
		{"ctrl+\\", k('\\', ctrl), false, "\x1c"},
		{"ctrl+]", k(']', ctrl), false, "\x1d"},
		{"ctrl+^", k('^', ctrl), false, "\x1e"},
		{"ctrl+_", k('_', ctrl), false, "\x1f"},
		{"ctrl+/", k('/', ctrl), false, "\x1f"},
		{"ctrl+?", k('?', ctrl), false, "\x7f"},
		{"ctrl+2", k('2', ctrl), false, "\x00"},
		{"ctrl+6", k('6', ctrl), false, "\x1e"},
		{"ctrl+1 has no control byte", k('1', ctrl), false, "1"},

		// Alt is an ESC prefix.
		{"alt+a", k('a', alt), false, "\x1ba"},
		{"alt+shift+a", tea.KeyPressMsg{Code: 'a', ShiftedCode: 'A', Mod: alt | shift}, false, "\x1bA"},
		{"alt+shift+a without shifted code", k('a', alt|shift), false, "\x1bA"},
		{"alt+ctrl+a", k('a', alt|ctrl), false, "\x1b\x01"},
		{"alt+.", k('.', alt), false, "\x1b."},
		{"alt+space", k(tea.KeySpace, alt), false, "\x1b "},

		// Cursor keys follow DECCKM.
		{"up", k(tea.KeyUp, 0), false, "\x1b[A"},
		{"down", k(tea.KeyDown, 0), false, "\x1b[B"},
		{"right", k(tea.KeyRight, 0), false, "\x1b[C"},
		{"left", k(tea.KeyLeft, 0), false, "\x1b[D"},
		{"home", k(tea.KeyHome, 0), false, "\x1b[H"},
		{"end", k(tea.KeyEnd, 0), false, "\x1b[F"},
		{"app up", k(tea.KeyUp, 0), true, "\x1bOA"},
		{"app down", k(tea.KeyDown, 0), true, "\x1bOB"},
		{"app right", k(tea.KeyRight, 0), true, "\x1bOC"},
		{"app left", k(tea.KeyLeft, 0), true, "\x1bOD"},
		{"app home", k(tea.KeyHome, 0), true, "\x1bOH"},
		{"app end", k(tea.KeyEnd, 0), true, "\x1bOF"},

		// Modified cursor keys: CSI 1;m X, in either cursor mode.
		{"shift+up", k(tea.KeyUp, shift), false, "\x1b[1;2A"},
		{"alt+down", k(tea.KeyDown, alt), false, "\x1b[1;3B"},
		{"ctrl+right", k(tea.KeyRight, ctrl), false, "\x1b[1;5C"},
		{"ctrl+left", k(tea.KeyLeft, ctrl), false, "\x1b[1;5D"},
		{"ctrl+right app mode", k(tea.KeyRight, ctrl), true, "\x1b[1;5C"},
		{"ctrl+shift+left", k(tea.KeyLeft, ctrl|shift), false, "\x1b[1;6D"},
		{"ctrl+alt+up", k(tea.KeyUp, ctrl|alt), false, "\x1b[1;7A"},
		{"ctrl+alt+shift+up", k(tea.KeyUp, ctrl|alt|shift), false, "\x1b[1;8A"},
		{"meta+up", k(tea.KeyUp, tea.ModMeta), false, "\x1b[1;9A"},
		{"shift+home", k(tea.KeyHome, shift), false, "\x1b[1;2H"},
		{"ctrl+end", k(tea.KeyEnd, ctrl), false, "\x1b[1;5F"},
		{"caps lock is not a modifier", k(tea.KeyUp, tea.ModCapsLock), false, "\x1b[A"},
		{"num lock is not a modifier", k(tea.KeyRight, ctrl|tea.ModNumLock), false, "\x1b[1;5C"},

		// Editing keys: CSI n ~ and CSI n;m ~.
		{"insert", k(tea.KeyInsert, 0), false, "\x1b[2~"},
		{"delete", k(tea.KeyDelete, 0), false, "\x1b[3~"},
		{"pgup", k(tea.KeyPgUp, 0), false, "\x1b[5~"},
		{"pgdown", k(tea.KeyPgDown, 0), false, "\x1b[6~"},
		{"pgup app mode", k(tea.KeyPgUp, 0), true, "\x1b[5~"},
		{"shift+pgup", k(tea.KeyPgUp, shift), false, "\x1b[5;2~"},
		{"ctrl+pgdown", k(tea.KeyPgDown, ctrl), false, "\x1b[6;5~"},
		{"ctrl+delete", k(tea.KeyDelete, ctrl), false, "\x1b[3;5~"},
		{"alt+insert", k(tea.KeyInsert, alt), false, "\x1b[2;3~"},

		// Function keys.
		{"F1", k(tea.KeyF1, 0), false, "\x1bOP"},
		{"F2", k(tea.KeyF2, 0), false, "\x1bOQ"},
		{"F3", k(tea.KeyF3, 0), false, "\x1bOR"},
		{"F4", k(tea.KeyF4, 0), false, "\x1bOS"},
		{"F5", k(tea.KeyF5, 0), false, "\x1b[15~"},
		{"F6", k(tea.KeyF6, 0), false, "\x1b[17~"},
		{"F7", k(tea.KeyF7, 0), false, "\x1b[18~"},
		{"F8", k(tea.KeyF8, 0), false, "\x1b[19~"},
		{"F9", k(tea.KeyF9, 0), false, "\x1b[20~"},
		{"F10", k(tea.KeyF10, 0), false, "\x1b[21~"},
		{"F11", k(tea.KeyF11, 0), false, "\x1b[23~"},
		{"F12", k(tea.KeyF12, 0), false, "\x1b[24~"},
		{"F1 app mode", k(tea.KeyF1, 0), true, "\x1bOP"},
		{"shift+F1", k(tea.KeyF1, shift), false, "\x1b[1;2P"},
		{"ctrl+F4", k(tea.KeyF4, ctrl), false, "\x1b[1;5S"},
		{"shift+F5", k(tea.KeyF5, shift), false, "\x1b[15;2~"},
		{"ctrl+F12", k(tea.KeyF12, ctrl), false, "\x1b[24;5~"},
		{"alt+F9", k(tea.KeyF9, alt), false, "\x1b[20;3~"},

		// Keypad in numeric mode.
		{"keypad 7", k(tea.KeyKp7, 0), false, "7"},
		{"keypad plus", k(tea.KeyKpPlus, 0), false, "+"},
		{"keypad up", k(tea.KeyKpUp, 0), true, "\x1bOA"},

		// Keys a terminal sends nothing for.
		{"lone shift", k(tea.KeyLeftShift, shift), false, ""},
		{"media key", k(tea.KeyMediaPlay, 0), false, ""},
		{"caps lock key", k(tea.KeyCapsLock, 0), false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := string(EncodeKey(tt.key, tt.appCursor))
			if got != tt.want {
				t.Errorf("EncodeKey(%v, appCursor=%v) = %q, want %q", tt.key, tt.appCursor, got, tt.want)
			}
		})
	}
}

// TestEncodeKeyRoundTrip decodes our bytes with Ultraviolet's decoder, the
// one Bubble Tea itself uses to read a real terminal: a program reading
// what we send sees the key the user pressed.
func TestEncodeKeyRoundTrip(t *testing.T) {
	keys := []tea.KeyPressMsg{
		k(tea.KeyUp, 0), k(tea.KeyDown, shift), k(tea.KeyRight, ctrl), k(tea.KeyLeft, alt),
		k(tea.KeyHome, ctrl|shift), k(tea.KeyEnd, 0), k(tea.KeyInsert, 0), k(tea.KeyDelete, ctrl),
		k(tea.KeyPgUp, shift), k(tea.KeyPgDown, alt|ctrl),
		k(tea.KeyF1, 0), k(tea.KeyF3, shift), k(tea.KeyF5, 0), k(tea.KeyF8, ctrl), k(tea.KeyF12, alt),
		k(tea.KeyEnter, 0), k(tea.KeyTab, 0), k(tea.KeyTab, shift), k(tea.KeyBackspace, 0),
		k('a', ctrl), k('x', ctrl|alt), k('b', alt),
	}
	for _, key := range keys {
		for _, app := range []bool{false, true} {
			b := EncodeKey(key, app)
			var dec uv.EventDecoder
			n, ev := dec.Decode(b)
			got, ok := keyEvent(ev)
			if !ok || n != len(b) {
				t.Errorf("%v (app=%v): %q decodes to %T %v using %d of %d bytes", key, app, b, ev, ev, n, len(b))
				continue
			}
			if got.Code != key.Code || got.Mod != key.Mod {
				t.Errorf("%v (app=%v): %q decodes to %v", key, app, b, got)
			}
		}
	}
}

// keyEvent finds the key press in a decoded event. ESC[1;2R (shift+F3) is
// also a cursor position report, so the decoder answers with both.
func keyEvent(ev uv.Event) (uv.KeyPressEvent, bool) {
	if multi, ok := ev.(uv.MultiEvent); ok {
		for _, e := range multi {
			if k, ok := e.(uv.KeyPressEvent); ok {
				return k, true
			}
		}
	}
	k, ok := ev.(uv.KeyPressEvent)
	return k, ok
}

func FuzzEncodeKey(f *testing.F) {
	f.Add(int32('a'), 0, "a", false)
	f.Add(int32('c'), int(ctrl), "", false)
	f.Add(int32(tea.KeyUp), int(ctrl|shift), "", true)
	f.Add(int32(tea.KeyF5), int(shift), "", false)
	f.Add(int32(tea.KeyExtended), 0, "👍🏽", false)
	f.Add(int32(-1), -1, "\xff", true)
	f.Add(int32(0x10ffff+1), int(alt|ctrl|shift|tea.ModMeta|tea.ModSuper), "", false)
	f.Fuzz(func(t *testing.T, code int32, mod int, text string, app bool) {
		key := tea.KeyPressMsg{Code: code, Mod: tea.KeyMod(mod), Text: text}
		b := EncodeKey(key, app)
		// Plain typed text goes out unchanged.
		if key.Mod == 0 && text != "" && utf8.ValidString(text) && !isSpecial(code) {
			if string(b) != text {
				t.Fatalf("text %q encoded as %q", text, b)
			}
		}
	})
}

// isSpecial reports whether code is one of the keys the encoder translates
// regardless of Text (named keys, keypad, function keys).
func isSpecial(code rune) bool {
	if _, ok := cursorKeys[code]; ok {
		return true
	}
	if _, ok := pfKeys[code]; ok {
		return true
	}
	if _, ok := tildeKeys[code]; ok {
		return true
	}
	if _, ok := keypadText[code]; ok {
		return true
	}
	switch code {
	case tea.KeyEnter, tea.KeyKpEnter, tea.KeyTab, tea.KeyBackspace, tea.KeyEscape, tea.KeySpace:
		return true
	}
	return false
}
