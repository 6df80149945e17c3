package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"vme50-tui/cgroup"
	"vme50-tui/runtime"
)

// psSample is a container's reading: 12.3 MiB of 64 MiB, a quota of half
// a core, 3 of 40 processes.
func psSample() runtime.Sample {
	return runtime.Sample{
		Stats: cgroup.Stats{
			Memory: cgroup.MemoryStats{Current: 12897484, Max: 64 << 20},
			CPU:    cgroup.CPUStats{QuotaUsec: 50000, PeriodUsec: 100000},
			Pids:   cgroup.PidsStats{Current: 3, Max: 40},
		},
		Cores: 0.25, CoresOK: true,
	}
}

func psTestRows() []psRow {
	created := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	limited := newPsRow(runtime.Meta{ID: "3f2a9c1d0b7e", Hostname: "web", Created: created,
		Args: []string{"/bin/sh", "-c", "while :; do vme50-hog mem --max 200M; done"}},
		runtime.StateRunning, 4242, psSample(), 192*time.Second)
	free := psSample()
	free.Stats.Memory.Max, free.Stats.Pids.Max, free.Stats.CPU.QuotaUsec = cgroup.Unlimited, cgroup.Unlimited, cgroup.Unlimited
	unlimited := newPsRow(runtime.Meta{ID: "ab12cd34ef56", Hostname: "db", Created: created, Args: []string{"sleep", "1000"}},
		runtime.StateStopping, 77, free, 2*time.Hour+4*time.Minute+30*time.Second)
	unread := newPsRow(runtime.Meta{ID: "c0ffee000001", Hostname: "new"},
		runtime.StateStarting, 78, runtime.Sample{Err: errors.New("no cgroup yet")}, 0)
	return []psRow{limited, unlimited, unread}
}

func TestPsTable(t *testing.T) {
	var out bytes.Buffer
	if err := writePsTable(&out, psTestRows()); err != nil {
		t.Fatal(err)
	}
	want := `ID             HOSTNAME   STATE      OWNER   COMMAND                          UPTIME   MEMORY                CPU           PIDS
3f2a9c1d0b7e   web        running    4242    /bin/sh -c 'while :; do vme50…   3m12s    12.3 MiB / 64.0 MiB   0.25 / 0.50   3 / 40
ab12cd34ef56   db         stopping   77      sleep 1000                       2h04m    12.3 MiB / max        0.25          3 / max
c0ffee000001   new        starting   78                                       0s       -                     -             -
`
	if out.String() != want {
		t.Errorf("table:\n%s\nwant:\n%s", out.String(), want)
	}
}

// No container: the header alone; --json: [].
func TestPsEmpty(t *testing.T) {
	var table, js bytes.Buffer
	writePsTable(&table, psRows(nil, nil, nil))
	if got := table.String(); !strings.HasPrefix(got, "ID ") || strings.Count(got, "\n") != 1 {
		t.Errorf("table %q, want the header alone", got)
	}
	writePsJSON(&js, psRows(nil, nil, nil))
	if got := js.String(); got != "[]\n" {
		t.Errorf("json %q, want []", got)
	}
}

func TestPsJSON(t *testing.T) {
	var out bytes.Buffer
	if err := writePsJSON(&out, psTestRows()); err != nil {
		t.Fatal(err)
	}
	var got []map[string]any
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if len(got) != 3 {
		t.Fatalf("%d objects", len(got))
	}
	want := map[string]any{
		"id": "3f2a9c1d0b7e", "hostname": "web", "state": "running", "owner_pid": 4242.0,
		"command":        []any{"/bin/sh", "-c", "while :; do vme50-hog mem --max 200M; done"},
		"created":        "2026-03-01T10:00:00Z",
		"uptime_seconds": 192.0, "memory_bytes": 12897484.0, "memory_limit_bytes": 67108864.0,
		"cpu_cores": 0.25, "cpu_quota_cores": 0.5, "pids": 3.0, "pids_limit": 40.0,
	}
	for k, v := range want {
		if g, ok := got[0][k]; !ok || !equalJSON(g, v) {
			t.Errorf("%s = %v, want %v", k, g, v)
		}
	}
	if len(got[0]) != len(want) {
		t.Errorf("keys %v, want those of %v", got[0], want)
	}
	for _, k := range []string{"memory_limit_bytes", "cpu_quota_cores", "pids_limit"} {
		if v, ok := got[1][k]; !ok || v != nil {
			t.Errorf("no limit: %s = %v, want null", k, v)
		}
	}
	for _, k := range []string{"memory_bytes", "cpu_cores", "pids"} {
		if v, ok := got[2][k]; !ok || v != nil {
			t.Errorf("unread: %s = %v, want null", k, v)
		}
	}
}

func equalJSON(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return bytes.Equal(x, y)
}

func TestCommandColumn(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"sleep", "1000"}, "sleep 1000"},
		{[]string{"sh", "-c", "echo 'hi'"}, `sh -c 'echo '\''hi'\'''`},
		{[]string{"printf", ""}, "printf ''"},
		{[]string{"sh", "-c", "a\nb"}, "sh -c 'a b'"},
		{[]string{"echo", "\x1b]0;pwned\a\x1b[2J"}, "echo ?]0;pwned??[2J"}, // no terminal's escape gets through
		{[]string{strings.Repeat("é", 40)}, strings.Repeat("é", 29) + "…"},
		{nil, ""},
	} {
		if got := commandColumn(c.args); got != c.want {
			t.Errorf("commandColumn(%q) = %q, want %q", c.args, got, c.want)
		}
	}
}
