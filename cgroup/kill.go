package cgroup

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"time"

	"golang.org/x/sys/unix"
)

// killPatience bounds how long Kill waits for a leaf to empty. SIGKILL
// cannot be caught, but a process stuck in the kernel (uninterruptible
// sleep, "D" in ps) only dies when it gets out.
var killPatience = 5 * time.Second

// listPids reads the cgroup.procs files given and returns every pid in
// them once, sorted. A missing file counts as empty: the leaf is gone, so
// nothing is left in it to kill.
func listPids(procsFiles ...string) ([]int, error) {
	var all []int
	for _, file := range procsFiles {
		pids, err := readPids(file)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		all = append(all, pids...)
	}
	slices.Sort(all)
	return slices.Compact(all), nil
}

// killListed sends SIGKILL to every process in the cgroup.procs files and
// returns the pids it found.
//
// There is a small race in reading pids and then signalling them: a
// process may exit and its number be reused by a new process outside the
// cgroup before kill(2) happens. cgroup.kill (v2, Linux 5.14+) has no such
// race, because the kernel does the whole job itself; that is why v2 uses
// it when it can.
func killListed(procsFiles ...string) ([]int, error) {
	pids, err := listPids(procsFiles...)
	if err != nil {
		return nil, err
	}
	for _, pid := range pids {
		// Never ourselves: on v1 a thread of ours steps into a leaf for
		// a moment to fork a process there (runtime/process_linux.go),
		// and cgroup.procs then lists our whole process.
		if pid == os.Getpid() {
			continue
		}
		// ESRCH: it died by itself between the read and now.
		if err := unix.Kill(pid, unix.SIGKILL); err != nil && err != unix.ESRCH {
			return pids, fmt.Errorf("kill -KILL %d: %w", pid, err)
		}
	}
	return pids, nil
}

// killUntilEmpty waits until empty reports true, sending SIGKILL in each
// round to whatever the procs files still list: a process may have forked
// between our reading of cgroup.procs and our kill. It gives up after
// killPatience, naming the survivors.
func killUntilEmpty(leaf string, procsFiles []string, empty func() (bool, error)) error {
	deadline := time.Now().Add(killPatience)
	pause := time.Millisecond
	for {
		done, err := empty()
		if err != nil || done {
			return err
		}
		left, err := killListed(procsFiles...)
		if err != nil {
			return err
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("cgroup %s still holds processes %v after %s of SIGKILL", leaf, left, killPatience)
		}
		time.Sleep(pause)
		pause = min(2*pause, 50*time.Millisecond)
	}
}
