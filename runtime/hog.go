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

// HogDir is the directory of vme50-hog, the lessons' workloads (package
// hog), in every container. It is the last directory of the container's
// PATH, so the rootfs's own commands come first.
const HogDir = "/tmp/.vme50/bin"

// HogPath is vme50-hog's full path in a container.
const HogPath = HogDir + "/" + hog.Name

// mountHog makes vme50-hog a command of the container without changing its
// rootfs, as Docker's --init binds docker-init in: the file is this very
// binary (init is a re-exec of vme50-tui), bound read-only onto an empty
// file in a tiny tmpfs of its own.
//
// Why under /tmp: mountTmp has just mounted a fresh tmpfs there, in every
// container, so the mount point for ours is made in memory, never in the
// rootfs, with an overlay or without one. (A /.vme50 would have to be made
// in the rootfs itself under --overlay=false, and be left behind.)
func mountHog(root string) error {
	binary, err := ownBinary()
	if err != nil {
		// The container works without it; the log says why it is missing.
		logStep("# no %s in this container: %v", hog.Name, err)
		return nil
	}
	dir := filepath.Dir(HogDir) // /tmp/.vme50
	if err := mountAt(root, dir, "tmpfs", "tmpfs", unix.MS_NOSUID|unix.MS_NODEV, "mode=755,size=64k"); err != nil {
		return err
	}
	bin, err := openInRoot(root, HogDir, true)
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
	if err := mountOn(binary, file, "", unix.MS_BIND, ""); err != nil {
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
	} else if err := remountAt(root, HogPath, unix.MS_RDONLY|unix.MS_NOSUID|unix.MS_NODEV); err != nil {
		// A bind mount takes the flags of the mount it came from;
		// read-only takes a remount of the new one.
		return err
	}
	// And the tmpfs read-only too: nothing can be added beside vme50-hog
	// to the container's PATH.
	return remountAt(root, dir, unix.MS_RDONLY|unix.MS_NOSUID|unix.MS_NODEV)
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
