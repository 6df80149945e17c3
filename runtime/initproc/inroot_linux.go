package initproc

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"
)

// A rootfs is untrusted: whoever made the image chose what its /proc,
// /sys, /dev and /tmp are. Init mounts onto them before pivot_root, while
// it still sees the host's whole filesystem, so a path such as
// <root>/proc handed to mount(2) is resolved by the kernel through any
// symlink the image put there: proc -> ../merged/xproc mounted the
// container's procfs at /xproc, out of reach of the masks and read-only
// paths, and /xproc/sys/kernel/core_pattern then ran a program of the
// image's on the host, as root. runc had this bug three times
// (CVE-2019-16884, CVE-2019-19921, and the procfs redirections of 2025).
//
// So init never hands the kernel a path inside the rootfs. It opens each
// mount point itself, one directory at a time, refusing every symlink on
// the way, and then mounts onto what it opened, named by its descriptor
// (/proc/self/fd/N): the kernel takes that very directory and resolves
// nothing again. Refusing, not following "inside the root" as
// filepath-securejoin or openat2's RESOLVE_IN_ROOT would: a /proc that
// leads to /xproc, even within the root, would still leave /proc itself
// unmounted and unmasked. A real image never makes its mount points
// symlinks.

// openInRoot opens path ("/proc", "/dev/pts": the path as the container
// will see it) below the directory root, as an O_PATH descriptor that
// can be mounted on or used as the directory of *at calls. Each name is
// looked up in the directory opened before it, with O_NOFOLLOW; ".."
// cannot occur (the path is cleaned as an absolute one). With mkdir,
// missing directories are made.
func openInRoot(root, path string, mkdir bool) (*os.File, error) {
	dir, err := os.OpenFile(root, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, err
	}
	defer dir.Close()
	return openBelow(dir, path, mkdir)
}

// openBelow is openInRoot from an open directory: a mount of ours, found
// through its descriptor (mountfd_linux.go).
func openBelow(dir *os.File, path string, mkdir bool) (*os.File, error) {
	fd, err := unix.FcntlInt(dir.Fd(), unix.F_DUPFD_CLOEXEC, 0)
	if err != nil {
		return nil, err
	}
	clean := filepath.Clean("/" + path)
	walked := ""
	for _, name := range strings.Split(clean, "/")[1:] {
		if name == "" {
			break // path is "/"
		}
		walked += "/" + name
		next, err := openStep(fd, name, mkdir)
		unix.Close(fd)
		if err != nil {
			return nil, &PathError{Path: walked, Err: err}
		}
		fd = next
	}
	return os.NewFile(uintptr(fd), filepath.Join(dir.Name(), clean)), nil
}

// openStep opens name in the directory dir, never through a symlink.
func openStep(dir int, name string, mkdir bool) (int, error) {
	const flags = unix.O_PATH | unix.O_NOFOLLOW | unix.O_CLOEXEC
	fd, err := unix.Openat(dir, name, flags, 0)
	if errors.Is(err, unix.ENOENT) && mkdir {
		if err := unix.Mkdirat(dir, name, 0o755); err != nil && !errors.Is(err, unix.EEXIST) {
			return -1, err
		}
		fd, err = unix.Openat(dir, name, flags, 0)
	}
	if err != nil {
		return -1, err
	}
	// O_PATH|O_NOFOLLOW opens a symlink itself instead of failing: look
	// at what was opened.
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		unix.Close(fd)
		return -1, err
	}
	if st.Mode&unix.S_IFMT == unix.S_IFLNK {
		unix.Close(fd)
		buf := make([]byte, unix.PathMax)
		n, _ := unix.Readlinkat(dir, name, buf)
		return -1, &symlinkError{target: string(buf[:max(n, 0)])}
	}
	return fd, nil
}

// PathError is a path in the container's root that init refused or could
// not open: Path as the container sees it.
type PathError struct {
	Path string
	Err  error
}

func (e *PathError) Error() string { return e.Path + ": " + e.Err.Error() }
func (e *PathError) Unwrap() error { return e.Err }

// symlinkError is a mount point that the rootfs made a symlink.
type symlinkError struct{ target string }

func (e *symlinkError) Error() string {
	return fmt.Sprintf("is a symlink in the rootfs (to %s); vme50 mounts only on real directories, never through a link", e.target)
}

// OpenRootfs opens the rootfs directory itself, refusing a symlink
// anywhere on its path. The parent resolved the path once, when it was
// given (ValidateRootfs), so a symlink found now is one somebody put
// there since: a rename of the rootfs's directory, or of one above it,
// for a link to somewhere else on the host. From this descriptor on,
// the rootfs is never looked up by name again.
func OpenRootfs(path string) (*os.File, error) {
	f, err := openInRoot("/", path, false)
	var pe *PathError
	var se *symlinkError
	switch {
	case errors.As(err, &pe) && errors.As(err, &se):
		return nil, fmt.Errorf("rootfs %s: %s is a symlink (to %s) since vme50 checked the path: was it changed while the container started?",
			path, pe.Path, se.target)
	case err != nil:
		return nil, fmt.Errorf("rootfs %s: %w", path, err)
	}
	return f, nil
}

// IDOf is the FileID of the open file f.
func IDOf(f *os.File) (FileID, error) {
	var st unix.Stat_t
	if err := unix.Fstat(int(f.Fd()), &st); err != nil {
		return FileID{}, fmt.Errorf("stat %s: %w", f.Name(), err)
	}
	return FileID{Dev: st.Dev, Ino: st.Ino}, nil
}
