package ui

import (
	"fmt"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"vme50-tui/cgroup"
	"vme50-tui/runtime"
)

// fakeHost is the host's containers for the UI's tests: the rows the test
// gives it, stops that end a container, attaches that give a pty-less
// fakeContainer, and execs that give a fakeContainer with the container's
// id and hostname, ended with their container (as the kernel ends every
// process of a PID namespace with its PID 1).
type fakeHost struct {
	t  *testing.T
	mu sync.Mutex

	rows     []HostRow
	listErr  error
	lists    int
	stopped  []string
	attached map[string]*fakeContainer
	execs    []fakeExec
	execErr  error
}

// fakeExec is one Exec call and what it gave.
type fakeExec struct {
	id         string
	args       []string
	rows, cols uint16
	c          *fakeContainer
}

var _ HostContainers = (*fakeHost)(nil)

func newFakeHost(t *testing.T, rows ...HostRow) *fakeHost {
	return &fakeHost{t: t, rows: slices.Clone(rows), attached: map[string]*fakeContainer{}}
}

// row is a running container of another process (pid 4242), started at
// the given second, with the reading of memory, cpu usage and pids.
func row(id, hostname string, started int64, memory uint64, usageUsec uint64, pids uint64) HostRow {
	st := cgroup.Stats{Time: time.Unix(2000, 0)}
	st.Memory = cgroup.MemoryStats{Current: memory, Max: 64 << 20}
	st.CPU = cgroup.CPUStats{Weight: 100, UsageUsec: usageUsec, QuotaUsec: 50000, PeriodUsec: 100000}
	st.Pids = cgroup.PidsStats{Current: pids, Max: 64}
	return HostRow{ID: id, Hostname: hostname, Args: []string{"/bin/sh"}, State: "running",
		OwnerPID: 4242, Created: time.Unix(started, 0), Stats: st}
}

// ours marks a row as a container of this process.
func ours(r HostRow) HostRow {
	r.OwnerPID = os.Getpid()
	return r
}

func (h *fakeHost) List() ([]HostRow, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.lists++
	return slices.Clone(h.rows), h.listErr
}

// setRows changes what the next listing finds.
func (h *fakeHost) setRows(rows ...HostRow) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.rows = slices.Clone(rows)
}

func (h *fakeHost) Stop(id string) error {
	h.mu.Lock()
	h.stopped = append(h.stopped, id)
	h.rows = slices.DeleteFunc(h.rows, func(r HostRow) bool { return r.ID == id })
	h.mu.Unlock()
	h.end(id)
	return nil
}

func (h *fakeHost) find(id string) (HostRow, error) {
	i := slices.IndexFunc(h.rows, func(r HostRow) bool { return r.ID == id })
	if i < 0 {
		return HostRow{}, &runtime.EndedError{ID: id}
	}
	return h.rows[i], nil
}

func (h *fakeHost) Attach(id string) (Container, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	r, err := h.find(id)
	if err != nil {
		return nil, err
	}
	f := newFakeContainer(h.t, id, runtime.Spec{Hostname: r.Hostname, Args: r.Args})
	f.noPty = true
	f.setStats(r.Stats)
	h.attached[id] = f
	return f, nil
}

func (h *fakeHost) Exec(id string, args []string, rows, cols uint16) (Container, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.execErr != nil {
		return nil, h.execErr
	}
	r, err := h.find(id)
	if err != nil {
		return nil, err
	}
	f := newFakeContainer(h.t, id, runtime.Spec{Hostname: r.Hostname, Args: args})
	f.setStats(r.Stats)
	h.execs = append(h.execs, fakeExec{id: id, args: args, rows: rows, cols: cols, c: f})
	return f, nil
}

// end ends container id wherever it runs: its attached view and its
// execs end with it, killed.
func (h *fakeHost) end(id string) {
	h.mu.Lock()
	var ending []*fakeContainer
	if f := h.attached[id]; f != nil {
		ending = append(ending, f)
	}
	for _, e := range h.execs {
		if e.id == id {
			ending = append(ending, e.c)
		}
	}
	h.rows = slices.DeleteFunc(h.rows, func(r HostRow) bool { return r.ID == id })
	h.mu.Unlock()
	for _, f := range ending {
		f.Kill()
	}
}

func (h *fakeHost) execCalls() []fakeExec {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.execs)
}

func (h *fakeHost) stops() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.stopped)
}

func (h *fakeHost) String() string { return fmt.Sprintf("fakeHost(%d rows)", len(h.rows)) }
