package runtime

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

// mountResolvConf gives a container on the bridge its /etc/resolv.conf
// (the parent made it from the host's: network.go) without writing into
// the rootfs: the file is made in the container's layer tmpfs, in its
// memory and gone with it, and bound over the rootfs's /etc/resolv.conf,
// as Docker binds its own. The container may change it; the rootfs's
// stays as it was. A bind needs a file to bind onto: with an overlay, a
// missing one (or a symlink, which leads wherever the image says) is
// replaced by an empty file in the overlay's upper layer, the container's
// own; without one nothing is written into the rootfs, and a rootfs that
// has no regular /etc/resolv.conf gets none.
func mountResolvConf(root *os.File, cfg *initConfig) error {
	if cfg.ResolvConf == "" {
		return nil
	}
	overlay := cfg.Overlay != nil
	src := filepath.Join(cfg.Layer, "resolv.conf")
	if err := os.WriteFile(src, []byte(cfg.ResolvConf), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", src, err)
	}
	logStep("cat > %s (the container's resolv.conf, in its layer)", src)
	etc, err := openBelow(root, "/etc", overlay)
	if err != nil {
		logStep("# no /etc/resolv.conf for the container: /etc in the rootfs: %v", unwrapPath(err))
		return nil
	}
	defer etc.Close()
	target, err := resolvConfMountPoint(etc, overlay)
	if err != nil || target == nil {
		return err
	}
	defer target.Close()
	bound, err := bindNew(nil, src, target, false, 0)
	if err != nil {
		return err
	}
	return bound.Close()
}

// resolvConfMountPoint opens etc's resolv.conf, a regular file, for the
// bind; nil when there is none and none may be made.
func resolvConfMountPoint(etc *os.File, overlay bool) (*os.File, error) {
	const name = "resolv.conf"
	fd, err := unix.Openat(int(etc.Fd()), name, unix.O_PATH|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	var why string
	switch {
	case errors.Is(err, unix.ENOENT):
		why = "there is none"
	case err != nil:
		return nil, fmt.Errorf("open /etc/%s: %w", name, err)
	default:
		var st unix.Stat_t
		if err := unix.Fstat(fd, &st); err != nil {
			unix.Close(fd)
			return nil, err
		}
		if st.Mode&unix.S_IFMT == unix.S_IFREG {
			return os.NewFile(uintptr(fd), filepath.Join(etc.Name(), name)), nil
		}
		unix.Close(fd)
		if st.Mode&unix.S_IFMT == unix.S_IFDIR {
			logStep("# no /etc/resolv.conf for the container: it is a directory in the rootfs")
			return nil, nil
		}
		why = "it is not a regular file (a symlink?)"
		if overlay {
			if err := unix.Unlinkat(int(etc.Fd()), name, 0); err != nil {
				return nil, fmt.Errorf("rm /etc/%s: %w", name, err)
			}
		}
	}
	if !overlay {
		logStep("# no /etc/resolv.conf for the container: in the rootfs %s, and --overlay=false writes nothing there", why)
		return nil, nil
	}
	logStep("touch %s/%s (in the container's layer: %s in the rootfs)", etc.Name(), name, why)
	return makeFileAt(etc, name, 0o644)
}

// unwrapPath drops the path of a *PathError, for a note that names it.
func unwrapPath(err error) error {
	var pe *PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s %w", pe.Path, pe.Err)
	}
	return err
}
