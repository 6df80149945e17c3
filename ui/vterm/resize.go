package vterm

// Resize changes the screen's size the way tmux does, without reflowing
// text: lines are cut or padded on the right; a shorter screen first
// loses the lines below the cursor, then pushes lines off the top
// into the history, so the cursor's line stays in view; a taller one
// takes lines back from the history. The scroll region becomes the
// whole screen and tab stops go back to every 8 columns.
func (t *Terminal) Resize(cols, rows int) {
	cols, rows = max(cols, 1), max(rows, 1)
	if cols == t.cols && rows == t.rows {
		return
	}
	alt := t.IsAltScreen() // asked once: the screens are replaced below
	mainY, altY := t.y, t.y
	if alt {
		mainY = t.rows - 1
		if t.altSave.set {
			mainY = t.altSave.y
		}
	}
	var moved int
	t.main, moved = t.resizeScreen(t.main, cols, rows, mainY, true)
	if alt {
		t.altSave.y = min(max(t.altSave.y+moved, 0), rows-1)
	} else {
		t.y += moved
	}
	t.alt, moved = t.resizeScreen(t.alt, cols, rows, altY, false)
	if alt {
		t.y += moved
		t.scr = t.alt
	} else {
		t.scr = t.main
	}
	t.cols, t.rows = cols, rows
	t.x, t.y = min(t.x, cols-1), min(max(t.y, 0), rows-1)
	t.top, t.bot = 0, rows-1
	t.resetTabs(0)
}

// resizeScreen makes s's lines cols x rows. curY is the cursor's row on
// s; moved is how far that row moved down (negative: up).
func (t *Terminal) resizeScreen(s *screen, cols, rows, curY int, main bool) (*screen, int) {
	lines := make([]line, 0, max(rows, t.rows))
	for y := range t.rows {
		lines = append(lines, *s.row(y))
	}
	moved := 0
	if len(lines) > rows {
		// Lines under the cursor go first, then lines off the top.
		for len(lines) > rows && len(lines)-1 > curY {
			lines = lines[:len(lines)-1]
		}
		if extra := len(lines) - rows; extra > 0 {
			for i := range lines[:extra] {
				if main {
					t.hist.push(t.keepLine(&lines[i]))
				}
			}
			lines = lines[extra:]
			moved = -extra
		}
	} else if len(lines) < rows {
		if main {
			pulled := min(rows-len(lines), t.hist.n)
			back := make([]line, pulled)
			for i := pulled - 1; i >= 0; i-- {
				back[i] = t.hist.popNewest()
			}
			lines = append(back, lines...)
			moved = pulled
		}
		for len(lines) < rows {
			lines = append(lines, line{})
			lines[len(lines)-1].clear(cols, 0)
		}
	}
	for i := range lines {
		lines[i].cells = fitCells(lines[i].cells, cols)
	}
	return &screen{lines: lines}, moved
}

// fitCells cuts or pads a line to cols cells; a wide character cut in
// half becomes a blank.
func fitCells(cs []cell, cols int) []cell {
	if len(cs) >= cols {
		cs = cs[:cols]
		if cols > 0 && cs[cols-1].wide == wide {
			cs[cols-1] = blank(cs[cols-1].style)
		}
		return cs
	}
	out := make([]cell, cols)
	copy(out, cs)
	fill(out[len(cs):], blank(0))
	return out
}
