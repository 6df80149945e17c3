package initproc

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/sys/unix"
)

// The init side builds the container's filesystem, one kernel step per
// function. Every mount here happens in the container's own mount
// namespace, so none of them is ever seen by the host, and all of them
// vanish when the last process of the container exits.

func buildRootfs(cfg *Config) error {
	// Mask the umask while we create device nodes and directories with the
	// exact modes we ask for; the command gets the usual 022 back.
	defer unix.Umask(unix.Umask(0))

	if err := makeMountsPrivate(); err != nil {
		return err
	}
	rootfs, err := OpenRootfs(cfg.Rootfs)
	if err != nil {
		return err
	}
	defer rootfs.Close()
	if id, err := IDOf(rootfs); err != nil || id != cfg.RootfsID {
		return fmt.Errorf("rootfs %s: not the directory vme50 checked a moment ago (was it changed while the container started?)", cfg.Rootfs)
	}
	var m containerMounts
	defer m.Close()
	if m.root, err = mountRoot(cfg, rootfs); err != nil {
		return err
	}
	if err := m.mountKernelFilesystems(cfg); err != nil {
		return err
	}
	if err := mountHog(m.tmp, cfg.Caps, cfg.Self, cfg.CacheDir); err != nil {
		return err
	}
	if err := mountResolvConf(m.root, cfg); err != nil {
		return err
	}
	if err := protectKernelFiles(&m); err != nil {
		return err
	}
	if err := pivotRoot(m.root); err != nil {
		return err
	}
	return checkProtected(&m)
}

// containerMounts are the filesystems init makes for the container, each
// held by the descriptor of its root (mountfd_linux.go): every step on them,
// and the check after pivot_root, goes through these, never through a
// name in the rootfs.
type containerMounts struct{ root, proc, sys, dev, tmp *os.File }

// mountKernelFilesystems mounts /proc, /dev, /sys and /tmp in m.root.
func (m *containerMounts) mountKernelFilesystems(cfg *Config) (err error) {
	if m.proc, err = mountProc(m.root); err != nil {
		return err
	}
	if m.dev, err = mountDev(m.root); err != nil {
		return err
	}
	if m.sys, err = mountSys(m.root); err != nil {
		return err
	}
	m.tmp, err = mountTmp(m.root, cfg)
	return err
}

func (m *containerMounts) Close() {
	for _, f := range []*os.File{m.root, m.proc, m.sys, m.dev, m.tmp} {
		if f != nil {
			f.Close()
		}
	}
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
//
// The rootfs comes as the descriptor init opened and checked
// (OpenRootfs): its path is never looked up again. The result is the
// descriptor of the new root mount.
func mountRoot(cfg *Config, rootfs *os.File) (*os.File, error) {
	if err := mountLayer(cfg); err != nil {
		return nil, err
	}
	if o := cfg.Overlay; o != nil {
		upper, work, err := makeUpper(cfg, rootfs)
		if err != nil {
			return nil, err
		}
		if err := prepareResolvConf(cfg, upper, rootfs); err != nil {
			return nil, err
		}
		// The lower layer is named by descriptor: /proc/self/fd/N is the
		// very directory opened (before pivot_root, /proc is the host's).
		// The overlay's options are a comma-separated list, its lower
		// directories colon-separated: a path holding either would say
		// something else than the rootfs, which this one cannot.
		opts := fmt.Sprintf("lowerdir=%s,upperdir=%s,workdir=%s", fdPath(rootfs), upper, work)
		if err := unix.Mount("overlay", o.Merged, "overlay", unix.MS_NODEV, opts); err != nil {
			return nil, fmt.Errorf("mount overlay on %s: %w (try --overlay=false)", o.Merged, err)
		}
		logStep("%s", mountWords("overlay", o.Merged, "overlay", unix.MS_NODEV,
			strings.Replace(opts, fdPath(rootfs), cfg.Rootfs, 1)))
		return os.OpenFile(o.Merged, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	}
	// A recursive bind of the rootfs onto itself, nodev throughout (its
	// submounts too).
	return bindNew(rootfs, "", rootfs, true, unix.MS_NODEV)
}

// mountLayer mounts the tmpfs that holds everything the container writes:
// the overlay's upper layer and /tmp. Its size is --disk-limit, so a
// container cannot fill the host's disk, and its pages are charged to the
// memory cgroup of whoever writes them, the container: what it writes
// counts against its memory limit too (and shows in its memory panel).
// It is mounted here, in the container's own mount namespace, so no host
// process sees it and it is gone with the container's last process: no
// tree of the container's making is ever left on the host's disk.
func mountLayer(cfg *Config) error {
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
func makeUpper(cfg *Config, rootfs *os.File) (upper, work string, err error) {
	var st unix.Stat_t
	if err := unix.Fstat(int(rootfs.Fd()), &st); err != nil {
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
func mountProc(root *os.File) (*os.File, error) {
	dir, err := openBelow(root, "/proc", true)
	if err != nil {
		return nil, err
	}
	defer dir.Close()
	return mountNew(dir, "proc", "proc", unix.MS_NOSUID|unix.MS_NOEXEC|unix.MS_NODEV, "")
}

// mountSys shows /sys read-only: programs may look, not reconfigure the host.
func mountSys(root *os.File) (*os.File, error) {
	dir, err := openBelow(root, "/sys", true)
	if err != nil {
		return nil, err
	}
	defer dir.Close()
	const flags = unix.MS_RDONLY | unix.MS_NOSUID | unix.MS_NOEXEC | unix.MS_NODEV
	sys, err := mountNew(dir, "sysfs", "sysfs", flags, "")
	if errors.Is(err, unix.EPERM) && inUserNS() {
		// A new sysfs is only for the owner of the network namespace it
		// shows, and with --network host that is the host: a read-only
		// bind of the host's /sys instead, as runc does, read-only with
		// everything mounted below it (the host's cgroup tree,
		// securityfs, efivarfs...).
		return bindNew(nil, "/sys", dir, true, flags)
	}
	return sys, err
}

// mountTmp gives the container a fresh, empty, world-writable /tmp: a
// directory of its layer, so that /tmp and / share the one --disk-limit.
func mountTmp(root *os.File, cfg *Config) (*os.File, error) {
	tmp := filepath.Join(cfg.Layer, "tmp")
	if err := unix.Mkdir(tmp, 0o1777); err != nil {
		return nil, fmt.Errorf("mkdir %s: %w", tmp, err)
	}
	dir, err := openBelow(root, "/tmp", true)
	if err != nil {
		return nil, err
	}
	defer dir.Close()
	return bindNew(nil, tmp, dir, false, 0)
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
func mountDev(root *os.File) (*os.File, error) {
	dir, err := openBelow(root, "/dev", true)
	if err != nil {
		return nil, err
	}
	defer dir.Close()
	dev, err := mountNew(dir, "tmpfs", "tmpfs", unix.MS_NOSUID|unix.MS_STRICTATIME, "mode=755,size=65536k")
	if err != nil {
		return nil, err
	}
	if err := fillDev(dev); err != nil {
		dev.Close()
		return nil, err
	}
	return dev, nil
}

// maxPtys is the most terminals one container may hold open at once.
const maxPtys = 256

// fillDev makes the nodes, the ptys and the shared memory of the tmpfs
// dev, then makes it read-only.
func fillDev(dev *os.File) error {
	for _, d := range devices {
		if err := makeDevice(dev, d); err != nil {
			return err
		}
	}
	// A private devpts instance (a new one at every mount since Linux
	// 4.7): ptys opened inside are numbered from 0 and invisible to the
	// host's /dev/pts. Every instance draws on one pool of the host's
	// (kernel.pty.max less kernel.pty.reserve, 3072 by default), which a
	// container opening /dev/ptmx in a loop emptied until no terminal
	// could be made for any container, ours or another runtime's (an
	// attack review's finding): max caps its share.
	if err := mountBelow(dev, "/pts", "devpts", "devpts", unix.MS_NOSUID|unix.MS_NOEXEC, "ptmxmode=0666,mode=0620,max="+strconv.Itoa(maxPtys)); err != nil {
		return err
	}
	if err := mountBelow(dev, "/shm", "tmpfs", "shm", unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, "mode=1777,size=65536k"); err != nil {
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
	return restrict(dev, false, unix.MS_RDONLY|unix.MS_NOSUID)
}

// mountBelow makes a filesystem and mounts it at path in the mount dir.
func mountBelow(dir *os.File, path, fstype, source string, flags uintptr, data string) error {
	target, err := openBelow(dir, path, true)
	if err != nil {
		return err
	}
	defer target.Close()
	mnt, err := mountNew(target, fstype, source, flags, data)
	if err != nil {
		return err
	}
	return mnt.Close()
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

// protectKernelFiles masks and write-protects those files, in the
// container's own /proc and /sys: through their descriptors, so what is
// covered is the procfs and sysfs we made, wherever a rename in the
// rootfs may have moved them. A path this kernel lacks is skipped (the
// filesystems are ours and fresh: nothing else could have removed it).
func protectKernelFiles(m *containerMounts) error {
	for _, p := range maskedPaths {
		base, rel := m.kernelFile(p)
		if err := mask(base, rel, m.dev); err != nil {
			return err
		}
	}
	for _, p := range readOnlyPaths {
		base, rel := m.kernelFile(p)
		f, err := openBelow(base, rel, false)
		if errors.Is(err, unix.ENOENT) {
			continue // not on this kernel
		}
		if err != nil {
			return err
		}
		// A bind of the path onto itself is a mount of its own, which can
		// then be made read-only alone.
		bound, err := bindNew(base, rel, f, false, unix.MS_RDONLY|unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC)
		f.Close()
		if err != nil {
			return err
		}
		bound.Close()
	}
	return nil
}

// kernelFile splits a path of maskedPaths or readOnlyPaths into the
// mount it is in and its path there: /proc/kcore is kcore in proc.
func (m *containerMounts) kernelFile(p string) (*os.File, string) {
	if rel, ok := strings.CutPrefix(p, "/sys/"); ok {
		return m.sys, rel
	}
	return m.proc, strings.TrimPrefix(p, "/proc/")
}

// mask hides rel in base: an empty read-only tmpfs over a directory,
// dev's null over a file.
func mask(base *os.File, rel string, dev *os.File) error {
	f, err := openBelow(base, rel, false)
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
	var mnt *os.File
	if st.Mode&unix.S_IFMT == unix.S_IFDIR {
		mnt, err = mountNew(f, "tmpfs", "tmpfs", unix.MS_RDONLY|unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, "")
	} else {
		mnt, err = bindNew(dev, "null", f, false, 0)
	}
	if err != nil {
		return err
	}
	return mnt.Close()
}

// mountTypes are what the container's own mounts must be once it is
// built, and where: a /proc that is not the procfs we made would leave
// the masks on some other directory than the container's /proc.
var mountTypes = []struct {
	path  string
	magic int64
	name  string
	mnt   func(m *containerMounts) *os.File
}{
	{"/proc", unix.PROC_SUPER_MAGIC, "procfs", func(m *containerMounts) *os.File { return m.proc }},
	{"/sys", unix.SYSFS_MAGIC, "sysfs", func(m *containerMounts) *os.File { return m.sys }},
	{"/dev", unix.TMPFS_MAGIC, "tmpfs", func(m *containerMounts) *os.File { return m.dev }},
	{"/tmp", unix.TMPFS_MAGIC, "tmpfs", func(m *containerMounts) *os.File { return m.tmp }},
}

// checkProtected checks, after pivot_root, that the container's /proc,
// /sys, /dev and /tmp are the filesystems init made (the same file as
// their descriptor, of the right type), and, through those descriptors,
// that every masked and read-only path this kernel has is covered. It
// trusts nothing it did: a check of the result, so that a step that went
// elsewhere (someone renamed a directory of the rootfs meanwhile) cannot
// start a container.
func checkProtected(m *containerMounts) error {
	if err := checkNames(m); err != nil {
		return err
	}
	return checkKernelFiles(m)
}

// checkNames checks that /proc, /sys, /dev and /tmp are the filesystems
// of m, by the names the container will use.
func checkNames(m *containerMounts) error {
	for _, t := range mountTypes {
		mnt := t.mnt(m)
		var byName, byFD unix.Stat_t
		var fs unix.Statfs_t
		if err := unix.Lstat(t.path, &byName); err != nil {
			return fmt.Errorf("check %s: %w", t.path, err)
		}
		if err := unix.Fstat(int(mnt.Fd()), &byFD); err != nil {
			return fmt.Errorf("check %s: %w", t.path, err)
		}
		if err := unix.Fstatfs(int(mnt.Fd()), &fs); err != nil {
			return fmt.Errorf("check %s: %w", t.path, err)
		}
		if int64(fs.Type) != t.magic {
			return fmt.Errorf("check %s: not a %s (filesystem type %#x)", t.path, t.name, fs.Type)
		}
		if byName.Dev != byFD.Dev || byName.Ino != byFD.Ino {
			return fmt.Errorf("check %s: not the %s vme50 mounted there (was the rootfs changed while the container started?)", t.path, t.name)
		}
	}
	return checkRoot(m.root)
}

// checkRoot checks that "/" is the root mount init made, and nodev.
func checkRoot(root *os.File) error {
	var byName, byFD unix.Stat_t
	var fs unix.Statfs_t
	if err := unix.Stat("/", &byName); err != nil {
		return fmt.Errorf("check /: %w", err)
	}
	if err := unix.Fstat(int(root.Fd()), &byFD); err != nil {
		return fmt.Errorf("check /: %w", err)
	}
	if byName.Dev != byFD.Dev || byName.Ino != byFD.Ino {
		return fmt.Errorf("check /: not the root vme50 mounted")
	}
	if err := unix.Statfs("/", &fs); err != nil || fs.Flags&unix.ST_NODEV == 0 {
		return fmt.Errorf("check /: device nodes would open on it (not nodev)")
	}
	return nil
}

// checkKernelFiles checks, through m's descriptors, that every masked and
// read-only path this kernel has is covered.
func checkKernelFiles(m *containerMounts) error {
	for _, p := range maskedPaths {
		base, rel := m.kernelFile(p)
		if err := checkMasked(base, rel, p); err != nil {
			return err
		}
	}
	for _, p := range readOnlyPaths {
		base, rel := m.kernelFile(p)
		f, err := openBelow(base, rel, false)
		if errors.Is(err, unix.ENOENT) {
			continue
		}
		if err != nil {
			return fmt.Errorf("check %s: %w", p, err)
		}
		ok := isReadOnly(f, unix.PROC_SUPER_MAGIC)
		f.Close()
		if !ok {
			return fmt.Errorf("check %s: not read-only", p)
		}
	}
	return nil
}

// checkMasked checks that rel in base (p in the container) is masked.
func checkMasked(base *os.File, rel, p string) error {
	f, err := openBelow(base, rel, false)
	if errors.Is(err, unix.ENOENT) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("check %s: %w", p, err)
	}
	defer f.Close()
	var st unix.Stat_t
	if err := unix.Fstat(int(f.Fd()), &st); err != nil {
		return fmt.Errorf("check %s: %w", p, err)
	}
	switch {
	case st.Mode&unix.S_IFMT == unix.S_IFDIR:
		if !isReadOnly(f, unix.TMPFS_MAGIC) {
			return fmt.Errorf("check %s: not masked by a read-only tmpfs", p)
		}
	case st.Mode&unix.S_IFMT != unix.S_IFCHR || st.Rdev != unix.Mkdev(1, 3):
		return fmt.Errorf("check %s: not masked by /dev/null", p)
	}
	return nil
}

// isReadOnly tells whether f is on a read-only mount of the filesystem
// type magic.
func isReadOnly(f *os.File, magic int64) bool {
	var st unix.Statfs_t
	return unix.Fstatfs(int(f.Fd()), &st) == nil && int64(st.Type) == magic && st.Flags&unix.ST_RDONLY != 0
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
	bound, err := bindNew(nil, filepath.Join("/dev", d.name), node, false, 0)
	if err != nil {
		return err
	}
	return bound.Close()
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
//
// dir is the directory opened at the start (buildRootfs), never found by
// its name again.
func pivotRoot(dir *os.File) error {
	root := dir.Name()
	oldRoot, err := unix.Open("/", unix.O_DIRECTORY|unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("open /: %w", err)
	}
	defer unix.Close(oldRoot)
	if err := unix.Fchdir(int(dir.Fd())); err != nil {
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
	// ".": the working directory is the new root, opened at the start.
	if err := unix.Mount(".", "/", "", unix.MS_MOVE, ""); err != nil {
		return fmt.Errorf("mount --move %s /: %w", root, err)
	}
	logStep("mount --move %s /", root)
	if err := unix.Chroot("."); err != nil {
		return fmt.Errorf("chroot %s: %w", root, err)
	}
	logStep("chroot . (in %s: the initramfs cannot be pivoted away from)", root)
	return unix.Chdir("/")
}

// mount is unix.Mount of paths that are vme50's own (the state directory,
// "/"), with an error that names what was being mounted. It reports each
// mount for the kernel log.
func mount(source, target, fstype string, flags uintptr, data string) error {
	if err := unix.Mount(source, target, fstype, flags, data); err != nil {
		what := fstype
		if what == "" {
			what = source
		}
		return fmt.Errorf("mount %s on %s: %w", what, target, err)
	}
	logStep("%s", mountWords(source, target, fstype, flags, data))
	return nil
}
