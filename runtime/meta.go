package runtime

import (
	"encoding/json"
	"os"
	"path/filepath"
	"time"

	"vme50-tui/cgroup"
)

// A container's state directory also describes it, for the commands that
// reach the containers of any vme50-tui process on the host (ps, exec,
// stop, kill, update): a small JSON file, written with the directory
// before it is renamed into place, so that a directory found is always
// complete, and written again (by a rename, never in place) once the
// command runs, to name its PID 1.

const metaFile = "container.json"

// Meta is what a state directory tells about its container.
type Meta struct {
	ID       string    `json:"id"`
	Hostname string    `json:"hostname"`
	Args     []string  `json:"command"`
	Created  time.Time `json:"created"`
	// Limits are the limits at start; update may have changed them since:
	// the cgroup's files are the truth.
	Limits cgroup.Limits `json:"limits_at_start"`

	// Init is the container's PID 1 as the host sees it, once the command
	// runs (zero while the container is being built): what exec joins
	// and stop and kill signal.
	Init ProcessID `json:"init"`
	// What a process exec'd into the container gets, as PID 1 got it:
	// its capabilities, environment, user namespace and terminal type.
	Caps    []Capability `json:"capabilities"`
	Env     []string     `json:"env"`
	UserNS  *IDMap       `json:"userns,omitempty"`
	Network Network      `json:"network"`
}

// ProcessID names one process for as long as it lives: a PID alone may
// have been reused by another process since it was written down; with
// the start time (clock ticks after boot, field 22 of /proc/PID/stat) it
// cannot.
type ProcessID struct {
	PID       int    `json:"pid"`
	StartTime uint64 `json:"start_time"`
}

// meta describes the container for its state directory.
func (c *Container) meta() Meta {
	caps := c.spec.Capabilities
	if caps == nil {
		caps = DefaultCapabilitiesFor(c.spec.Network)
	}
	return Meta{ID: c.id, Hostname: c.spec.Hostname, Args: c.spec.Args,
		Created: time.Now(), Limits: c.spec.Limits,
		Caps: caps, Env: c.environment(), UserNS: c.spec.UserNS, Network: c.spec.Network}
}

// writeMeta writes m into the state directory dir (root's alone: 0600),
// under a temporary name renamed into place: a reader finds the old
// description or the new one, never half of one.
func writeMeta(dir string, m Meta) error {
	data, err := json.Marshal(m)
	if err != nil {
		return err
	}
	tmp := filepath.Join(dir, "."+metaFile)
	if err := os.WriteFile(tmp, append(data, '\n'), 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(dir, metaFile))
}

// readMeta reads a state directory's description. A directory made by a
// vme50-tui from before the file existed gives only its id.
func readMeta(dir string) Meta {
	m := Meta{}
	if data, err := os.ReadFile(filepath.Join(dir, metaFile)); err == nil {
		json.Unmarshal(data, &m)
	}
	m.ID = filepath.Base(dir) // the directory's name is the id, whatever the file says
	return m
}
