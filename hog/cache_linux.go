package hog

import (
	"fmt"
	"os"
	"unsafe"

	"golang.org/x/sys/unix"
)

// diskBacked tells whether f's pages can be page cache the kernel drops
// under a memory limit: not when f is on a tmpfs or a ramfs (an initramfs,
// say), whose pages are the file itself. fs names its filesystem.
func diskBacked(f *os.File) (bool, string) {
	var st unix.Statfs_t
	if err := unix.Fstatfs(int(f.Fd()), &st); err != nil {
		return false, fmt.Sprintf("a filesystem that cannot be asked (%v)", err)
	}
	switch uint32(st.Type) {
	case unix.TMPFS_MAGIC:
		return false, "a tmpfs"
	case unix.RAMFS_MAGIC:
		return false, "a ramfs"
	}
	return true, "a disk"
}

// readRandomly turns the kernel's readahead off for f: a read brings in
// the pages asked for, not more, so that the cache is the size asked.
func readRandomly(f *os.File) {
	_ = unix.Fadvise(int(f.Fd()), 0, 0, unix.FADV_RANDOM)
}

// inMemory is how much of f's first size bytes is in the page cache:
// cachestat(2), Linux 6.5. ok is false on older kernels.
func inMemory(f *os.File, size uint64) (resident uint64, ok bool) {
	rng := struct{ Off, Len uint64 }{0, size}
	var cs struct{ Cache, Dirty, Writeback, Evicted, RecentlyEvicted uint64 }
	_, _, errno := unix.Syscall6(unix.SYS_CACHESTAT, f.Fd(), uintptr(unsafe.Pointer(&rng)), uintptr(unsafe.Pointer(&cs)), 0, 0, 0)
	if errno != 0 {
		return 0, false
	}
	return cs.Cache * uint64(os.Getpagesize()), true
}
