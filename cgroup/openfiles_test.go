package cgroup

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/sys/unix"
)

// openFDs counts this process's open file descriptors.
func openFDs(t *testing.T) int {
	t.Helper()
	fds, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatal(err)
	}
	return len(fds)
}

// A leaf made by Create keeps its files open between readings, and each
// reading is the kernel's text of now (a limit changed between two shows
// in the second); Destroy closes every file; a leaf removed under its
// open files reads as gone, not as zeros. Kernel test (VME50_E2E=1).
func TestKernelOpenFiles(t *testing.T) {
	h := kernelHost(t)
	before := openFDs(t)
	m := createTestLeaf(t, h)
	for _, max := range []uint64{40, 50} {
		if err := m.Set(Limits{PidsMax: max}); err != nil {
			t.Fatal(err)
		}
		s, err := m.Stats()
		if err != nil || s.Pids.Max != max {
			t.Fatalf("pids.max %d read back as %d, %v", max, s.Pids.Max, err)
		}
	}
	if open := openFDs(t) - before; open < 5 {
		t.Errorf("%d files kept open after two readings", open)
	}
	if err := m.Destroy(); err != nil {
		t.Fatal(err)
	}
	if open := openFDs(t) - before; open != 0 {
		t.Errorf("%d files left open after Destroy", open)
	}
	if _, err := m.Stats(); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Stats after Destroy: %v", err)
	}

	// Removed under its open files (as another vme50-tui's sweep would).
	m = createTestLeaf(t, h)
	if _, err := m.Stats(); err != nil {
		t.Fatal(err)
	}
	for _, dir := range m.Paths() {
		if err := unix.Rmdir(dir); err != nil {
			t.Fatal(err)
		}
	}
	if s, err := m.Stats(); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Stats of a removed leaf: %+v, %v", s, err)
	}
}

// A file opened before its leaf was removed reads ENODEV: readSmall, as
// the kept files, calls that gone (a kill's wait for the leaf to empty
// failed with "no such device" when its owner removed it meanwhile).
// Kernel test (VME50_E2E=1).
func TestKernelReadOfRemovedLeafIsGone(t *testing.T) {
	h := kernelHost(t)
	m := createTestLeaf(t, h)
	dir := m.Paths()[0]
	fd, err := unix.Open(filepath.Join(dir, "cgroup.procs"), unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(fd)
	for _, d := range m.Paths() {
		if err := unix.Rmdir(d); err != nil {
			t.Fatal(err)
		}
	}
	var buf [64]byte
	_, rerr := unix.Read(fd, buf[:])
	if !errors.Is(rerr, unix.ENODEV) {
		t.Skipf("this kernel reads a removed leaf's open file as %v, not ENODEV", rerr)
	}
	if err := readError("x", rerr); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("ENODEV read as %v, want a gone file", err)
	}
}
