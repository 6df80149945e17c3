package rootfs

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
)

// sparseSize is the apparent size of the sparse files crafted here, as in
// the bug report: a 10 KB tar that wrote 4 GiB.
const sparseSize = 4 << 30

// The data of the crafted sparse file, between two holes, and where.
const (
	sparseData   = "hello from the middle of a hole\n"
	sparseOffset = 1_000_000
)

// header is a tar header block; seal fills in its checksum.
type header [512]byte

func (h *header) put(at int, s string) { copy(h[at:], s) }

// octal writes n in a numeric field of width bytes, NUL-terminated.
func (h *header) octal(at, width int, n int64) {
	h.put(at, fmt.Sprintf("%0*o\x00", width-1, n))
}

func (h *header) seal() []byte {
	h.put(148, "        ") // the checksum is summed with its own field as spaces
	sum := 0
	for _, b := range h {
		sum += int(b)
	}
	h.put(148, fmt.Sprintf("%06o\x00 ", sum))
	return h[:]
}

// newHeader is a header for name, of type typ, with size bytes in the
// archive after it.
func newHeader(name string, typ byte, size int64) *header {
	h := new(header)
	h.put(0, name)
	h.octal(100, 8, 0o644)
	h.octal(108, 8, 0)
	h.octal(116, 8, 0)
	h.octal(124, 12, size)
	h.octal(136, 12, 0)
	h[156] = typ
	h.put(257, "ustar\x0000")
	return h
}

// padded is data followed by zeros to a whole number of blocks.
func padded(data string) []byte {
	b := []byte(data)
	return append(b, make([]byte, (512-len(b)%512)%512)...)
}

// end is the two zero blocks that close a tar.
var end = make([]byte, 1024)

// gnuSparseTar is what GNU tar -S writes by default for a file called
// name of sparseSize bytes, all holes but sparseData at sparseOffset: a
// header of type 'S' whose map lists the data fragments, then only them.
// Go's tar.Writer cannot write one, so it is put together by hand.
func gnuSparseTar(name string) []byte {
	h := newHeader(name, tar.TypeGNUSparse, int64(len(sparseData)))
	h.put(257, "ustar  \x00") // GNU's magic, which the sparse map needs
	h.octal(386, 12, sparseOffset)
	h.octal(398, 12, int64(len(sparseData)))
	h.octal(410, 12, sparseSize) // an empty fragment at the end: the size
	h.octal(422, 12, 0)
	h.octal(483, 12, sparseSize) // the real size
	return concat(h.seal(), padded(sparseData), end)
}

// paxSparseTar is the same file as GNU tar -S --format=posix
// --sparse-version=1.0 writes it: PAX records give the real name and
// size, and the entry's data begins with the map, in text.
func paxSparseTar(name string) []byte {
	var records string
	for _, kv := range []string{"GNU.sparse.major=1", "GNU.sparse.minor=0",
		"GNU.sparse.name=" + name, fmt.Sprintf("GNU.sparse.realsize=%d", sparseSize)} {
		records += paxRecord(kv)
	}
	sparseMap := padded(fmt.Sprintf("2\n%d\n%d\n%d\n0\n", sparseOffset, len(sparseData), sparseSize))
	body := string(sparseMap) + sparseData
	return concat(newHeader("PaxHeaders/"+name, tar.TypeXHeader, int64(len(records))).seal(), padded(records),
		newHeader("GNUSparseFile.0/"+name, tar.TypeReg, int64(len(body))).seal(), padded(body), end)
}

// paxRecord is "LEN key=value\n", LEN counting itself.
func paxRecord(kv string) string {
	n := len(kv) + 3 // the space, the newline and one digit
	for len(fmt.Sprint(n))+len(kv)+2 != n {
		n++
	}
	return fmt.Sprintf("%d %s\n", n, kv)
}

func concat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

// A 10 KB sparse tar of a 4 GiB file is written sparse: the file has its
// size and its data, takes a few blocks of disk, and counts as the bytes
// it stores, far below a 1 MiB limit. Without holes, it would write 4 GiB
// and go past the limit.
func TestImportSparse(t *testing.T) {
	for format, data := range map[string][]byte{"gnu": gnuSparseTar("big"), "pax": paxSparseTar("big")} {
		t.Run(format, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "rootfs")
			err := Import(context.Background(), bytes.NewReader(data), dir, false, Limits{Bytes: 1 << 20})
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(dir, "big")
			fi, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			if fi.Size() != sparseSize {
				t.Errorf("size %d, want %d", fi.Size(), sparseSize)
			}
			if used := fi.Sys().(*syscall.Stat_t).Blocks * 512; used > 64<<10 {
				t.Errorf("%d bytes on disk, want a few blocks", used)
			}
			f, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			got := make([]byte, len(sparseData)+2)
			if _, err := f.ReadAt(got, sparseOffset-1); err != nil {
				t.Fatal(err)
			}
			if want := "\x00" + sparseData + "\x00"; string(got) != want {
				t.Errorf("at %d: %q, want %q", sparseOffset-1, got, want)
			}
		})
	}
}

// zeroReader is an endless stream of zeros.
type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// gzipBomb streams a tar.gz of one file called name, size bytes of zeros
// stored whole: megabytes that gunzip to gigabytes. It is made as it is
// read, never all in memory or on disk; generated tells how many tar bytes
// were made, once the reader is closed.
func gzipBomb(name string, size int64) (r *io.PipeReader, generated func() int64) {
	r, w := io.Pipe()
	var n int64
	done := make(chan struct{})
	go func() {
		defer close(done)
		zw := gzip.NewWriter(w)
		tw := tar.NewWriter(zw)
		err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: name, Mode: 0o644, Size: size})
		if err == nil {
			n, err = io.CopyN(tw, zeroReader{}, size)
		}
		if err == nil {
			err = tw.Close()
		}
		if err == nil {
			err = zw.Close()
		}
		w.CloseWithError(err)
	}()
	return r, func() int64 { r.Close(); <-done; return n }
}

// A tar.gz of 4 GiB of zeros stops at the limit, naming the entry, the
// limit and the flag, having read little more than the limit, and leaves
// nothing. The zeros would not take disk (they become holes), but they are
// in the archive, and so count: the limit is on what the archive holds.
func TestImportGzipBombStops(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "rootfs")
	bomb, generated := gzipBomb("zeros", 4<<30)
	err := Import(context.Background(), bomb, dir, false, Limits{Bytes: 10 << 20})
	wantLimit(t, err, `entry "zeros": the rootfs would hold more than 10.0 MiB of file content (raise --max-size, or --max-size max`)
	if n := generated(); n > 20<<20 {
		t.Errorf("read %d bytes of the bomb, want about 10 MiB", n)
	}
	wantNoRootfs(t, dir)
}

// wantLimit checks that err is a LimitError whose text contains want.
func wantLimit(t *testing.T, err error, want string) {
	t.Helper()
	var le *LimitError
	if err == nil || !strings.Contains(err.Error(), want) || !errors.As(err, &le) {
		t.Errorf("error %v, want a LimitError with %q", err, want)
	}
}

// The limit is on more than: content of exactly the limit fits, one byte
// more does not, and what counts is the whole rootfs, not one file.
func TestImportSizeLimitIsExact(t *testing.T) {
	limits := Limits{Bytes: 10000}
	dir := filepath.Join(t.TempDir(), "fits")
	data := archive(t, file("a", strings.Repeat("x", 6000)), file("b", strings.Repeat("y", 4000)))
	if err := Import(context.Background(), bytes.NewReader(data), dir, false, limits); err != nil {
		t.Fatalf("10000 bytes with a limit of 10000: %v", err)
	}
	wantContent(t, filepath.Join(dir, "b"), strings.Repeat("y", 4000))

	dir = filepath.Join(t.TempDir(), "over")
	data = archive(t, file("a", strings.Repeat("x", 6000)), file("b", strings.Repeat("y", 4001)))
	err := Import(context.Background(), bytes.NewReader(data), dir, false, limits)
	wantLimit(t, err, `entry "b": the rootfs would hold more than 9.8 KiB of file content`)
	wantNoRootfs(t, dir)
}

// A million empty files cost no bytes, but an inode each: the entry limit
// stops them, at the first entry past it.
func TestImportEntryBomb(t *testing.T) {
	var entries []entry
	for i := range 2000 {
		entries = append(entries, file(fmt.Sprintf("f%d", i), ""))
	}
	dir := filepath.Join(t.TempDir(), "rootfs")
	err := Import(context.Background(), bytes.NewReader(gzipped(t, archive(t, entries...))), dir, false, Limits{Entries: 1000})
	wantLimit(t, err, `entry "f1000": the rootfs would hold more than 1000 files, directories and links (raise --max-files, or --max-files max`)
	wantNoRootfs(t, dir)
}

// The parent directories an entry makes without the archive listing them
// count too: otherwise one entry a/b/c/.../z could make thousands.
func TestImportEntryLimitCountsParents(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "rootfs")
	data := archive(t, file("a/b/c/d/e", "deep"))
	err := Import(context.Background(), bytes.NewReader(data), dir, false, Limits{Entries: 4})
	wantLimit(t, err, `entry "a/b/c/d/e": the rootfs would hold more than 4 files`)
	wantNoRootfs(t, dir)
	dir = filepath.Join(t.TempDir(), "rootfs")
	if err := Import(context.Background(), bytes.NewReader(data), dir, false, Limits{Entries: 5}); err != nil {
		t.Errorf("5 entries with a limit of 5: %v", err)
	}
}

// Holes cost no disk but time; a sparse file declaring more of them than
// the (here lowered) bound stops, naming the entry.
func TestExtractHolesBounded(t *testing.T) {
	b := newBudget(Limits{})
	b.maxHoles = 1 << 30
	_, err := newExtractor(t.TempDir(), false, b).extract(bytes.NewReader(gnuSparseTar("big")))
	if err == nil || !strings.Contains(err.Error(), `entry "big": more than 1.0 GiB of holes`) {
		t.Errorf("error %v, want entry big past 1.0 GiB of holes", err)
	}
}

// writeSparse leaves a hole for each block of zeros and writes the rest
// as it is, whatever the mix, a short last block included.
func TestWriteSparse(t *testing.T) {
	data := make([]byte, 10*holeBlock+100)
	for _, at := range []int{0, 3*holeBlock + 7, 4*holeBlock - 1, 9*holeBlock + 5} {
		data[at] = 'x' // blocks 0, 3, 9 hold data; 1, 2 and 4-8 are zeros; the last 100 bytes too
	}
	path := filepath.Join(t.TempDir(), "f")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := writeSparse(f, data); err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(int64(len(data))); err != nil {
		t.Fatal(err)
	}
	f.Close()
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, data) {
		t.Error("content differs from what was written")
	}
	var st syscall.Stat_t
	if err := syscall.Stat(path, &st); err != nil {
		t.Fatal(err)
	}
	if used := st.Blocks * 512; used > 3*holeBlock {
		t.Errorf("%d bytes on disk for 3 blocks of data", used)
	}
}

// A pull's limit holds for all its layers together: two layers of 600 KiB
// each fit 1 MiB one at a time, not together.
func TestPullLimitCountsAllLayers(t *testing.T) {
	content := strings.Repeat("0123456789abcdef", 600<<10/16)
	img, err := mutate.AppendLayers(empty.Image, layer(t, file("one", content)), layer(t, file("two", content)))
	if err != nil {
		t.Fatal(err)
	}
	image := startRegistry(t) + "/lesson/big"
	push(t, image, img)
	ref, err := ParseImage(image)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "rootfs")
	err = Pull(context.Background(), ref, dir, false, Limits{Bytes: 1 << 20}, nil)
	wantLimit(t, err, `layer 2/2 of `+image+`: entry "two": the rootfs would hold more than 1.0 MiB of file content`)
	wantNoRootfs(t, dir)

	dir = filepath.Join(t.TempDir(), "rootfs")
	if err := Pull(context.Background(), ref, dir, false, Limits{Bytes: 2 << 20}, nil); err != nil {
		t.Errorf("1.2 MiB with a limit of 2 MiB: %v", err)
	}
}

// Content that is not written counts too: a whiteout's, here, which could
// otherwise carry gigabytes for the extractor to unpack and throw away.
func TestExtractCountsSkippedContent(t *testing.T) {
	data := archive(t, file("etc/.wh.passwd", strings.Repeat("x", 2<<20)))
	_, err := newExtractor(t.TempDir(), true, newBudget(Limits{Bytes: 1 << 20})).extract(bytes.NewReader(data))
	wantLimit(t, err, `entry "etc/.wh.passwd": the rootfs would hold more than 1.0 MiB of file content`)
}

// Directories and long symlinks hold no file content but take disk: a
// block each counts against --max-size (an attack review unpacked 158 MB
// of them under --max-size 1M). Short symlinks live in their inode.
func TestImportDirsAndLinksCountAgainstSize(t *testing.T) {
	long := strings.Repeat("x", 4000)
	var entries []entry
	for i := range 300 {
		entries = append(entries, directory(fmt.Sprintf("d%d", i)), symlink(fmt.Sprintf("l%d", i), long))
	}
	dir := filepath.Join(t.TempDir(), "rootfs")
	err := Import(context.Background(), bytes.NewReader(gzipped(t, archive(t, entries...))), dir, false, Limits{Bytes: 1 << 20})
	wantLimit(t, err, "the rootfs would hold more than 1.0 MiB of file content (raise --max-size")
	wantNoRootfs(t, dir)

	entries = entries[:0]
	for i := range 300 {
		entries = append(entries, symlink(fmt.Sprintf("l%d", i), "short/target"))
	}
	if err := Import(context.Background(), bytes.NewReader(archive(t, entries...)), dir, false, Limits{Bytes: 1 << 20}); err != nil {
		t.Errorf("300 short symlinks under 1M: %v", err)
	}
}
