package initproc

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// Mounts by descriptor: Linux's new mount API (5.2; mount_setattr 5.12).
//
// Opening a mount point without symlinks (inroot_linux.go) is not enough when
// someone else can write to the rootfs (a host user who owns it, or a
// container with --overlay=false on a directory above it): between our
// mount and our next step they can rename the directory we mounted on
// and put another in its place, and a step that finds "/proc" by name
// again then masks an empty directory, not our procfs (an attack review
// saw a writable /proc/sys this way, about one start in fifty).
//
// So every filesystem init makes is made detached, as a descriptor of its
// root (fsopen, fsconfig, fsmount; open_tree for a bind), attached with
// move_mount onto the directory opened for it, and every later step on it
// (device nodes, masks, read-only flags) goes through that descriptor. A
// rename can then move where our mounts show, never what they are; the
// check after pivot_root refuses a container whose names moved.

// newMount makes a filesystem, not yet mounted anywhere: fstype (named
// source) with the options of data ("mode=755,size=64k"), and the mount flags of flags
// (MS_NOSUID, MS_RDONLY...). The descriptor is the root of the new mount.
func newMount(fstype, source, data string, flags uintptr) (*os.File, error) {
	fsfd, err := unix.Fsopen(fstype, unix.FSOPEN_CLOEXEC)
	if err != nil {
		return nil, fmt.Errorf("fsopen %s: %w", fstype, err)
	}
	defer unix.Close(fsfd)
	// The source is only a name here, for /proc/mounts.
	if err := unix.FsconfigSetString(fsfd, "source", source); err != nil {
		return nil, fmt.Errorf("fsconfig %s source: %w", fstype, err)
	}
	for _, opt := range strings.Split(data, ",") {
		key, value, hasValue := strings.Cut(opt, "=")
		switch {
		case opt == "":
		case hasValue:
			err = unix.FsconfigSetString(fsfd, key, value)
		default:
			err = unix.FsconfigSetFlag(fsfd, key)
		}
		if err != nil {
			return nil, fmt.Errorf("fsconfig %s %s: %w", fstype, opt, err)
		}
	}
	if err := unix.FsconfigCreate(fsfd); err != nil {
		return nil, fmt.Errorf("fsconfig %s create: %w", fstype, err)
	}
	mfd, err := unix.Fsmount(fsfd, unix.FSMOUNT_CLOEXEC, int(mountAttrs(flags)))
	if err != nil {
		return nil, fmt.Errorf("fsmount %s: %w", fstype, err)
	}
	return os.NewFile(uintptr(mfd), fstype), nil
}

// cloneTree is a detached copy of the mount at name in dir (a path, with
// dir nil), for a bind mount: open_tree with OPEN_TREE_CLONE, and with
// everything mounted below it when recursive.
func cloneTree(dir *os.File, name string, recursive bool) (*os.File, error) {
	dirfd := unix.AT_FDCWD
	if dir != nil {
		dirfd = int(dir.Fd())
	}
	flags := uint(unix.OPEN_TREE_CLONE | unix.OPEN_TREE_CLOEXEC | unix.AT_SYMLINK_NOFOLLOW)
	if recursive {
		flags |= unix.AT_RECURSIVE
	}
	if name == "" {
		flags |= unix.AT_EMPTY_PATH // dir itself
	}
	fd, err := unix.OpenTree(dirfd, name, flags)
	if err != nil {
		return nil, fmt.Errorf("open_tree %s: %w", name, err)
	}
	return os.NewFile(uintptr(fd), name), nil
}

// attach mounts the detached mount mnt onto the open file target, and
// logs it as the mount(8) command that does the same.
func attach(mnt, target *os.File, source, fstype string, flags uintptr, data string) error {
	err := unix.MoveMount(int(mnt.Fd()), "", int(target.Fd()), "",
		unix.MOVE_MOUNT_F_EMPTY_PATH|unix.MOVE_MOUNT_T_EMPTY_PATH)
	if err != nil {
		return fmt.Errorf("mount %s on %s: %w", fstype+source, target.Name(), err)
	}
	logStep("%s", mountWords(source, target.Name(), fstype, flags, data))
	return nil
}

// mountNew makes a filesystem and mounts it on target (a descriptor from
// openInRoot or openBelow); it returns the descriptor of its root, for
// the steps inside it.
func mountNew(target *os.File, fstype, source string, flags uintptr, data string) (*os.File, error) {
	mnt, err := newMount(fstype, source, data, flags)
	if err != nil {
		return nil, err
	}
	if err := attach(mnt, target, source, fstype, flags, data); err != nil {
		mnt.Close()
		return nil, err
	}
	return renamed(mnt, target.Name()), nil
}

// bindNew binds a copy of the tree at src onto target, with flags added
// (read-only...) to it and, when recursive, to all below it; it returns
// the descriptor of the bound tree's root.
func bindNew(src *os.File, srcName string, target *os.File, recursive bool, flags uintptr) (*os.File, error) {
	tree, err := cloneTree(src, srcName, recursive)
	if err != nil {
		return nil, err
	}
	bindFlags := uintptr(unix.MS_BIND)
	if recursive {
		bindFlags |= unix.MS_REC
	}
	shown := srcName
	if src != nil {
		shown = filepath.Join(src.Name(), srcName)
	}
	if err := attach(tree, target, shown, "", bindFlags, ""); err != nil {
		tree.Close()
		return nil, err
	}
	tree = renamed(tree, target.Name())
	if flags != 0 {
		if err := restrict(tree, recursive, flags); err != nil {
			tree.Close()
			return nil, err
		}
	}
	return tree, nil
}

// restrict adds flags (MS_RDONLY, MS_NOSUID, ...) to the mount whose root
// mnt is, and to every mount below it when recursive: mount_setattr.
func restrict(mnt *os.File, recursive bool, flags uintptr) error {
	at := unix.AT_EMPTY_PATH
	if recursive {
		at |= unix.AT_RECURSIVE
	}
	if err := unix.MountSetattr(int(mnt.Fd()), "", uint(at), &unix.MountAttr{Attr_set: mountAttrs(flags)}); err != nil {
		return fmt.Errorf("mount_setattr %s: %w", mnt.Name(), err)
	}
	logStep("%s", mountWords("", mnt.Name(), "", unix.MS_REMOUNT|unix.MS_BIND|flags, ""))
	return nil
}

// mountAttrs turns MS_ flags into the MOUNT_ATTR_ ones of the new API.
func mountAttrs(flags uintptr) uint64 {
	var attrs uint64
	for _, f := range [][2]uint64{{unix.MS_RDONLY, unix.MOUNT_ATTR_RDONLY}, {unix.MS_NOSUID, unix.MOUNT_ATTR_NOSUID},
		{unix.MS_NODEV, unix.MOUNT_ATTR_NODEV}, {unix.MS_NOEXEC, unix.MOUNT_ATTR_NOEXEC},
		{unix.MS_STRICTATIME, unix.MOUNT_ATTR_STRICTATIME}, {unix.MS_NOATIME, unix.MOUNT_ATTR_NOATIME}} {
		if uint64(flags)&f[0] != 0 {
			attrs |= f[1]
		}
	}
	return attrs
}

// renamed gives f the name path (for errors and the log), keeping what
// it refers to.
func renamed(f *os.File, path string) *os.File {
	fd, err := unix.FcntlInt(f.Fd(), unix.F_DUPFD_CLOEXEC, 0)
	if err != nil {
		return f
	}
	f.Close()
	return os.NewFile(uintptr(fd), path)
}

// fdPath names an open file for a system call that takes a path: the
// kernel's /proc/self/fd/N leads to the file itself, not to a name.
// Only before pivot_root, where /proc is the host's.
func fdPath(f *os.File) string {
	return "/proc/self/fd/" + strconv.Itoa(int(f.Fd()))
}
