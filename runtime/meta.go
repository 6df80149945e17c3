package runtime

import (
	"encoding/json"
	"os"
	"path/filepath"
	"time"

	"vme50-tui/cgroup"
)

// A container's state directory also describes it, for the commands that
// reach the containers of any vme50-tui process on the host (update; ps
// later): a small JSON file, written with the directory before it is
// renamed into place, so that a directory found is always complete.

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
}

// meta describes the container for its state directory.
func (c *Container) meta() Meta {
	return Meta{ID: c.id, Hostname: c.spec.Hostname, Args: c.spec.Args,
		Created: time.Now(), Limits: c.spec.Limits}
}

// writeMeta writes m into the state directory dir (root's alone: 0600).
func writeMeta(dir string, m Meta) error {
	data, err := json.Marshal(m)
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, metaFile), append(data, '\n'), 0o600)
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
