package runtime

import (
	"fmt"
	"testing"
	"time"
)

// A log that grows without end keeps its first lines and its newest, and
// says how many went between.
func TestKernelLogBounded(t *testing.T) {
	var l kernelLog
	for i := range 12000 {
		l.add(time.Unix(int64(i), 0), FromParent, fmt.Sprintf("line %d", i))
	}
	got := l.lines()
	if len(got) > maxLogEntries {
		t.Fatalf("%d lines kept, at most %d wanted", len(got), maxLogEntries)
	}
	if got[0].Text != "line 0" || got[logHead-1].Text != fmt.Sprintf("line %d", logHead-1) {
		t.Errorf("the first lines are gone: %q ... %q", got[0].Text, got[logHead-1].Text)
	}
	if last := got[len(got)-1].Text; last != "line 11999" {
		t.Errorf("the newest line is %q", last)
	}
	var left int
	if _, err := fmt.Sscanf(got[logHead].Text, "# %d lines left out", &left); err != nil {
		t.Fatalf("no line says what was left out: %q", got[logHead].Text)
	}
	if kept := len(got) - 1; kept+left != 12000 {
		t.Errorf("%d kept and %d said left out: %d, want 12000", kept, left, kept+left)
	}
}
