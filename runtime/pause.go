package runtime

import (
	"fmt"

	"vme50-tui/cgroup"
)

// Pause and resume, docker's words for the cgroup freezer: every process
// of the container stops where it stands, gets no CPU and no signal (a
// SIGKILL waits), and later goes on as if nothing happened. Its memory
// stays charged; its clocks go on.

// Pause freezes the container found, whoever started it.
func (f Found) Pause(host *cgroup.Host) error { return f.freeze(host, true) }

// Resume thaws it.
func (f Found) Resume(host *cgroup.Host) error { return f.freeze(host, false) }

func (f Found) freeze(host *cgroup.Host, frozen bool) error {
	if !f.StillRunning() {
		return &EndedError{ID: f.ID}
	}
	leaf := host.Open(f.ID)
	if err := leaf.Freeze(frozen); err != nil {
		if !f.StillRunning() || leafGone(leaf) {
			return &EndedError{ID: f.ID}
		}
		return fmt.Errorf("container %s: %w", f.ID, err)
	}
	return nil
}

// Freeze pauses (true) or resumes (false) the container; the write goes
// into its kernel log, as every cgroup change does.
func (c *Container) Freeze(frozen bool) error {
	return c.onCgroup(func(cg cgroup.Manager) error { return cg.Freeze(frozen) })
}

// Freeze pauses (true) or resumes (false) the container the process runs
// in, whoever started it (Found.Pause), with the write in the exec's
// kernel log.
func (e *Exec) Freeze(frozen bool) error {
	return e.found.freeze(tracedWrites(e.host, func(text string) { e.logf(FromParent, "%s", text) }), frozen)
}
