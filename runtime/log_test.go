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

// A file of the container's cgroup is logged by its name, but tasks, which
// our thread writes in every v1 hierarchy to fork init there, by its path.
func TestCgroupChangeNames(t *testing.T) {
	c := &Container{id: "abc"}
	c.logCgroupChange("write", "/sys/fs/cgroup/memory/vme50/abc/memory.limit_in_bytes", "1024")
	c.logCgroupChange("write", "/sys/fs/cgroup/pids/vme50/abc/tasks", "0")
	got := c.Log()
	if len(got) != 2 || got[0].Text != "memory.limit_in_bytes <- 1024" || got[1].Text != "/sys/fs/cgroup/pids/vme50/abc/tasks <- 0" {
		t.Errorf("logged %+v", got)
	}
}
