package cgroup

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"
)

// The freezer stops every process of a group where it stands, and
// resumes them later: nothing is killed or told (no signal), the
// processes simply get no CPU, as `docker pause` does. v2 has it in every
// group (cgroup.freeze); v1 has it as a hierarchy of its own (freezer),
// which a host may not mount.

// ErrNoFreezer: a v1 host without the freezer hierarchy.
var ErrNoFreezer = errors.New("cgroup v1: the freezer controller is not mounted (no line of type \"cgroup\" in /proc/self/mountinfo lists it)")

// freezeWait is how long Freeze waits for the kernel to have stopped (or
// resumed) every process: a process in the middle of a system call is
// stopped when it leaves it.
const freezeWait = 5 * time.Second

// Freeze writes cgroup.freeze and waits until cgroup.events says frozen
// (or not).
func (l *v2Leaf) Freeze(frozen bool) error {
	value := "0"
	if frozen {
		value = "1"
	}
	if err := l.fs.write(l.file("cgroup.freeze"), value); err != nil {
		return err
	}
	return waitFor(l.file("cgroup.events"), func() (bool, error) {
		now, err := l.Frozen()
		return now == frozen, err
	})
}

// Frozen reads cgroup.events: "frozen 1" once every process is stopped.
func (l *v2Leaf) Frozen() (bool, error) {
	r := statsReader{dir: l.dir}
	var now uint64
	if !r.keyed("cgroup.events", map[string]*uint64{"frozen": &now}) {
		return false, errors.Join(r.err, fmt.Errorf("%s: no frozen line", l.file("cgroup.events")))
	}
	return now == 1, nil
}

// Frozen reads freezer.state: FROZEN once every process is stopped
// (FREEZING before). Without a freezer hierarchy, nothing is frozen.
func (l *v1Leaf) Frozen() (bool, error) {
	dir, ok := l.dirs["freezer"]
	if !ok {
		return false, nil
	}
	r := statsReader{dir: dir, files: l.files} // kept open: the panels read it every tick
	state, ok := r.read("freezer.state")
	if !ok && r.err == nil {
		return false, fmt.Errorf("%s is missing", filepath.Join(dir, "freezer.state"))
	}
	return strings.TrimSpace(state) == "FROZEN", r.err
}

// Freeze writes freezer.state FROZEN or THAWED; FROZEN is reached through
// FREEZING, which we wait out.
func (l *v1Leaf) Freeze(frozen bool) error {
	dir, ok := l.dirs["freezer"]
	if !ok {
		return ErrNoFreezer
	}
	want := "THAWED"
	if frozen {
		want = "FROZEN"
	}
	file := dir + "/freezer.state"
	if err := l.fs.write(file, want); err != nil {
		return err
	}
	return waitFor(file, func() (bool, error) {
		state, err := readText(file)
		return state == want, err
	})
}

// waitFor polls done until it says yes, for up to freezeWait.
func waitFor(file string, done func() (bool, error)) error {
	deadline := time.Now().Add(freezeWait)
	for {
		ok, err := done()
		if err != nil {
			return fmt.Errorf("read %s: %w", file, err)
		}
		if ok {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s: the kernel did not finish within %s", file, freezeWait)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// readText reads a small file, trimmed.
func readText(file string) (string, error) {
	r := statsReader{dir: filepath.Dir(file)}
	text, ok := r.read(filepath.Base(file))
	if !ok && r.err == nil {
		return "", fmt.Errorf("%s is missing", file)
	}
	return strings.TrimSpace(text), r.err
}

func (b badLeaf) Freeze(bool) error     { return b.err }
func (b badLeaf) Frozen() (bool, error) { return false, b.err }
func (b badLeaf) SetIO([]IOLimit) error { return b.err }
