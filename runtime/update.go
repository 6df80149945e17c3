package runtime

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"vme50-tui/cgroup"
)

// Update writes lim into the cgroup of a container found by Find, which
// may belong to another vme50-tui process: every field of lim that is not
// zero (cgroup.Unlimited lifts that limit), in the order the kernel needs.
// trace, if set, is told of each write in the kernel log's words
// ("memory.max <- 67108864"). A container that ended before or during the
// writes is an *EndedError; a write the kernel refused is an error naming
// the container, the file and the value.
func (f Found) Update(host *cgroup.Host, lim cgroup.Limits, trace func(text string)) error {
	if !f.StillRunning() {
		return &EndedError{ID: f.ID}
	}
	leaf := tracedWrites(host, trace).Open(f.ID)
	err := leaf.Set(lim)
	if err == nil {
		return nil
	}
	// The container ended under our writes: its owner removed the cgroup
	// (the write found no file) and then the state directory.
	if !f.StillRunning() || leafGone(leaf) {
		return &EndedError{ID: f.ID}
	}
	return fmt.Errorf("container %s: %w", f.ID, err)
}

// tracedWrites is a copy of host that tells trace of each cgroup file
// written, by the file's name: the leaf is the container's own.
func tracedWrites(host *cgroup.Host, trace func(string)) *cgroup.Host {
	traced := *host
	traced.Trace = func(op, path, value string) {
		if trace != nil && op == "write" {
			trace(fmt.Sprintf("%s <- %s", filepath.Base(path), value))
		}
	}
	return &traced
}

// leafGone tells whether a directory of the leaf no longer exists.
func leafGone(leaf cgroup.Manager) bool {
	for _, dir := range leaf.Paths() {
		if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
			return true
		}
	}
	return false
}
