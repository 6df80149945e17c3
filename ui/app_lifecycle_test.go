package ui

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"vme50-tui/record"
	"vme50-tui/runtime"
)

// A recording made by the TUI keeps the events: the start in the first
// row, the OOM kill in the row of the reading whose counter went up,
// naming the victim the kernel reported a moment after that reading, and
// the exit in the last row.
func TestRecordingKeepsEvents(t *testing.T) {
	a, _ := onContainerScreen(t, 120, 30)
	path := filepath.Join(t.TempDir(), "box.csv")
	o := prefilled(t)
	spec, err := o.Spec()
	if err != nil {
		t.Fatal(err)
	}
	f := withPlannedTab(t, a, plan{FormValues{Options: o, Record: path}, spec}, "cccccccc0004")
	killed := cpuReading(3001, 2000)
	killed.Memory.Events.OOMKill = 1
	drive(a, statsMsg{id: "cccccccc0004", stats: cpuReading(3000, 1000)})
	drive(a, statsMsg{id: "cccccccc0004", stats: killed})
	f.addVictim(runtime.OOMKill{Task: "vme50-hog", PID: 4242, ContainerPID: 7, AnonRSS: 30 << 20})
	final := cpuReading(3002, 2500)
	final.Memory.Events.OOMKill = 1
	drive(a, endedMsg{id: "cccccccc0004", result: runtime.Result{ExitCode: 137, Signal: syscall.SIGKILL,
		OOMKills: 1, OOMKilled: true, Stats: final}})

	file, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	rec, err := record.Read(file)
	if err != nil {
		t.Fatal(err)
	}
	var rows []string
	for _, s := range rec.Samples {
		rows = append(rows, record.FormatEvents(s.Events))
	}
	want := []string{
		"start cgroup v2, hostname " + spec.Hostname, // then its limits, if any
		"limit memory.max max",                       // withPlannedTab's reading had one, cpuReading has none
		"oom_kill vme50-hog pid 7 in the container, anon-rss 30.0 MiB",
		"exit status 137 (SIGKILL, OOM-killed)",
	}
	if len(rows) != len(want) {
		t.Fatalf("rows' events %q, want %q", rows, want)
	}
	for i := range want {
		if !strings.HasPrefix(rows[i], want[i]) {
			t.Errorf("row %d: events %q, want %q", i+1, rows[i], want[i])
		}
	}
}
