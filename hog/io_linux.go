package hog

import (
	"fmt"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// direct is a file opened with O_DIRECT, and the page-aligned buffer its
// reads and writes go through (O_DIRECT takes no other).
type direct struct {
	path   string
	fd     int
	buf    []byte
	write  bool
	remove bool  // a file we made: removed at the end
	off    int64 // where the next block goes
}

// openDirect opens path (or the default) past the page cache.
func openDirect(path string, write bool) (*direct, error) {
	if path == "" {
		path = defaultIOFile(write)
	}
	flags := unix.O_RDONLY
	if write {
		flags = unix.O_WRONLY | unix.O_CREAT
	}
	fd, err := unix.Open(path, flags|unix.O_DIRECT|unix.O_CLOEXEC, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open %s with O_DIRECT: %w", path, err)
	}
	d := &direct{path: path, fd: fd, write: write}
	// A write made the file: it goes at the end, whatever happens.
	d.remove = write
	if reason := noDiskBelow(fd, write); reason != "" {
		d.close()
		return nil, fmt.Errorf("%s is on %s: no disk below it, no I/O to limit (write on a disk: --file, or run the container with --overlay=false)", path, reason)
	}
	// mmap's memory is page-aligned.
	if d.buf, err = unix.Mmap(-1, 0, directBlock, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_ANON|unix.MAP_PRIVATE); err != nil {
		d.close()
		return nil, err
	}
	for i := range d.buf {
		d.buf[i] = byte(i)
	}
	return d, nil
}

// defaultIOFile is what to read: the largest of the rootfs's usual big
// files; or where to write: the working directory.
func defaultIOFile(write bool) string {
	if write {
		return "vme50-hog-io.tmp"
	}
	best, bestSize := "/bin/sh", int64(-1)
	for _, p := range []string{"/bin/busybox", "/bin/sh", "/bin/bash", "/usr/bin/bash"} {
		real, err := filepath.EvalSymlinks(p)
		if err != nil {
			continue
		}
		if st, err := os.Stat(real); err == nil && st.Size() > bestSize {
			best, bestSize = real, st.Size()
		}
	}
	return best
}

// noDiskBelow names the filesystem of fd if it has no disk: a tmpfs or a
// ramfs; for a write also the overlay, whose writable layer the runtime
// keeps in a tmpfs (--disk-limit). A read of a file the container has not
// changed goes to the layer below, the rootfs on the host's disk.
func noDiskBelow(fd int, write bool) string {
	var st unix.Statfs_t
	if err := unix.Fstatfs(fd, &st); err != nil {
		return fmt.Sprintf("a filesystem that cannot be asked (%v)", err)
	}
	switch uint32(st.Type) {
	case unix.TMPFS_MAGIC:
		return "a tmpfs"
	case unix.RAMFS_MAGIC:
		return "a ramfs"
	case unix.OVERLAYFS_SUPER_MAGIC:
		if write {
			return "the overlay, whose writable layer is a tmpfs"
		}
	}
	return ""
}

// step reads or writes one block, starting over at the end of the file
// (or at size, for a write), and returns the bytes moved.
func (d *direct) step(size uint64) (uint64, error) {
	var n int
	var err error
	if d.write {
		if uint64(d.off) >= size {
			d.off = 0
		}
		n, err = unix.Pwrite(d.fd, d.buf, d.off)
		if err == nil {
			// O_DIRECT skips the cache, not the disk's own: fdatasync
			// makes the data the disk's.
			err = unix.Fdatasync(d.fd)
		}
	} else {
		n, err = unix.Pread(d.fd, d.buf, d.off)
		if err == nil && n < len(d.buf) {
			d.off = -int64(n) // the end: start over
		}
	}
	if err != nil {
		return 0, fmt.Errorf("%s at %d: %w", d.path, d.off, err)
	}
	d.off += int64(n)
	return uint64(n), nil
}

func (d *direct) close() {
	if d.buf != nil {
		unix.Munmap(d.buf)
	}
	unix.Close(d.fd)
	if d.remove {
		os.Remove(d.path)
	}
}
