package runtime

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"

	"vme50-tui/hog"
)

// vme50-hog is this very binary, bound into every container
// (initproc/hog_linux.go), and it runs there on the container's files: a binary
// built with a plain `go build` on a host where cgo is on (Debian's Go
// with gcc installed) is dynamically linked, asks for the host's loader
// (/lib64/ld-linux-x86-64.so.2) and libc, and a busybox rootfs has
// neither. The kernel then answers ENOENT for a file that is plainly
// there: "vme50-hog: not found". The container's init is not affected: it
// runs before pivot_root, on the host's files.

// ownLoader is the dynamic loader our binary asks for (its PT_INTERP
// program header), "" for a static binary: read once, when a container
// first needs to know (3 µs here, BenchmarkLoaderOf).
var ownLoader = sync.OnceValue(func() string {
	interp, err := loaderOf("/proc/self/exe")
	if err != nil {
		return "" // cannot tell: say nothing rather than something wrong
	}
	return interp
})

// loaderOf reads the ELF program headers of the file at path and returns
// its PT_INTERP, the loader the kernel starts in its place; "" when it
// has none (a static binary).
//
// By hand rather than with debug/elf: that package would add its
// dependencies' package inits (internal/zstd, debug/dwarf: 0.05 ms) to
// every process of ours, the container's init included, and 230 KB.
func loaderOf(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	bad := func(what string) (string, error) {
		return "", fmt.Errorf("%s: not an ELF file we can read: %s", path, what)
	}
	var ident [64]byte // the ELF header: 52 bytes (32-bit) or 64 (64-bit)
	if _, err := f.ReadAt(ident[:], 0); err != nil {
		return bad(err.Error())
	}
	if string(ident[:4]) != "\x7fELF" {
		return bad("no ELF magic")
	}
	var bo binary.ByteOrder
	switch ident[5] { // EI_DATA
	case 1:
		bo = binary.LittleEndian
	case 2:
		bo = binary.BigEndian
	default:
		return bad("unknown byte order")
	}
	var phoff int64
	var phentsize, phnum int
	is64 := ident[4] == 2 // EI_CLASS: 1 ELFCLASS32, 2 ELFCLASS64
	switch ident[4] {
	case 1:
		phoff = int64(bo.Uint32(ident[28:]))
		phentsize, phnum = int(bo.Uint16(ident[42:])), int(bo.Uint16(ident[44:]))
	case 2:
		phoff = int64(bo.Uint64(ident[32:]))
		phentsize, phnum = int(bo.Uint16(ident[54:])), int(bo.Uint16(ident[56:]))
	default:
		return bad("unknown class")
	}
	if phnum == 0 {
		return "", nil
	}
	if phentsize < 32 || phnum > 1024 {
		return bad("program headers out of bounds")
	}
	phdrs := make([]byte, phentsize*phnum)
	if _, err := f.ReadAt(phdrs, phoff); err != nil {
		return bad("program headers: " + err.Error())
	}
	for i := 0; i < phnum; i++ {
		ph := phdrs[i*phentsize:]
		if bo.Uint32(ph) != 3 { // p_type PT_INTERP
			continue
		}
		var off, size int64
		if is64 {
			off, size = int64(bo.Uint64(ph[8:])), int64(bo.Uint64(ph[32:]))
		} else {
			off, size = int64(bo.Uint32(ph[4:])), int64(bo.Uint32(ph[16:]))
		}
		if size <= 0 || size > 4096 {
			return bad("PT_INTERP out of bounds")
		}
		buf := make([]byte, size)
		if _, err := f.ReadAt(buf, off); err != nil {
			return bad("PT_INTERP: " + err.Error())
		}
		// NUL-terminated.
		if i := bytes.IndexByte(buf, 0); i >= 0 {
			buf = buf[:i]
		}
		return string(buf), nil
	}
	return "", nil
}

// HogProblem says, in one line with the fix, why vme50-hog will not run in
// a container of spec: this binary is dynamically linked and the rootfs
// lacks its loader. "" when vme50-hog will run (a static binary, as make
// build makes, or a rootfs that has the loader: glibc's images do) or is
// not bound in at all (a command keeping CAP_SYS_ADMIN, initproc/hog_linux.go).
func HogProblem(spec Spec) string {
	if slices.Contains(spec.Capabilities, capNamed("SYS_ADMIN")) {
		return ""
	}
	return hogProblem(ownLoader(), spec.Rootfs)
}

func hogProblem(loader, rootfs string) string {
	if loader == "" {
		return ""
	}
	// Stat follows a symlink on the host's side: a check for the common
	// case (busybox, alpine), as FindCommand's is.
	if _, err := os.Stat(filepath.Join(rootfs, loader)); err == nil {
		return ""
	}
	return fmt.Sprintf("%s will not run in this container: this vme50-tui is dynamically linked "+
		"(built with a plain go build: it needs %s, which the rootfs lacks); "+
		"build it static with make build, or CGO_ENABLED=0 go build", hog.Name, loader)
}
