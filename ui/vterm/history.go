package vterm

// history is the scrollback: the lines that scrolled off the top of the
// main screen, oldest first, at most max of them, kept as a ring so that
// adding a line to a full history drops the oldest without moving the
// others.
//
// Memory: a line keeps the cells it had on the screen up to its last
// non-blank one, 8 bytes a cell, plus a 32-byte header: 10,000 full lines
// of 200 columns are at most 16.3 MB, 10,000 lines of `seq` 0.8 MB
// (TestHistoryMemory measures both).
type history struct {
	lines []line
	start int // index of the oldest line in lines
	n     int
	max   int
}

// push adds l as the newest line, dropping the oldest if full.
func (h *history) push(l line) {
	if h.max <= 0 {
		return
	}
	if h.n < h.max {
		// Storage grows as lines come; once full, it is a fixed ring.
		if h.n == len(h.lines) {
			h.lines = append(h.lines, l)
		} else {
			h.lines[(h.start+h.n)%len(h.lines)] = l
		}
		h.n++
		return
	}
	h.lines[h.start] = l
	h.start = (h.start + 1) % h.max
}

// at is line i, 0 being the oldest.
func (h *history) at(i int) *line {
	return &h.lines[(h.start+i)%len(h.lines)]
}

// popNewest removes and returns the newest line (a screen growing taller
// takes its lines back, as tmux does).
func (h *history) popNewest() line {
	h.n--
	i := (h.start + h.n) % len(h.lines)
	l := h.lines[i]
	h.lines[i] = line{}
	return l
}

// clear drops every line (ED 3).
func (h *history) clear() {
	h.lines, h.start, h.n = nil, 0, 0
}

// setMax changes the bound, keeping the newest lines.
func (h *history) setMax(n int) {
	n = max(n, 0)
	keep := min(h.n, n)
	// The ring's headers are allocated at once (32 bytes a line): grown
	// by append they would end up to twice the size.
	lines := make([]line, 0, n)
	for i := h.n - keep; i < h.n; i++ {
		lines = append(lines, *h.at(i))
	}
	h.lines, h.start, h.n, h.max = lines, 0, keep, n
}
