package ui

import (
	"os"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"vme50-tui/cgroup"
)

// The io.max lesson needs a disk under the rootfs: on a tmpfs the menu
// says there is none; on the disk it names it, as a /dev path.
func TestLessonIONeedsADisk(t *testing.T) {
	var io *Lesson
	for _, l := range Lessons {
		if l.Title == "io.max throttles the disk" {
			io = l
		}
	}
	if os.Geteuid() != 0 {
		t.Skip("mounting a tmpfs needs root")
	}
	tmpfs := t.TempDir()
	if err := unix.Mount("tmpfs", tmpfs, "tmpfs", 0, "size=64k"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { unix.Unmount(tmpfs, unix.MNT_DETACH) })
	why := io.why(LessonHost{Version: cgroup.V2, NoDisk: diskWhy(tmpfs)})
	if !strings.Contains(why, "no block device under the rootfs") || !strings.Contains(why, "is on tmpfs") {
		t.Errorf("a rootfs on tmpfs: %q", why)
	}
	if s := io.SettingsOn(tmpfs); !strings.HasPrefix(s, "--device-read-bps DEV:2m ") {
		t.Errorf("the run line on a tmpfs: %q", s)
	}
	// The test's own directory: on a disk on most machines.
	dir := t.TempDir()
	dev, err := rootfsDisk(dir)
	if err != nil {
		t.Skipf("no disk under %s here: %v", dir, err)
	}
	if !strings.HasPrefix(dev, "/dev/") && !strings.Contains(dev, ":") {
		t.Errorf("the disk under %s: %q", dir, dev)
	}
	if s := io.SettingsOn(dir); !strings.HasPrefix(s, "--device-read-bps "+dev+":2m --hostname io-hog vme50-hog io") {
		t.Errorf("the run line: %q", s)
	}
	if why := io.why(LessonHost{Version: cgroup.V2, NoDisk: diskWhy(dir)}); why != "" {
		t.Errorf("it cannot run on %s: %q", dir, why)
	}
}
