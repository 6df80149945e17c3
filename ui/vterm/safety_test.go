package vterm

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
)

// Cells are drawn on the teacher's real terminal: nothing a container
// prints may become a cell the real terminal acts on (tmux prints no
// control either), and no cell may be drawn wider or narrower than it is.

func TestControlsNeverBecomeCells(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"C1 CSI as UTF-8", "a\u009b31mb", "a31mb"},
		{"C1 OSC and ST as UTF-8", "a\u009d52;c;eA==\u009cb", "a52;c;eA==b"},
		{"C1 NEL as UTF-8", "a\u0085b", "ab"},
		{"right-to-left override", "a\u202eb", "ab"},
		{"bidi isolate", "a\u2067b\u2069c", "abc"},
		{"byte order mark", "a\ufeffb", "ab"},
	}
	for _, c := range cases {
		term := feed(20, 1, c.in)
		wantScreen(t, term, c.want)
		for x := range 20 {
			for _, r := range term.CellAt(x, 0).Content {
				if unprintable(r) {
					t.Errorf("%s: cell %d holds %U", c.name, x, r)
				}
			}
		}
	}
}

// clusterRows are rows of clusters that vterm and the real terminal
// could measure differently, each ended by a '|' that must land on the
// column vterm says.
var clusterRows = []struct{ name, in string }{
	{"wide after a joiner on a narrow base", "a\u200d中中b|"},
	{"narrow after a joiner on a narrow base", "a\u200db|"},
	{"VS16 on a narrow heart", "\u2764\ufe0f|"},
	{"emoji ZWJ sequence", "👩\u200d💻|"},
	{"combining mark", "e\u0301|"},
}

func TestClustersKeepTheirCellsWidth(t *testing.T) {
	for _, c := range clusterRows {
		term := feed(12, 1, c.in)
		l := term.Row(0)
		for x := 0; x < l.Len(); {
			s, w := l.Text(x)
			if got := ansi.StringWidth(s); got != w {
				t.Errorf("%s: cell %d %q is %d wide to lipgloss, %d to vterm", c.name, x, s, got, w)
			}
			if got := ansi.StringWidthWc(s); got != w && !strings.Contains(c.name, "emoji") {
				t.Errorf("%s: cell %d %q is %d wide to wcwidth, %d to vterm", c.name, x, s, got, w)
			}
			x += max(w, 1)
		}
	}
	// a, ZWJ, 中 were one column (tmux 3.3a too); now 中 has its own two
	// and the joiner is gone from a, so the real terminal cannot join them.
	term := feed(12, 1, "a\u200d中|")
	wantScreen(t, term, "a中|")
	wantCursor(t, term, 4, 0)
}

// A full style table whose styles are all in use: each new truecolour
// pen compacted it again, freeing nothing (62 ms a pen at 10,000 lines
// of history). Now compactions are spread over half a table of pens.
func TestNewPensOnAFullStyleTableStayCheap(t *testing.T) {
	term := New(200, 50)
	var b strings.Builder
	for i := range maxStyles + 5000 { // every style in use by a cell
		fmt.Fprintf(&b, "\x1b[38;2;%d;%d;%dmX", i>>16&255, i>>8&255, i&255)
	}
	_, _ = term.WriteString(b.String())
	b.Reset()
	const pens = 100_000
	for i := range pens {
		fmt.Fprintf(&b, "\x1b[48;2;7;%d;%dmY", i>>8&255, i&255)
	}
	start := time.Now()
	_, _ = term.WriteString(b.String())
	// Minutes before; tens of milliseconds now. The bound is generous
	// for a loaded machine.
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("%d new pens on a full style table took %v", pens, d)
	}
	if n := len(term.styles.pens); n > maxStyles {
		t.Errorf("style table has %d entries", n)
	}
	// The last pen is drawn in its colour rounded to the palette.
	p := term.CursorPosition()
	bg := term.CellAt(p.X-1, p.Y).Style.Bg
	if bg == nil {
		t.Errorf("last cell lost its background")
	}
}

// DECSTR leaves the tab stops alone, as xterm and tmux 3.3a do.
func TestSoftResetKeepsTabStops(t *testing.T) {
	term := feed(20, 1, "\x1b[3G\x1bH\x1b[!p\r\tX")
	wantCursor(t, term, 3, 0)
}
