package runtime

import (
	"errors"
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// removeAll removes the tree at path, however deep. os.RemoveAll holds a
// descriptor open for every level it descends, so 30,000 nested
// directories (a few lines of shell in a container) made it fail with
// "too many open files", and every later sweep with it. This walk holds
// one descriptor at a time: it goes down into the first directory that is
// not empty, and back up through ".." once one is, remembering only the
// names on the way.
//
// The tree is a stopped container's: nothing moves its directories while
// we walk, so ".." is where we came from.
func removeAll(path string) error {
	err := os.RemoveAll(path)
	if err == nil || !errors.Is(err, unix.EMFILE) && !errors.Is(err, unix.ENAMETOOLONG) {
		return err
	}
	dir, err := os.OpenFile(path, unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_RDONLY, 0)
	if err != nil {
		return err
	}
	var names []string // from path down to dir
	for {
		entries, err := dir.ReadDir(64)
		if err != nil && len(entries) == 0 {
			// dir is empty: climb to its parent and remove it from there.
			if len(names) == 0 {
				dir.Close()
				return os.Remove(path)
			}
			name := names[len(names)-1]
			names = names[:len(names)-1]
			parent, err := openAt(dir, "..")
			dir.Close()
			if err != nil {
				return err
			}
			dir = parent
			if err := unix.Unlinkat(int(dir.Fd()), name, unix.AT_REMOVEDIR); err != nil {
				dir.Close()
				return fmt.Errorf("rmdir %s: %w", name, err)
			}
			continue
		}
		for _, e := range entries {
			if !e.IsDir() {
				if err := unix.Unlinkat(int(dir.Fd()), e.Name(), 0); err != nil {
					dir.Close()
					return fmt.Errorf("unlink %s: %w", e.Name(), err)
				}
				continue
			}
			// A directory: go down into it; it is removed on the way back.
			child, err := openAt(dir, e.Name())
			dir.Close()
			if err != nil {
				return err
			}
			dir = child
			names = append(names, e.Name())
			break
		}
	}
}

// openAt opens the directory name in dir, never through a symlink.
func openAt(dir *os.File, name string) (*os.File, error) {
	fd, err := unix.Openat(int(dir.Fd()), name, unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", name, err)
	}
	return os.NewFile(uintptr(fd), name), nil
}
