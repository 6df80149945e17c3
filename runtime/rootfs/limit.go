package rootfs

import (
	"archive/tar"
	"bytes"
	"fmt"
	"io"
	"os"

	"vme50-tui/cgroup"
)

// An archive is small and what it unpacks to need not be: a 10 KB tar can
// declare a 4 GiB sparse file, a 4 MB tar.gz can hold 4 GiB of zeros, a
// 50 MB one a million empty files. Unpacked as root onto the host's disk,
// any of them could fill it. So every import and pull has Limits, counted
// across the whole rootfs (all the layers of a pull together):
//
//   - Bytes is the file content the archive carries: what its tar stream
//     (after gzip or zstd) holds for its regular files. The holes of a
//     sparse file are not in the stream, so they do not count; a file of
//     zeros stored whole does, however well it compressed. What lands on
//     disk is at most this: blocks of zeros are not written (see
//     writeSparse). A file that a later layer deletes or replaces still
//     counted: it was on disk until then.
//     Directories and long symlinks count a block each (entryDisk): a
//     tar of nothing but those is no smaller a bomb.
//   - Entries is what extraction makes: each file, directory, link and
//     device node (an entry written twice counts twice), and each parent
//     directory an entry needed that the archive did not list. Whiteouts,
//     which only delete, do not count.
//
// 0 means no limit.
type Limits struct {
	Bytes   uint64
	Entries uint64
}

// DefaultLimits fit any image a sane person pulls into a classroom and stop
// a bomb long before it fills a disk. Unpacked, alpine is 8 MB, debian
// 120 MB, python:3 1 GB, gcc 1.5 GB, a CUDA runtime image a few GB; only
// the CUDA and PyTorch development images go past 8 GiB, and whoever pulls
// one reads the one line that says to raise --max-size. In files, debian has
// 9,000 and python:3 40,000; a node image with a large node_modules a few
// hundred thousand. A million is past all of them and, at 256 bytes an
// inode, still small beside the inode table of any disk. Both can be
// raised (--max-size, --max-files), or lifted with max.
var DefaultLimits = Limits{Bytes: 8 << 30, Entries: 1_000_000}

// maxHoles bounds the holes of sparse files, across the rootfs. A hole
// costs no disk, but archive/tar hands it to us as zeros, which we then
// check and skip, at some 30 GB/s: 1 TiB of holes is half a minute, and a
// 10 KB tar can declare a file of 8 EiB, which would be years. No rootfs
// needs a terabyte of holes, so this one is fixed, not a flag.
const maxHoles = 1 << 40

// LimitError is an archive going past one of its Limits.
type LimitError struct {
	Flag  string // the flag that raises it: --max-size or --max-files
	Limit uint64
}

func (e *LimitError) Error() string {
	what := fmt.Sprintf("%d files, directories and links", e.Limit)
	if e.Flag == "--max-size" {
		what = cgroup.FormatSize(e.Limit) + " of file content"
	}
	return fmt.Sprintf("the rootfs would hold more than %s (raise %s, or %s max for no limit)", what, e.Flag, e.Flag)
}

// budget counts what a rootfs has used of its Limits. One budget is
// shared by all the layers of a pull.
type budget struct {
	limits   Limits
	maxHoles uint64 // maxHoles, but smaller in a test
	bytes    uint64
	entries  uint64
	holes    uint64
}

func newBudget(l Limits) *budget { return &budget{limits: l, maxHoles: maxHoles} }

// addEntry counts one more thing made, which takes disk bytes of its own
// (entryDisk) besides any file content.
func (b *budget) addEntry(disk uint64) error {
	if b.limits.Entries != 0 && b.entries >= b.limits.Entries {
		return &LimitError{"--max-files", b.limits.Entries}
	}
	b.entries++
	return b.addContent(disk, 0)
}

// entryDisk is what an entry takes on disk besides its content: a
// directory a block, a symlink a block once its target is too long to
// live in the inode (60 bytes on ext4). Without it, 20,000 directories
// and 20,000 symlinks to 4,000-byte targets, a 464 KB tar.gz, took 158 MB
// under --max-size 1M.
func entryDisk(typeflag byte, linkname string) uint64 {
	switch {
	case typeflag == tar.TypeDir, typeflag == tar.TypeSymlink && len(linkname) > 60:
		return diskBlock
	}
	return 0
}

// diskBlock is a filesystem block, what a directory or a long symlink
// takes at least.
const diskBlock = 4096

// addContent counts stored bytes of file content and holes bytes of a
// sparse file's holes, before they are written.
func (b *budget) addContent(stored, holes uint64) error {
	if b.limits.Bytes != 0 && b.bytes+stored > b.limits.Bytes {
		return &LimitError{"--max-size", b.limits.Bytes}
	}
	if b.holes+holes > b.maxHoles {
		return fmt.Errorf("more than %s of holes in sparse files: no rootfs needs that many", cgroup.FormatSize(b.maxHoles))
	}
	b.bytes += stored
	b.holes += holes
	return nil
}

// countingReader counts the bytes read through it: placed under the tar
// reader, it tells how much of a file's content the archive really holds,
// which for a sparse file is less than the file's size.
type countingReader struct {
	r io.Reader
	n uint64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += uint64(n)
	return n, err
}

const (
	// copyChunk is how much content is read, counted and written at a time.
	// The limit is checked before each chunk is written, so nothing past it
	// is.
	copyChunk = 1 << 20
	// holeBlock is the size of the blocks checked for zeros: the block size
	// of ext4, xfs and btrfs, the unit in which a file has holes at all.
	holeBlock = 4096
)

var zeroBlock = make([]byte, holeBlock)

// copyContent writes a regular file's content from tr, the tar reader,
// into f. Whole blocks of zeros become holes (as cp --sparse does):
// archive/tar gives a sparse file's holes to us as zeros, and only seeking
// over them keeps a 4 GiB sparse file from taking 4 GiB of disk.
func (x *extractor) copyContent(f *os.File, tr io.Reader) error {
	var size int64
	for {
		data, readErr := x.readChunk(tr)
		if err := writeSparse(f, data); err != nil {
			return err
		}
		size += int64(len(data))
		if readErr == io.EOF {
			break
		}
		if readErr != nil {
			return readErr
		}
	}
	// A file that ends in a hole ends where the last write did, not at its
	// size: Truncate lengthens it, with a hole.
	return f.Truncate(size)
}

// skipContent reads what is left of an entry's content, counted as
// copyContent's is. Content that is not written (a whiteout's, or a
// device node's that only root can make) costs as much to unpack, and a
// bomb could hide there as well as in a file.
func (x *extractor) skipContent(tr io.Reader) error {
	for {
		_, err := x.readChunk(tr)
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// readChunk reads the next chunk of an entry's content from tr, the tar
// reader over x.stream, and counts it before it is used: what the stream
// gave as content, and the rest, which tar made up as a sparse file's
// holes. It returns io.EOF with the last chunk.
func (x *extractor) readChunk(tr io.Reader) ([]byte, error) {
	buf := x.chunk()
	before := x.stream.n
	n, readErr := fill(tr, buf)
	stored := x.stream.n - before
	if err := x.budget.addContent(stored, uint64(n)-min(stored, uint64(n))); err != nil {
		return nil, err
	}
	return buf[:n], readErr
}

// fill reads from r until buf is full or r ends, which it reports with
// io.EOF. (io.ReadFull would not do: its io.ErrUnexpectedEOF for a last,
// short chunk is also what tar says of an archive cut short.)
func fill(r io.Reader, buf []byte) (int, error) {
	n := 0
	for n < len(buf) {
		m, err := r.Read(buf[n:])
		n += m
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// chunk is the extractor's copy buffer, made on first use.
func (x *extractor) chunk() []byte {
	if x.buf == nil {
		x.buf = make([]byte, copyChunk)
	}
	return x.buf
}

// writeSparse writes data at f's offset, seeking over each block of
// holeBlock zeros instead of writing it. data starts on a block boundary
// (chunks are whole blocks), so the blocks skipped are the file's blocks.
func writeSparse(f *os.File, data []byte) error {
	for len(data) > 0 {
		zeros := 0
		for zeros < len(data) && isZeroBlock(data[zeros:]) {
			zeros += min(holeBlock, len(data)-zeros)
		}
		if zeros > 0 {
			if _, err := f.Seek(int64(zeros), io.SeekCurrent); err != nil {
				return err
			}
			data = data[zeros:]
			continue
		}
		// Write every block up to the next block of zeros in one call.
		end := 0
		for end < len(data) && !isZeroBlock(data[end:]) {
			end += min(holeBlock, len(data)-end)
		}
		if _, err := f.Write(data[:end]); err != nil {
			return err
		}
		data = data[end:]
	}
	return nil
}

// isZeroBlock tells whether the first block of data (or all of it, if
// shorter) is zeros.
func isZeroBlock(data []byte) bool {
	n := min(holeBlock, len(data))
	return bytes.Equal(data[:n], zeroBlock[:n])
}
