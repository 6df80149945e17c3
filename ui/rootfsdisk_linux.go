package ui

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"

	"vme50-tui/internal/mountinfo"
)

// rootfsDisk is the disk the rootfs dir lies on, as --device-read-bps
// takes it: /dev/NAME of the whole disk (the disk of a partition, which
// io.max limits), or MAJ:MIN where /dev has no node for it. A rootfs with
// no block device under it (tmpfs, an initramfs, a filesystem that
// reports an anonymous device) is an error that says so.
func rootfsDisk(dir string) (string, error) {
	if dir == "" {
		return "", errors.New("no rootfs chosen")
	}
	var st unix.Stat_t
	if err := unix.Stat(dir, &st); err != nil {
		return "", fmt.Errorf("the rootfs: %w", err)
	}
	major, minor := unix.Major(st.Dev), unix.Minor(st.Dev)
	sys := fmt.Sprintf("/sys/dev/block/%d:%d", major, minor)
	if _, err := os.Stat(sys); err != nil {
		return "", fmt.Errorf("no block device under the rootfs (%s is on %s, device %d:%d)", dir, fsTypeOf(dir), major, minor)
	}
	if _, err := os.Stat(sys + "/partition"); err == nil {
		// A partition's directory sits in its disk's.
		if real, err := filepath.EvalSymlinks(sys); err == nil {
			sys = filepath.Dir(real)
		}
	}
	if name := ueventValue(sys+"/uevent", "DEVNAME"); name != "" {
		var node unix.Stat_t
		if unix.Stat("/dev/"+name, &node) == nil && node.Mode&unix.S_IFMT == unix.S_IFBLK {
			return "/dev/" + name, nil
		}
	}
	if dev, err := os.ReadFile(sys + "/dev"); err == nil {
		return strings.TrimSpace(string(dev)), nil
	}
	return fmt.Sprintf("%d:%d", major, minor), nil
}

// ueventValue is KEY's value in a sysfs uevent file, or "".
func ueventValue(file, key string) string {
	data, err := os.ReadFile(file)
	if err != nil {
		return ""
	}
	for line := range strings.Lines(string(data)) {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), key+"="); ok {
			return v
		}
	}
	return ""
}

// fsTypeOf is the type of the filesystem dir is on, from the mount that
// holds it ("a filesystem" when it cannot tell).
func fsTypeOf(dir string) string {
	abs, err := filepath.Abs(dir)
	if err == nil {
		if real, err := filepath.EvalSymlinks(abs); err == nil {
			abs = real
		}
	}
	mounts, err := mountinfo.Self()
	if err != nil {
		return "a filesystem"
	}
	best, fsType := -1, "a filesystem"
	for _, m := range mounts {
		p := m.MountPoint
		if (abs == p || strings.HasPrefix(abs, strings.TrimSuffix(p, "/")+"/")) && len(p) > best {
			best, fsType = len(p), m.FSType
		}
	}
	return fsType
}
