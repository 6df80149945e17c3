package initproc

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// bringUpLoopback switches on "lo" in a new network namespace. The kernel
// creates every network namespace with a loopback interface that is down;
// with it up, programs in the container can talk to themselves on
// 127.0.0.1 while reaching nothing else.
func bringUpLoopback() error {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("socket: %w", err)
	}
	defer unix.Close(fd)
	ifr, err := unix.NewIfreq("lo")
	if err != nil {
		return err
	}
	if err := unix.IoctlIfreq(fd, unix.SIOCGIFFLAGS, ifr); err != nil {
		return fmt.Errorf("get flags of lo: %w", err)
	}
	ifr.SetUint16(ifr.Uint16() | unix.IFF_UP)
	if err := unix.IoctlIfreq(fd, unix.SIOCSIFFLAGS, ifr); err != nil {
		return fmt.Errorf("bring lo up: %w", err)
	}
	logStep("ioctl SIOCSIFFLAGS lo IFF_UP (ip link set lo up)")
	return nil
}

// The container's /etc/resolv.conf, on the bridge network (the parent made
// its content from the host's: network.go), without writing into the
// rootfs: the file is made in the container's layer tmpfs, in its memory
// and gone with it, and bound over /etc/resolv.conf, as Docker binds its
// own. The container may change it; the rootfs's stays as it was. A bind
// needs a file to bind onto: with an overlay, an empty one is made in the
// overlay's upper layer, the container's own, before the overlay is
// mounted (prepareResolvConf), whatever the rootfs has there (none, or a
// symlink leading anywhere). Without an overlay nothing is written into
// the rootfs, and under --userns the upper layer's etc could only be the
// container root's (the host's root, who owns the rootfs's, is no one
// there), which would let it write into /etc: then a rootfs without a
// regular /etc/resolv.conf gets none, and the kernel log says so.

// prepareResolvConf makes etc/resolv.conf, empty, in the overlay's upper
// directory, and etc with the mode and owner of the rootfs's /etc.
func prepareResolvConf(cfg *Config, upper string, rootfs *os.File) error {
	if cfg.ResolvConf == "" || inUserNS() {
		return nil
	}
	var st unix.Stat_t
	err := unix.Fstatat(int(rootfs.Fd()), "etc", &st, unix.AT_SYMLINK_NOFOLLOW)
	switch {
	case errors.Is(err, unix.ENOENT):
		st.Mode = unix.S_IFDIR | 0o755
	case err != nil:
		return fmt.Errorf("stat %s/etc: %w", cfg.Rootfs, err)
	case st.Mode&unix.S_IFMT != unix.S_IFDIR:
		logStep("# no /etc/resolv.conf for the container: /etc is not a directory in the rootfs")
		return nil
	}
	etc := filepath.Join(upper, "etc")
	if err := unix.Mkdir(etc, st.Mode&0o7777); err != nil {
		return fmt.Errorf("mkdir %s: %w", etc, err)
	}
	if err := unix.Chown(etc, int(st.Uid), int(st.Gid)); err != nil {
		return fmt.Errorf("chown %s: %w", etc, err)
	}
	target := filepath.Join(etc, "resolv.conf")
	if err := os.WriteFile(target, nil, 0o644); err != nil {
		return err
	}
	logStep("touch %s (in the container's layer: the mount point of its resolv.conf)", target)
	return nil
}

// mountResolvConf binds the container's resolv.conf, made in its layer,
// over the root's /etc/resolv.conf.
func mountResolvConf(root *os.File, cfg *Config) error {
	if cfg.ResolvConf == "" {
		return nil
	}
	target, err := openBelow(root, "/etc/resolv.conf", false)
	if err != nil {
		// Only without an overlay or under --userns: otherwise
		// prepareResolvConf made it.
		why := "--overlay=false writes nothing there"
		if inUserNS() {
			why = "under --userns the container's root may not make one in the rootfs's /etc (an empty file in the rootfs would do)"
		}
		logStep("# no /etc/resolv.conf for the container: the rootfs has no regular /etc/resolv.conf to bind it over (%v), and %s", unwrapPath(err), why)
		return nil
	}
	defer target.Close()
	var st unix.Stat_t
	if err := unix.Fstat(int(target.Fd()), &st); err != nil {
		return err
	}
	if st.Mode&unix.S_IFMT != unix.S_IFREG {
		logStep("# no /etc/resolv.conf for the container: it is not a regular file in the rootfs")
		return nil
	}
	src := filepath.Join(cfg.Layer, "resolv.conf")
	if err := os.WriteFile(src, []byte(cfg.ResolvConf), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", src, err)
	}
	logStep("cat > %s (the container's resolv.conf, in its layer)", src)
	bound, err := bindNew(nil, src, target, false, 0)
	if err != nil {
		return err
	}
	return bound.Close()
}

// unwrapPath drops the path of a *PathError, for a note that names it.
func unwrapPath(err error) error {
	var pe *PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s %w", pe.Path, pe.Err)
	}
	return err
}
