package rootfs

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// An image is a stack of layers, each a tar of what changed. A file that
// a layer deletes cannot be in its tar, so the layer carries a marker
// instead (OCI image spec, "Whiteouts"):
//
//	DIR/.wh.NAME      NAME, made by a lower layer, is gone
//	DIR/.wh..wh..opq  DIR is opaque: all that lower layers put in it is gone
//
// A marker deletes only what lower layers made; what its own layer writes
// stays, whichever comes first in the tar. The markers themselves are not
// written.
const (
	whiteoutPrefix = ".wh."
	opaqueMarker   = ".wh..wh..opq"
)

// whiteout applies the marker called name.
func (x *extractor) whiteout(name string) error {
	dir, base := path.Split(name)
	dir = path.Clean(dir) // "" (the top) becomes "."
	if base == opaqueMarker {
		return x.makeOpaque(dir)
	}
	victim := strings.TrimPrefix(base, whiteoutPrefix)
	if victim == "" || victim == "." || victim == ".." {
		return refusal(fmt.Sprintf("a whiteout must name one file, not %q", victim))
	}
	victimName := path.Join(dir, victim)
	if x.written[victimName] {
		return nil
	}
	target, err := x.path(victimName, false)
	if errors.Is(err, fs.ErrNotExist) {
		return nil // nothing below to delete
	}
	if err != nil {
		return err
	}
	return os.RemoveAll(target)
}

// makeOpaque empties the directory called name of what lower layers put
// there.
func (x *extractor) makeOpaque(name string) error {
	dir, err := x.path(name, false)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	fi, err := os.Lstat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if !fi.IsDir() {
		// A symlink here would have us empty the directory it points to.
		return refusal(name + " is not a directory")
	}
	return x.removeLower(dir, name)
}

// removeLower removes from dir (the directory called name) everything
// this layer did not write, and, in the directories it did write, what
// lower layers had put inside them.
func (x *extractor) removeLower(dir, name string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		childName, child := path.Join(name, e.Name()), filepath.Join(dir, e.Name())
		switch {
		case !x.written[childName]:
			err = os.RemoveAll(child)
		case e.IsDir(): // DirEntry.IsDir is false for a symlink
			err = x.removeLower(child, childName)
		}
		if err != nil {
			return err
		}
	}
	return nil
}
