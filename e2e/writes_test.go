package e2e

import (
	"archive/tar"
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"vme50-tui/runtime"
	"vme50-tui/runtime/rootfs"
)

// What a container writes cannot fill the host: its layer and its /tmp are
// one tmpfs of --disk-limit bytes (1G by default), in its own mount
// namespace.

func TestDiskLimit(t *testing.T) {
	clean(t)
	for _, overlay := range []string{"true", "false"} {
		root := rootfsOK
		if overlay == "false" {
			root = filepath.Join(t.TempDir(), "rootfs")
			copyRootfs(t, root)
		}
		// / only with the overlay: without it the container writes into
		// the rootfs itself, on the host's disk (the user's choice).
		targets := "/tmp/big"
		if overlay == "true" {
			targets = "/big /tmp/big"
		}
		r := vme50(t, "run", "--rootfs", root, "--overlay="+overlay, "--disk-limit", "8M", "/bin/sh", "-c",
			"df -k /tmp | tail -1; for f in "+targets+"; do dd if=/dev/zero of=$f bs=1M count=16 2>/dev/null; echo $f=$?; rm -f $f; done")
		wantCode(t, r, 0)
		// A full /tmp refuses the write; 8M is the tmpfs's size.
		if fields := strings.Fields(r.stdout); len(fields) < 2 || fields[1] != "8192" {
			t.Errorf("overlay=%s: /tmp is not 8192 KiB: %q", overlay, r.stdout)
		}
		for _, f := range strings.Fields(targets) {
			if !strings.Contains(r.stdout, f+"=1") {
				t.Errorf("overlay=%s: 16M into %s under --disk-limit 8M did not fail: %q", overlay, f, r.stdout)
			}
		}
	}
	// The default: 1G for / and /tmp together (the size column: on the
	// bridge network the container's resolv.conf already uses 4 KiB).
	r := run(t, "/bin/sh", "-c", "df -k / /tmp | tail -2")
	wantCode(t, r, 0)
	if lines := strings.Split(strings.TrimSpace(r.stdout), "\n"); len(lines) != 2 ||
		strings.Fields(lines[0])[1] != "1048576" || strings.Fields(lines[1])[1] != "1048576" {
		t.Errorf("default --disk-limit is not 1G for / and /tmp:\n%s", r.stdout)
	}
	r = run(t, "--disk-limit", "12k", "/bin/true")
	wantCode(t, r, 125)
	wantOneLine(t, r, "--disk-limit")
}

// The writable layer is not on the host's disk: while the container runs,
// its files are nowhere under the state directory, and a tree no
// os.RemoveAll could take down (one descriptor per level, 30,000 levels)
// is gone with the container, leaving no state behind.
func TestWritableLayerNotOnHost(t *testing.T) {
	clean(t)
	cmd, id := startContainer(t, "/bin/sh", "-c", "trap 'exit 0' TERM; echo planted > /planted-by-the-container; sleep 60 & wait")
	state := filepath.Join(runtime.StateDir, id)
	root := "/proc/" + strconv.Itoa(commandPidOf(t, id)) + "/root"
	waitFor(t, func() bool { return exists(root + "/planted-by-the-container") })
	// The tree, made in the container's root from here (the container's
	// shell cannot cd past PATH_MAX): one directory open at a time.
	makeDeepTree(t, root, 30000)
	filepath.WalkDir(state, func(path string, d os.DirEntry, err error) error {
		if err == nil && d.Name() == "planted-by-the-container" {
			t.Errorf("the container's file is on the host's disk: %s", path)
		}
		return nil
	})
	signal(t, cmd, syscall.SIGTERM)
	r := finish(t, cmd, cmd.Wait())
	if r.stderr != "" {
		t.Errorf("stderr %q", r.stderr)
	}
	wantGone(t, state)
}

func makeDeepTree(t *testing.T, root string, depth int) {
	t.Helper()
	fd, err := unix.Open(root, unix.O_DIRECTORY|unix.O_RDONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < depth; i++ {
		if err := unix.Mkdirat(fd, "d", 0o755); err != nil {
			t.Fatalf("level %d: %v", i, err)
		}
		next, err := unix.Openat(fd, "d", unix.O_DIRECTORY|unix.O_RDONLY, 0)
		unix.Close(fd)
		if err != nil {
			t.Fatalf("level %d: %v", i, err)
		}
		fd = next
	}
	unix.Close(fd)
}

// The store of root filesystems is root's alone: an image's setuid
// programs and device nodes, and what a container with --overlay=false
// planted in it, are out of reach of the host's other users, with and
// without --userns (which lets only the container's root in).
func TestStoreClosedToUsers(t *testing.T) {
	clean(t)
	name := "vme50-e2e-store-" + strconv.Itoa(os.Getpid())
	dir := filepath.Join(rootfs.DefaultDir, name)
	t.Cleanup(func() { os.RemoveAll(dir) })

	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	tw.AddFS(os.DirFS(rootfsOK))
	tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: "suid-root", Mode: 0o4755, Size: 3})
	tw.Write([]byte("#!\n"))
	tw.WriteHeader(&tar.Header{Typeflag: tar.TypeChar, Name: "mem", Mode: 0o666, Devmajor: 1, Devminor: 1})
	tw.Close()
	file := filepath.Join(t.TempDir(), "image.tar")
	os.WriteFile(file, buf.Bytes(), 0o644)
	wantCode(t, vme50(t, "rootfs", "import", "--name", name, file), 0)
	r := vme50(t, "run", "--rootfs", dir, "--overlay=false", "/bin/sh", "-c", "cp /bin/busybox /planted && chmod 4755 /planted")
	wantCode(t, r, 0)

	for _, userns := range []string{"--userns=false", "--userns"} {
		wantCode(t, vme50(t, "run", "--rootfs", dir, userns, "/bin/true"), 0)
		st, err := os.Stat(rootfs.Store)
		if err != nil || st.Mode().Perm()&0o007 != 0 {
			t.Errorf("after %s: %s is %v (%v)", userns, rootfs.Store, st.Mode(), err)
		}
		for _, f := range []string{"suid-root", "planted", "mem", "bin/busybox"} {
			if err := asNobody(filepath.Join(dir, f)); err == nil || !strings.Contains(err.Error(), "Permission denied") {
				t.Errorf("after %s: user nobody reached %s: %v", userns, f, err)
			}
		}
		if err := asNobody(runtime.StateDir); err == nil {
			t.Errorf("after %s: user nobody reached %s", userns, runtime.StateDir)
		}
	}
}

// asNobody opens path for reading as uid and gid 65534, in a process of
// their own (busybox head, from the test rootfs, which they can reach).
func asNobody(path string) error {
	cmd := exec.Command(filepath.Join(rootfsOK, "bin", "busybox"), "head", "-c", "0", path)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	out, err := cmd.CombinedOutput()
	if err != nil {
		return errors.New(strings.TrimSpace(string(out)))
	}
	return nil
}

func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

// commandPidOf is the container's PID 1 as the host numbers it: the
// process in its cgroup that is not vme50's init.
func commandPidOf(t *testing.T, id string) int {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		for _, f := range strings.Fields(cgroupFile(t, id, "cgroup.procs", "pids", "cgroup.procs")) {
			pid, _ := strconv.Atoi(f)
			if commandRuns([]int{pid}) {
				return pid
			}
		}
	}
	t.Fatalf("container %s: no command running", id)
	return 0
}

// The runtime reads what a container wrote against its --disk-limit, for
// the TUI's panel: 3 MiB of dd, in / and /tmp, out of 8 MiB.
func TestDiskUsage(t *testing.T) {
	clean(t)
	o := runtime.DefaultOptions()
	o.Rootfs, o.DiskLimit = rootfsOK, "8M"
	o.Args = []string{"/bin/sh", "-c", "dd if=/dev/zero of=/a bs=1M count=2 2>/dev/null; dd if=/dev/zero of=/tmp/b bs=1M count=1 2>/dev/null; sleep 30"}
	spec, err := o.Spec()
	if err != nil {
		t.Fatal(err)
	}
	c, err := runtime.New(host(t), spec)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { c.Kill(); c.Wait() }()
	var used, size uint64
	waitFor(t, func() bool {
		used, size, err = c.DiskUsage()
		return err == nil && used >= 3<<20
	})
	if size != 8<<20 || used > 4<<20 {
		t.Errorf("used %d of %d, want 3 MiB of 8 MiB", used, size)
	}
	c.Kill()
	c.Wait()
	if _, _, err := c.DiskUsage(); err == nil {
		t.Error("a disk reading of an ended container")
	}
}

// vme50-hog and the page-cache file are the host's files, bound in
// read-only; a command keeping CAP_SYS_ADMIN could remount them writable
// (a chmod of the host's vme50-tui, the host's disk filled through the
// cache file), so it gets neither.
func TestSysAdminGetsNoHostFiles(t *testing.T) {
	clean(t)
	before, err := os.Stat(bin)
	if err != nil {
		t.Fatal(err)
	}
	defer os.Chmod(bin, before.Mode().Perm())
	r := run(t, "--cap-add", "SYS_ADMIN", "/bin/sh", "-c",
		"mount -o remount,rw,bind /tmp/.vme50/bin/vme50-hog && chmod 4777 /tmp/.vme50/bin/vme50-hog; "+
			"mount -o remount,rw,bind /tmp/.vme50/cache && dd if=/dev/zero of=/tmp/.vme50/cache bs=1M count=1 conv=notrunc; "+
			"ls /tmp/.vme50 >/dev/null 2>&1 && echo HOST-FILES-BOUND; true")
	wantCode(t, r, 0)
	if strings.Contains(r.stdout, "HOST-FILES-BOUND") {
		t.Errorf("a container with CAP_SYS_ADMIN has /tmp/.vme50:\n%s%s", r.stdout, r.stderr)
	}
	if after, err := os.Stat(bin); err != nil || after.Mode() != before.Mode() {
		t.Errorf("the host's vme50-tui went from %v to %v (%v)", before.Mode(), after.Mode(), err)
	}
}
