package runtime

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"vme50-tui/cgroup"
	"vme50-tui/runtime/initproc"
	"vme50-tui/runtime/rootfs"
)

// Each container has a state directory, StateDir/<id>, holding the mount
// points of its writable layer and root, a file naming its owner: the
// vme50 process that started it, and one describing the container
// (container.json: meta.go), by which other vme50 processes find it
// (lookup.go).
// When the owner dies without cleaning up (kill -9, a power cut), the
// next vme50 to start finds the directory and the cgroup, sees the owner
// is gone, and removes both.

const ownerFile = "owner"

// makeStateDir builds the directory under a temporary name and renames it
// into place, so a sweep never sees a state directory without its owner.
func (c *Container) makeStateDir() error {
	if err := rootfs.CloseStore(filepath.Dir(StateDir), -1); err != nil {
		return err
	}
	if err := os.MkdirAll(StateDir, 0o700); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(StateDir, tmpPrefix)
	if err != nil {
		return err
	}
	owner, err := processIdentity(os.Getpid())
	if err == nil {
		err = os.WriteFile(filepath.Join(tmp, ownerFile), []byte(owner+"\n"), 0o600)
	}
	// What other vme50-tui processes need to find it (meta.go).
	c.described = c.meta()
	if err == nil {
		err = writeMeta(tmp, c.described)
	}
	// layer: where init mounts the tmpfs that holds what the container
	// writes; merged: where it mounts the overlay that becomes "/".
	for _, d := range []string{"layer", "merged"} {
		if err == nil {
			err = os.Mkdir(filepath.Join(tmp, d), 0o700)
		}
	}
	if err == nil {
		err = os.Rename(tmp, c.dir)
	}
	if err != nil {
		os.RemoveAll(tmp)
	}
	return err
}

// recordInit names the container's PID 1 in its description, once the
// command runs: from now on exec may join it, stop and kill signal it.
func (c *Container) recordInit() error {
	id, err := identify(c.init.Pid)
	if err != nil {
		return err
	}
	c.described.Init = id
	return writeMeta(c.dir, c.described)
}

// removeStateDir removes the state directory, if it was made, and logs it.
func (c *Container) removeStateDir() error {
	if _, err := os.Lstat(c.dir); errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err := removeAll(c.dir); err != nil {
		return err
	}
	c.logf(FromParent, "rm -r %s", c.dir)
	return nil
}

// tmpPrefix marks state directories still being made. A sweep removes them
// only when they are old enough to be the remains of a crash.
const tmpPrefix = initproc.TmpPrefix

const tmpMaxAge = time.Minute

// processIdentity is "PID STARTTIME", as the owner file holds it.
func processIdentity(pid int) (string, error) {
	id, err := identify(pid)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%d %d", id.PID, id.StartTime), nil
}

// identify reads the start time of process pid (field 22 of
// /proc/PID/stat), which tells it from any later process given its PID.
func identify(pid int) (ProcessID, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return ProcessID{}, err
	}
	// The command name, field 2, is in parentheses and may hold spaces.
	s := string(data)
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(fields) < 20 {
		return ProcessID{}, fmt.Errorf("unexpected /proc/%d/stat", pid)
	}
	start, err := strconv.ParseUint(fields[19], 10, 64)
	if err != nil {
		return ProcessID{}, fmt.Errorf("unexpected /proc/%d/stat: %w", pid, err)
	}
	return ProcessID{PID: pid, StartTime: start}, nil
}

// ownerAlive tells whether the process named in a state directory's owner
// file still runs.
func ownerAlive(dir string) bool {
	_, alive := liveOwner(dir)
	return alive
}

// liveOwner reads a state directory's owner file ("PID STARTTIME") and
// tells whether that process still runs.
func liveOwner(dir string) (owner string, alive bool) {
	data, err := os.ReadFile(filepath.Join(dir, ownerFile))
	if err != nil {
		return "", false
	}
	want := strings.TrimSpace(string(data))
	pidStr, _, _ := strings.Cut(want, " ")
	pid, err := strconv.Atoi(pidStr)
	if err != nil {
		return want, false
	}
	have, err := processIdentity(pid)
	return want, err == nil && have == want
}

// Sweep removes what containers whose owner died left behind: their
// processes (if any survived), cgroups and state directories. It never
// touches a container whose owner is alive.
func Sweep(host *cgroup.Host) error {
	ids := map[string]bool{}
	entries, err := os.ReadDir(StateDir)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), tmpPrefix) {
			if info, err := e.Info(); err == nil && time.Since(info.ModTime()) > tmpMaxAge {
				removeAll(filepath.Join(StateDir, e.Name()))
			}
			continue
		}
		ids[e.Name()] = true
	}
	leaves, err := host.List()
	if err != nil {
		return err
	}
	for _, id := range leaves {
		ids[id] = true
	}
	var errs []error
	var live []string
	dead := false
	for id := range ids {
		dir := filepath.Join(StateDir, id)
		if ownerAlive(dir) {
			live = append(live, id)
			continue
		}
		dead = true
		cg := host.Open(id)
		errs = append(errs, cg.Kill(), cg.Destroy(), removeAll(dir))
	}
	// Their veths, published ports, and the bridge once no container is on
	// it. The bridge is the host's one, whatever StateDir says: a sweep of
	// another state directory (a test's) would take every container on
	// it for dead, and did, running as root (an attack review saw its
	// containers lose their network).
	// Only when something of a dead container may be left on it
	// (networkLeftovers): the full look costs 1-2 ms of every start.
	if StateDir == defaultStateDir && networkLeftovers(dead, live) {
		errs = append(errs, sweepNetwork())
	}
	return errors.Join(errs...)
}
