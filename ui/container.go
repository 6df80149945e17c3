package ui

import (
	"os"

	"vme50-tui/cgroup"
	"vme50-tui/runtime"
)

// Container is what the UI needs of a running container, and nothing
// more: *runtime.Container is one, and the tests use a fake that prints,
// ends and gets OOM-killed without a kernel (fakecontainer_test.go).
type Container interface {
	ID() string
	Spec() runtime.Spec // what it was started from: the tab's hostname

	// Readings, for the panels: the cgroup now (after the end, the last
	// reading), the --disk-limit layer, the network, and the host's file
	// names behind each value.
	Stats() (cgroup.Stats, error)
	DiskUsage() (used, size uint64, err error)
	// NetStats are the bytes its eth0 received and sent (the counters of
	// the host's end of its veth); an error off the bridge (--network
	// none, host) or once it has ended. Address is its address on the
	// bridge, "" off it.
	NetStats() (rx, tx uint64, err error)
	Address() string
	Files() cgroup.Files
	Log() []runtime.LogEntry // the kernel log: what the kernel and we did
	// Processes lists its processes (cgroup.procs and /proc), largest
	// memory first; OOMVictims are the kernel's reports of its OOM kills
	// so far, oldest first (none where the kernel's log cannot be read).
	Processes() ([]runtime.Process, error)
	OOMVictims() []runtime.OOMKill

	// The end: Done is closed and Wait returns once the container has
	// ended and is cleaned up. Signal goes to PID 1, Kill to every process.
	Done() <-chan struct{}
	Wait() runtime.Result
	Signal(os.Signal) error
	Kill() error
	// Update writes the limits of lim that are not zero (cgroup.Unlimited
	// lifts one) into the running container's cgroup.
	Update(lim cgroup.Limits) error
	// Freeze stops (true) or resumes (false) every process of the
	// container with the cgroup freezer, as `vme50-tui pause` and
	// `resume` do, and returns once the kernel says it is done; the next
	// reading says Frozen. For an exec, the container it runs in.
	Freeze(frozen bool) error

	// The terminal: the pty's master side, its size, and its release.
	Pty() *os.File
	Resize(rows, cols uint16) error
	Close() error
}

var (
	_ Container = (*runtime.Container)(nil)
	_ Container = (*runtime.Exec)(nil)
)

// A starter creates a container from a spec and starts it. The app's is
// startOn (the kernel's); tests pass one that makes fakes.
type starter func(runtime.Spec) (Container, error)

// startOn starts real containers on host.
func startOn(host *cgroup.Host) starter {
	return func(s runtime.Spec) (Container, error) {
		c, err := runtime.New(host, s)
		if err != nil {
			return nil, err
		}
		if err := c.Start(); err != nil {
			return nil, err
		}
		return c, nil
	}
}
