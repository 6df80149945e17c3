package hog

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// vme50-hog io reads and writes past the page cache on a disk, says the
// MB/s, removes what it wrote, and refuses a file with no disk below.
func TestIOOnDisk(t *testing.T) {
	dir, err := os.MkdirTemp(".", "io-test-") // the source tree: on a disk, unlike many /tmp
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	probe, _ := os.Create(filepath.Join(dir, "probe"))
	onDisk, fs := diskBacked(probe)
	probe.Close()
	if !onDisk {
		t.Skipf("the source tree is on %s", fs)
	}
	file := filepath.Join(dir, "written")
	code, said := capture(t, "io", "--write", "--file", file, "--size", "2M", "--seconds", "1.2")
	if code != 0 || !strings.Contains(said, "MB/s written in the last second") || !strings.Contains(said, "done:") {
		t.Fatalf("io --write: status %d\n%s", code, said)
	}
	if _, err := os.Stat(file); !os.IsNotExist(err) {
		t.Errorf("the written file is still there: %v", err)
	}
	os.WriteFile(file, make([]byte, 3<<20), 0o600)
	code, said = capture(t, "io", "--file", file, "--seconds", "0.5")
	if code != 0 || !strings.Contains(said, "reading "+file) || !strings.Contains(said, "MiB read") {
		t.Errorf("io --read: status %d\n%s", code, said)
	}
	if _, err := os.Stat(file); err != nil {
		t.Errorf("a file read was removed: %v", err)
	}
}

func TestIORefusesTmpfs(t *testing.T) {
	if _, err := os.Stat("/dev/shm"); err != nil {
		t.Skip("no /dev/shm")
	}
	code, _ := capture(t, "io", "--write", "--file", "/dev/shm/vme50-hog-io-test", "--seconds", "1")
	if code != 1 {
		t.Errorf("io --write on a tmpfs: status %d, want 1", code)
	}
	if _, err := os.Stat("/dev/shm/vme50-hog-io-test"); !os.IsNotExist(err) {
		t.Errorf("left /dev/shm/vme50-hog-io-test: %v", err)
	}
}
