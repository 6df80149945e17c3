package initproc

import (
	"os"
	"path/filepath"
	goruntime "runtime"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// The race an attack review won about one start in fifty: someone who may
// write to the rootfs renames the directory init just mounted the procfs
// on, and puts an empty one in its place, before init masks /proc. The
// masks must still land on the procfs (they go through its descriptor),
// and the check by name must refuse the container. Played here step by
// step, in a mount namespace of a thread of the test's own, as root.
func TestMasksFollowTheMountNotTheName(t *testing.T) {
	if os.Getenv("VME50_E2E") != "1" {
		t.Skip("mounts filesystems: run as root with VME50_E2E=1")
	}
	if os.Geteuid() != 0 {
		t.Fatal("VME50_E2E=1: this test needs root")
	}
	dir := t.TempDir()
	done := make(chan error)
	swapAsk, swapDone := make(chan struct{}), make(chan error)
	go func() {
		// Never unlocked: the thread, in its own mount namespace and
		// root, ends with this goroutine instead of serving others.
		goruntime.LockOSThread()
		done <- swapDuringStart(t, dir, func() error {
			swapAsk <- struct{}{}
			return <-swapDone
		})
	}()
	for {
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
			return
		case <-swapAsk:
			// The attack, from the host's mount namespace (in init's the
			// directory is a mount point, which cannot be renamed): the
			// procfs's directory is renamed away, an empty one takes its
			// name.
			swapDone <- unix.Renameat2(unix.AT_FDCWD, filepath.Join(dir, "proc"), unix.AT_FDCWD, filepath.Join(dir, "xproc"),
				unix.RENAME_EXCHANGE)
		}
	}
}

func swapDuringStart(t *testing.T, dir string, swap func() error) error {
	if err := unix.Unshare(unix.CLONE_NEWNS | unix.CLONE_FS); err != nil {
		return err
	}
	if err := unix.Mount("", "/", "", unix.MS_REC|unix.MS_PRIVATE, ""); err != nil {
		return err
	}
	for _, d := range []string{"proc", "xproc", "layer"} {
		if err := os.Mkdir(filepath.Join(dir, d), 0o755); err != nil {
			return err
		}
	}
	root, err := os.OpenFile(dir, unix.O_PATH|unix.O_DIRECTORY, 0)
	if err != nil {
		return err
	}
	m := containerMounts{root: root}
	defer m.Close()
	if err := m.mountKernelFilesystems(&Config{Layer: filepath.Join(dir, "layer")}); err != nil {
		return err
	}
	if err := swap(); err != nil {
		return err
	}
	if err := protectKernelFiles(&m); err != nil {
		return err
	}
	if err := checkKernelFiles(&m); err != nil {
		t.Errorf("the procfs, now at /xproc, is not protected: %v", err)
	}
	if fi, _ := os.Stat(filepath.Join(dir, "xproc", "sys")); fi == nil || !isReadOnlyPath(filepath.Join(dir, "xproc", "sys")) {
		t.Errorf("/xproc/sys is not a read-only mount")
	}
	if entries, _ := os.ReadDir(filepath.Join(dir, "proc")); len(entries) > 0 {
		t.Errorf("the empty directory in /proc's place got %d entries", len(entries))
	}
	// As init sees it after pivot_root (a chroot of this thread here):
	// /proc is not the procfs that was made, and the start stops.
	if err := unix.Chroot(dir); err != nil {
		return err
	}
	err = checkNames(&m)
	if err == nil || !strings.HasPrefix(err.Error(), "check /proc: ") {
		t.Errorf("checkNames: %v, want /proc refused", err)
	}
	return nil
}

func isReadOnlyPath(p string) bool {
	var st unix.Statfs_t
	return unix.Statfs(p, &st) == nil && st.Flags&unix.ST_RDONLY != 0
}

// The rootfs is opened through no symlink: the parent resolved its path
// once, so a link on it now is somebody's swap (the rootfs renamed away,
// a link to a host directory in its place).
func TestOpenRootfsRefusesSymlink(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "real")
	os.Mkdir(real, 0o755)
	os.Symlink(real, filepath.Join(dir, "link"))
	os.Symlink(dir, filepath.Join(dir, "up"))
	if f, err := OpenRootfs(real); err != nil {
		t.Errorf("a real directory: %v", err)
	} else {
		f.Close()
	}
	for _, p := range []string{filepath.Join(dir, "link"), filepath.Join(dir, "up", "real")} {
		f, err := OpenRootfs(p)
		if err == nil {
			f.Close()
			t.Errorf("%s opened", p)
		} else if !strings.Contains(err.Error(), "symlink") {
			t.Errorf("%s: %v", p, err)
		}
	}
}

// Init goes on only with the very rootfs directory the parent checked:
// another one at that path (swapped in since) stops the start before
// anything is mounted.
func TestBuildRootfsChecksTheRootfsIsTheOneChecked(t *testing.T) {
	if os.Getenv("VME50_E2E") != "1" {
		t.Skip("mounts filesystems: run as root with VME50_E2E=1")
	}
	dir := t.TempDir()
	for _, d := range []string{"checked", "swapped", "layer"} {
		os.Mkdir(filepath.Join(dir, d), 0o755)
	}
	f, err := OpenRootfs(filepath.Join(dir, "checked"))
	if err != nil {
		t.Fatal(err)
	}
	checked, err := IDOf(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error)
	go func() {
		goruntime.LockOSThread() // never unlocked: its mount namespace is the test's own
		if err := unix.Unshare(unix.CLONE_NEWNS); err != nil {
			done <- err
			return
		}
		done <- buildRootfs(&Config{Rootfs: filepath.Join(dir, "swapped"), RootfsID: checked,
			Layer: filepath.Join(dir, "layer")})
	}()
	err = <-done
	if err == nil || !strings.Contains(err.Error(), "not the directory vme50 checked") {
		t.Errorf("buildRootfs: %v", err)
	}
}
