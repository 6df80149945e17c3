package ui

import (
	"strings"
	"syscall"
	"testing"
	"time"

	"vme50-tui/cgroup"
	"vme50-tui/record"
	"vme50-tui/runtime"
)

// The axis row under a graph: each event's letter under its sample's
// column, the newest one's words beside it; the data keeps the rows above.
func TestChartMarksAxis(t *testing.T) {
	c := Chart{Width: 20, Height: 2, Max: 8, Kind: Blocks}
	series := make([]float64, 20)
	series[19] = 8
	c.Marks = make([]Mark, len(series))
	c.Marks[0] = Mark{Glyph: 'S', Words: "start cgroup v1"}
	c.Marks[5] = Mark{Glyph: 'K', Words: "oom_kill vme50-hog"}
	checkChartRows(t, c.Rows(series),
		"                   █",
		"S    K oom_kill vme…",
	)
}

// Near the right edge the words go left of the letter, short of the
// mark before; two marks in one column show the higher ranked.
func TestChartMarksWordsLeft(t *testing.T) {
	c := Chart{Width: 12, Height: 2, Max: 8, Kind: Blocks}
	series := make([]float64, 12)
	c.Marks = make([]Mark, len(series))
	c.Marks[1] = Mark{Glyph: 'S', Words: "start", rank: 1}
	c.Marks[11] = Mark{Glyph: 'E', Words: "exit status 0", rank: 4}
	checkChartRows(t, c.Rows(series),
		"            ",
		" S exit s… E",
	)
	// Braille: samples 10 and 11 share a column; E outranks P.
	c.Marks[10] = Mark{Glyph: 'P', Words: "pause", rank: 2}
	c.Kind = Braille
	c.Width = 6
	checkChartRows(t, c.Rows(series)[1:], "S e… E")
	// No mark in view, or one row: no axis.
	c.Marks = make([]Mark, len(series))
	if rows := c.Rows(series); strings.TrimSpace(rows[1]) != "" || len(rows) != 2 {
		t.Errorf("rows %q", rows)
	}
}

// What the app tells waits for the next reading and is marked there;
// until then the graphs mark it at the newest sample.
func TestReadingsNoteMarkedAtNextReading(t *testing.T) {
	var r Readings
	r.Note(EventStart, "cgroup v1, hostname box", panelsT0)
	if p := r.Pending(); len(p) != 1 || p[0].Words() != "start cgroup v1, hostname box" {
		t.Fatalf("pending %+v", p)
	}
	s0 := panelSample(0)
	pushAt(&r, s0)
	if at := r.EventsAt(s0.Time); len(at) != 1 || at[0].Kind != EventStart || len(r.Pending()) != 0 {
		t.Fatalf("at the first reading %+v, pending %+v", at, r.Pending())
	}
	s1 := panelSample(250 * time.Millisecond)
	pushAt(&r, s1)
	r.Note(EventExit, ExitWords(runtime.Result{ExitCode: 137, Signal: syscall.SIGKILL, OOMKilled: true}), s1.Time)
	marks := r.marks(r.Memory())
	if len(marks) != 2 || marks[0].Glyph != 'S' || marks[1].Glyph != 'E' ||
		marks[1].Words != "exit status 137 (SIGKILL, OOM-killed)" {
		t.Errorf("marks %+v", marks)
	}
	got := Recorded(append(r.EventsAt(s1.Time), r.Pending()...))
	if len(got) != 1 || got[0] != (record.Event{Kind: record.EventExit, Detail: "status 137 (SIGKILL, OOM-killed)"}) {
		t.Errorf("recorded %+v", got)
	}
}

// An OOM kill is told in the counter's words until the kernel's report
// comes, before or after the counter; then it names the victim.
func TestReadingsOOMVictimJoined(t *testing.T) {
	victim := runtime.OOMKill{Task: "vme50-hog", PID: 4242, ContainerPID: 7, AnonRSS: 63 << 20}
	for _, reportFirst := range []bool{false, true} {
		var r Readings
		pushAt(&r, panelSample(0))
		if reportFirst {
			r.NoteVictims([]runtime.OOMKill{victim})
		}
		s := panelSample(250 * time.Millisecond)
		s.Memory.Events.OOMKill = 1
		pushAt(&r, s)
		if !reportFirst {
			if e := r.Events(); len(e) != 1 || e[0].Text != "oom_kill 0 -> 1" {
				t.Fatalf("before the report: %+v", e)
			}
			r.NoteVictims([]runtime.OOMKill{victim})
		}
		r.NoteVictims([]runtime.OOMKill{victim}) // the same list again: nothing new
		e := r.Events()
		if len(e) != 1 || e[0].Words() != "oom_kill vme50-hog pid 7 in the container, anon-rss 63.0 MiB" {
			t.Errorf("report first %v: %+v", reportFirst, e)
		}
	}
}

// The freezer's state changing is a pause or a resume, in its file's words.
func TestReadingsPauseResume(t *testing.T) {
	var r Readings
	r.SetFiles((&cgroup.Host{Version: cgroup.V1}).Files())
	s := panelSample(0)
	pushAt(&r, s)
	for _, frozen := range []bool{true, true, false} {
		s.Time = s.Time.Add(250 * time.Millisecond)
		s.Frozen = frozen
		pushAt(&r, s)
	}
	var words []string
	for _, e := range r.Events() {
		words = append(words, e.Words())
	}
	if got := strings.Join(words, "; "); got != "pause freezer.state FROZEN; resume freezer.state THAWED" {
		t.Errorf("events: %s", got)
	}
}

// A recording's readings bring their own events: the readings do not find
// the OOM kill or the limit change a second time.
func TestReadingsPushRecorded(t *testing.T) {
	var r Readings
	s := panelSample(0)
	r.PushRecorded(s, []record.Event{{Kind: record.EventStart, Detail: "cgroup v2"}}, s.Time)
	s.Time = s.Time.Add(250 * time.Millisecond)
	s.Memory.Events.OOMKill++
	s.Memory.Max /= 2
	r.PushRecorded(s, []record.Event{{Kind: record.EventOOMKill, Detail: "vme50-hog pid 7"}}, s.Time)
	var kinds []EventKind
	for _, e := range r.Events() {
		kinds = append(kinds, e.Kind)
	}
	if len(kinds) != 2 || kinds[0] != EventStart || kinds[1] != EventOOMKill || r.Events()[1].Text != "vme50-hog pid 7" {
		t.Errorf("events %+v", r.Events())
	}
	if !r.Flashing(s.Time).has(EventOOMKill) {
		t.Error("the recorded OOM kill does not flash")
	}
	// A row in the same millisecond as the one before: its events are
	// marked at that one.
	if r.PushRecorded(s, []record.Event{{Kind: record.EventExit, Detail: "status 137"}}, s.Time) {
		t.Error("a reading no newer than the last was taken")
	}
	if at := r.EventsAt(s.Time); len(at) != 2 || at[1].Kind != EventExit {
		t.Errorf("events at the last reading: %+v", at)
	}
}

// The pressure graph's strips share one axis, under the last strip; its
// label stays beside its strip.
func TestStallGraphAxis(t *testing.T) {
	var r Readings
	r.Note(EventStart, "cgroup v2", panelsT0)
	for i := range 4 {
		s := panelSample(time.Duration(i) * time.Second)
		s.Pressure = &cgroup.Pressure{IO: cgroup.PSI{Some: cgroup.PSILine{Total: uint64(i) * 500_000}}}
		pushAt(&r, s)
	}
	rows := (&stallGraph{r: &r}).draw(30, 1+3*3)
	last, above := stripANSI(rows[len(rows)-1]), stripANSI(rows[len(rows)-2])
	if !strings.HasPrefix(last, "    ") || !strings.Contains(last, "start cgroup v2 S") || !strings.HasPrefix(above, "io  ") {
		t.Errorf("the last strip's rows:\n%q\n%q", above, last)
	}
}

// The start's words name the cgroup version (a replay names the files by
// it), the hostname and the limits set, in the host's files.
func TestStartWords(t *testing.T) {
	v1 := (&cgroup.Host{Version: cgroup.V1}).Files()
	got := StartWords(cgroup.V1, v1, "box", cgroup.Limits{MemoryMax: 32 << 20, CPUQuotaUsec: 50000, PidsMax: 40})
	if want := "cgroup v1, hostname box, memory.limit_in_bytes 32.0 MiB, cpu.cfs_quota_us 0.50 cores, pids.max 40"; got != want {
		t.Errorf("StartWords = %q, want %q", got, want)
	}
	v2 := (&cgroup.Host{Version: cgroup.V2}).Files()
	if got := StartWords(cgroup.V2, v2, "", cgroup.Limits{}); got != "cgroup v2" {
		t.Errorf("no limits: %q", got)
	}
}

// The panels' memory and CPU graphs mark a limit lowered and a pause
// (from here or another terminal: the readings see the files change),
// with the newest event's words.
func TestPanelsMarkLimitAndPause(t *testing.T) {
	p, _ := newTestPanels(cgroup.V2)
	p.SetSize(50, 40)
	pushClimb(p, panelSample(0), 40)
	s := p.Readings().Last()
	s.Time = s.Time.Add(250 * time.Millisecond)
	s.CPU.UsageUsec += 100_000
	s.Memory.Max = 24 << 20
	p.Push(s)
	view := stripANSI(p.View())
	wantContains(t, view, "limit memory.max 24.0 MiB L")
	for i := range 4 { // two braille columns on: a column shows one mark
		s.Time = s.Time.Add(250 * time.Millisecond)
		s.Frozen = i == 3
		p.Push(s)
	}
	view = stripANSI(p.View())
	wantContains(t, view, "P: pause cgroup.freeze 1 L P")
	if n := strings.Count(view, "L P"); n < 2 {
		t.Errorf("the limit and the pause are marked on %d graphs, want memory's and the CPU's:\n%s", n, view)
	}
}
