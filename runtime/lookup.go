package runtime

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Finding a container of any vme50-tui process on this host, as a person
// names it: by its full id, a unique prefix of the id, or its hostname
// (docker's rules, with the hostname as the name). Only running
// containers count: a state directory whose owner is gone is a leftover
// for the next sweep, not a container.

// Found is a running container, as its state directory told it.
type Found struct {
	Meta
	owner string // the owner file's "PID STARTTIME" when it was found
}

// NotFoundError: no running container has that id, id prefix or hostname.
type NotFoundError struct{ Name string }

func (e *NotFoundError) Error() string {
	return fmt.Sprintf("no running container has the id, id prefix or hostname %q", e.Name)
}

// AmbiguousError: the name fits more than one running container.
type AmbiguousError struct {
	Name       string
	Candidates []Meta
}

func (e *AmbiguousError) Error() string {
	var names []string
	for _, m := range e.Candidates {
		names = append(names, fmt.Sprintf("%s (hostname %s)", m.ID, m.Hostname))
	}
	return fmt.Sprintf("%q names %d containers: %s; give more of the id",
		e.Name, len(e.Candidates), strings.Join(names, ", "))
}

// EndedError: the container ended after it was found.
type EndedError struct{ ID string }

func (e *EndedError) Error() string { return fmt.Sprintf("container %s has ended", e.ID) }

// Running lists the running containers of every vme50-tui process on the
// host, sorted by id.
func Running() ([]Found, error) {
	entries, err := os.ReadDir(StateDir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var found []Found
	for _, e := range entries {
		if !e.IsDir() || strings.HasPrefix(e.Name(), tmpPrefix) {
			continue
		}
		dir := filepath.Join(StateDir, e.Name())
		if owner, ok := liveOwner(dir); ok {
			found = append(found, Found{Meta: readMeta(dir), owner: owner})
		}
	}
	return found, nil // ReadDir sorts by name: by id
}

// Find resolves name to one running container: the container whose id it
// is; else the one whose id starts with it or whose hostname it is, if
// only one does.
func Find(name string) (Found, error) {
	if name == "" {
		return Found{}, &NotFoundError{Name: name}
	}
	all, err := Running()
	if err != nil {
		return Found{}, err
	}
	if i := slices.IndexFunc(all, func(f Found) bool { return f.ID == name }); i >= 0 {
		return all[i], nil
	}
	var fits []Found
	for _, f := range all {
		if strings.HasPrefix(f.ID, name) || f.Hostname == name {
			fits = append(fits, f)
		}
	}
	switch len(fits) {
	case 0:
		return Found{}, &NotFoundError{Name: name}
	case 1:
		return fits[0], nil
	}
	ambiguous := &AmbiguousError{Name: name}
	for _, f := range fits {
		ambiguous.Candidates = append(ambiguous.Candidates, f.Meta)
	}
	return Found{}, ambiguous
}

// StillRunning tells whether the container found is still the one running:
// its state directory is there, with the same owner, alive. Its id is
// random, so no other container has its cgroup.
func (f Found) StillRunning() bool {
	owner, ok := liveOwner(filepath.Join(StateDir, f.ID))
	return ok && owner == f.owner
}
