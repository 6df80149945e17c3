package conformance

import (
	"fmt"
	"strings"
)

// compare lists how the emulator's screen (got) differs from tmux's
// (want): its cells, its cursor, the screen it shows; nothing if alike.
func compare(want, got *screen) []string {
	var problems []string
	var diffs []string
	rows := map[int]bool{}
	for y := range want.rows {
		for x := range want.cols {
			w, g := want.cells[y][x], got.cells[y][x]
			if same(w, g) {
				continue
			}
			rows[y] = true
			if len(diffs) < 12 {
				diffs = append(diffs, fmt.Sprintf("row %d col %d:\n  tmux: %v\n  emu:  %v", y, x, w, g))
			}
		}
	}
	if len(rows) > 0 {
		var b strings.Builder
		for y := range want.rows {
			if rows[y] {
				fmt.Fprintf(&b, "row %2d tmux |%s|\n       emu  |%s|\n", y, want.line(y), got.line(y))
			}
		}
		problems = append(problems, fmt.Sprintf("%d rows differ from tmux:\n%s\n%s", len(rows), strings.Join(diffs, "\n"), b.String()))
	}
	// tmux keeps a cursor that waits to wrap one column past the last;
	// xterm keeps it on the last column (and reports it there), as
	// emulators do.
	if want.cursorX == want.cols {
		want.cursorX = want.cols - 1
	}
	if want.cursorX != got.cursorX || want.cursorY != got.cursorY {
		problems = append(problems, fmt.Sprintf("cursor at %d,%d; tmux has it at %d,%d", got.cursorX, got.cursorY, want.cursorX, want.cursorY))
	}
	if want.alt != got.alt {
		problems = append(problems, fmt.Sprintf("alternate screen %v; tmux's is %v", got.alt, want.alt))
	}
	return problems
}

// same tells whether the emulator's cell g shows what tmux's cell w does.
// Where tmux printed nothing (an erased end of a row, see parseCapture),
// the oracle knows only that the cell is blank. The right half of a wide
// character is compared as such; its attributes are its left half's.
func same(w, g cell) bool {
	if w.unseen {
		return g.text == " "
	}
	if w.text == "" || g.text == "" {
		return w.text == g.text
	}
	return w == g
}
