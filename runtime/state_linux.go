package runtime

import (
	"fmt"
	"sync"

	"golang.org/x/sys/unix"
)

// DiskUsage is what the container has written, in bytes, and the room it
// has (--disk-limit): its layer tmpfs, as `df /tmp` shows it inside. Read
// through the container's /tmp, which is that tmpfs with the overlay and
// without it. An error once the container has ended.
func (c *Container) DiskUsage() (used, size uint64, err error) {
	select {
	case <-c.done:
		return 0, 0, fmt.Errorf("container %s has ended", c.id)
	default:
	}
	if c.init == nil {
		return 0, 0, fmt.Errorf("container %s has not started", c.id)
	}
	return c.disk.usage(c.id, c.init.Pid)
}

// diskFile is a container's /tmp, opened (O_PATH) at the first DiskUsage
// and kept: the panels ask at every tick, and the walk through
// /proc/PID/root into the container's mounts was a tenth of ten idle
// containers' CPU (issue 13). It is closed before cleanup, for it holds
// the layer's mount.
type diskFile struct {
	mu     sync.Mutex
	fd     int
	open   bool
	closed bool
}

func (d *diskFile) usage(id string, pid int) (used, size uint64, err error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return 0, 0, fmt.Errorf("container %s has ended", id)
	}
	if !d.open {
		if d.fd, err = openLayerTmp(pid); err != nil {
			return 0, 0, err
		}
		d.open = true
	}
	return statLayer(d.fd)
}

// close lets the layer's mount go.
func (d *diskFile) close() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.open {
		unix.Close(d.fd)
	}
	d.open, d.closed = false, true
}

// diskUsageOf reads the layer tmpfs of the container whose PID 1 is pid.
func diskUsageOf(pid int) (used, size uint64, err error) {
	fd, err := openLayerTmp(pid)
	if err != nil {
		return 0, 0, err
	}
	defer unix.Close(fd)
	return statLayer(fd)
}

// openLayerTmp opens, as a path only, the /tmp of the container whose PID
// 1 is pid.
func openLayerTmp(pid int) (int, error) {
	// O_NOFOLLOW: the container's root may chroot into a directory whose
	// tmp is a symlink, which would lead to a host path from here.
	return unix.Open(fmt.Sprintf("/proc/%d/root/tmp", pid), unix.O_PATH|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
}

// statLayer is what the filesystem of fd has used, and its size.
func statLayer(fd int) (used, size uint64, err error) {
	var st unix.Statfs_t
	if err := unix.Fstatfs(fd, &st); err != nil {
		return 0, 0, err
	}
	bsize := uint64(st.Bsize)
	return (st.Blocks - st.Bfree) * bsize, st.Blocks * bsize, nil
}
