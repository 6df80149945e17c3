package ui

import (
	"fmt"
	"io"
	"slices"
	"syscall"
	"time"

	tea "charm.land/bubbletea/v2"
	"golang.org/x/sys/unix"

	"vme50-tui/cgroup"
	"vme50-tui/runtime"
)

// A tab is one container: its terminal pane and its cgroup panels. It
// outlives the container, so the class can read how it ended.
type tab struct {
	c          *runtime.Container
	opts       runtime.Options // what the form held, to restart with
	spec       runtime.Spec
	pane       *Pane
	panels     *Panels
	ended      bool
	restarting bool // r was pressed: a new container is on its way
	result     runtime.Result
}

// Messages of the container lifecycle.
type (
	startedMsg struct {
		c    *runtime.Container
		pty  io.ReadWriter // the container's terminal
		opts runtime.Options
		spec runtime.Spec
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
	}
	sampleTickMsg struct{}
	shutdownMsg   struct{}
)

// startContainer starts a container with a terminal of cols x rows.
// Starting takes a few milliseconds of kernel work, so it runs as a Cmd,
// off the UI's goroutine.
func startContainer(host *cgroup.Host, all *registry, opts runtime.Options, spec runtime.Spec, cols, rows int, replaceID string) tea.Cmd {
	return func() tea.Msg {
		// A copy for this start; the tab keeps spec as the form made it,
		// to restart with.
		s := spec
		s.Tty = true
		s.TtyRows, s.TtyCols = uint16(rows), uint16(cols)
		// x/vt emulates an xterm with 256 colours.
		s.Env = slices.Concat(spec.Env, []string{"TERM=xterm-256color"})
		c, err := runtime.New(host, s)
		if err == nil {
			err = c.Start()
		}
		if err != nil {
			return errMsg{fmt.Errorf("container did not start: %w", err)}
		}
		all.add(c)
		return startedMsg{c: c, pty: c.Pty(), opts: opts, spec: spec, replaceID: replaceID}
	}
}

// waitContainer reports the end of a container, once it is cleaned up.
func waitContainer(c *runtime.Container) tea.Cmd {
	return func() tea.Msg { return endedMsg{id: c.ID, result: c.Wait()} }
}

// sampleEvery ticks the sampler.
func sampleEvery(d time.Duration) tea.Cmd {
	return tea.Tick(d, func(time.Time) tea.Msg { return sampleTickMsg{} })
}

// readStats reads one container's cgroup files, off the UI's goroutine.
func readStats(c *runtime.Container) tea.Cmd {
	return func() tea.Msg {
		st, err := c.Stats()
		if err != nil {
			return nil // it ended between the tick and now: endedMsg follows
		}
		return statsMsg{id: c.ID, stats: st}
	}
}

// status is the tab's state in words: running, exited (code N),
// OOM-killed, killed (SIGKILL).
func (t *tab) status() string {
	r := t.result
	switch {
	case !t.ended:
		return "running"
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
