package vterm

import (
	"fmt"
	"os"
	"runtime"
	"strings"
	"testing"
)

// bytesPerLine is what a history line of cols cells costs: 8 bytes a
// cell and the line's 32-byte header in the ring.
func bytesPerLine(cols int) int { return cols*8 + 32 }

// TestHistoryMemory fills four 200x50 terminals, as four containers
// would, with a full history of 200-column coloured lines, and checks
// that the heap grew by no more than bytesPerLine per line (16.3 MB a
// terminal); it logs the process's RSS.
func TestHistoryMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("fills 65 MB")
	}
	const cols, rows, terms = 200, 50, 4
	var line strings.Builder
	for i := range cols / 10 {
		fmt.Fprintf(&line, "\x1b[38;5;%dm%-9d\x1b[m ", 16+i, i)
	}
	chunk := []byte(strings.Repeat(line.String(), 100)) // autowrap: one row each

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
	want := uint64(terms * DefaultScrollback * bytesPerLine(cols))
	t.Logf("%d terminals, %d history lines of %d columns each: heap +%.1f MB (bound %.1f MB); %s",
		terms, DefaultScrollback, cols, float64(grown)/1e6, float64(want)/1e6, rss())
	if grown > want*105/100 {
		t.Errorf("heap grew by %d bytes, more than %d", grown, want)
	}
	runtime.KeepAlive(all)
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
