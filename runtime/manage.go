package runtime

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"

	"vme50-tui/cgroup"
)

// Managing a container found by Find, whoever started it (ps, stop, kill,
// the host view): its state, owner, readings and uptime, signals to its
// PID 1, and docker's stop and kill. The owner stays the one who reaps
// PID 1, reports the end and cleans up; these only make it end. If the
// owner itself is gone, they remove what it left (Sweep).

// State is what a container is doing, as ps shows it.
type State string

const (
	// StateStarting: the container is being built; its command does not
	// run yet (no PID 1 in its description).
	StateStarting State = "starting"
	StateRunning  State = "running"
	// StateStopping: a stop is under way (its marker file is in the state
	// directory, written by a stop that still runs).
	StateStopping State = "stopping"
	// StatePaused: the container's cgroup is frozen.
	StatePaused State = "paused"
)

// stoppingFile marks a container that a stop is ending. It holds the
// stopping process as "PID STARTTIME": a stop killed half-way does not
// leave the container "stopping" for ever.
const stoppingFile = "stopping"

// stateDir is the container's state directory.
func (f Found) stateDir() string { return filepath.Join(StateDir, f.ID) }

// State tells what the container is doing now.
func (f Found) State(host *cgroup.Host) State {
	switch {
	case f.Init.PID == 0 && f.current().Init.PID == 0:
		return StateStarting
	case f.stopping():
		return StateStopping
	case f.frozen(host):
		return StatePaused
	}
	return StateRunning
}

// frozen tells whether the container's cgroup is frozen (pause): v2
// cgroup.events frozen 1, v1 freezer.state FROZEN.
func (f Found) frozen(host *cgroup.Host) bool {
	frozen, _ := host.Open(f.ID).Frozen()
	return frozen
}

// current is f with its description read again: PID 1 is written into it
// once the command runs, after the container was found.
func (f Found) current() Found {
	if f.Init.PID == 0 {
		if m := readMeta(f.stateDir()); m.Init.PID != 0 {
			f.Meta = m
		}
	}
	return f
}

// stopping tells whether a stop that still runs has marked the container.
func (f Found) stopping() bool {
	data, err := os.ReadFile(filepath.Join(f.stateDir(), stoppingFile))
	if err != nil {
		return false
	}
	want := strings.TrimSpace(string(data))
	pid, _, _ := strings.Cut(want, " ")
	n, err := strconv.Atoi(pid)
	if err != nil {
		return false
	}
	have, err := processIdentity(n)
	return err == nil && have == want
}

// markStopping writes the stopping marker: under a temporary name renamed
// into place (a reader finds all of it or nothing), root's alone.
func (f Found) markStopping() error {
	us, err := processIdentity(os.Getpid())
	if err != nil {
		return err
	}
	tmp := filepath.Join(f.stateDir(), "."+stoppingFile)
	if err := os.WriteFile(tmp, []byte(us+"\n"), 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(f.stateDir(), stoppingFile))
}

// OwnerPID is the pid of the vme50-tui process that started the container
// and will clean it up (a TUI or a run), from its owner file.
func (f Found) OwnerPID() int {
	pid, _, _ := strings.Cut(f.owner, " ")
	n, _ := strconv.Atoi(pid)
	return n
}

// Stats reads the container's cgroup. A container that ended before or
// during the reading is an *EndedError.
func (f Found) Stats(host *cgroup.Host) (cgroup.Stats, error) {
	if !f.StillRunning() {
		return cgroup.Stats{}, &EndedError{ID: f.ID}
	}
	st, err := host.Open(f.ID).Stats()
	if err != nil && !f.StillRunning() {
		return cgroup.Stats{}, &EndedError{ID: f.ID}
	}
	return st, err
}

// Uptime is the time since the container was created.
func (f Found) Uptime() time.Duration {
	if f.Created.IsZero() {
		return 0
	}
	return time.Since(f.Created)
}

// FormatUptime writes an uptime in two units at most, as ps and the
// host view show it: 5s, 3m12s, 2h04m, 3d07h.
func FormatUptime(d time.Duration) string {
	s := int64(max(d, 0) / time.Second)
	switch {
	case s < 60:
		return fmt.Sprintf("%ds", s)
	case s < 3600:
		return fmt.Sprintf("%dm%02ds", s/60, s%60)
	case s < 86400:
		return fmt.Sprintf("%dh%02dm", s/3600, s%3600/60)
	}
	return fmt.Sprintf("%dd%02dh", s/86400, s%86400/3600)
}

// CoresUsed is how many cores the group used between two readings of its
// cgroup: the growth of its CPU time over the wall time between them
// (0.5 is half a core). ok is false when the two do not make an interval
// (the same reading, or a counter that went back).
func CoresUsed(prev, cur cgroup.Stats) (cores float64, ok bool) {
	interval := cur.Time.Sub(prev.Time)
	if interval <= 0 || cur.CPU.UsageUsec < prev.CPU.UsageUsec {
		return 0, false
	}
	return float64(cur.CPU.UsageUsec-prev.CPU.UsageUsec) / float64(interval.Microseconds()), true
}

// Sample is one container's figures for a listing: the second of two
// readings, and the cores used between them.
type Sample struct {
	Stats   cgroup.Stats
	Cores   float64
	CoresOK bool  // false when the cores could not be measured
	Err     error // the reading failed (*EndedError: the container ended)
}

// SampleAll reads the cgroup of every container twice, interval apart
// (one wait for all of them), as ps does. The samples are in found's
// order.
func SampleAll(host *cgroup.Host, found []Found, interval time.Duration) []Sample {
	samples := make([]Sample, len(found))
	first := make([]cgroup.Stats, len(found))
	for i, f := range found {
		first[i], samples[i].Err = f.Stats(host)
	}
	if len(found) > 0 {
		time.Sleep(interval)
	}
	for i, f := range found {
		if samples[i].Err != nil {
			continue
		}
		samples[i].Stats, samples[i].Err = f.Stats(host)
		if samples[i].Err == nil {
			samples[i].Cores, samples[i].CoresOK = CoresUsed(first[i], samples[i].Stats)
		}
	}
	return samples
}

// startPatience bounds the wait of stop and kill for a container being
// built to run its command: a start takes milliseconds.
var startPatience = 5 * time.Second

// started waits until the container's command runs, and returns f with
// its PID 1.
func (f Found) started() (Found, error) {
	deadline := time.Now().Add(startPatience)
	for {
		f = f.current()
		if f.Init.PID != 0 {
			return f, nil
		}
		if !f.StillRunning() {
			return f, &EndedError{ID: f.ID}
		}
		if time.Now().After(deadline) {
			return f, fmt.Errorf("container %s: its command has not started after %s", f.ID, startPatience)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// cleanupPatience bounds the wait for the owner to clean up once every
// process of the container is dead (the cgroup killed).
var cleanupPatience = 10 * time.Second

// Stop ends the container as docker stop does: SIGTERM to its PID 1 (a
// paused container is thawed for it), and once grace has passed SIGKILL
// to every process in its cgroup. Note that
// PID 1 of a PID namespace only gets the signals it has a handler for: a
// shell that set none ignores the SIGTERM, and the grace runs out. Stop
// returns once the owner has cleaned up (the state directory is gone), or
// once Stop has cleaned up itself if the owner is dead.
func (f Found) Stop(host *cgroup.Host, grace time.Duration) error {
	f, err := f.started()
	if err != nil {
		return err
	}
	if err := f.markStopping(); err != nil {
		if !f.StillRunning() {
			return f.ended(host)
		}
		return fmt.Errorf("container %s: %w", f.ID, err)
	}
	var ended *EndedError
	if err := f.Signal(unix.SIGTERM); err != nil && !errors.As(err, &ended) {
		return err
	}
	// A paused container is thawed, as docker stop does, so that its
	// handler can run: the SIGTERM waits, pending, in the freezer.
	if f.frozen(host) {
		if err := f.Resume(host); err != nil && !errors.As(err, &ended) {
			return err
		}
	}
	gone, err := f.waitGone(host, grace)
	if gone || err != nil {
		return err
	}
	if err := host.Open(f.ID).Kill(); err != nil && f.StillRunning() {
		return fmt.Errorf("container %s: %w", f.ID, err)
	}
	gone, err = f.waitGone(host, cleanupPatience)
	if !gone && err == nil {
		err = fmt.Errorf("container %s: its processes are killed, but its owner (pid %d) has not cleaned up after %s",
			f.ID, f.OwnerPID(), cleanupPatience)
	}
	return err
}

// Kill sends sig to the container's PID 1, as docker kill does; SIGKILL
// goes to every process in its cgroup as well. It returns once the signal
// is sent: the owner notices the end and cleans up (if the owner is dead,
// Kill cleans up itself).
func (f Found) Kill(host *cgroup.Host, sig unix.Signal) error {
	f, err := f.started()
	if err != nil {
		return err
	}
	if err := f.Signal(sig); err != nil {
		var ended *EndedError
		if errors.As(err, &ended) {
			return f.ended(host)
		}
		return err
	}
	if sig == unix.SIGKILL {
		if err := host.Open(f.ID).Kill(); err != nil && f.StillRunning() {
			return fmt.Errorf("container %s: %w", f.ID, err)
		}
	}
	return nil
}

// ended is the error for a container found ended, after removing what it
// left if its owner died (which the owner would have removed).
func (f Found) ended(host *cgroup.Host) error {
	if f.ownerDead() {
		if err := Sweep(host); err != nil {
			return fmt.Errorf("container %s: its owner died; removing what it left: %w", f.ID, err)
		}
	}
	return &EndedError{ID: f.ID}
}

// ownerDead tells whether the state directory is still there with an
// owner file naming a process that no longer runs. A directory without
// its owner file is being removed by its owner.
func (f Found) ownerDead() bool {
	owner, alive := liveOwner(f.stateDir())
	return owner != "" && !alive
}

// waitGone waits up to patience for the container to be gone: its state
// directory removed by its owner, or, if the owner has died, removed by
// Sweep here. gone is false when it is still there.
func (f Found) waitGone(host *cgroup.Host, patience time.Duration) (gone bool, err error) {
	deadline := time.Now().Add(patience)
	for {
		if f.ownerDead() {
			if err := Sweep(host); err != nil {
				return false, fmt.Errorf("container %s: its owner died; removing what it left: %w", f.ID, err)
			}
			return true, nil
		}
		if _, err := os.Lstat(f.stateDir()); errors.Is(err, fs.ErrNotExist) {
			return true, nil
		}
		if time.Now().After(deadline) {
			return false, nil
		}
		time.Sleep(20 * time.Millisecond)
	}
}
