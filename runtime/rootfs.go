package runtime

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"golang.org/x/sys/unix"

	"vme50-tui/internal/mountinfo"
)

// The init side builds the container's filesystem, one kernel step per
// function. Every mount here happens in the container's own mount
// namespace, so none of them is ever seen by the host, and all of them
// vanish when the last process of the container exits.

func buildRootfs(cfg *initConfig) error {
	// Mask the umask while we create device nodes and directories with the
	// exact modes we ask for; the command gets the usual 022 back.
	defer unix.Umask(unix.Umask(0))

	if err := makeMountsPrivate(); err != nil {
		return err
	}
	root, err := mountRoot(cfg)
	if err != nil {
		return err
	}
	steps := []func(string) error{mountProc, mountDev, mountSys,
		func(root string) error { return mountTmp(root, cfg) }, mountHog}
	for _, step := range steps {
		if err := step(root); err != nil {
			return err
		}
	}
	if err := pivotRoot(root); err != nil {
		return err
	}
	return protectKernelFiles()
}

// makeMountsPrivate stops mount events crossing between our namespace and
// the host's. Our mount namespace starts as a copy of the host's, and on
// systemd hosts "/" is shared: without this, mounting /proc in the
// container would mount it on the host too (the bug of the old runtime).
func makeMountsPrivate() error {
	return mount("", "/", "", unix.MS_REC|unix.MS_PRIVATE, "")
}

// mountRoot makes the directory that will become "/". With an overlay, the
// rootfs is the read-only lower layer and writes go to an upper directory
// in the container's layer (mountLayer); without one the rootfs is
// bind-mounted onto itself, because pivot_root needs the new root to be a
// mount point.
//
// Either way it is nodev: root in the container keeps CAP_MKNOD (Docker's
// default set), and a node it makes for the host's disk (b 8 0) or memory
// (c 1 1) must not open. Docker stops that with a device cgroup; here no
// writable filesystem of the container honours device nodes at all: the
// root, /tmp and /dev/shm are nodev, and /dev is read-only once it holds
// its few nodes.
func mountRoot(cfg *initConfig) (string, error) {
	if err := mountLayer(cfg); err != nil {
		return "", err
	}
	if o := cfg.Overlay; o != nil {
		// The overlay's options are a comma-separated list, its lower
		// directories colon-separated: a rootfs path holding either would
		// say something else than the rootfs.
		if strings.ContainsAny(cfg.Rootfs, ",:\\") {
			return "", fmt.Errorf("the overlay cannot take a rootfs path with ',', ':' or '\\' in it: %s (rename it, or --overlay=false)", cfg.Rootfs)
		}
		upper, work, err := makeUpper(cfg)
		if err != nil {
			return "", err
		}
		opts := fmt.Sprintf("lowerdir=%s,upperdir=%s,workdir=%s", cfg.Rootfs, upper, work)
		if err := mount("overlay", o.Merged, "overlay", unix.MS_NODEV, opts); err != nil {
			return "", fmt.Errorf("%w (try --overlay=false)", err)
		}
		return o.Merged, nil
	}
	if err := mount(cfg.Rootfs, cfg.Rootfs, "", unix.MS_BIND|unix.MS_REC, ""); err != nil {
		return "", err
	}
	if err := restrictTreeAt(cfg.Rootfs, "/", unix.MS_NODEV); err != nil {
		return "", err
	}
	return cfg.Rootfs, nil
}

// mountLayer mounts the tmpfs that holds everything the container writes:
// the overlay's upper layer and /tmp. Its size is --disk-limit, so a
// container cannot fill the host's disk, and its pages are charged to the
// memory cgroup of whoever writes them, the container: what it writes
// counts against its memory limit too (and shows in its memory panel).
// It is mounted here, in the container's own mount namespace, so no host
// process sees it and it is gone with the container's last process: no
// tree of the container's making is ever left on the host's disk.
func mountLayer(cfg *initConfig) error {
	opts := "mode=755"
	if cfg.DiskLimit > 0 {
		opts += fmt.Sprintf(",size=%d,nr_inodes=%d", cfg.DiskLimit, layerInodes(cfg.DiskLimit))
	}
	return mount("tmpfs", cfg.Layer, "tmpfs", unix.MS_NOSUID|unix.MS_NODEV, opts)
}

// layerInodes caps the files of a layer of size bytes: one per 16 KiB
// (a tmpfs's inodes cost kernel memory of their own, and 100,000 empty
// files cost no bytes), and never fewer than 16384.
func layerInodes(size uint64) uint64 { return max(size/(16<<10), 16384) }

// makeUpper makes the overlay's upper and work directories in the layer.
// The upper one is the root directory the container sees, so it takes
// the rootfs root's mode and owner (a 0700 "/" would shut every user but
// root out of the whole container).
func makeUpper(cfg *initConfig) (upper, work string, err error) {
	var st unix.Stat_t
	if err := unix.Stat(cfg.Rootfs, &st); err != nil {
		return "", "", fmt.Errorf("stat %s: %w", cfg.Rootfs, err)
	}
	upper, work = filepath.Join(cfg.Layer, "upper"), filepath.Join(cfg.Layer, "work")
	if err := unix.Mkdir(upper, st.Mode&0o7777); err != nil {
		return "", "", fmt.Errorf("mkdir %s: %w", upper, err)
	}
	// In a user namespace the rootfs's owner (the host's root) is no one
	// here, and cannot be given.
	if !inUserNS() {
		if err := unix.Chown(upper, int(st.Uid), int(st.Gid)); err != nil {
			return "", "", fmt.Errorf("chown %s: %w", upper, err)
		}
	}
	if err := unix.Mkdir(work, 0o700); err != nil {
		return "", "", fmt.Errorf("mkdir %s: %w", work, err)
	}
	return upper, work, nil
}

// mountProc gives the container a /proc of its own PID namespace: "ps"
// inside shows only the container's processes, its command as PID 1.
func mountProc(root string) error {
	return mountAt(root, "/proc", "proc", "proc", unix.MS_NOSUID|unix.MS_NOEXEC|unix.MS_NODEV, "")
}

// mountSys shows /sys read-only: programs may look, not reconfigure the host.
func mountSys(root string) error {
	err := mountAt(root, "/sys", "sysfs", "sysfs",
		unix.MS_RDONLY|unix.MS_NOSUID|unix.MS_NOEXEC|unix.MS_NODEV, "")
	if errors.Is(err, unix.EPERM) && inUserNS() {
		// A new sysfs is only for the owner of the network namespace it
		// shows, and with --network host that is the host: a read-only
		// bind of the host's /sys instead, as runc does.
		if err := bindAt(root, "/sys", "/sys", true); err != nil {
			return err
		}
		// With everything mounted below it: the host's cgroup tree,
		// securityfs, efivarfs...
		return restrictTreeAt(root, "/sys", unix.MS_RDONLY|unix.MS_NOSUID|unix.MS_NOEXEC|unix.MS_NODEV)
	}
	return err
}

// mountTmp gives the container a fresh, empty, world-writable /tmp: a
// directory of its layer, so that /tmp and / share the one --disk-limit.
func mountTmp(root string, cfg *initConfig) error {
	tmp := filepath.Join(cfg.Layer, "tmp")
	if err := unix.Mkdir(tmp, 0o1777); err != nil {
		return fmt.Errorf("mkdir %s: %w", tmp, err)
	}
	dir, err := openInRoot(root, "/tmp", true)
	if err != nil {
		return err
	}
	defer dir.Close()
	return mountOn(tmp, dir, "", unix.MS_BIND, "")
}

// device is a character device the container gets in its /dev.
type device struct {
	name         string
	major, minor uint32
}

// devices is the minimal set every program expects (the same as runc's).
// The host's disks, consoles and everything else are simply not there.
var devices = []device{
	{"null", 1, 3}, {"zero", 1, 5}, {"full", 1, 7},
	{"random", 1, 8}, {"urandom", 1, 9}, {"tty", 5, 0},
}

// mountDev builds a minimal /dev on a tmpfs, instead of exposing the host's.
func mountDev(root string) error {
	if err := mountAt(root, "/dev", "tmpfs", "tmpfs", unix.MS_NOSUID|unix.MS_STRICTATIME, "mode=755,size=65536k"); err != nil {
		return err
	}
	// The nodes are made in the tmpfs just mounted, through a descriptor
	// of it: never by a path the rootfs could have redirected.
	dev, err := openInRoot(root, "/dev", false)
	if err != nil {
		return err
	}
	defer dev.Close()
	for _, d := range devices {
		if err := makeDevice(dev, d); err != nil {
			return err
		}
	}
	// A private devpts instance: ptys opened inside are numbered from 0 and
	// invisible to the host's /dev/pts.
	if err := mountAt(root, "/dev/pts", "devpts", "devpts", unix.MS_NOSUID|unix.MS_NOEXEC,
		"newinstance,ptmxmode=0666,mode=0620"); err != nil {
		return err
	}
	if err := mountAt(root, "/dev/shm", "shm", "tmpfs", unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC,
		"mode=1777,size=65536k"); err != nil {
		return err
	}
	links := [][2]string{
		{"pts/ptmx", "ptmx"}, {"/proc/self/fd", "fd"},
		{"/proc/self/fd/0", "stdin"}, {"/proc/self/fd/1", "stdout"}, {"/proc/self/fd/2", "stderr"},
	}
	for _, l := range links {
		if err := unix.Symlinkat(l[0], int(dev.Fd()), l[1]); err != nil {
			return fmt.Errorf("symlink %s/%s: %w", dev.Name(), l[1], err)
		}
	}
	// No more nodes: a read-only /dev is the one place a new node could
	// have opened (see mountRoot).
	return remountAt(root, "/dev", unix.MS_RDONLY|unix.MS_NOSUID)
}

// Files of /proc and /sys that let a process see or change the host's
// kernel itself, which namespaces do not cover: Docker's lists.
var (
	// maskedPaths are hidden: an empty read-only tmpfs over a directory,
	// /dev/null over a file. /proc/kcore is the host's memory, /proc/keys
	// its keyrings, timer_list and sched_debug what every host process does.
	maskedPaths = []string{
		"/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
		"/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi",
		"/sys/firmware", "/sys/devices/virtual/powercap",
	}
	// readOnlyPaths may be read, not written: /proc/sys holds the host's
	// sysctls, /proc/sysrq-trigger reboots it ("echo b").
	readOnlyPaths = []string{"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"}
)

// protectKernelFiles masks and write-protects those files, after
// pivot_root, in the container's own /proc and /sys, then checks that
// each one is. A path this kernel does not have is skipped; one it has
// but that could not be covered stops the start.
func protectKernelFiles() error {
	for _, p := range maskedPaths {
		if err := mask(p); err != nil {
			return err
		}
	}
	for _, p := range readOnlyPaths {
		// A bind of the path onto itself is a mount of its own, which can
		// then be made read-only alone.
		err := bindAt("/", p, p, false)
		if errors.Is(err, unix.ENOENT) {
			continue // not on this kernel
		}
		if err != nil {
			return err
		}
		if err := remountAt("/", p, unix.MS_RDONLY|unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC); err != nil {
			return err
		}
	}
	return checkProtected()
}

// mask hides p: an empty read-only tmpfs over a directory, /dev/null over
// a file.
func mask(p string) error {
	f, err := openInRoot("/", p, false)
	if errors.Is(err, unix.ENOENT) {
		return nil // not on this kernel
	}
	if err != nil {
		return err
	}
	defer f.Close()
	var st unix.Stat_t
	if err := unix.Fstat(int(f.Fd()), &st); err != nil {
		return err
	}
	if st.Mode&unix.S_IFMT == unix.S_IFDIR {
		return mountOn("tmpfs", f, "tmpfs", unix.MS_RDONLY|unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, "")
	}
	return mountOn("/dev/null", f, "", unix.MS_BIND, "")
}

// mountTypes are what the container's own mounts must be once it is
// built: a /proc that is not a procfs of ours would leave every mask
// above on some other directory.
var mountTypes = []struct {
	path  string
	magic int64
	name  string
}{
	{"/proc", unix.PROC_SUPER_MAGIC, "a procfs"}, {"/sys", unix.SYSFS_MAGIC, "a sysfs"},
	{"/dev", unix.TMPFS_MAGIC, "a tmpfs"}, {"/dev/pts", unix.DEVPTS_SUPER_MAGIC, "a devpts"},
	{"/tmp", unix.TMPFS_MAGIC, "a tmpfs"},
}

// checkProtected checks, after pivot_root, what the container's
// /proc, /sys, /dev and /tmp are and that every masked and read-only path
// this kernel has is covered. It trusts nothing it did: a check of the
// result, so that a step that silently went elsewhere cannot start a
// container.
func checkProtected() error {
	for _, m := range mountTypes {
		var st unix.Statfs_t
		if err := unix.Statfs(m.path, &st); err != nil {
			return fmt.Errorf("check %s: %w", m.path, err)
		}
		if int64(st.Type) != m.magic {
			return fmt.Errorf("check %s: not %s (filesystem type %#x)", m.path, m.name, st.Type)
		}
	}
	for _, p := range maskedPaths {
		var st unix.Stat_t
		err := unix.Lstat(p, &st)
		switch {
		case errors.Is(err, unix.ENOENT):
			continue
		case err != nil:
			return fmt.Errorf("check %s: %w", p, err)
		case st.Mode&unix.S_IFMT == unix.S_IFDIR:
			if !isReadOnly(p, unix.TMPFS_MAGIC) {
				return fmt.Errorf("check %s: not masked by a read-only tmpfs", p)
			}
		case st.Mode&unix.S_IFMT != unix.S_IFCHR || st.Rdev != unix.Mkdev(1, 3):
			return fmt.Errorf("check %s: not masked by /dev/null", p)
		}
	}
	for _, p := range readOnlyPaths {
		if _, err := os.Lstat(p); errors.Is(err, os.ErrNotExist) {
			continue
		}
		if !isReadOnly(p, unix.PROC_SUPER_MAGIC) {
			return fmt.Errorf("check %s: not read-only", p)
		}
	}
	return nil
}

// isReadOnly tells whether p is on a read-only mount of the filesystem
// type magic.
func isReadOnly(p string, magic int64) bool {
	var st unix.Statfs_t
	return unix.Statfs(p, &st) == nil && int64(st.Type) == magic && st.Flags&unix.ST_RDONLY != 0
}

// makeDevice makes a device node in the directory dev. In a user
// namespace mknod is refused (a node would open the host's device,
// whoever made it): the host's own node is bound there instead, as runc
// does.
func makeDevice(dev *os.File, d device) error {
	path := filepath.Join(dev.Name(), d.name)
	if !inUserNS() {
		if err := unix.Mknodat(int(dev.Fd()), d.name, unix.S_IFCHR|0o666, int(unix.Mkdev(d.major, d.minor))); err != nil {
			return fmt.Errorf("mknod %s: %w", path, err)
		}
		logStep("mknod %s c %d %d", path, d.major, d.minor)
		return nil
	}
	node, err := makeFileAt(dev, d.name, 0o666)
	if err != nil {
		return err
	}
	defer node.Close()
	return mountOn(filepath.Join("/dev", d.name), node, "", unix.MS_BIND, "")
}

// makeFileAt makes an empty file name in the directory dir, as a mount
// point for a bind of a file, and opens it for mountOn.
func makeFileAt(dir *os.File, name string, mode uint32) (*os.File, error) {
	path := filepath.Join(dir.Name(), name)
	fd, err := unix.Openat(int(dir.Fd()), name, unix.O_CREAT|unix.O_EXCL|unix.O_WRONLY|unix.O_NOFOLLOW|unix.O_CLOEXEC, mode)
	if err != nil {
		return nil, fmt.Errorf("create %s: %w", path, err)
	}
	unix.Close(fd)
	fd, err = unix.Openat(int(dir.Fd()), name, unix.O_PATH|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	return os.NewFile(uintptr(fd), path), nil
}

// remountAt changes the flags of the mount at path in root, a mount of
// its own, to its current ones plus add. It opens the path anew: a
// descriptor opened before the mount was made is the directory under it.
//
// Current ones, not the defaults: in a user namespace the flags of a mount
// inherited from the host (its atime rule, nosuid) are locked, and a
// remount that would clear one is refused.
func remountAt(root, path string, add uintptr) error {
	f, err := openInRoot(root, path, false)
	if err != nil {
		return err
	}
	defer f.Close()
	return remount(f, add)
}

// remount is remountAt of an open mount point.
func remount(f *os.File, add uintptr) error {
	var st unix.Statfs_t
	if err := unix.Fstatfs(int(f.Fd()), &st); err != nil {
		return fmt.Errorf("statfs %s: %w", f.Name(), err)
	}
	var flags uintptr
	for _, fl := range [][2]uintptr{
		{unix.ST_RDONLY, unix.MS_RDONLY}, {unix.ST_NOSUID, unix.MS_NOSUID}, {unix.ST_NODEV, unix.MS_NODEV},
		{unix.ST_NOEXEC, unix.MS_NOEXEC}, {unix.ST_NOATIME, unix.MS_NOATIME},
		{unix.ST_NODIRATIME, unix.MS_NODIRATIME}, {unix.ST_RELATIME, unix.MS_RELATIME},
	} {
		if uintptr(st.Flags)&fl[0] != 0 {
			flags |= fl[1]
		}
	}
	return mountOn("", f, "", unix.MS_BIND|unix.MS_REMOUNT|flags|add, "")
}

// restrictTreeAt is restrictTree of path in root.
func restrictTreeAt(root, path string, flags uintptr) error {
	f, err := openInRoot(root, path, false)
	if err != nil {
		return err
	}
	defer f.Close()
	return restrictTree(f, flags)
}

// restrictTree adds flags (MS_RDONLY, MS_NODEV, ...) to the mount f is
// the top of and to every mount below it: a recursive bind brings the
// submounts along, and a remount changes only the top one.
func restrictTree(f *os.File, flags uintptr) error {
	var attrs uint64
	for _, fl := range [][2]uint64{{unix.MS_RDONLY, unix.MOUNT_ATTR_RDONLY}, {unix.MS_NOSUID, unix.MOUNT_ATTR_NOSUID},
		{unix.MS_NODEV, unix.MOUNT_ATTR_NODEV}, {unix.MS_NOEXEC, unix.MOUNT_ATTR_NOEXEC}} {
		if uint64(flags)&fl[0] != 0 {
			attrs |= fl[1]
		}
	}
	err := unix.MountSetattr(int(f.Fd()), "", unix.AT_EMPTY_PATH|unix.AT_RECURSIVE, &unix.MountAttr{Attr_set: attrs})
	if err == nil {
		logStep("mount_setattr(%s, AT_RECURSIVE, %s)", f.Name(), strings.Join(mountOptions(flags), ","))
		return nil
	}
	if !errors.Is(err, unix.ENOSYS) {
		return fmt.Errorf("mount_setattr %s: %w", f.Name(), err)
	}
	// Before Linux 5.12: a remount of each, found by where it is mounted.
	// (Still before pivot_root, nothing of the container runs that could
	// move them.)
	mounts, err := mountinfo.Self()
	if err != nil {
		return err
	}
	top := f.Name()
	for _, m := range mounts {
		if m.MountPoint == top || strings.HasPrefix(m.MountPoint, top+"/") {
			sub, err := os.OpenFile(m.MountPoint, unix.O_PATH|unix.O_NOFOLLOW, 0)
			if err != nil {
				return err
			}
			err = remount(sub, flags)
			sub.Close()
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// inUserNS tells whether init runs in a user namespace of its own: then
// its uid_map is not the identity of all 2^32 ids.
var inUserNS = sync.OnceValue(func() bool {
	data, err := os.ReadFile("/proc/self/uid_map")
	return err == nil && strings.Join(strings.Fields(string(data)), " ") != "0 0 4294967295"
})

// pivotRoot makes root the new "/" and detaches the host's filesystem
// entirely. Unlike chroot, which only changes how paths are resolved (and
// can be escaped with a second chroot and "cd .."), pivot_root moves the old
// root away so it can be unmounted: afterwards the host's files are not
// reachable by any path.
func pivotRoot(root string) error {
	oldRoot, err := unix.Open("/", unix.O_DIRECTORY|unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("open /: %w", err)
	}
	defer unix.Close(oldRoot)
	if err := unix.Chdir(root); err != nil {
		return fmt.Errorf("chdir %s: %w", root, err)
	}
	// pivot_root(".", ".") stacks the old root on top of the new one, both
	// at "/", without needing a directory to park the old root in.
	if err := unix.PivotRoot(".", "."); err != nil {
		if errors.Is(err, unix.EINVAL) && rootIsRamfs() {
			return moveRoot(root)
		}
		return fmt.Errorf("pivot_root %s: %w", root, err)
	}
	logStep("pivot_root . . (in %s: it becomes /, the host's root is stacked on it)", root)
	// Now unmount the old root from on top. Make it a slave first, so the
	// unmount cannot propagate anywhere.
	if err := unix.Fchdir(oldRoot); err != nil {
		return err
	}
	if err := mount("", ".", "", unix.MS_SLAVE|unix.MS_REC, ""); err != nil {
		return err
	}
	if err := unix.Unmount(".", unix.MNT_DETACH); err != nil {
		return fmt.Errorf("umount old root: %w", err)
	}
	logStep("umount -l . (the host's root: from here on no path leads to it)")
	return unix.Chdir("/")
}

// rootIsRamfs tells whether "/" is the initramfs, which pivot_root cannot
// move away from (it is the root of the mount tree).
func rootIsRamfs() bool {
	var st unix.Statfs_t
	return unix.Statfs("/", &st) == nil && uint32(st.Type) == unix.RAMFS_MAGIC
}

// moveRoot is the fallback for an initramfs root: move the new root over
// "/" and chroot into it, as switch_root does.
func moveRoot(root string) error {
	if err := mount(root, "/", "", unix.MS_MOVE, ""); err != nil {
		return err
	}
	if err := unix.Chroot("."); err != nil {
		return fmt.Errorf("chroot %s: %w", root, err)
	}
	logStep("chroot . (in %s: the initramfs cannot be pivoted away from)", root)
	return unix.Chdir("/")
}

// mountAt mounts a filesystem at target inside root, making the mount
// point when the rootfs lacks it, and refusing a symlink on the way
// (inroot.go).
func mountAt(root, target, source, fstype string, flags uintptr, data string) error {
	dir, err := openInRoot(root, target, true)
	if err != nil {
		return err
	}
	defer dir.Close()
	return mountOn(source, dir, fstype, flags, data)
}

// bindAt binds source (a path of vme50's or the kernel's, never one in
// the rootfs) onto target inside root, with everything mounted below it
// when recursive.
func bindAt(root, target, source string, recursive bool) error {
	dir, err := openInRoot(root, target, false)
	if err != nil {
		return err
	}
	defer dir.Close()
	flags := uintptr(unix.MS_BIND)
	if recursive {
		flags |= unix.MS_REC
	}
	if source == target && root == "/" {
		source = fdPath(dir) // the very file opened, not its name again
	}
	return mountOn(source, dir, "", flags, "")
}

// mountOn mounts onto the open file target, through /proc/self/fd/N: the
// kernel takes the file we opened and checked, not a name it would
// resolve again. The kernel log names the path.
func mountOn(source string, target *os.File, fstype string, flags uintptr, data string) error {
	return mountNamed(source, fdPath(target), target.Name(), fstype, flags, data)
}

// mount is unix.Mount of paths that are vme50's own (the state directory,
// "/").
func mount(source, target, fstype string, flags uintptr, data string) error {
	return mountNamed(source, target, target, fstype, flags, data)
}

// mountNamed is unix.Mount with an error that names what was being
// mounted where (name: target as a person knows it). It reports each
// mount for the kernel log.
func mountNamed(source, target, name, fstype string, flags uintptr, data string) error {
	if err := unix.Mount(source, target, fstype, flags, data); err != nil {
		what := fstype
		if what == "" {
			what = source
		}
		return fmt.Errorf("mount %s on %s: %w", what, name, err)
	}
	logStep("%s", mountWords(source, name, fstype, flags, data))
	return nil
}
