package initproc

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/sys/unix"
)

// mountHog makes vme50-hog a command of the container without changing its
// rootfs, as Docker's --init binds docker-init in: the file is vme50-tui's
// binary (Config.Self, vme50-tui on the host), bound read-only onto an empty
// file in a tiny tmpfs of its own.
//
// Why under /tmp: mountTmp has just mounted the container's own /tmp
// there, in every container, so the mount point for ours is made in its
// layer, never in the rootfs, with an overlay or without one. (A /.vme50
// would have to be made in the rootfs itself under --overlay=false, and be
// left behind.)
//
// Both it and the page-cache file are the host's files, bound read-only.
// A command that keeps CAP_SYS_ADMIN (--cap-add SYS_ADMIN or ALL) could
// remount a bind writable and chmod vme50-tui on the host, or fill the
// host's disk through the cache file: it gets neither.
func mountHog(tmp *os.File, caps []Capability, self, cacheDir string) error {
	if slices.Contains(caps, CapNamed("SYS_ADMIN")) {
		logStep("# no %s and no %s in this container: with CAP_SYS_ADMIN it could remount them writable, and they are the host's files",
			HogName, HogCachePath)
		return nil
	}
	binary, err := ownBinary(self)
	if err != nil {
		// The container works without it; the log says why it is missing.
		logStep("# no %s in this container: %v", HogName, err)
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
	file, err := makeFileAt(bin, HogName, 0o755)
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
		logStep("# no %s in this container: %v", HogName, err)
		if err := unix.Unlinkat(int(bin.Fd()), HogName, 0); err != nil {
			return err
		}
	}
	if err := mountCache(vme50, cacheDir); err != nil {
		return err
	}
	// And the tmpfs read-only too: nothing can be added beside vme50-hog
	// to the container's PATH.
	return restrict(vme50, false, unix.MS_RDONLY|unix.MS_NOSUID|unix.MS_NODEV)
}

// cacheFileSize is the size of every container's page-cache file: blocks
// of the host's disk it never takes (it is all hole), page cache up to it.
const cacheFileSize = 256 << 20

// mountCache gives the container HogCachePath, the file vme50-hog mem
// --cache reads to hold page cache the kernel can drop (hog/cache.go):
// a sparse file on the host's disk (in the state directory, cacheDir,
// which is on the host's disk unless / is), bound read-only at /tmp/.vme50/cache. No other process
// has read it, so every page of it is charged to the container that reads
// it first.
//
// Its name is removed as soon as it is bound: the bind is then its only
// reference, so it is gone with the container's mount namespace, whatever
// happens to vme50-tui. (A file made without a name, O_TMPFILE, cannot be
// bound: open_tree answers ENOENT.) Should init die in between, the name
// starts with tmpPrefix, and Sweep removes it a minute later.
//
// The container works without it: where the kernel or the filesystem
// refuses (--userns: the container's root may not write in StateDir),
// the log says why, and vme50-hog says there is no page cache here.
func mountCache(vme50 *os.File, cacheDir string) error {
	name := filepath.Base(HogCachePath)
	file, err := os.CreateTemp(cacheDir, TmpPrefix+"cache-")
	if err != nil {
		logStep("# no %s in this container: %v", HogCachePath, err)
		return nil
	}
	defer file.Close()
	defer func() {
		if err := os.Remove(file.Name()); err == nil {
			logStep("rm %s (the bind holds the file now)", file.Name())
		}
	}()
	if err := file.Chmod(0o444); err != nil {
		return err
	}
	if err := file.Truncate(cacheFileSize); err != nil {
		logStep("# no %s in this container: %v", HogCachePath, err)
		return nil
	}
	target, err := makeFileAt(vme50, name, 0o444)
	if err != nil {
		return err
	}
	defer target.Close()
	bound, err := bindNew(file, "", target, false, unix.MS_RDONLY|unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC)
	if err != nil {
		logStep("# no %s in this container: %v", HogCachePath, err)
		return unix.Unlinkat(int(vme50.Fd()), name, 0)
	}
	bound.Close()
	logStep("# %s: %d MiB of holes on the host's disk, page cache for vme50-hog mem --cache", HogCachePath, cacheFileSize>>20)
	return nil
}

// ownBinary is the path of the binary we run: self, the parent's
// /proc/self/exe read as a path (Config.Self), or else our own. Not
// /proc/self/exe itself: that link leads into the host's mount namespace
// (it was resolved when the parent started, before ours was made), or
// into the read-only mount of it that init runs from (readOnlySelf), and
// the kernel binds nothing from another namespace (EINVAL). Its target,
// read as a path, is found in our namespace, a copy of the host's, as the
// same file.
func ownBinary(self string) (string, error) {
	path := self
	if path == "" {
		var err error
		if path, err = os.Readlink("/proc/self/exe"); err != nil {
			return "", err
		}
	}
	if strings.HasSuffix(path, " (deleted)") {
		return "", fmt.Errorf("%s was replaced or removed since vme50-tui started", strings.TrimSuffix(path, " (deleted)"))
	}
	return path, nil
}
