package vterm

import (
	"fmt"
	"os"
	"runtime"
	"strings"
	"testing"
)

// bytesPerLine is what a history line of n cells costs: 8 bytes a cell
// and the line's 32-byte header in the ring.
func bytesPerLine(n int) int { return n*8 + 32 }

// TestHistoryMemory fills four 200x50 terminals, as four containers
// would, with a full history, and checks that the heap grew by no more
// than bytesPerLine per line: for 200-column coloured lines, 16.3 MB a
// terminal; for the lines of seq (6 cells kept each), 0.8 MB. It logs the
// process's RSS.
func TestHistoryMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("fills 65 MB")
	}
	var wide strings.Builder
	for i := range 20 {
		fmt.Fprintf(&wide, "\x1b[38;5;%dm%-9d\x1b[m ", 16+i, i)
	}
	for _, tc := range []struct {
		name  string
		line  string // what one row shows (autowrap ends the 200-column one)
		cells int    // what the history keeps of it
	}{
		{"200 columns coloured", wide.String(), 200},
		{"seq", "123456\r\n", 6},
	} {
		t.Run(tc.name, func(t *testing.T) {
			const cols, rows, terms = 200, 50, 4
			chunk := []byte(strings.Repeat(tc.line, 100))
			before := heapInUse()
			all := make([]*Terminal, terms)
			for i := range all {
				all[i] = New(cols, rows)
				for range (DefaultScrollback+rows)/100 + 1 {
					_, _ = all[i].Write(chunk)
				}
				if n := all[i].ScrollbackLen(); n != DefaultScrollback {
					t.Fatalf("history holds %d lines, want %d", n, DefaultScrollback)
				}
			}
			grown := heapInUse() - before
			// On top of the history: the screens (two per terminal), and
			// up to two slabs a terminal not all in use (the newest one,
			// and the oldest, whose first lines the history dropped).
			screens := terms * 2 * rows * bytesPerLine(cols)
			slabs := terms * 2 * slabCells * 8
			want := uint64(terms*DefaultScrollback*bytesPerLine(tc.cells) + screens + slabs)
			t.Logf("%d terminals, %d history lines of %d cells each: heap +%.1f MB (bound %.1f MB); %s",
				terms, DefaultScrollback, tc.cells, float64(grown)/1e6, float64(want)/1e6, rss())
			if grown > want*105/100 {
				t.Errorf("heap grew by %d bytes, more than %d", grown, want)
			}
			runtime.KeepAlive(all)
		})
	}
}

func heapInUse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}

// rss is the process's resident set size as /proc tells it.
func rss() string {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "RSS unknown"
	}
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "VmRSS:") {
			return "RSS " + strings.Join(strings.Fields(l)[1:], " ")
		}
	}
	return "RSS unknown"
}
