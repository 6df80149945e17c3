package runtime

import (
	"fmt"
	"strconv"
	"sync"

	"golang.org/x/sys/unix"
)

// readOnlySelf is the path, /proc/self/fd/N, of this very binary seen
// through a bind mount of its own, read-only and attached nowhere
// (open_tree, mount_setattr). A child started from that path runs our
// binary as /proc/self/exe would, but its /proc/PID/exe leads to a file
// that no one can open for writing (EROFS), not even by reopening a
// descriptor kept from it once nothing runs the binary any more: that
// was how a container overwrote the host's runc (CVE-2019-5736), through
// a runtime process it had made run inside it ("#!/proc/self/exe").
// runc 1.1 copied itself into a sealed memfd for this, which would cost
// a copy of our 24 MB at each start; runc 1.2 went read-only as we do.
// It is made once per process; N is high, so that the descriptors exec.Cmd
// gives a child (3, 4, ...) never take its place before the exec.
var readOnlySelf = sync.OnceValues(func() (string, error) { return readOnlyBind("/proc/self/exe") })

// readOnlyBind is the path, /proc/self/fd/N, of the file at path seen
// through a bind mount of its own, read-only and attached nowhere.
func readOnlyBind(path string) (string, error) {
	tree, err := unix.OpenTree(unix.AT_FDCWD, path, unix.OPEN_TREE_CLONE|unix.OPEN_TREE_CLOEXEC)
	if err != nil {
		return "", fmt.Errorf("open_tree(%s, OPEN_TREE_CLONE): %w", path, err)
	}
	defer unix.Close(tree)
	attr := unix.MountAttr{Attr_set: unix.MOUNT_ATTR_RDONLY | unix.MOUNT_ATTR_NOSUID | unix.MOUNT_ATTR_NODEV}
	if err := unix.MountSetattr(tree, "", unix.AT_EMPTY_PATH, &attr); err != nil {
		return "", fmt.Errorf("mount_setattr(%s, MOUNT_ATTR_RDONLY): %w", path, err)
	}
	high, err := unix.FcntlInt(uintptr(tree), unix.F_DUPFD_CLOEXEC, 100)
	if err != nil {
		return "", fmt.Errorf("fcntl(F_DUPFD_CLOEXEC): %w", err)
	}
	return "/proc/self/fd/" + strconv.Itoa(high), nil
}
