package ui

import (
	"time"

	"vme50-tui/cgroup"
)

// HostContainers is what the UI needs to reach the containers of every
// vme50-tui process on the host (a TUI, a `run`), this one's too: list
// them for the host view (ctrl+g h), stop one, attach a tab to one, and
// exec a command into one (ctrl+g e). The program passes one over package
// runtime (tui_host.go); the tests a fake. Every method may touch the
// kernel and take time: the app calls them in Cmds, never in Update.
type HostContainers interface {
	// List reads every running container once: its description and a
	// reading of its cgroup.
	List() ([]HostRow, error)
	// Stop ends a container as `vme50-tui stop` does: SIGTERM to its
	// PID 1, SIGKILL to all of it after a grace period. Its owner reports
	// the end and cleans up.
	Stop(id string) error
	// Attach is a container started elsewhere as a Container for a tab
	// of panels: readings, limits, signals, and Done once it ends
	// wherever it ends. It has no terminal (Pty is nil), and Close lets
	// go of it without ending it.
	Attach(id string) (Container, error)
	// Exec runs args inside a running container, on a terminal of rows x
	// cols: the Container is the exec'd process (its Pty, Done, Wait,
	// Signal, Kill) in the container (its ID, Spec, readings, limits).
	Exec(id string, args []string, rows, cols uint16) (Container, error)
}

// HostRow is one container on the host, as the host view lists it.
type HostRow struct {
	ID       string
	Hostname string
	Args     []string  // its command
	State    string    // starting, running, stopping, paused
	OwnerPID int       // the vme50-tui process that started it and cleans it up
	Created  time.Time // when it was started: its age
	// Stats is a reading of its cgroup (a zero Time: none, it ended or
	// is not built yet).
	Stats cgroup.Stats
}
