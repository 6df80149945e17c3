package ui

import (
	"slices"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// hostRows are three containers of another process, read twice a second
// apart: "big" holds the most memory and pids, "busy" used 0.9 cores and
// "small" 0.1, and "small" is the oldest.
func hostRows() (first, second []HostRow) {
	first = []HostRow{
		row("aaaa00000001", "small", 1000, 8<<20, 1_000_000, 1),
		row("bbbb00000002", "big", 2000, 40<<20, 5_000_000, 9),
		row("cccc00000003", "busy", 1500, 16<<20, 3_000_000, 3),
	}
	second = slices.Clone(first)
	for i, used := range []uint64{100_000, 0, 900_000} {
		second[i].Stats.Time = second[i].Stats.Time.Add(time.Second)
		second[i].Stats.CPU.UsageUsec += used
	}
	return first, second
}

// newTestHostView is a host view of w x h at second 3000, listed twice.
func newTestHostView(t *testing.T, w, h int) *HostView {
	t.Helper()
	v := NewHostView(1)
	v.SetSize(w, h)
	v.SetClock(func() time.Time { return time.Unix(3000, 0) })
	first, second := hostRows()
	v.SetRows(first, nil)
	v.SetRows(second, nil)
	return v
}

func hostnames(v *HostView) []string {
	var out []string
	for _, r := range v.Rows() {
		out = append(out, r.Hostname)
	}
	return out
}

// hostKeys sends keys to the view and returns the message of the last
// Cmd, if any.
func hostKeys(v *HostView, keys ...tea.KeyPressMsg) tea.Msg {
	var msg tea.Msg
	for _, k := range keys {
		_, cmd := v.Update(k)
		msg = nil
		if cmd != nil {
			msg = cmd()
		}
	}
	return msg
}

// s cycles the order: memory, CPU (the cores used between the two
// listings), pids, age (the oldest first), and memory again.
func TestHostViewSorts(t *testing.T) {
	v := newTestHostView(t, 120, 20)
	for _, want := range []struct {
		by    string
		order []string
	}{
		{"memory", []string{"big", "busy", "small"}},
		{"CPU", []string{"busy", "small", "big"}},
		{"pids", []string{"big", "busy", "small"}},
		{"age", []string{"small", "busy", "big"}},
		{"memory", []string{"big", "busy", "small"}},
	} {
		if got := hostnames(v); !slices.Equal(got, want.order) {
			t.Errorf("sorted by %s: %v, want %v", want.by, got, want.order)
		}
		if s := ansi.Strip(v.View()); !strings.Contains(s, "sorted by "+want.by) {
			t.Errorf("the title does not say sorted by %s:\n%s", want.by, s)
		}
		hostKeys(v, text("s"))
	}
}

// Each row: memory against its limit, the cores used against the quota,
// pids against their limit, state, age and owner.
func TestHostViewRow(t *testing.T) {
	v := newTestHostView(t, 120, 20)
	s := ansi.Strip(v.View())
	line := ""
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, "busy") {
			line = l
		}
	}
	for _, want := range []string{"cccc0000", "running", "25m00s", "16.0/64.0 MiB", "0.90/0.50", "3/64", "pid 4242", "/bin/sh"} {
		if !strings.Contains(line, want) {
			t.Errorf("the row of busy lacks %q: %q", want, line)
		}
	}
	if !strings.Contains(s, "Containers on this host: 3") {
		t.Errorf("no count:\n%s", s)
	}
}

// The cores need two readings: after one listing the cell says so.
func TestHostViewCoresNeedTwoReadings(t *testing.T) {
	v := NewHostView(1)
	v.SetSize(120, 10)
	first, _ := hostRows()
	v.SetRows(first, nil)
	if s := ansi.Strip(v.View()); !strings.Contains(s, "–/0.50") {
		t.Errorf("cores before two readings:\n%s", s)
	}
}

// / opens the filter line; what is typed keeps the rows that have every
// word in their id, hostname, command, state or owner; enter keeps the
// filter, esc clears it, and esc again closes the view.
func TestHostViewFilters(t *testing.T) {
	v := newTestHostView(t, 120, 20)
	hostKeys(v, text("/"), text("b"), text("u"))
	if got := hostnames(v); !slices.Equal(got, []string{"busy"}) {
		t.Errorf("filter bu: %v", got)
	}
	if s := ansi.Strip(v.View()); !strings.Contains(s, "/bu") || !strings.Contains(s, "filter bu: 1 shown") {
		t.Errorf("the filter line or the count is missing:\n%s", s)
	}
	// s is typed into the filter, not a sort.
	hostKeys(v, text("s"))
	if got := v.filter.Value(); got != "bus" || v.sort != sortMemory {
		t.Errorf("filter %q, sort %s", got, v.sort)
	}
	hostKeys(v, press(tea.KeyBackspace, 0), enter())
	if v.Filtering() || !slices.Equal(hostnames(v), []string{"busy"}) {
		t.Errorf("enter did not keep the filter: %v", hostnames(v))
	}
	if msg := hostKeys(v, esc()); msg != nil || len(v.Rows()) != 3 {
		t.Errorf("esc did not clear the filter: %v %v", msg, hostnames(v))
	}
	if msg := hostKeys(v, esc()); msg != (HostViewClosedMsg{}) {
		t.Errorf("esc without a filter: %v", msg)
	}
	hostKeys(v, text("/"), text("4"), text("2"), text("4"), text("2"))
	if len(v.Rows()) != 3 {
		t.Errorf("the owner's pid does not filter: %v", hostnames(v))
	}
	hostKeys(v, text("/"), text("x"))
	if s := ansi.Strip(v.View()); !strings.Contains(s, "no container matches the filter") {
		t.Errorf("nothing matches:\n%s", s)
	}
}

// The cursor stays on its container through re-sorts and listings; enter
// opens it, e asks for an exec into it.
func TestHostViewCursor(t *testing.T) {
	v := newTestHostView(t, 120, 20)
	hostKeys(v, press(tea.KeyDown, 0))
	if r, _ := v.Selected(); r.Hostname != "busy" {
		t.Fatalf("down: %q", r.Hostname)
	}
	hostKeys(v, text("s")) // by CPU: busy first
	if r, _ := v.Selected(); r.Hostname != "busy" {
		t.Errorf("the cursor left busy on a re-sort: %q", r.Hostname)
	}
	if msg := hostKeys(v, enter()); msg != (HostOpenMsg{ID: "cccc00000003", Name: "busy"}) {
		t.Errorf("enter: %v", msg)
	}
	if msg := hostKeys(v, text("e")); msg != (HostExecMsg{ID: "cccc00000003", Name: "busy"}) {
		t.Errorf("e: %v", msg)
	}
	// busy ends: the cursor goes to a row still there.
	_, second := hostRows()
	v.SetRows(slices.Delete(second, 2, 3), nil)
	if r, ok := v.Selected(); !ok || r.Hostname == "busy" {
		t.Errorf("the cursor is on %q after busy ended", r.Hostname)
	}
}

// k asks before it stops: any key but y keeps the container.
func TestHostViewStopAsks(t *testing.T) {
	v := newTestHostView(t, 120, 20)
	if msg := hostKeys(v, text("k")); msg != nil {
		t.Fatalf("k stopped at once: %v", msg)
	}
	if q := v.Question(); !strings.Contains(q, "Stop big?") || !strings.Contains(q, "y: stop") {
		t.Errorf("question %q", q)
	}
	if msg := hostKeys(v, text("n")); msg != nil || v.Question() != "" {
		t.Errorf("n: %v, question %q", msg, v.Question())
	}
	if msg := hostKeys(v, text("k"), text("y")); msg != (HostStopMsg{ID: "bbbb00000002", Name: "big"}) {
		t.Errorf("k y: %v", msg)
	}
}

// A narrow screen drops the columns that matter least, never the id,
// hostname or the three readings.
func TestHostViewNarrow(t *testing.T) {
	v := newTestHostView(t, 60, 10)
	for i, l := range strings.Split(ansi.Strip(v.View()), "\n") {
		if w := ansi.StringWidth(l); w != 60 {
			t.Errorf("line %d is %d wide: %q", i, w, l)
		}
	}
	s := ansi.Strip(v.View())
	for _, want := range []string{"ID", "HOSTNAME", "MEMORY", "CORES", "PIDS", "busy", "16.0/64.0 MiB"} {
		if !strings.Contains(s, want) {
			t.Errorf("60 columns lack %q:\n%s", want, s)
		}
	}
}

func TestHostViewEmptyAndError(t *testing.T) {
	v := NewHostView(1)
	v.SetSize(80, 10)
	if s := ansi.Strip(v.View()); !strings.Contains(s, "reading the containers") {
		t.Errorf("before a listing:\n%s", s)
	}
	v.SetRows(nil, nil)
	if s := ansi.Strip(v.View()); !strings.Contains(s, "no vme50 container runs on this host") {
		t.Errorf("no container:\n%s", s)
	}
	if msg := hostKeys(v, enter()); msg != nil {
		t.Errorf("enter on no row: %v", msg)
	}
}

// A command line is anyone's to choose: one holding escape sequences (a
// window title, a cleared screen) is shown as ps shows it, never sent to
// the terminal.
func TestHostViewCommandPrintable(t *testing.T) {
	v := NewHostView(1)
	v.SetSize(120, 20)
	v.SetClock(func() time.Time { return time.Unix(3000, 0) })
	rows, _ := hostRows()
	rows[0].Args = []string{"/bin/sh", "-c", "echo \x1b]0;owned\a\x1b[2J"}
	v.SetRows(rows, nil)
	s := v.View()
	if strings.Contains(s, "\x1b]0;owned") || strings.Contains(s, "\x1b[2J") {
		t.Errorf("the command's escape sequences reached the screen: %q", s)
	}
	if !strings.Contains(ansi.Strip(s), "?]0;owned??[2J") {
		t.Errorf("the command is not shown with '?' for what a terminal acts on:\n%s", ansi.Strip(s))
	}
}
