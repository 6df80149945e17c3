package conformance

import "testing"

// TestParseCapture: the oracle's reader of capture-pane -p -e, on a
// capture as tmux 3.3a prints it, cell by cell.
func TestParseCapture(t *testing.T) {
	capture := "\x1b[1m\x1b[31mr\x1b[0m\x1b[39m\x1b[49m \x1b[38;5;200mx\x1b[48;2;10;20;30m中\x1b[39m\x1b[49me\u0301\x1b[4:3mu\n" +
		"\x0elq\x0f!\x1b[0m\n"
	s := parseCapture(capture, 8, 3)
	want := []struct {
		x, y int
		c    cell
	}{
		{0, 0, cell{text: "r", width: 1, fg: "i1", bold: true}},
		{1, 0, cell{text: " ", width: 1}},
		{2, 0, cell{text: "x", width: 1, fg: "i200"}},
		{3, 0, cell{text: "中", width: 2, fg: "i200", bg: "#0a141e"}},
		{4, 0, cell{text: "", width: 0, fg: "i200", bg: "#0a141e"}},
		{5, 0, cell{text: "e\u0301", width: 1}},
		{6, 0, cell{text: "u", width: 1, underline: 3}},
		{7, 0, cell{text: " ", width: 1, unseen: true}},
		// The pen carries over to the next line, as on a terminal.
		{0, 1, cell{text: "┌", width: 1, underline: 3}},
		{1, 1, cell{text: "─", width: 1, underline: 3}},
		{2, 1, cell{text: "!", width: 1, underline: 3}},
		{0, 2, cell{text: " ", width: 1, unseen: true}},
	}
	for _, w := range want {
		if got := s.cells[w.y][w.x]; got != w.c {
			t.Errorf("cell %d,%d: %v, want %v", w.x, w.y, got, w.c)
		}
	}
}
