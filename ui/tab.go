package ui

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	tea "charm.land/bubbletea/v2"
	"golang.org/x/sys/unix"

	"vme50-tui/cgroup"
	"vme50-tui/record"
	"vme50-tui/runtime"
)

// A tab is one container: its terminal pane and its cgroup panels. It
// outlives the container, so the class can read how it ended. A tab is
// one of three kinds: a container this TUI started, one started elsewhere
// and attached from the host view (its panels, no terminal), or a command
// exec'd into a container (its own terminal, the container's panels).
type tab struct {
	// key names the tab in the messages of its container and pane: the
	// container's id, and for an exec one of its own (an exec's ID is its
	// container's, which may have a tab too).
	key        string
	kind       tabKind
	c          Container
	plan       plan      // what it was started from, to restart with
	exec       *execPlan // an exec's: what was exec'd into which container
	owner      int       // an attached container's owner pid
	pane       *Pane     // nil without a terminal (an attached container)
	panels     *Panels
	log        *KernelLog
	rec        *record.File   // nil without one
	lessonView memoOf[[2]int] // the lesson's box beside the panels, by width and rows
	ended      bool
	restarting bool // r was pressed: a new container is on its way
	freezing   bool // f was pressed: the freezer's write is under way
	result     runtime.Result

	// procs is its process list (ctrl+g t), made when first shown
	// (App.procList).
	procs *ProcList
	// oom follows its OOM kills until the status has told of each
	// (procs_oom.go).
	oom oomNews
}

// A plan is what one container is started from: the form's values and
// the Spec checked from them.
type plan struct {
	FormValues
	Spec runtime.Spec
}

// twins are the plans of a lesson's other containers, started with p.
func (p plan) twins() ([]plan, error) {
	if p.Lesson == nil {
		return nil, nil
	}
	var out []plan
	for _, change := range p.Lesson.Twins {
		t := p
		change(&t.Options)
		spec, err := t.Options.Spec()
		if err != nil {
			return nil, err
		}
		t.Spec = spec
		if p.Record != "" {
			// One file per container: out.csv, out-weight-400.csv.
			ext := filepath.Ext(p.Record)
			t.Record = strings.TrimSuffix(p.Record, ext) + "-" + t.Options.Hostname + ext
		}
		out = append(out, t)
	}
	return out, nil
}

// tabKind is where a tab's container came from.
type tabKind int

const (
	tabStarted  tabKind = iota // started by this TUI: its terminal and panels
	tabAttached                // started elsewhere: its panels alone
	tabExec                    // a command exec'd into a container
)

// name is the tab's container as a person calls it: its hostname, or its
// short id when it has no hostname of its own.
func (t *tab) name() string {
	if h := t.c.Spec().Hostname; h != "" && h != t.c.ID() {
		return h
	}
	return shortID(t.c.ID())
}

// Messages of the container lifecycle.
type (
	// Of a tab: endedMsg and statsMsg name it by its key.
	startedMsg struct {
		c    Container
		plan plan
		// replaceID is the container whose tab a restart replaces, or ""
		// for a new tab. An id, not an index: tabs may close meanwhile.
		replaceID string
	}
	endedMsg struct {
		id     string
		result runtime.Result
	}
	statsMsg struct {
		id    string
		stats cgroup.Stats
		disk  diskReading
		net   netSample
	}
	// sampleTickMsg asks for a reading of every container now, as a
	// tick would (the tests' tick: the sampler's own is a statsBatchMsg).
	sampleTickMsg struct{}
	shutdownMsg   struct{}
)

// startContainer starts a container with a terminal of cols x rows.
// Starting takes a few milliseconds of kernel work, so it runs as a Cmd,
// off the UI's goroutine.
func startContainer(start starter, all *registry, p plan, cols, rows int, replaceID string) tea.Cmd {
	return func() tea.Msg {
		// A copy for this start; the tab keeps the plan's spec as the form
		// made it, to restart with.
		s := p.Spec
		s.Tty = true
		s.TtyRows, s.TtyCols = uint16(rows), uint16(cols)
		// x/vt emulates an xterm with 256 colours.
		s.Env = slices.Concat(p.Spec.Env, []string{"TERM=xterm-256color"})
		c, err := start(s)
		if err != nil {
			return errMsg{fmt.Errorf("container did not start: %w", err)}
		}
		all.add(c)
		return startedMsg{c: c, plan: p, replaceID: replaceID}
	}
}

// waitContainer reports the end of tab key's container, once it is
// cleaned up.
func waitContainer(key string, c Container) tea.Cmd {
	return func() tea.Msg { return endedMsg{id: key, result: c.Wait()} }
}

// sampleEvery ticks the sampler: after d it reads the containers named
// (those that ran at the last tick), on the timer's own goroutine, and
// brings their readings as the tick. One goroutine and one message a
// tick: on a virtual machine every wakeup of a thread is dear, and a tick
// that woke the app, which then started a Cmd to read, which then woke
// it again, cost three (issue 13). A container started since has its
// first reading read by showTab, and joins at the next tick.
func sampleEvery(d time.Duration, keys []string, cs []Container) tea.Cmd {
	return tea.Tick(d, func(time.Time) tea.Msg {
		return statsBatchMsg{readings: readAll(keys, cs), tick: true}
	})
}

// readStats reads the cgroup files of tab key's container, its layer's
// use and its eth0's counters, off the UI's goroutine.
func readStats(key string, c Container) tea.Cmd {
	return func() tea.Msg {
		if m, ok := statsOf(key, c); ok {
			return m
		}
		return nil // it ended between the tick and now: endedMsg follows
	}
}

// statsBatchMsg is the readings of every running container, read in
// one go: one message, so one Update and one View a tick however many
// containers run (a Cmd each woke a goroutine and drew a View each).
type statsBatchMsg struct {
	readings []statsMsg
	tick     bool // the sampler's tick (sampleEvery): the next one is due
}

// readAllStats reads the containers now, in a Cmd.
func readAllStats(keys []string, cs []Container) tea.Cmd {
	return func() tea.Msg { return statsBatchMsg{readings: readAll(keys, cs)} }
}

// readAll reads every container, one after another: a reading takes some
// twenty small files, tens of microseconds, so ten in a row hold nothing
// up.
func readAll(keys []string, cs []Container) []statsMsg {
	var out []statsMsg
	for i, c := range cs {
		if m, ok := statsOf(keys[i], c); ok {
			out = append(out, m)
		}
	}
	return out
}

// statsOf reads one container; false when it ended between the tick and
// now (its endedMsg follows).
func statsOf(key string, c Container) (statsMsg, bool) {
	st, err := c.Stats()
	if err != nil {
		return statsMsg{}, false
	}
	var d diskReading
	d.used, d.size, err = c.DiskUsage()
	d.ok = err == nil
	n := netSample{time: st.Time}
	if c.Spec().Network == runtime.NetworkBridge {
		n.rx, n.tx, err = c.NetStats()
		n.ok = err == nil
	}
	return statsMsg{id: key, stats: st, disk: d, net: n}, true
}

// paused tells whether the latest reading found the container frozen
// (ctrl+g f here, or vme50-tui pause anywhere).
func (t *tab) paused() bool {
	return !t.ended && t.panels.Readings().Last().Frozen
}

// status is the tab's state in words: running, paused, exited (code N),
// OOM-killed, killed (SIGKILL).
func (t *tab) status() string {
	r := t.result
	switch {
	case !t.ended && t.paused():
		return "paused"
	case !t.ended:
		return "running"
	case t.kind == tabAttached:
		return "ended" // elsewhere: its owner knows how
	case r.OOMKilled:
		return "OOM-killed"
	case r.Signal != 0:
		return fmt.Sprintf("killed (%s)", signalName(r.Signal))
	default:
		return fmt.Sprintf("exited (code %d)", r.ExitCode)
	}
}

func signalName(s syscall.Signal) string {
	if name := unix.SignalName(s); name != "" {
		return name
	}
	return fmt.Sprintf("signal %d", int(s))
}
