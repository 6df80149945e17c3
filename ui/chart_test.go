package ui

import (
	"math"
	"slices"
	"strings"
	"testing"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// checkChartRows fails unless rows are exactly want.
func checkChartRows(t *testing.T, got []string, want ...string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("chart rows:\n%s\nwant:\n%s", quoteChartRows(got), quoteChartRows(want))
	}
}

func quoteChartRows(rows []string) string {
	var b strings.Builder
	for _, r := range rows {
		b.WriteString("|" + r + "|\n")
	}
	return b.String()
}

func TestChartBraille(t *testing.T) {
	// Max 8 over 2 rows of 4 dots: one dot per unit. Two samples per
	// cell, left column first; 9 is above Max and clips to the top.
	c := Chart{Width: 3, Height: 2, Max: 8}
	checkChartRows(t, c.Rows([]float64{0, 2, 4, 6, 8, 9}),
		" ⢠⣿",
		"⢠⣿⣿",
	)
}

func TestChartBlocks(t *testing.T) {
	c := Chart{Width: 9, Height: 1, Max: 8, Kind: Blocks}
	checkChartRows(t, c.Rows([]float64{0, 1, 2, 3, 4, 5, 6, 7, 8}), " ▁▂▃▄▅▆▇█")

	// Two rows: 12 of 16 eighths is a full bottom cell and half the top.
	c = Chart{Width: 2, Height: 2, Max: 16, Kind: Blocks}
	checkChartRows(t, c.Rows([]float64{12, 3}),
		"▄ ",
		"█▃",
	)
}

func TestChartNewestAtRight(t *testing.T) {
	c := Chart{Width: 4, Height: 1, Max: 4, Kind: Blocks}
	// Short series: right-aligned, the left side empty.
	checkChartRows(t, c.Rows([]float64{4}), "   █")
	// Long series: only the newest Width samples show.
	checkChartRows(t, c.Rows([]float64{4, 4, 4, 0, 0, 0, 4}), "   █")
}

func TestChartTinyValueShows(t *testing.T) {
	// 1 of 1000 rounds to no dot; it still gets one, since it is not 0.
	c := Chart{Width: 1, Height: 1, Max: 1000}
	checkChartRows(t, c.Rows([]float64{0, 1}), "⢀")
}

func TestChartClipsAndIgnoresJunk(t *testing.T) {
	c := Chart{Width: 2, Height: 2, Max: 10}
	checkChartRows(t, c.Rows([]float64{1e18, 11, math.NaN(), -5}),
		"⣿ ",
		"⣿ ",
	)
	// No Max: nothing can be scaled, so nothing is drawn.
	checkChartRows(t, Chart{Width: 2, Height: 1}.Rows([]float64{1, 2, 3}), "  ")
}

func TestChartLimitRow(t *testing.T) {
	cases := []struct {
		limit float64
		row   int // -1: no line
	}{
		{100, 0},  // the limit is the top: the usual memory.max graph
		{60, 1},   // 2.4 rows up: inside row 1
		{50, 2},   // exactly 2 rows up: the top row of what is below it
		{1, 3},    // just above zero: the bottom row
		{0, -1},   // no limit
		{101, -1}, // above the chart: not drawn
		{math.NaN(), -1},
	}
	for _, tc := range cases {
		c := Chart{Width: 3, Height: 4, Max: 100, Limit: tc.limit}
		rows := c.Rows(nil)
		for i, r := range rows {
			want := "   "
			if i == tc.row {
				want = "┄┄┄"
			}
			if r != want {
				t.Errorf("limit %v: row %d = %q, want %q", tc.limit, i, r, want)
			}
		}
	}
}

func TestChartDataCoversLimitLine(t *testing.T) {
	// Data reaching the limit row replaces the dashes and is drawn in the
	// limit's style; data below stays in the data style.
	c := Chart{Width: 3, Height: 2, Max: 8, Limit: 8}
	checkChartRows(t, c.Rows([]float64{0, 0, 2, 2, 8, 8}),
		"┄┄⣿",
		" ⣤⣿",
	)
	grid := c.grid([]float64{0, 0, 2, 2, 8, 8})
	kinds := func(row int) []cellKind {
		var k []cellKind
		for _, cl := range grid[row] {
			k = append(k, cl.kind)
		}
		return k
	}
	if got, want := kinds(0), []cellKind{cellLimit, cellLimit, cellLimit}; !slices.Equal(got, want) {
		t.Errorf("top row kinds %v, want %v", got, want)
	}
	if got, want := kinds(1), []cellKind{cellBlank, cellData, cellData}; !slices.Equal(got, want) {
		t.Errorf("bottom row kinds %v, want %v", got, want)
	}
}

func TestChartEmptyIsBlank(t *testing.T) {
	for _, kind := range []ChartKind{Braille, Blocks} {
		rows := Chart{Width: 5, Height: 3, Max: 10, Kind: kind}.Rows(nil)
		checkChartRows(t, rows, "     ", "     ", "     ")
	}
}

func TestChartExactSize(t *testing.T) {
	series := []float64{3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9}
	styled := Chart{DataStyle: panelStyle.data, LimitStyle: panelStyle.limit}
	for _, size := range [][2]int{{1, 1}, {7, 3}, {40, 10}, {0, 2}, {3, 0}, {-1, -1}} {
		for _, kind := range []ChartKind{Braille, Blocks} {
			c := styled
			c.Width, c.Height, c.Max, c.Limit, c.Kind = size[0], size[1], 9, 6, kind
			rows := c.Rows(series)
			if len(rows) != max(size[1], 0) {
				t.Errorf("%dx%d: %d rows", size[0], size[1], len(rows))
			}
			for i, r := range rows {
				if w := ansi.StringWidth(r); w != max(size[0], 0) {
					t.Errorf("%dx%d: row %d is %d wide: %q", size[0], size[1], i, w, r)
				}
			}
			// Styling adds escape sequences, never cells.
			if c.Height > 0 && ansi.Strip(c.Render(series)) != strings.Join(rows, "\n") {
				t.Errorf("%dx%d: Render differs from Rows:\n%s", size[0], size[1], c.Render(series))
			}
		}
	}
}

func TestChartRenderStylesRuns(t *testing.T) {
	red := lipgloss.NewStyle().Foreground(lipgloss.Color("1"))
	c := Chart{Width: 4, Height: 1, Max: 4, Limit: 4, Kind: Blocks, LimitStyle: red}
	// One escape-wrapped run of four cells, not four runs of one.
	if got, want := c.Render(nil), red.Render("┄┄┄┄"); got != want {
		t.Errorf("Render = %q, want %q", got, want)
	}
}
