package runtime

import (
	"fmt"
	"io"
	"os"
	"sync"
	"syscall"
	"time"

	"github.com/creack/pty"

	"vme50-tui/cgroup"
)

// Exec is a second process in a running container, as docker exec makes
// one: it joins the namespaces of the container's PID 1, its root and its
// cgroup, and runs with the same capabilities, no_new_privs and seccomp
// filter, so that it sees and is seen as one of the container's own. It
// may belong to any vme50-tui process's container (Found).
//
// An Exec is also everything the TUI needs of a tab: the container's
// readings and limits, and the exec'd process's terminal and end.
type Exec struct {
	found Found
	host  *cgroup.Host
	spec  ExecSpec

	proc    *os.Process // the helper: our child, which ends as the command does
	command int         // a pidfd of the command, once the helper names it (guarded by mu)
	pty     *os.File    // its terminal's master side, when ExecSpec.Tty
	stdio   stdio       // its pipes, without a terminal
	klog    kernelLog

	done   chan struct{} // closed when the process has ended
	mu     sync.Mutex    // guards last and result
	last   cgroup.Stats  // the container's last reading
	result Result
}

// ExecSpec is what to run in the container, and how.
type ExecSpec struct {
	Args []string // the command and its arguments, looked up in the container's PATH
	// Env is added to the container's environment (KEY=VALUE), over it.
	Env []string
	// Tty gives the process a terminal of the container's own, Rows by
	// Cols; without one it gets pipes, copied from Stdin and to Stdout and
	// Stderr.
	Tty        bool
	Rows, Cols uint16
	Stdin      io.Reader
	Stdout     io.Writer
	Stderr     io.Writer
	// OnLog is told of every step, as the container's kernel log is.
	OnLog func(LogEntry)
}

// ID is the container's id.
func (e *Exec) ID() string { return e.found.ID }

// Spec is what the container was started with, as its state directory
// tells it, with the exec'd command as Args.
func (e *Exec) Spec() Spec {
	m := e.found.Meta
	return Spec{Hostname: m.Hostname, Args: e.spec.Args, Limits: m.Limits,
		Network: m.Network, UserNS: m.UserNS, Capabilities: m.Caps, Tty: e.spec.Tty}
}

// Container is the container the process runs in.
func (e *Exec) Container() Found { return e.found }

// Stats reads the container's cgroup; once the exec'd process has ended,
// the last reading.
func (e *Exec) Stats() (cgroup.Stats, error) {
	select {
	case <-e.done:
		e.mu.Lock()
		defer e.mu.Unlock()
		return e.last, nil
	default:
	}
	st, err := e.host.Open(e.found.ID).Stats()
	if err == nil {
		e.mu.Lock()
		e.last = st
		e.mu.Unlock()
	}
	return st, err
}

// Files names the host's cgroup files behind each Stats value.
// Processes lists the processes of the container it runs in.
func (e *Exec) Processes() ([]Process, error) { return e.found.Processes(e.host) }

// OOMVictims is empty: an exec does not read the kernel's log; the
// container's own tab tells its kills.
func (e *Exec) OOMVictims() []OOMKill { return nil }

func (e *Exec) Files() cgroup.Files { return e.host.Files() }

// DiskUsage is the container's --disk-limit layer, as `df /tmp` shows it.
func (e *Exec) DiskUsage() (used, size uint64, err error) {
	select {
	case <-e.done:
		return 0, 0, fmt.Errorf("exec into container %s has ended", e.found.ID)
	default:
	}
	return diskUsageOf(e.found.Init.PID)
}

// NetStats is its container's eth0 counters (Found.NetStats); an error
// once the exec'd process has ended, as DiskUsage.
func (e *Exec) NetStats() (rx, tx uint64, err error) {
	select {
	case <-e.done:
		return 0, 0, fmt.Errorf("exec into container %s has ended", e.found.ID)
	default:
	}
	return e.found.NetStats()
}

// Address is its container's address on the bridge (Found.Address).
func (e *Exec) Address() string { return e.found.Address() }

// Log is what the exec asked of the kernel.
func (e *Exec) Log() []LogEntry { return e.klog.lines() }

func (e *Exec) logf(from LogSource, format string, args ...any) {
	e.klog.add(time.Now(), from, fmt.Sprintf(format, args...))
}

// Update writes lim into the container's cgroup (Found.Update).
func (e *Exec) Update(lim cgroup.Limits) error {
	return e.found.Update(e.host, lim, func(text string) { e.logf(FromParent, "%s", text) })
}

// Done is closed once the exec'd process has ended.
func (e *Exec) Done() <-chan struct{} { return e.done }

// Wait waits for the exec'd process to end and tells how it did: its
// status, 128+N for signal N, as run's.
func (e *Exec) Wait() Result {
	<-e.done
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.result
}

// Signal sends sig to the exec'd process.
func (e *Exec) Signal(sig os.Signal) error {
	select {
	case <-e.done:
		return fmt.Errorf("exec into container %s has ended", e.found.ID)
	default:
	}
	s, ok := sig.(syscall.Signal)
	if !ok {
		return fmt.Errorf("signal %v is not a Linux signal", sig)
	}
	return e.signalCommand(s)
}

// Kill kills the exec'd process (not the container).
func (e *Exec) Kill() error {
	select {
	case <-e.done:
		return nil
	default:
	}
	return e.signalCommand(syscall.SIGKILL)
}

// PausedError: the container is paused (frozen): nothing can start in it.
type PausedError struct{ ID string }

func (e *PausedError) Error() string {
	return fmt.Sprintf("container %s is paused: resume it first (vme50-tui resume %s)", e.ID, e.ID)
}

// Pty is the master side of the exec's terminal (ExecSpec.Tty).
func (e *Exec) Pty() *os.File { return e.pty }

// Resize tells the exec's terminal its new size.
func (e *Exec) Resize(rows, cols uint16) error {
	if e.pty == nil {
		return nil
	}
	return pty.Setsize(e.pty, &pty.Winsize{Rows: rows, Cols: cols})
}

// Close releases the terminal once the output has been read.
func (e *Exec) Close() error {
	if e.pty != nil {
		return e.pty.Close()
	}
	return nil
}
