package runtime

import (
	"fmt"

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
	return diskUsageOf(c.init.Pid)
}

// diskUsageOf reads the layer tmpfs of the container whose PID 1 is pid.
func diskUsageOf(pid int) (used, size uint64, err error) {
	// O_NOFOLLOW: the container's root may chroot into a directory whose
	// tmp is a symlink, which would lead to a host path from here.
	fd, err := unix.Open(fmt.Sprintf("/proc/%d/root/tmp", pid), unix.O_PATH|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return 0, 0, err
	}
	defer unix.Close(fd)
	var st unix.Statfs_t
	if err := unix.Fstatfs(fd, &st); err != nil {
		return 0, 0, err
	}
	bsize := uint64(st.Bsize)
	return (st.Blocks - st.Bfree) * bsize, st.Blocks * bsize, nil
}
