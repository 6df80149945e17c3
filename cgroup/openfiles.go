package cgroup

import (
	"errors"
	"io/fs"
	"sync"

	"golang.org/x/sys/unix"
)

// openFiles keeps a leaf's files open between readings, and reads each
// again from its start with one pread: the TUI reads some twenty files a
// container four times a second, and an open walks the path and makes a
// file each time (an open, a read and a close were three system calls a
// file; now one). The kernel makes the text anew at each read from
// offset 0, as for a fresh open.
//
// Only a leaf this process made (Create) keeps files open, and Destroy
// closes them: a leaf found with Open is read the plain way, since nothing
// tells when its holder is done with it. A file of a leaf that was removed
// reads as ENODEV: that is a missing file, and Stats then finds the leaf
// gone.
type openFiles struct {
	mu     sync.Mutex
	fds    map[string]int
	closed bool // Destroy ran: read the plain way from now on
}

func newOpenFiles() *openFiles { return &openFiles{fds: map[string]int{}} }

// read returns the text of the file at path, as readSmall does.
func (o *openFiles) read(path string) (string, error) {
	if o == nil {
		return readSmall(path)
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.closed {
		return readSmall(path)
	}
	fd, ok := o.fds[path]
	if !ok {
		var err error
		fd, err = unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if err != nil {
			return "", &fs.PathError{Op: "open", Path: path, Err: err}
		}
		o.fds[path] = fd
	}
	text, err := preadAll(fd)
	if err != nil {
		unix.Close(fd)
		delete(o.fds, path)
		return "", readError(path, err)
	}
	return text, nil
}

// close closes every file, and has later reads open and close their own.
func (o *openFiles) close() {
	if o == nil {
		return
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	for path, fd := range o.fds {
		unix.Close(fd)
		delete(o.fds, path)
	}
	o.closed = true
}

// readError is the error of a read of path: ENODEV, which a file of a
// leaf removed while it was open reads, is the leaf gone (ENOENT), as
// for a file opened after.
func readError(path string, err error) error {
	if errors.Is(err, unix.ENODEV) {
		err = unix.ENOENT
	}
	return &fs.PathError{Op: "read", Path: path, Err: err}
}

// preadAll reads an open file whole, from offset 0.
func preadAll(fd int) (string, error) {
	bp := readBuffers.Get().(*[]byte)
	defer readBuffers.Put(bp)
	buf, n := *bp, 0
	for {
		if n == len(buf) {
			buf = append(buf, make([]byte, len(buf))...)
			*bp = buf
		}
		m, err := unix.Pread(fd, buf[n:], int64(n))
		switch {
		case err == unix.EINTR:
			continue
		case err != nil:
			return "", err
		case m == 0:
			return string(buf[:n]), nil
		case n+m < len(buf):
			// A cgroup file is a seq_file, which fills what is asked
			// until the file ends: a short read is the end, and a
			// second pread to hear 0 would double the syscalls of
			// each tick.
			return string(buf[:n+m]), nil
		}
		n += m
	}
}
