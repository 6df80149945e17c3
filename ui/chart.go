package ui

import (
	"math"
	"slices"
	"strings"

	"charm.land/lipgloss/v2"

	"vme50-tui/runtime"
)

// A Chart draws a history of values as text, so a class can watch a number
// climb towards its limit. It is a filled area chart: every sample is a
// column that rises from the bottom to its value, the oldest sample on the
// left and the newest on the right, like a strip of paper in a chart
// recorder.
//
// The y-axis is fixed (Max), not scaled to the data: a memory graph whose
// top is memory.max shows how close the container is to the limit, which
// an auto-scaled graph would hide.
//
// A limit can change while the graph runs (ctrl+g u, `vme50-tui update`):
// with Limits, each sample carries the limit it was read under, the line
// steps where it changed, and a marker "▼48M" in the top row names the new
// value at that column, so cause and effect share one time axis.
//
// Events (the start, an OOM kill, a limit changed, a pause, a resume, the
// end) are marked with Marks: a letter in an axis row under the graph, at
// the column of the sample they happened at, and the newest one's words
// beside its letter where there is room:
//
//	⣿⣿⣿⣿⣿⣷⣄⣀⣀⣀
//	S    K oom_kill vme50-hog pid 7 …

// ChartKind picks the characters a Chart draws with.
type ChartKind int

const (
	// Braille draws each cell as a 2x4 grid of dots (U+2800..U+28FF): two
	// samples per cell, four levels per row. The most history in the
	// fewest columns.
	Braille ChartKind = iota
	// Blocks draws one sample per cell with the eighth blocks ▁▂▃▄▅▆▇█:
	// less history, but bolder on a projector.
	Blocks
)

// Limit line character: a dashed line, so it is not mistaken for data.
const limitRune = '┄'

// softRune draws a soft limit's line: finer dashes than the limit's.
const softRune = '╌'

// markRune points down at the column where a limit changed.
const markRune = '▼'

// Chart is a w x h cell chart of a series. The zero styles draw plain text.
type Chart struct {
	Width, Height int
	// Max is the value at the top edge; larger values are clipped to it.
	Max float64
	// Limit, when above zero and not above Max, is drawn as a dashed
	// horizontal line. Data in the line's row or above is drawn in
	// LimitStyle too, so the graph changes colour where it hits the limit.
	Limit float64
	// Limits, when as long as the series, is each sample's own limit (0:
	// none) and takes Limit's place: the line is drawn at each column's
	// limit, Max is raised to the highest limit shown (so an older,
	// higher line stays in view), and a change is marked in the top row
	// with LimitLabel's words for the new value.
	Limits     []float64
	LimitLabel func(float64) string
	// Soft, when above zero and not above Max, is a second line, drawn
	// with softRune in SoftStyle where the data leaves its row empty, and
	// data in its row or above (under the limit's) in SoftStyle too: a
	// limit that slows rather than stops (memory.high under memory.max).
	Soft float64
	Kind ChartKind
	// Marks, when as long as the series, is each sample's event mark
	// (the zero Mark: none). With a mark in view and two rows or more,
	// the bottom row is the axis that shows them.
	Marks []Mark

	DataStyle  lipgloss.Style
	LimitStyle lipgloss.Style
	MarkStyle  lipgloss.Style
	SoftStyle  lipgloss.Style
}

// A Mark is an event at a sample: its letter under the sample's column,
// in its style, and its words, shown for the newest mark in view.
type Mark struct {
	Glyph rune
	Style *lipgloss.Style // nil: plain; a pointer, as a graph has a Mark per sample
	Words string
	rank  int // of two marks in one column, the higher is shown
}

// cellKind says which style a cell is drawn in.
type cellKind int

const (
	cellBlank cellKind = iota
	cellData
	cellLimit // the dashed line, or data at or above the limit
	cellMark  // a limit change's marker
	cellSoft  // the soft limit's line
)

type cell struct {
	r    rune
	kind cellKind
	mark *Mark // an event's letter: drawn in its style
}

// Rows returns the chart as plain text, one string per row, top first:
// exactly Height rows of exactly Width cells.
func (c Chart) Rows(series []float64) []string {
	grid := c.grid(series)
	rows := make([]string, len(grid))
	for i, row := range grid {
		var b strings.Builder
		for _, cl := range row {
			b.WriteRune(cl.r)
		}
		rows[i] = b.String()
	}
	return rows
}

// Render returns the chart with its styles, rows joined by newlines.
func (c Chart) Render(series []float64) string {
	grid := c.grid(series)
	rows := make([]string, len(grid))
	for i, row := range grid {
		rows[i] = c.styleRow(row)
	}
	return strings.Join(rows, "\n")
}

// styleRow renders runs of cells of one kind with one style each, so a row
// costs a few escape sequences, not one per cell.
func (c Chart) styleRow(row []cell) string {
	var out, run strings.Builder
	kind := cellBlank
	flush := func() {
		out.WriteString(c.styleFor(kind).Render(run.String()))
		run.Reset()
	}
	for _, cl := range row {
		if cl.mark != nil {
			if run.Len() > 0 {
				flush()
			}
			if st := cl.mark.Style; st != nil {
				out.WriteString(st.Render(string(cl.r)))
			} else {
				out.WriteRune(cl.r)
			}
			continue
		}
		if cl.kind != kind && run.Len() > 0 {
			flush()
		}
		kind = cl.kind
		run.WriteRune(cl.r)
	}
	if run.Len() > 0 {
		flush()
	}
	return out.String()
}

func (c Chart) styleFor(kind cellKind) lipgloss.Style {
	switch kind {
	case cellData:
		return c.DataStyle
	case cellLimit:
		return c.LimitStyle
	case cellMark:
		return c.MarkStyle
	case cellSoft:
		return c.SoftStyle
	}
	return lipgloss.NewStyle()
}

// grid computes every cell: first the data, then the limit line in the
// cells of its row that the data left empty, then the markers of limit
// changes.
func (c Chart) grid(series []float64) [][]cell {
	if axis, ok := c.axisRow(series); ok {
		c.Height--
		c.Marks = nil
		return append(c.grid(series), axis)
	}
	w, h := max(c.Width, 0), max(c.Height, 0)
	grid := make([][]cell, h)
	for row := range grid {
		grid[row] = make([]cell, w)
	}
	if w == 0 || h == 0 {
		return grid
	}
	limits := c.columnLimits(series)
	if c.perSample(series) {
		for _, l := range limits {
			c.Max = max(c.Max, l) // an older, higher limit stays on the graph
		}
	}
	levels := c.levels(series)
	perCell := c.samplesPerCell()
	softRow := c.limitRow(c.Soft)
	for col := range w {
		column := levels[col*perCell : (col+1)*perCell]
		limitRow := c.limitRow(limits[col])
		for row := range h {
			cl := c.cellAt(column, h-1-row, row-limitRow)
			switch {
			case cl.kind == cellBlank && row == softRow:
				cl = cell{r: softRune, kind: cellSoft}
			case cl.kind == cellData && softRow >= 0 && row <= softRow:
				cl.kind = cellSoft // over the soft limit: its colour
			}
			grid[row][col] = cl
		}
	}
	if c.perSample(series) {
		c.drawMarks(grid[0], limits)
	}
	return grid
}

// perSample tells whether Limits gives each sample of series its limit.
func (c Chart) perSample(series []float64) bool {
	return len(series) > 0 && len(c.Limits) == len(series)
}

// columnLimits is the limit of each column: Limit for all of them, or,
// with Limits, the limit of the column's newest sample. Columns left of
// the first sample take its limit, so a short series has a whole line.
func (c Chart) columnLimits(series []float64) []float64 {
	out := make([]float64, c.Width)
	if !c.perSample(series) {
		for i := range out {
			out[i] = c.Limit
		}
		return out
	}
	per := c.samplesPerCell()
	slots := c.Width * per
	limits := c.Limits[max(len(c.Limits)-slots, 0):]
	offset := slots - len(limits)
	for col := range out {
		newest := (col+1)*per - 1 - offset // the sample in the column's last slot
		out[col] = limits[min(max(newest, 0), len(limits)-1)]
	}
	return out
}

// drawMarks writes "▼48M" into the top row where a column's limit differs
// from the column before: the arrow on the change's column, the label to
// its right, or to its left when the right edge is too near.
func (c Chart) drawMarks(top []cell, limits []float64) {
	for col := 1; col < len(limits); col++ {
		if limits[col] == limits[col-1] {
			continue
		}
		label := ""
		if c.LimitLabel != nil {
			label = c.LimitLabel(limits[col])
		}
		text, start := []rune(string(markRune)+label), col
		if col+len(text) > len(top) {
			text, start = []rune(label+string(markRune)), col-len([]rune(label))
		}
		if start < 0 {
			text, start = []rune{markRune}, col
		}
		for i, r := range text {
			top[start+i] = cell{r: r, kind: cellMark}
		}
	}
}

// axisRow is the row of event marks under the graph, when a mark is in
// view and the chart has two rows or more: each marked column's letter
// (of two in one column, the higher ranked), and the newest mark's words
// in the blank cells nearest to it that hold them (wordsGap), after its
// letter ("P: pause ...") when another mark stands between.
func (c Chart) axisRow(series []float64) ([]cell, bool) {
	if len(c.Marks) != len(series) || len(series) == 0 || c.Height < 2 || c.Width < 1 {
		return nil, false
	}
	per := c.samplesPerCell()
	slots := c.Width * per
	first := max(len(series)-slots, 0)
	offset := slots - (len(series) - first)
	row := make([]cell, c.Width)
	for i := range row {
		row[i] = cell{r: ' '}
	}
	newest := -1
	for i := first; i < len(series); i++ {
		m := &c.Marks[i]
		if m.Glyph == 0 {
			continue
		}
		col := (offset + i - first) / per
		if old := row[col].mark; old == nil || m.rank >= old.rank {
			row[col] = cell{r: m.Glyph, mark: m}
		}
		newest = col
	}
	if newest < 0 {
		return nil, false
	}
	// The words may come from a file anyone wrote (a recording played
	// back): what a terminal would act on is shown as '?'.
	words := []rune(runtime.Printable(row[newest].mark.Words))
	if lo, hi, ok := wordsGap(row, newest, len(words)); ok {
		if lo != newest+2 && hi != newest-1 {
			// Another mark between: the words say whose they are.
			words = append([]rune{row[newest].r, ':', ' '}, words...)
		}
		words = cutWords(words, hi-lo)
		if lo > newest {
			writeWords(row[lo:hi], words) // right of the mark: from its side
		} else {
			writeWords(row[hi-len(words):hi], words)
		}
	}
	return row, true
}

// wordsGap is where the newest mark's words go in the axis row: the
// blank cells (a space apart from any mark) nearest to it that hold n
// cells, or, when none does, the widest, to be cut short. The words never
// hide a mark: the kind's name they start with says which letter they
// tell. ok is false when no gap has two cells.
func wordsGap(row []cell, newest, n int) (lo, hi int, ok bool) {
	type gap struct{ lo, hi int }
	var gaps []gap
	for start := 0; start < len(row); {
		if row[start].mark != nil {
			start++
			continue
		}
		end := start
		for end < len(row) && row[end].mark == nil {
			end++
		}
		g := gap{start, end}
		if g.lo > 0 {
			g.lo++ // a space after the mark on its left
		}
		if g.hi < len(row) {
			g.hi-- // and before the one on its right
		}
		gaps = append(gaps, g)
		start = end
	}
	// Nearest first: the gap right of the newest mark, then leftwards.
	slices.SortStableFunc(gaps, func(a, b gap) int { return distance(a.lo, a.hi, newest) - distance(b.lo, b.hi, newest) })
	best := gap{}
	for _, g := range gaps {
		if g.hi-g.lo >= n {
			return g.lo, g.hi, true
		}
		if g.hi-g.lo > best.hi-best.lo {
			best = g
		}
	}
	return best.lo, best.hi, best.hi-best.lo >= 2
}

// distance is how far the cells lo..hi-1 are from col.
func distance(lo, hi, col int) int {
	if col < lo {
		return lo - col
	}
	return col - hi + 1
}

// writeWords writes words into cells, cut short to fit.
func writeWords(cells []cell, words []rune) {
	for i, r := range cutWords(words, len(cells)) {
		cells[i] = cell{r: r}
	}
}

// cutWords is words in at most n cells, "…" where they were cut.
func cutWords(words []rune, n int) []rune {
	switch {
	case n <= 0:
		return nil
	case len(words) > n:
		return append(words[:n-1:n-1], '…')
	}
	return words
}

// cellAt is the cell fromBottom rows up a column and belowLimit rows
// below the limit's row (0: in it; below every row without a limit): data
// where the column reaches the cell, in the limit's style in the limit's
// row and above it; the dashed line where the data left the limit's row
// empty; else blank.
func (c Chart) cellAt(column []int, fromBottom, belowLimit int) cell {
	r := c.cellRune(column, fromBottom)
	switch {
	case r != ' ' && belowLimit <= 0:
		return cell{r: r, kind: cellLimit}
	case r != ' ':
		return cell{r: r, kind: cellData}
	case belowLimit == 0:
		return cell{r: limitRune, kind: cellLimit}
	}
	return cell{r: ' ', kind: cellBlank}
}

func (c Chart) samplesPerCell() int {
	if c.Kind == Blocks {
		return 1
	}
	return 2
}

// levelsPerCell is how many steps of height one cell shows.
func (c Chart) levelsPerCell() int {
	if c.Kind == Blocks {
		return 8
	}
	return 4
}

// levels converts the newest Width*samplesPerCell values to heights in
// levels, right-aligned: a short series leaves the left side empty, and the
// newest sample is always the rightmost column.
func (c Chart) levels(series []float64) []int {
	slots := c.Width * c.samplesPerCell()
	out := make([]int, slots)
	if len(series) > slots {
		series = series[len(series)-slots:]
	}
	offset := slots - len(series)
	for i, v := range series {
		out[offset+i] = c.level(v)
	}
	return out
}

// level is a value's height in levels, 0..Height*levelsPerCell. Any value
// above zero gets at least one level, so a small but real reading (a few
// pages of memory, a sliver of CPU) never looks like nothing.
func (c Chart) level(v float64) int {
	top := c.Height * c.levelsPerCell()
	if !(v > 0) || !(c.Max > 0) { // also catches NaN
		return 0
	}
	if v >= c.Max {
		return top
	}
	n := int(math.Round(v / c.Max * float64(top)))
	return min(max(n, 1), top)
}

// limitRow is the row (0 = top) that holds limit's level, or -1 when
// there is no line to draw. A limit exactly on a row boundary belongs to
// the row below it: a limit equal to Max is the top row.
func (c Chart) limitRow(limit float64) int {
	if !(limit > 0) || !(c.Max > 0) || limit > c.Max {
		return -1
	}
	rowsBelowTop := int(math.Ceil(limit / c.Max * float64(c.Height)))
	return min(max(c.Height-rowsBelowTop, 0), c.Height-1)
}

// cellRune draws the cell at cellFromBottom (0 = bottom row) for the
// column's samples, or ' ' when no sample reaches it.
func (c Chart) cellRune(column []int, cellFromBottom int) rune {
	per := c.levelsPerCell()
	filled := make([]int, len(column))
	some := false
	for i, lv := range column {
		filled[i] = min(max(lv-cellFromBottom*per, 0), per)
		some = some || filled[i] > 0
	}
	switch {
	case !some:
		return ' '
	case c.Kind == Blocks:
		return []rune(" ▁▂▃▄▅▆▇█")[filled[0]]
	}
	return brailleRune(filled[0], filled[1])
}

// brailleDots are the bits of a braille character's dots, per column, from
// the bottom dot up. Unicode numbered the dots for six-dot braille first,
// so the bottom row (dots 7 and 8) has the high bits.
var brailleDots = [2][4]rune{
	{0x40, 0x04, 0x02, 0x01}, // left column: dots 7, 3, 2, 1
	{0x80, 0x20, 0x10, 0x08}, // right column: dots 8, 6, 5, 4
}

// brailleRune fills the bottom left dots of the left column and the bottom
// right dots of the right column.
func brailleRune(left, right int) rune {
	r := rune(0x2800)
	for i := range left {
		r |= brailleDots[0][i]
	}
	for i := range right {
		r |= brailleDots[1][i]
	}
	return r
}
