package runtime

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"

	"vme50-tui/runtime/initbin"
)

// initProgram is what a container's init runs: vme50-init, the small
// program vme50-tui carries (cmd/vme50-init, runtime/initbin), or, in a
// build without it, our own binary as "vme50-tui init".
type initProgram struct {
	path  string // what to execve: a /proc/self/fd/N
	small bool   // vme50-init, not our own binary
	how   string // for the kernel log
}

// initExe finds the program. Either runs from a bind mount of its own,
// read-only and attached nowhere (readOnlyBind): no container that reaches
// it through /proc/PID/exe can write to it, the protection runc needed
// after CVE-2019-5736. The small init found is kept for the process; a
// failure to write or bind it (a full disk, another version's start
// removing the file meanwhile) is not: that start runs our own binary,
// read-only too, and the next one tries again (an attack review found a
// TUI left on the unprotected fallback for good).
func initExe() (initProgram, error) {
	initFound.Lock()
	defer initFound.Unlock()
	if initFound.prog.small {
		return initFound.prog, nil
	}
	cached, err := cachedInit()
	if err == nil {
		var path string
		if path, err = readOnlyBind(cached); err == nil {
			initFound.prog = initProgram{path: path, small: true,
				how: "vme50-init (the small init vme50-tui carries, " + cached + ", as " + path + " on a read-only mount)"}
			return initFound.prog, nil
		}
	}
	self, serr := readOnlySelf()
	if serr != nil {
		return initProgram{}, errors.Join(err, serr)
	}
	how := "/proc/self/exe init (as " + self + ", our binary on a read-only mount)"
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		how += "; vme50-init: " + err.Error()
	}
	return initProgram{path: self, how: how}, nil
}

// initFound is the small init once found.
var initFound struct {
	sync.Mutex
	prog initProgram
}

// initCacheDir holds vme50-init's file, beside the state directory.
func initCacheDir() string { return filepath.Join(filepath.Dir(StateDir), "init") }

// cachedInit is the path of vme50-init's file on the host's disk, written
// there by the first vme50-tui of its version to need it. Written once
// rather than copied into a sealed memfd at every start as runc 1.1 did:
// that copy of its 2.3 MB costs 0.6-1 ms, more than half of what the
// small init saves. Its name holds a hash of its first 8 KB and its
// size: the first page of a Go binary holds its build ID, a hash of the
// whole file, so another build gets another name. os.ErrNotExist: this
// build carries no vme50-init.
func cachedInit() (string, error) {
	src, err := initbin.Open()
	if err != nil {
		return "", err
	}
	defer src.Close()
	st, err := src.Stat()
	if err != nil || st.Size() == 0 {
		return "", os.ErrNotExist
	}
	head := make([]byte, min(st.Size(), 8<<10))
	if _, err := io.ReadFull(src, head); err != nil {
		return "", err
	}
	sum := sha256.Sum256(fmt.Appendf(head, "%d", st.Size()))
	path := filepath.Join(initCacheDir(), fmt.Sprintf("%s-%x", initbin.Name, sum[:8]))
	// Written again unless whole and as writeInit leaves it: r-x for all,
	// since a container under --userns runs it as a user the host does
	// not know, and root's alone.
	if fi, err := os.Lstat(path); err == nil && fi.Size() == st.Size() && fi.Mode() == initMode && ownedByRoot(fi) {
		return path, nil
	}
	return path, writeInit(path, io.MultiReader(bytes.NewReader(head), src))
}

// initMode is the mode of vme50-init's file.
const initMode = 0o555

// ownedByRoot tells whether fi is root's file.
func ownedByRoot(fi os.FileInfo) bool {
	st, ok := fi.Sys().(*syscall.Stat_t)
	return ok && st.Uid == 0
}

// writeInit writes vme50-init's file whole or not at all (a file made
// aside, synced, then renamed), and removes the files of other versions:
// a vme50-tui that runs one already holds it by its read-only mount, and
// one that has not yet writes its own again.
func writeInit(path string, src io.Reader) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, tmpPrefix)
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	_, err = io.Copy(tmp, src)
	err = errors.Join(err, tmp.Chmod(initMode), tmp.Sync(), tmp.Close())
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if name := e.Name(); strings.HasPrefix(name, initbin.Name+"-") && name != filepath.Base(path) {
			os.Remove(filepath.Join(dir, name))
		}
	}
	return nil
}
