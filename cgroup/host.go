package cgroup

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Create makes the leaf vme50/<id> in every hierarchy and returns its
// Manager. No limit is set yet (see Manager.Set) and no process is in it.
// If it fails part-way, the directories it made are removed again.
func (h *Host) Create(id string) (Manager, error) {
	if err := h.check(id); err != nil {
		return nil, err
	}
	if h.Version == V2 {
		return h.createV2(id)
	}
	return h.createV1(id)
}

// Open returns the Manager of an existing leaf, for instance one left
// behind by a vme50 that died, so that it can be killed and destroyed.
// Nothing is read from the machine: the methods of the Manager report a
// missing leaf (Kill and Destroy take it as done). An id that cannot name a leaf gives a Manager whose every method
// fails, so that nothing outside vme50/ is ever touched.
func (h *Host) Open(id string) Manager {
	if err := h.check(id); err != nil {
		return badLeaf{id: id, version: h.Version, err: err}
	}
	if h.Version == V2 {
		return h.openV2(id)
	}
	return h.openV1(id)
}

// List returns the ids of the leaves under vme50/, sorted. On v1 a leaf
// found in any hierarchy counts, so that one left half-removed is still
// found and swept. No vme50 directory means no leaves.
func (h *Host) List() ([]string, error) {
	if err := h.checkLayout(); err != nil {
		return nil, err
	}
	ids := map[string]bool{}
	for _, dir := range h.parentDirs() {
		entries, err := os.ReadDir(dir)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("cgroup: list %s: %w", dir, err)
		}
		// vme50 also holds the kernel's files (cgroup.procs, ...); only
		// the directories are leaves.
		for _, e := range entries {
			if e.IsDir() {
				ids[e.Name()] = true
			}
		}
	}
	return slices.Sorted(maps.Keys(ids)), nil
}

// parentDirs are the vme50 directories: one on v2, one per hierarchy on v1.
func (h *Host) parentDirs() []string {
	if h.Version == V2 {
		return []string{filepath.Join(h.Root, Parent)}
	}
	var dirs []string
	for _, mount := range h.v1Mounts() {
		dirs = append(dirs, filepath.Join(mount, Parent))
	}
	return dirs
}

// v1Mounts lists each v1 hierarchy we use once, in v1Controllers order.
// Co-mounted controllers (cpu and cpuacct in /sys/fs/cgroup/cpu,cpuacct)
// share a hierarchy, and a directory made in it is in both.
func (h *Host) v1Mounts() []string {
	var mounts []string
	for _, c := range h.v1InUse() {
		if m := h.V1Roots[c]; !slices.Contains(mounts, m) {
			mounts = append(mounts, m)
		}
	}
	return mounts
}

// v1InUse are the v1 controllers our leaves are made in: the ones we
// need, and the optional ones this host mounts.
func (h *Host) v1InUse() []string {
	in := slices.Clone(v1Controllers)
	for _, c := range v1Optional {
		if filepath.IsAbs(h.V1Roots[c]) {
			in = append(in, c)
		}
	}
	return in
}

// V1Controllers are the v1 controllers a leaf is made in on this host,
// in the order they are worked on.
func (h *Host) V1Controllers() []string { return h.v1InUse() }

// HasV1 tells whether a v1 host mounts controller c (blkio, freezer).
func (h *Host) HasV1(c string) bool {
	return h.Version == V1 && filepath.IsAbs(h.V1Roots[c])
}

// check refuses what could make us touch a directory outside vme50/: a
// Host not filled in (a relative path would be taken from the current
// directory) or an id that is not one plain name.
func (h *Host) check(id string) error {
	if err := h.checkLayout(); err != nil {
		return err
	}
	return validateID(id)
}

// checkLayout verifies that the Host names an absolute mount point for
// every tree we use, as Detect's do.
func (h *Host) checkLayout() error {
	switch h.Version {
	case V2:
		if !filepath.IsAbs(h.Root) {
			return fmt.Errorf("cgroup: v2 root %q is not an absolute path", h.Root)
		}
	case V1:
		for _, c := range v1Controllers {
			if !filepath.IsAbs(h.V1Roots[c]) {
				return fmt.Errorf("cgroup: v1 controller %s has no absolute mount point (%q)", c, h.V1Roots[c])
			}
		}
	default:
		return fmt.Errorf("cgroup: unknown %s", h.Version)
	}
	return nil
}

// validateID keeps an id to one plain path element, since it becomes a
// directory name under vme50/: "" would be vme50 itself, a '/' or ".."
// would reach outside it.
func validateID(id string) error {
	bad := ""
	switch {
	case id == "":
		bad = "it is empty"
	case id == "." || id == "..":
		bad = "it names a directory, not a leaf"
	case strings.ContainsAny(id, "/\x00"):
		bad = "it contains '/' or NUL"
	case len(id) > 255:
		bad = "it is longer than 255 bytes"
	}
	if bad != "" {
		return fmt.Errorf("cgroup: invalid container id %q: %s", id, bad)
	}
	return nil
}

// madeDirs remembers the directories a Create made, so that a failure
// part-way removes exactly those, newest first, and nothing that was
// there before (another container's vme50, say).
type madeDirs struct {
	fs   cgfs
	dirs []string
}

// mkdir makes path. With shared set, an existing directory is fine: it is
// vme50, which all containers share.
func (m *madeDirs) mkdir(path string, shared bool) error {
	err := m.fs.mkdir(path)
	if shared && errors.Is(err, fs.ErrExist) {
		return nil
	}
	if err == nil {
		m.dirs = append(m.dirs, path)
	}
	return err
}

// undo removes what was made and returns cause, with any failure to
// remove joined to it.
func (m *madeDirs) undo(cause error) error {
	for i := len(m.dirs) - 1; i >= 0; i-- {
		if err := m.fs.rmdir(m.dirs[i]); err != nil {
			cause = errors.Join(cause, err)
		}
	}
	m.dirs = nil
	return cause
}

// badLeaf is what Open returns for an id that cannot name a leaf.
type badLeaf struct {
	id      string
	version Version
	err     error
}

func (b badLeaf) ID() string                 { return b.id }
func (b badLeaf) Version() Version           { return b.version }
func (b badLeaf) Paths() []string            { return nil }
func (b badLeaf) Files() Files               { return Files{} }
func (b badLeaf) Set(Limits) error           { return b.err }
func (b badLeaf) AddProc(int) error          { return b.err }
func (b badLeaf) Procs() ([]int, error)      { return nil, b.err }
func (b badLeaf) Stats() (Stats, error)      { return Stats{}, b.err }
func (b badLeaf) Kill() error                { return b.err }
func (b badLeaf) Destroy() error             { return b.err }
func (b badLeaf) OpenDir() (fd int, e error) { return -1, b.err }

// Files names this host's cgroup files, before any leaf exists (a form
// can say which file a limit will be written to).
func (h *Host) Files() Files {
	if h.Version == V2 {
		return (&v2Leaf{}).Files()
	}
	return (&v1Leaf{}).Files()
}
