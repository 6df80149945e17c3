// Package rootfs makes root filesystems for containers without Docker.
package rootfs

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// DefaultDir is where root filesystems live; DefaultBusybox is the one the
// TUI and `run` use when no --rootfs is given.
const (
	DefaultDir     = "/var/lib/vme50/rootfs"
	DefaultBusybox = DefaultDir + "/busybox"
)

// busyboxCandidates are where Debian's and Ubuntu's busybox-static put it.
var busyboxCandidates = []string{"/bin/busybox", "/usr/bin/busybox", "/usr/sbin/busybox"}

// findStaticBusybox returns the host's statically linked busybox. A
// dynamic one would not run in a rootfs that has no libc.
func findStaticBusybox() (string, error) {
	for _, p := range busyboxCandidates {
		if static, err := isStatic(p); err == nil && static {
			return p, nil
		}
	}
	return "", errors.New("no static busybox on this host: install it with `apt-get install busybox-static`")
}

// isStatic tells whether a 64-bit little-endian ELF file (amd64, arm64)
// has no program interpreter (ld.so) among its program headers. We read
// the headers by hand: importing debug/elf would cost every start of this
// binary, the container's init included, a quarter of a millisecond.
func isStatic(path string) (bool, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return false, err
	}
	if len(data) < 64 || string(data[:4]) != "\x7fELF" || data[4] != 2 || data[5] != 1 {
		return false, fmt.Errorf("%s: not a 64-bit little-endian ELF file", path)
	}
	le := binary.LittleEndian
	phoff, phentsize, phnum := le.Uint64(data[0x20:]), uint64(le.Uint16(data[0x36:])), uint64(le.Uint16(data[0x38:]))
	for i := uint64(0); i < phnum; i++ {
		off := phoff + i*phentsize
		if off+4 > uint64(len(data)) {
			return false, fmt.Errorf("%s: truncated ELF program headers", path)
		}
		if le.Uint32(data[off:]) == ptInterp {
			return false, nil
		}
	}
	return true, nil
}

const ptInterp = 3 // PT_INTERP: the path of the dynamic loader

// CreateBusybox makes a minimal rootfs in dir: the static busybox, a link
// for each of its applets, and the few files programs expect in /etc. Like
// every rootfs here it is made in DIR.tmp and renamed at the end (see
// build), so a failure leaves nothing half made. An existing dir is
// replaced only with force.
func CreateBusybox(dir string, force bool) error {
	return build(dir, force, func(tmp string) error {
		bb, err := findStaticBusybox()
		if err != nil {
			return err
		}
		return buildBusybox(tmp, bb)
	})
}

func buildBusybox(root, busybox string) error {
	for _, d := range []string{"bin", "sbin", "usr/bin", "usr/sbin", "etc", "proc", "sys", "dev", "tmp", "root", "var/tmp"} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			return err
		}
	}
	for _, d := range []string{"tmp", "var/tmp"} {
		if err := os.Chmod(filepath.Join(root, d), 0o1777); err != nil {
			return err
		}
	}
	if err := copyFile(busybox, filepath.Join(root, "bin/busybox"), 0o755); err != nil {
		return err
	}
	applets, err := exec.Command(busybox, "--list-full").Output()
	if err != nil {
		return fmt.Errorf("%s --list-full: %w", busybox, err)
	}
	for _, applet := range strings.Fields(string(applets)) {
		// Relative links ("../../bin/busybox") stay correct wherever the
		// rootfs is mounted.
		link := filepath.Join(root, applet)
		target, _ := filepath.Rel(filepath.Dir(link), filepath.Join(root, "bin/busybox"))
		if err := os.Symlink(target, link); err != nil && !errors.Is(err, os.ErrExist) {
			return err
		}
	}
	files := map[string]string{
		"etc/passwd":   "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n",
		"etc/group":    "root:x:0:\ntty:x:5:\nnogroup:x:65534:\n",
		"etc/hostname": "vme50\n",
		"etc/hosts":    "127.0.0.1\tlocalhost\n::1\tlocalhost\n",
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(root, name), []byte(content), 0o644); err != nil {
			return err
		}
	}
	return nil
}

func copyFile(src, dst string, mode os.FileMode) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, mode)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
