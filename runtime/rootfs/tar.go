package rootfs

// Safe extraction: every archive (`rootfs import`) and every image layer
// (`rootfs pull`) is written by the extractor below, which never writes
// outside the rootfs, whatever the archive says. Its rules:
//
//   - An entry's name is a path inside the rootfs. A leading / is dropped,
//     as docker does (/etc/x is ROOTFS/etc/x); a name that climbs out with
//     .. is refused.
//   - No directory on the way to an entry may be a symlink. A link made by
//     an earlier entry (a -> /etc) would otherwise carry a later one
//     (a/passwd) out of the rootfs, onto the host's /etc/passwd; so would a
//     chain of links, however deep. (Docker extracts in a chroot, where
//     such a link leads back into the rootfs. Refusing is simpler, and
//     enough: archives and layers name a file by its real path.) Symlinks
//     are created as the archive has them (their targets mean something
//     only inside the container, where / is the rootfs) and never followed.
//   - A hard link's target is a path inside the rootfs, by the same rules.
//   - As root, owners, modes (setuid included), mtimes and device nodes
//     are kept: a rootfs needs its root-owned /etc, its setuid su, its
//     /dev/null.
//
//   - What it writes is bounded (limit.go): the file content the archive
//     holds and the number of things made, across the whole rootfs.
//     Sparse files are written sparse.
//
// A refused entry ends the extraction with an error that names it, and so
// does one past a limit.
//
// Checking a path with Lstat and then writing to it would be a race if
// someone else could change the tree in between. Nobody can: the tree is
// DIR.tmp, made by us a moment ago and written by us alone, one entry at a
// time. (A tool that extracts into a directory others can write must use
// openat2 with RESOLVE_BENEATH instead.)

import (
	"archive/tar"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// extractor writes tar entries into root.
type extractor struct {
	root   string
	asRoot bool // owners and device nodes need root
	// whiteouts: the archive is an image layer, whose .wh. entries delete
	// what lower layers made (see whiteout).
	whiteouts bool
	written   map[string]bool // the names this archive made, and their parents
	dirs      []finishedDir   // mode and mtime of directories, set at the end
	budget    *budget         // what the rootfs may still take (limit.go)
	stream    *countingReader // the tar stream, counted
	buf       []byte          // copyContent's buffer
}

// finishedDir is what a directory gets once every entry is written: its
// mtime would change with each file written into it, and a read-only mode
// would stop them being written (for a user without root).
type finishedDir struct {
	path  string
	mode  fs.FileMode
	mtime time.Time
}

// refusal is an entry that would write outside the rootfs, or that
// extraction cannot make safely.
type refusal string

func (r refusal) Error() string { return string(r) }

func newExtractor(root string, whiteouts bool, b *budget) *extractor {
	return &extractor{root: root, asRoot: os.Geteuid() == 0, whiteouts: whiteouts, written: map[string]bool{}, budget: b}
}

// extract writes every entry of the tar stream r and returns how many
// there were.
func (x *extractor) extract(r io.Reader) (int, error) {
	x.stream = &countingReader{r: r}
	tr := tar.NewReader(x.stream)
	n := 0
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return n, fmt.Errorf("reading the archive: %w", err)
		}
		n++
		err = x.entry(hdr, tr)
		if err == nil {
			err = x.skipContent(tr) // what entry did not write
		}
		if err != nil {
			if errors.As(err, new(refusal)) {
				return n, fmt.Errorf("refusing entry %q: %w", hdr.Name, err)
			}
			return n, fmt.Errorf("entry %q: %w", hdr.Name, err)
		}
	}
	return n, x.finishDirs()
}

// entry writes one entry; r reads a regular file's content.
func (x *extractor) entry(hdr *tar.Header, r io.Reader) error {
	if hdr.Typeflag == tar.TypeXGlobalHeader {
		return nil // pax settings for the whole archive, no file
	}
	name, err := cleanName(hdr.Name)
	if err != nil || name == "." {
		return err // "." is the rootfs itself, which keeps its own mode
	}
	if x.whiteouts && strings.HasPrefix(path.Base(name), whiteoutPrefix) {
		return x.whiteout(name)
	}
	if err := x.budget.addEntry(entryDisk(hdr.Typeflag, hdr.Linkname)); err != nil {
		return err
	}
	target, err := x.path(name, true)
	if err != nil {
		return err
	}
	switch hdr.Typeflag {
	case tar.TypeDir:
		err = makeDir(target)
	case tar.TypeReg, tar.TypeGNUSparse: // tar gives a GNU sparse file's content with its holes filled in
		err = x.writeFile(target, r)
	case tar.TypeSymlink:
		err = makeSymlink(target, hdr.Linkname)
	case tar.TypeLink:
		err = x.hardLink(target, hdr.Linkname)
	case tar.TypeChar, tar.TypeBlock, tar.TypeFifo:
		if !x.asRoot {
			return nil // the kernel lets only root make device nodes
		}
		err = makeNode(target, hdr)
	default:
		return refusal(fmt.Sprintf("unsupported entry type %q", hdr.Typeflag))
	}
	if err != nil {
		return err
	}
	x.markWritten(name)
	if hdr.Typeflag == tar.TypeLink {
		return nil // a hard link shares its target's owner, mode and times
	}
	return x.keepMetadata(target, hdr)
}

// cleanName turns an entry's name into a clean relative path: "./etc/",
// "/etc" and "etc" are all "etc", and the archive's top is ".". A name
// that climbs out of the rootfs ("../x", "a/../../x") is refused.
func cleanName(name string) (string, error) {
	clean := path.Clean(strings.TrimLeft(name, "/"))
	if clean == ".." || strings.HasPrefix(clean, "../") {
		return "", refusal("its path leads out of the rootfs")
	}
	return clean, nil
}

// path returns where the entry called name goes, after checking each
// directory on the way there: it must be a real directory, not a symlink,
// which could lead anywhere. Missing ones are made when makeParents is
// set, as tar does.
func (x *extractor) path(name string, makeParents bool) (string, error) {
	parts := strings.Split(name, "/")
	dir := x.root
	for i := range len(parts) - 1 {
		dir = filepath.Join(dir, parts[i])
		fi, err := os.Lstat(dir)
		switch {
		case errors.Is(err, fs.ErrNotExist) && makeParents:
			if err = x.budget.addEntry(diskBlock); err == nil {
				err = os.Mkdir(dir, 0o755)
			}
		case err != nil:
		case fi.Mode()&fs.ModeSymlink != 0:
			err = refusal(fmt.Sprintf("%s is a symlink, and writing through it could leave the rootfs",
				strings.Join(parts[:i+1], "/")))
		case !fi.IsDir():
			err = refusal(strings.Join(parts[:i+1], "/") + " is not a directory")
		}
		if err != nil {
			return "", err
		}
	}
	return filepath.Join(x.root, name), nil
}

// markWritten records that this archive made name, and so its parents.
func (x *extractor) markWritten(name string) {
	for ; name != "." && !x.written[name]; name = path.Dir(name) {
		x.written[name] = true
	}
}

// makeRoom removes what is at target so that a new entry can take its
// place, as tar does: a directory over a directory is kept (the two
// merge), anything else goes. Neither Lstat nor RemoveAll follows a
// symlink at target.
func makeRoom(target string, keepDir bool) error {
	fi, err := os.Lstat(target)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if keepDir && fi.IsDir() {
		return nil
	}
	return os.RemoveAll(target)
}

func makeDir(target string) error {
	if err := makeRoom(target, true); err != nil {
		return err
	}
	if err := os.Mkdir(target, 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
		return err
	}
	return nil
}

// writeFile creates target afresh: O_EXCL fails rather than follow a
// symlink that might be there.
func (x *extractor) writeFile(target string, content io.Reader) error {
	if err := makeRoom(target, false); err != nil {
		return err
	}
	f, err := os.OpenFile(target, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if err := x.copyContent(f, content); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// makeSymlink creates the link as the archive has it: an absolute target
// (/bin/busybox) is resolved inside the container, where it is inside the
// rootfs.
func makeSymlink(target, linkname string) error {
	if err := makeRoom(target, false); err != nil {
		return err
	}
	return os.Symlink(linkname, target)
}

// hardLink links target to linkname, an earlier entry of the rootfs.
// (link(2) does not follow a symlink at linkname: it links the symlink.)
func (x *extractor) hardLink(target, linkname string) error {
	name, err := cleanName(linkname)
	if err != nil {
		return refusal("hard link to " + linkname + ": " + err.Error())
	}
	old, err := x.path(name, false)
	var fi fs.FileInfo
	if err == nil {
		fi, err = os.Lstat(old)
	}
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("hard link to %s, which no earlier entry made", linkname)
	}
	if err != nil {
		return fmt.Errorf("hard link to %s: %w", linkname, err)
	}
	if fi.IsDir() {
		return refusal("hard link to a directory, " + linkname)
	}
	if err := makeRoom(target, false); err != nil {
		return err
	}
	return os.Link(old, target)
}

// makeNode makes a device node or a fifo.
func makeNode(target string, hdr *tar.Header) error {
	kind := map[byte]uint32{tar.TypeChar: unix.S_IFCHR, tar.TypeBlock: unix.S_IFBLK, tar.TypeFifo: unix.S_IFIFO}
	if err := makeRoom(target, false); err != nil {
		return err
	}
	dev := unix.Mkdev(uint32(hdr.Devmajor), uint32(hdr.Devminor))
	return unix.Mknod(target, kind[hdr.Typeflag]|0o600, int(dev))
}

// keepMetadata gives target the entry's owner, mode and mtime. The owner
// comes first: chown clears the setuid and setgid bits, chmod sets them.
// A symlink has no mode of its own (it is always 0777 on Linux).
func (x *extractor) keepMetadata(target string, hdr *tar.Header) error {
	if x.asRoot {
		if err := os.Lchown(target, hdr.Uid, hdr.Gid); err != nil {
			return err
		}
	}
	mode := hdr.FileInfo().Mode() & (fs.ModePerm | fs.ModeSetuid | fs.ModeSetgid | fs.ModeSticky)
	switch hdr.Typeflag {
	case tar.TypeDir:
		x.dirs = append(x.dirs, finishedDir{target, mode, hdr.ModTime})
		return nil
	case tar.TypeSymlink:
	default:
		if err := os.Chmod(target, mode); err != nil {
			return err
		}
	}
	return setMtime(target, hdr.ModTime)
}

// finishDirs sets the directories' modes and mtimes, deepest first, so
// that a parent that is not searchable does not hide its children. A
// directory that a later entry replaced is left alone, and so is one
// below a directory that a later entry replaced with a symlink (a/etc,
// then a -> /): its path now leads out of the rootfs, to the host's /etc.
func (x *extractor) finishDirs() error {
	for _, d := range slices.Backward(x.dirs) {
		name, _ := filepath.Rel(x.root, d.path) // d.path is x.root joined with a name
		if _, err := x.path(name, false); err != nil {
			continue
		}
		if fi, err := os.Lstat(d.path); err != nil || !fi.IsDir() {
			continue
		}
		if err := os.Chmod(d.path, d.mode); err != nil {
			return err
		}
		if err := setMtime(d.path, d.mtime); err != nil {
			return err
		}
	}
	return nil
}

// setMtime sets target's access and modification times, of a symlink
// itself, not of what it points to.
func setMtime(target string, mtime time.Time) error {
	ts := unix.NsecToTimespec(mtime.UnixNano())
	return unix.UtimesNanoAt(unix.AT_FDCWD, target, []unix.Timespec{ts, ts}, unix.AT_SYMLINK_NOFOLLOW)
}
