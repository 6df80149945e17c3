package cgroup

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/sys/unix"
)

// Cgroup files come in three shapes, and these helpers read each:
//
//	one value      memory.max        "33554432" or "max"
//	keyed values   memory.events     "oom 8\noom_kill 1\n"
//	a list         cgroup.procs      "104\n105\n"

// parseValue reads one number as the kernel prints it. "max" (v2) and "-1"
// (v1's cpu.cfs_quota_us) both mean no limit, which is Unlimited here.
func parseValue(text string) (uint64, error) {
	switch text {
	case "max", "-1":
		return Unlimited, nil
	}
	return strconv.ParseUint(text, 10, 64)
}

// readSmall reads a small kernel file: open, read to the end, close.
// os.ReadFile would also fstat it for a size (cgroup files say 0 or
// 4096), hand it to the runtime's poller (cgroup files can be polled, so
// that is two epoll_ctl calls more) and read once more than needed: seven
// system calls where four do. The panels read some twenty files per
// container four times a second, and an idle TUI must cost less than top.
func readSmall(path string) (string, error) {
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	for err == unix.EINTR {
		fd, err = unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	}
	if err != nil {
		return "", &fs.PathError{Op: "open", Path: path, Err: err}
	}
	defer unix.Close(fd)
	bp := readBuffers.Get().(*[]byte)
	defer readBuffers.Put(bp)
	buf, n := *bp, 0
	for {
		if n == len(buf) {
			buf = append(buf, make([]byte, len(buf))...)
			*bp = buf
		}
		m, err := unix.Read(fd, buf[n:])
		switch {
		case err == unix.EINTR:
			continue
		case err != nil:
			// The leaf removed between the open and the read (its
			// owner cleaned up after the kill that emptied it: seen
			// in the VM's TestKillDefault) is a gone leaf.
			return "", readError(path, err)
		case m == 0:
			return string(buf[:n]), nil
		}
		n += m
	}
}

// readBuffers are readSmall's buffers: a page holds any cgroup file but
// the longest memory.stat, for which one grows.
var readBuffers = sync.Pool{New: func() any { b := make([]byte, 4096); return &b }}

// readValue reads a one-value file.
func readValue(path string) (uint64, error) {
	data, err := readSmall(path)
	if err != nil {
		return 0, err
	}
	v, err := parseValue(strings.TrimSpace(data))
	if err != nil {
		return 0, fmt.Errorf("read %s: %w", path, err)
	}
	return v, nil
}

// readPids reads a cgroup.procs file: one process id a line.
func readPids(path string) ([]int, error) {
	data, err := readSmall(path)
	if err != nil {
		return nil, err
	}
	var pids []int
	for _, field := range strings.Fields(data) {
		pid, err := strconv.Atoi(field)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", path, err)
		}
		pids = append(pids, pid)
	}
	return pids, nil
}

// statsReader fills Stats from the files of one leaf directory.
//
// Stats are read several times a second, on kernels of every age, so a
// file that is not there (memory.peak before Linux 5.19, a controller that
// is off) leaves its field alone instead of failing the whole reading. Any
// other trouble, such as text that is not a number, is an error; the first
// one is kept in err and stops further reading.
type statsReader struct {
	dir   string
	files *openFiles // the leaf's open files, or nil: open each file
	err   error
	// missing: a file was not there. An old kernel, a controller that is
	// off, or the leaf itself gone: Stats then looks whether the leaf is
	// there (leafExists), and spares that look when every file was.
	missing bool
}

// read returns a file's text, or false when it is missing or broken.
func (r *statsReader) read(name string) (string, bool) {
	if r.err != nil {
		return "", false
	}
	// Not filepath.Join: dir is clean and name a file's, and Join's
	// Clean was a twentieth of ten idle containers' reads.
	data, err := r.files.read(r.dir + "/" + name)
	if errors.Is(err, fs.ErrNotExist) {
		r.missing = true
		return "", false
	}
	if err != nil {
		r.err = err
		return "", false
	}
	return data, true
}

// fail records that a file's text made no sense.
func (r *statsReader) fail(name string, err error) {
	r.err = fmt.Errorf("read %s: %w", filepath.Join(r.dir, name), err)
}

// value reads a one-value file into *dst and reports whether it did.
func (r *statsReader) value(name string, dst *uint64) bool {
	text, ok := r.read(name)
	if !ok {
		return false
	}
	v, err := parseValue(strings.TrimSpace(text))
	if err != nil {
		r.fail(name, err)
		return false
	}
	*dst = v
	return true
}

// keyed reads the wanted keys of a "key value" file, such as
// memory.events or cpu.stat. Keys the kernel has but we do not want are
// skipped; a wanted key the kernel lacks leaves its field alone.
func (r *statsReader) keyed(name string, want map[string]*uint64) bool {
	text, ok := r.read(name)
	if !ok {
		return false
	}
	for line := range strings.Lines(text) {
		key, value, _ := strings.Cut(strings.TrimSpace(line), " ")
		dst := want[key]
		if dst == nil {
			continue
		}
		v, err := parseValue(strings.TrimSpace(value))
		if err != nil {
			r.fail(name, fmt.Errorf("%s: %w", key, err))
			return false
		}
		*dst = v
	}
	return true
}

// leafExists is the one check that makes Stats fail: reading a leaf that
// is gone would otherwise return an all-zero Stats that looks real. Stats
// asks it only when a file was missing.
func leafExists(dirs ...string) error {
	for _, dir := range dirs {
		if _, err := os.Stat(dir); err != nil {
			return err
		}
	}
	return nil
}
