package cgroup

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"

	"golang.org/x/sys/unix"
)

// The kernel's cgroup interface is a filesystem: mkdir makes a group,
// writing text into one of its files sets a limit or moves a process,
// rmdir deletes it. Every change vme50 makes goes through cgfs, for two
// reasons:
//
//   - each change can be shown in the UI's kernel log (Host.Trace), so a
//     student sees the very mkdir/echo/rmdir they could type by hand;
//   - each error names the file and the value, the two things needed to
//     reproduce it with echo in a shell.

// cgfs makes the changes and reports them to the Host's Trace, looked up
// at each change, so a Trace set after Create or Open is still told.
type cgfs struct {
	host *Host // may be nil: no tracing
}

// traced tells the tracer of a change that has been made. Failed attempts
// are not traced: they changed nothing, and their error is returned.
func (c cgfs) traced(op, path, value string) {
	if c.host != nil && c.host.Trace != nil {
		c.host.Trace(op, path, value)
	}
}

// mkdir makes one cgroup directory. The kernel fills it with the
// controllers' files at once. An existing directory is an error that
// errors.Is(err, fs.ErrExist) recognises.
func (c cgfs) mkdir(path string) error {
	if err := unix.Mkdir(path, 0o755); err != nil {
		return fmt.Errorf("mkdir %s: %w", path, err)
	}
	c.traced("mkdir", path, "")
	return nil
}

// write writes value into a cgroup file, like `echo value > path`.
func (c cgfs) write(path, value string) error {
	if err := writeFile(path, value); err != nil {
		return fmt.Errorf("write %s to %s: %w", value, path, err)
	}
	c.traced("write", path, value)
	return nil
}

// setting is one value for one cgroup file.
type setting struct {
	file, value string
}

// writeAll writes the settings in order and stops at the first error.
func (c cgfs) writeAll(todo []setting) error {
	for _, s := range todo {
		if err := c.write(s.file, s.value); err != nil {
			return err
		}
	}
	return nil
}

// writeFile writes value with one write(2): the kernel takes each write
// as one whole command ("+cpu", "50000 100000"). The file is not created
// when missing: a missing cgroup file means a missing controller, and a
// plain file made in its place would hide that.
func writeFile(path, value string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_TRUNC, 0)
	if err != nil {
		return bareError(err)
	}
	_, err = f.WriteString(value)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return bareError(err)
}

// bareError drops the "open PATH:" that package os puts in front of the
// kernel's error, since our own message already names the path.
func bareError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// rmdirPatience is how long rmdir retries a busy cgroup. A cgroup whose
// last process was just killed can stay busy for a moment, while the
// kernel finishes tearing the processes down.
var rmdirPatience = 2 * time.Second

// rmdirSyscall is unix.Rmdir; tests replace it to fake a busy cgroup.
var rmdirSyscall = unix.Rmdir

// rmdir removes a cgroup directory. The files in it do not stop it (they
// belong to the kernel); processes and child groups do, with EBUSY, and
// that is retried with growing pauses for up to rmdirPatience. A
// directory that is already gone counts as removed.
func (c cgfs) rmdir(path string) error {
	deadline := time.Now().Add(rmdirPatience)
	pause := 10 * time.Millisecond
	for {
		err := rmdirSyscall(path)
		switch {
		case err == nil:
			c.traced("rmdir", path, "")
			return nil
		case errors.Is(err, unix.ENOENT):
			return nil
		case !errors.Is(err, unix.EBUSY):
			return fmt.Errorf("rmdir %s: %w", path, err)
		}
		left := time.Until(deadline)
		if left <= 0 {
			return fmt.Errorf("rmdir %s: %w (still busy after %s)", path, err, rmdirPatience)
		}
		time.Sleep(min(pause, left))
		pause *= 2
	}
}

// exists reports whether a cgroup file is there. Optional files tell what
// the kernel can do: cgroup.kill (5.14+), memory.memsw.* (swap accounting).
func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}
