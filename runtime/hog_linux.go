package runtime

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"

	"vme50-tui/hog"
)

// mountHog makes vme50-hog a command of the container without changing its
// rootfs, as Docker's --init binds docker-init in: the file is this very
// binary (init is a re-exec of vme50-tui), bound read-only onto an empty
// file in a tiny tmpfs of its own.
//
// Why under /tmp: mountTmp has just mounted the container's own /tmp
// there, in every container, so the mount point for ours is made in its
// layer, never in the rootfs, with an overlay or without one. (A /.vme50 would have to be made
// in the rootfs itself under --overlay=false, and be left behind.)
func mountHog(tmp *os.File) error {
	binary, err := ownBinary()
	if err != nil {
		// The container works without it; the log says why it is missing.
		logStep("# no %s in this container: %v", hog.Name, err)
		return nil
	}
	// /tmp/.vme50: a tiny tmpfs in the container's /tmp (tmp).
	dir, err := openBelow(tmp, filepath.Base(filepath.Dir(HogDir)), true)
	if err != nil {
		return err
	}
	defer dir.Close()
	vme50, err := mountNew(dir, "tmpfs", "tmpfs", unix.MS_NOSUID|unix.MS_NODEV, "mode=755,size=64k")
	if err != nil {
		return err
	}
	defer vme50.Close()
	bin, err := openBelow(vme50, filepath.Base(HogDir), true)
	if err != nil {
		return err
	}
	defer bin.Close()
	// A bind mount needs a mount point of the same kind: a file for a file.
	file, err := makeFileAt(bin, hog.Name, 0o755)
	if err != nil {
		return err
	}
	defer file.Close()
	// Read-only: a bind mount takes the flags of the mount it came from.
	bound, err := bindNew(nil, binary, file, false, unix.MS_RDONLY|unix.MS_NOSUID|unix.MS_NODEV)
	if err == nil {
		bound.Close()
	} else {
		if !inUserNS() || !errors.Is(err, unix.EACCES) {
			return err
		}
		// --userns: the container's root, an ordinary uid on the host,
		// may not reach the binary (under /root, say). The container
		// works without it.
		logStep("# no %s in this container: %v", hog.Name, err)
		if err := unix.Unlinkat(int(bin.Fd()), hog.Name, 0); err != nil {
			return err
		}
	}
	// And the tmpfs read-only too: nothing can be added beside vme50-hog
	// to the container's PATH.
	return restrict(vme50, false, unix.MS_RDONLY|unix.MS_NOSUID|unix.MS_NODEV)
}

// ownBinary is the path of the binary we run. Not /proc/self/exe itself:
// that link leads into the host's mount namespace (it was resolved when the
// parent started, before ours was made), and the kernel binds nothing from
// another namespace (EINVAL). Its target, read as a path, is found in our
// namespace, a copy of the host's, as the same file.
func ownBinary() (string, error) {
	path, err := os.Readlink("/proc/self/exe")
	if err != nil {
		return "", err
	}
	if strings.HasSuffix(path, " (deleted)") {
		return "", fmt.Errorf("%s was replaced or removed since vme50-tui started", strings.TrimSuffix(path, " (deleted)"))
	}
	return path, nil
}
