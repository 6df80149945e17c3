package e2e

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// A small archive that unpacks to a huge rootfs: what import and pull
// write is limited (--max-size, --max-files), and a sparse file is
// written sparse, so that the 10 KB tar of a 4 GiB file that once wrote
// 4 GiB now takes a few blocks and imports under a limit of 100M.

// A tar.gz of 1 GiB of zeros, stored whole (1 MB on disk): past
// --max-size 100M it stops with 125 and one line naming the entry, the
// limit and the flag, and leaves nothing.
func TestRootfsImportGzipBomb(t *testing.T) {
	clean(t)
	bomb := filepath.Join(t.TempDir(), "bomb.tar.gz")
	writeZerosTarGz(t, bomb, "zeros", 1<<30)
	dir := filepath.Join(t.TempDir(), "bombed")
	r := vme50(t, "rootfs", "import", "--max-size", "100M", bomb, dir)
	wantCode(t, r, 125)
	wantOneLine(t, r, `entry "zeros": the rootfs would hold more than 100.0 MiB of file content (raise --max-size`)
	wantGone(t, dir)
	wantNoTemp(t, dir)
}

// Two thousand empty files past --max-files 1000: they cost no bytes but
// an inode each.
func TestRootfsImportEntryBomb(t *testing.T) {
	clean(t)
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for i := range 2000 {
		tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: fmt.Sprint("f", i), Mode: 0o644})
	}
	tw.Close()
	dir := filepath.Join(t.TempDir(), "bombed")
	cmd := vme50Cmd(t, "rootfs", "import", "--max-files", "1000", "-", dir)
	cmd.Stdin = bytes.NewReader(gzipOf(t, buf.Bytes()))
	r := finish(t, cmd, cmd.Run())
	wantCode(t, r, 125)
	wantOneLine(t, r, `entry "f1000": the rootfs would hold more than 1000 files, directories and links (raise --max-files`)
	wantGone(t, dir)
	wantNoTemp(t, dir)
}

// The busybox rootfs with a sparse 4 GiB file added, in GNU tar's own
// format (what tar -S writes): the archive is the rootfs and 10 KB, it
// imports under --max-size 100M, and the file has its size and data, takes
// a few blocks, and reads right in a container.
func TestRootfsImportSparse(t *testing.T) {
	clean(t)
	const size, offset, data = 4 << 30, 1_000_000, "hello from a hole\n"
	plain := tarOf(t, rootfsOK)
	archive := append(plain[:len(plain)-1024:len(plain)-1024], gnuSparseEntry("big", size, offset, data)...)
	archive = append(archive, make([]byte, 1024)...) // the end of the tar
	dir := filepath.Join(t.TempDir(), "sparse")
	cmd := vme50Cmd(t, "rootfs", "import", "--max-size", "100M", "-", dir)
	cmd.Stdin = bytes.NewReader(archive)
	wantCode(t, finish(t, cmd, cmd.Run()), 0)
	wantNoTemp(t, dir)

	fi, err := os.Stat(filepath.Join(dir, "big"))
	if err != nil {
		t.Fatal(err)
	}
	if fi.Size() != size {
		t.Errorf("size %d, want %d", fi.Size(), int64(size))
	}
	if used := fi.Sys().(*syscall.Stat_t).Blocks * 512; used > 64<<10 {
		t.Errorf("%d bytes of disk for a file with %d bytes of data", used, len(data))
	}
	r := vme50(t, "run", "--rootfs", dir, "/bin/dd", "if=/big", "bs=1", fmt.Sprint("skip=", offset),
		fmt.Sprint("count=", len(data)))
	wantCode(t, r, 0)
	if r.stdout != data {
		t.Errorf("/big at %d holds %q, want %q", offset, r.stdout, data)
	}
}

// A pull's limit counts all its layers together: two of 600 KiB each go
// past --max-size 1M at the second.
func TestRootfsPullSizeLimit(t *testing.T) {
	clean(t)
	content := strings.Repeat("0123456789abcdef", 600<<10/16)
	image := pushImage(t, "big", tarOfEntries(t, map[string]string{"one": content}),
		tarOfEntries(t, map[string]string{"two": content}))
	dir := filepath.Join(t.TempDir(), "pulled")
	r := vme50(t, "rootfs", "pull", "--max-size", "1M", image, dir)
	wantCode(t, r, 125)
	wantOneLine(t, r, `layer 2/2 of `+image+`: entry "two": the rootfs would hold more than 1.0 MiB of file content (raise --max-size`)
	wantGone(t, dir)
	wantNoTemp(t, dir)
}

// writeZerosTarGz writes a tar.gz holding name, size bytes of zeros, to
// file, streaming: gzip shrinks them a thousand times.
func writeZerosTarGz(t *testing.T, file, name string, size int64) {
	t.Helper()
	f, err := os.Create(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zw := gzip.NewWriter(f)
	tw := tar.NewWriter(zw)
	if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: name, Mode: 0o644, Size: size}); err != nil {
		t.Fatal(err)
	}
	zeros := make([]byte, 1<<20)
	for n := int64(0); n < size; n += int64(len(zeros)) {
		if _, err := tw.Write(zeros[:min(int64(len(zeros)), size-n)]); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
}

// gnuSparseEntry is a tar entry of type 'S', as GNU tar -S writes one: a
// file called name of size bytes, all holes but data at offset. Its
// header's map lists the one data fragment (and an empty one at the end,
// which gives the size); only the data follows. Go's tar.Writer cannot
// write one, so it is put together by hand.
func gnuSparseEntry(name string, size, offset int64, data string) []byte {
	var h [512]byte
	octal := func(at, width int, n int64) { copy(h[at:], fmt.Sprintf("%0*o\x00", width-1, n)) }
	copy(h[0:], name)
	octal(100, 8, 0o644)
	octal(108, 8, 0) // uid
	octal(116, 8, 0) // gid
	octal(124, 12, int64(len(data)))
	octal(136, 12, 0) // mtime
	h[156] = tar.TypeGNUSparse
	copy(h[257:], "ustar  \x00") // GNU's magic
	octal(386, 12, offset)
	octal(398, 12, int64(len(data)))
	octal(410, 12, size)
	octal(422, 12, 0)
	octal(483, 12, size) // the real size
	copy(h[148:], "        ")
	sum := 0
	for _, b := range h {
		sum += int(b)
	}
	copy(h[148:], fmt.Sprintf("%06o\x00 ", sum))
	body := make([]byte, (len(data)+511)/512*512)
	copy(body, data)
	return append(h[:], body...)
}
