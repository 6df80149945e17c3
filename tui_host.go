package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"vme50-tui/cgroup"
	"vme50-tui/runtime"
	"vme50-tui/ui"
)

// The TUI's way to every vme50 container on the host (its host view and
// exec, ui.HostContainers), over package runtime: the state directories
// that every vme50-tui process (a TUI, a run) writes for its containers.

// hostContainers is ui.HostContainers on this host.
type hostContainers struct {
	host *cgroup.Host
	// interval is how often an attached container is checked for its
	// end: the TUI's reading interval.
	interval time.Duration
}

var _ ui.HostContainers = hostContainers{}

// List reads every running container once. One that ends while it is
// read is left out.
func (h hostContainers) List() ([]ui.HostRow, error) {
	found, err := runtime.Running()
	if err != nil {
		return nil, err
	}
	rows := make([]ui.HostRow, 0, len(found))
	for _, f := range found {
		st, err := f.Stats(h.host)
		var ended *runtime.EndedError
		if errors.As(err, &ended) {
			continue
		}
		rows = append(rows, ui.HostRow{ID: f.ID, Hostname: f.Hostname, Args: f.Args,
			State: string(f.State(h.host)), OwnerPID: f.OwnerPID(), Created: f.Created, Stats: st})
	}
	return rows, nil
}

func (h hostContainers) Stop(id string) error {
	f, err := runtime.Find(id)
	if err != nil {
		return err
	}
	return f.Stop(h.host, stopGrace) // as stop's default; the host view's question says 10s
}

func (h hostContainers) Attach(id string) (ui.Container, error) {
	f, err := runtime.Find(id)
	if err != nil {
		return nil, err
	}
	return attachTo(f, h.host, h.interval), nil
}

func (h hostContainers) Exec(id string, args []string, rows, cols uint16) (ui.Container, error) {
	f, err := runtime.Find(id)
	if err != nil {
		return nil, err
	}
	// x/vt, the TUI's terminal emulator, is an xterm with 256 colours.
	e, err := f.Exec(h.host, runtime.ExecSpec{Args: args, Tty: true, Rows: rows, Cols: cols,
		Env: []string{"TERM=xterm-256color"}})
	if err != nil {
		return nil, err // not a nil *Exec in a non-nil Container
	}
	return e, nil
}

// attached is a container started by another process (or by this one),
// seen from a tab of the TUI: its readings and limits through its cgroup,
// its signals through its PID 1, and its end, noticed by checking at
// every reading interval that it still runs. It has no terminal: that is
// with whoever started it. Nothing here ends it but Kill.
type attached struct {
	f    runtime.Found
	host *cgroup.Host

	done   chan struct{} // closed once it ended, or Close let go of it
	closed chan struct{} // closed by Close
	once   sync.Once

	mu   sync.Mutex
	last cgroup.Stats       // the last reading, for the end
	log  []runtime.LogEntry // what this TUI asked of the kernel for it
}

var _ ui.Container = (*attached)(nil)

// attachTo watches f, checking every interval whether it still runs.
func attachTo(f runtime.Found, host *cgroup.Host, interval time.Duration) *attached {
	a := &attached{f: f, host: host, done: make(chan struct{}), closed: make(chan struct{})}
	a.logf("container %s, started by pid %d: its start is in that process's log; here, what this TUI writes", f.ID, f.OwnerPID())
	go a.watch(interval)
	return a
}

func (a *attached) watch(interval time.Duration) {
	tick := time.NewTicker(max(interval, 50*time.Millisecond))
	defer tick.Stop()
	defer close(a.done)
	for {
		select {
		case <-a.closed:
			return
		case <-tick.C:
			if !a.f.StillRunning() {
				a.logf("container %s has ended (its owner, pid %d, cleaned up)", a.f.ID, a.f.OwnerPID())
				return
			}
		}
	}
}

func (a *attached) logf(format string, args ...any) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.log = append(a.log, runtime.LogEntry{Time: time.Now(), From: runtime.FromParent, Text: fmt.Sprintf(format, args...)})
}

func (a *attached) ID() string { return a.f.ID }

// Spec is what its state directory says it was started with.
func (a *attached) Spec() runtime.Spec {
	m := a.f.Meta
	return runtime.Spec{Hostname: m.Hostname, Args: m.Args, Limits: m.Limits,
		Network: m.Network, UserNS: m.UserNS, Capabilities: m.Caps}
}

// Stats reads its cgroup; once it has ended, the last reading.
func (a *attached) Stats() (cgroup.Stats, error) {
	select {
	case <-a.done:
		a.mu.Lock()
		defer a.mu.Unlock()
		return a.last, nil
	default:
	}
	st, err := a.f.Stats(a.host)
	if err == nil {
		a.mu.Lock()
		a.last = st
		a.mu.Unlock()
	}
	return st, err
}

// DiskUsage is not read for a container of another process.
func (a *attached) DiskUsage() (used, size uint64, err error) {
	return 0, 0, fmt.Errorf("container %s: its disk is read by its owner", a.f.ID)
}

func (a *attached) Files() cgroup.Files { return a.host.Files() }

// NetStats reads its eth0's counters on the host's end of its veth, as
// for a container of this TUI's.
func (a *attached) NetStats() (rx, tx uint64, err error) {
	select {
	case <-a.done:
		return 0, 0, fmt.Errorf("container %s has ended", a.f.ID)
	default:
	}
	return a.f.NetStats()
}

// Address is its address on the bridge, from its state directory.
func (a *attached) Address() string { return a.f.Address() }

// Processes lists its processes. OOMVictims is empty: the kernel's log is
// read by the process that started it (whose own tab tells its kills).
func (a *attached) Processes() ([]runtime.Process, error) { return a.f.Processes(a.host) }
func (a *attached) OOMVictims() []runtime.OOMKill         { return nil }

func (a *attached) Log() []runtime.LogEntry {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]runtime.LogEntry(nil), a.log...)
}

func (a *attached) Done() <-chan struct{} { return a.done }

// Wait waits for the end; how it ended its owner knows: the result holds
// the last reading and its OOM kills.
func (a *attached) Wait() runtime.Result {
	<-a.done
	a.mu.Lock()
	defer a.mu.Unlock()
	return runtime.Result{Stats: a.last, OOMKills: a.last.Memory.Events.OOMKill}
}

// Signal sends sig to its PID 1.
func (a *attached) Signal(sig os.Signal) error {
	s, ok := sig.(syscall.Signal)
	if !ok {
		return fmt.Errorf("container %s: %v is not a signal number", a.f.ID, sig)
	}
	return a.f.Signal(unix.Signal(s))
}

// Kill kills every process of it; its owner sees the end and cleans up.
func (a *attached) Kill() error { return a.f.Kill(a.host, unix.SIGKILL) }

// Update writes limits into its cgroup, into the log too.
func (a *attached) Update(lim cgroup.Limits) error {
	return a.f.Update(a.host, lim, func(text string) { a.logf("%s", text) })
}

// Freeze pauses or resumes it (as vme50-tui pause and resume), the write
// in the log.
func (a *attached) Freeze(frozen bool) error {
	traced := *a.host
	traced.Trace = func(op, path, value string) {
		if op == "write" {
			a.logf("%s <- %s", filepath.Base(path), value)
		}
	}
	if frozen {
		return a.f.Pause(&traced)
	}
	return a.f.Resume(&traced)
}

func (a *attached) Pty() *os.File                  { return nil }
func (a *attached) Resize(rows, cols uint16) error { return nil }

// Close lets go of it: the watching stops, Done is closed, and the
// container runs on.
func (a *attached) Close() error {
	a.once.Do(func() { close(a.closed) })
	return nil
}
