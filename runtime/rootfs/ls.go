package rootfs

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// Info is one rootfs of `rootfs ls`.
type Info struct {
	Name string
	Path string
	Size uint64 // bytes on disk, as du counts them
	// Partial: some directory could not be read (not root?), so the
	// rootfs takes at least Size.
	Partial bool
}

// List returns the rootfs directories in dir (DefaultDir), sorted by
// name, with their sizes. A DIR.tmp or DIR.old, the leftover of a make
// that was killed, is not a rootfs; a missing dir holds none.
func List(dir string) ([]Info, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var list []Info
	for _, e := range entries {
		if !e.IsDir() || strings.HasSuffix(e.Name(), tmpSuffix) || strings.HasSuffix(e.Name(), oldSuffix) {
			continue
		}
		p := filepath.Join(dir, e.Name())
		size, complete := diskUsage(p)
		list = append(list, Info{Name: e.Name(), Path: p, Size: size, Partial: !complete})
	}
	return list, nil
}

// diskUsage adds up the disk space the files under dir take, as du does:
// the blocks allocated (not the files' lengths), and a file with several
// hard links once. complete is false if some of dir could not be read.
func diskUsage(dir string) (size uint64, complete bool) {
	seen := map[uint64]bool{} // inode numbers; a rootfs is one filesystem
	complete = true
	filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil {
			complete = false
			return nil
		}
		fi, err := d.Info()
		if err != nil {
			complete = false
			return nil
		}
		st, ok := fi.Sys().(*syscall.Stat_t)
		if !ok || seen[st.Ino] {
			return nil
		}
		seen[st.Ino] = true
		size += uint64(st.Blocks) * 512 // st_blocks is in 512-byte units, whatever the block size
		return nil
	})
	return size, complete
}
