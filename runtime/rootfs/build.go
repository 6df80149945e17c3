package rootfs

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// DirFor is where the rootfs called name lives: DefaultDir/name.
func DirFor(name string) (string, error) {
	if name == "" || name == "." || name == ".." || strings.ContainsRune(name, '/') ||
		strings.HasSuffix(name, tmpSuffix) || strings.HasSuffix(name, oldSuffix) {
		return "", fmt.Errorf("rootfs name %q: a plain name is needed (no '/', not . or .., not ending in .tmp or .old)", name)
	}
	return filepath.Join(DefaultDir, name), nil
}

// The two names a rootfs has while it is being made or replaced. `rootfs
// ls` hides them.
const (
	tmpSuffix = ".tmp" // DIR.tmp: the new rootfs, until it is complete
	oldSuffix = ".old" // DIR.old: the one --force replaces, until the new one is in place
)

// TempDir is where the rootfs for dir is made before it is renamed to dir.
func TempDir(dir string) string { return filepath.Clean(dir) + tmpSuffix }

// build makes a rootfs at dir the safe way: fill writes into DIR.tmp,
// which is renamed to dir only once it is complete. Whatever fails (a bad
// archive, a lost network, ctrl+c through fill's context), DIR.tmp is
// removed, so dir is never a half-made rootfs. An existing dir is replaced
// only with force, and only after the new rootfs is complete.
func build(dir string, force bool, fill func(tmp string) error) error {
	dir = filepath.Clean(dir)
	if err := checkTarget(dir, force); err != nil {
		return err
	}
	// A rootfs holds the image's setuid programs and device nodes: made
	// in the store, it is out of other users' reach from the start.
	if strings.HasPrefix(dir, Store+"/") {
		if err := CloseStore(Store, -1); err != nil {
			return err
		}
	}
	tmp := TempDir(dir)
	// A DIR.tmp already there was left by a run that was killed (kill -9):
	// nothing of it is worth keeping.
	if err := os.RemoveAll(tmp); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return err
	}
	if err := os.Mkdir(tmp, 0o755); err != nil {
		return err
	}
	if err := fill(tmp); err != nil {
		os.RemoveAll(tmp)
		return err
	}
	if err := replace(tmp, dir); err != nil {
		os.RemoveAll(tmp)
		return err
	}
	return nil
}

// checkTarget refuses a dir that exists, unless force, and with force a
// dir whose loss would break the host: / and the directories right under
// it (`rootfs create --force /usr` must not delete /usr).
func checkTarget(dir string, force bool) error {
	_, err := os.Lstat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if !force {
		return fmt.Errorf("%s already exists (use --force to replace it)", dir)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	if filepath.Dir(abs) == "/" {
		return fmt.Errorf("refusing to replace %s, a top-level directory of this host", abs)
	}
	return nil
}

// replace puts the finished rootfs tmp at dir. An old dir is first moved
// aside to DIR.old and deleted only once the new one is in place: at no
// moment is dir half of one rootfs and half of the other.
func replace(tmp, dir string) error {
	old := dir + oldSuffix
	if err := os.RemoveAll(old); err != nil {
		return err
	}
	if err := os.Rename(dir, old); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if err := os.Rename(tmp, dir); err != nil {
		os.Rename(old, dir) // put the old one back
		return err
	}
	return os.RemoveAll(old)
}
