package runtime

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"

	"github.com/creack/pty"
	"github.com/google/uuid"

	"vme50-tui/cgroup"
)

// The parent side: a Container is created from a Spec, started, watched and
// waited for. Whatever ends it, Wait returns only after every process of the
// container is dead and its cgroup and state directory are gone.

// Container is one container, seen from the program that started it.
type Container struct {
	id   string // 12 hex digits (NewID); names the cgroup and state directory
	spec Spec   // as New checked it, with the hostname filled in

	host *cgroup.Host
	cg   cgroup.Manager
	dir  string // state directory: owner file, overlay layers
	// described is what the state directory's container.json says.
	described Meta
	pty       *os.File // the terminal's master side, when Spec.Tty
	// consoleSock receives pty from init.
	consoleSock *os.File
	init        *os.Process
	// initHow says, for the kernel log, which program init runs.
	initHow string
	// bridge is what it holds on the bridge network (network.go), if on it.
	bridge *bridgeLink

	// Without a terminal: the command's stdin, stdout and stderr, pipes
	// copied from and to Spec's (process.go).
	stdio stdio

	done   chan struct{} // closed when the container is gone
	mu     sync.Mutex    // guards result
	result Result

	klog     kernelLog  // what we and the kernel did (log.go)
	eventsMu sync.Mutex // guards oomKills and victims
	oomKills uint64     // the oom_kill count last logged
	// victims are the OOM killer's reports of kills in the container's
	// cgroup, from the kernel's log (oomwatch_linux.go).
	victims    []OOMKill
	unwatchOOM func()
	disk       diskFile // its /tmp, for DiskUsage (state_linux.go)
}

// Result is how a container ended.
type Result struct {
	// ExitCode is the command's exit status, or 128+N when signal N ended
	// it: what `vme50-tui run` exits with.
	ExitCode int
	Signal   syscall.Signal // the signal that ended the command, or 0
	// OOMKills counts the container's processes the kernel killed for
	// going over the memory limit; OOMKilled says the command itself was
	// one of them.
	OOMKills  uint64
	OOMKilled bool
	// OOMVictims are the kernel's reports of those kills, where its log
	// could be read: which process, how big.
	OOMVictims []OOMKill
	// Stats is the last reading of the cgroup, taken before it was removed.
	Stats cgroup.Stats
	// CleanupErr is set when something could not be removed.
	CleanupErr error
}

// New checks spec and prepares a container; nothing is created until Start.
func New(host *cgroup.Host, spec Spec) (*Container, error) {
	if err := spec.Validate(); err != nil {
		return nil, err
	}
	id := NewID()
	if spec.Hostname == "" {
		spec.Hostname = id
	}
	return &Container{
		id:   id,
		spec: spec,
		host: host,
		dir:  filepath.Join(StateDir, id),
		done: make(chan struct{}),
		klog: kernelLog{onLog: spec.OnLog},
	}, nil
}

// ID is the container's id: its cgroup's and state directory's name.
func (c *Container) ID() string { return c.id }

// Spec is what the container was made from, with the hostname filled in.
// A shallow copy: its slices are the container's own, not to be changed.
func (c *Container) Spec() Spec { return c.spec }

// NewID returns a short random container id, 12 hex digits.
func NewID() string {
	return strings.ReplaceAll(uuid.NewString(), "-", "")[:12]
}

// Start creates the container and runs its command. On error nothing is
// left behind; a *StartError carries the exit status the CLI should give.
func (c *Container) Start() (err error) {
	defer func() {
		if err != nil {
			// On v1 a child that failed to join its cgroup is not in it,
			// so the cgroup's kill would miss it: kill and reap it here.
			if c.init != nil {
				c.init.Kill()
				c.init.Wait()
			}
			// A terminal received before the command failed to run.
			c.Close()
			c.killAll()
			c.stdio.finish()
			c.cleanup()
			close(c.done)
		}
	}()
	// The state directory comes first: it names our process as the owner,
	// so that a concurrent sweep never takes the cgroup we are about to
	// create for a leftover.
	if err := c.makeStateDir(); err != nil {
		return runtimeError(err)
	}
	c.logf(FromParent, "mkdir %s (mount points for the container's layer and root)", c.dir)
	if c.spec.UserNS != nil {
		if err := c.giveStateDirToUserNS(); err != nil {
			return runtimeError(err)
		}
	}
	// The limits are in place before any process of the container exists.
	// Every cgroup change goes into the kernel log.
	cg, err := c.tracedHost(c.host).Create(c.id)
	if err != nil {
		return runtimeError(err)
	}
	c.watchOOMKills()
	c.cg = cg
	limits := c.spec.Limits
	if holdsExec(limits.PidsMax) {
		// Room for init's own threads; the limit comes before the exec.
		limits.PidsMax = initPids
	}
	if err := cg.Set(limits); err != nil {
		return runtimeError(err)
	}
	if err := cg.SetIO(c.spec.IO); err != nil {
		return runtimeError(err)
	}
	// A dynamically linked vme50-tui: its vme50-hog will not run here.
	if p := HogProblem(c.spec); p != "" {
		c.logf(FromParent, "# %s", p)
	}
	if err := c.startInit(); err != nil {
		return err
	}
	if err := c.recordInit(); err != nil {
		return runtimeError(err)
	}
	go c.wait()
	return nil
}

func runtimeError(err error) error {
	return &StartError{Code: ExitRuntimeFailed, Message: err.Error()}
}

// wait reaps the command (PID 1 of the container) and tears everything down.
func (c *Container) wait() {
	r := reap(c.init, "PID 1 of the container", &c.klog)
	// PID 1 is gone, so the kernel is killing the rest of its PID
	// namespace; the cgroup still holds the memory.events of what happened.
	r.CleanupErr = c.killAll()
	// With every process dead, the output pipes end: copy what is left.
	c.stdio.finish()
	if st, err := c.cg.Stats(); err == nil {
		c.noteEvents(st)
		r.Stats = st
		r.OOMKills = st.Memory.Events.OOMKill
		r.OOMKilled = r.Signal == syscall.SIGKILL && r.OOMKills > 0
		r.OOMVictims = c.oomVictims(r.OOMKills)
	}
	if err := c.cleanup(); err != nil && r.CleanupErr == nil {
		r.CleanupErr = err
	}
	c.mu.Lock()
	c.result = r
	c.mu.Unlock()
	close(c.done)
}

// killAll kills every process left in the container's cgroup.
func (c *Container) killAll() error {
	if c.cg == nil {
		return nil
	}
	return c.cg.Kill()
}

// cleanup removes the cgroup and the state directory, once killAll has
// emptied it. It is safe to call on a half-made container.
func (c *Container) cleanup() error {
	c.disk.close()
	if c.unwatchOOM != nil {
		c.unwatchOOM()
	}
	var errs []error
	if c.cg != nil {
		errs = append(errs, c.cg.Destroy())
	}
	errs = append(errs, c.disconnectNetwork())
	errs = append(errs, c.removeStateDir())
	return errors.Join(errs...)
}

// Done is closed when the container has ended and is cleaned up.
func (c *Container) Done() <-chan struct{} { return c.done }

// Wait blocks until the container has ended and everything it used is
// removed, and tells how it ended.
func (c *Container) Wait() Result {
	<-c.done
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.result
}

// Signal sends sig to the container's PID 1. Note that PID 1 of a PID
// namespace only gets the signals it has a handler for (SIGKILL aside):
// "kill -TERM 1" does nothing to a shell that ignores it.
func (c *Container) Signal(sig os.Signal) error {
	select {
	case <-c.done:
		return fmt.Errorf("container %s has ended", c.id)
	default:
	}
	return c.init.Signal(sig)
}

// Kill kills every process of the container.
func (c *Container) Kill() error {
	select {
	case <-c.done:
		return nil
	default:
	}
	return c.killAll()
}

// Update changes the limits of the running container: every field of lim
// that is not zero is written (cgroup.Unlimited lifts that limit), in the
// order the kernel needs, and into the kernel log in the same words as at
// start ("memory.max <- 67108864"). A container that has ended is an
// error, never a write: its cgroup is gone, or being removed.
func (c *Container) Update(lim cgroup.Limits) error {
	return c.onCgroup(func(cg cgroup.Manager) error { return cg.Set(lim) })
}

// onCgroup runs change on the running container's cgroup: a container
// that has ended (its cgroup is gone, or being removed) or not started
// is an error, never a write.
func (c *Container) onCgroup(change func(cgroup.Manager) error) error {
	select {
	case <-c.done:
		return fmt.Errorf("container %s has ended", c.id)
	default:
	}
	if c.cg == nil {
		return fmt.Errorf("container %s has not started", c.id)
	}
	if err := change(c.cg); err != nil {
		return fmt.Errorf("container %s: %w", c.id, err)
	}
	return nil
}

// Stats reads the container's cgroup now; after the end, the last reading.
// What the reading shows the kernel did since the last one (an OOM kill)
// goes into the kernel log.
func (c *Container) Stats() (cgroup.Stats, error) {
	select {
	case <-c.done:
		return c.Wait().Stats, nil
	default:
	}
	if c.cg == nil {
		return cgroup.Stats{}, fmt.Errorf("container %s has not started", c.id)
	}
	st, err := c.cg.Stats()
	if err == nil {
		c.noteEvents(st)
	}
	return st, err
}

// Files names the host's cgroup files behind each Stats value.
func (c *Container) Files() cgroup.Files { return c.cg.Files() }

// Pty is the master side of the container's terminal (Spec.Tty only):
// read the container's output from it, write its keyboard input to it.
func (c *Container) Pty() *os.File { return c.pty }

// Resize tells the container's terminal its new size; programs in it get
// SIGWINCH.
func (c *Container) Resize(rows, cols uint16) error {
	if c.pty == nil {
		return nil
	}
	return pty.Setsize(c.pty, &pty.Winsize{Rows: rows, Cols: cols})
}

// Close releases the terminal once the output has been read.
func (c *Container) Close() error {
	if c.pty != nil {
		return c.pty.Close()
	}
	return nil
}
