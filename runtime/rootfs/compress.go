package rootfs

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"io"

	"github.com/klauspost/compress/zstd"
)

// The first bytes of a compressed stream say how it was compressed, so a
// file's name (or a missing one, on stdin) does not have to.
var (
	gzipMagic = []byte{0x1f, 0x8b}             // .tar.gz, .tgz, most image layers
	zstdMagic = []byte{0x28, 0xb5, 0x2f, 0xfd} // newer image layers
)

// decompress returns what r holds, unpacked if it is gzip or zstd; anything
// else is passed on as it is, to be read as a plain tar.
func decompress(r io.Reader) (io.ReadCloser, error) {
	br := bufio.NewReader(r)
	magic, err := br.Peek(len(zstdMagic))
	if err != nil && err != io.EOF {
		return nil, err
	}
	switch {
	case bytes.HasPrefix(magic, gzipMagic):
		return gzip.NewReader(br)
	case bytes.HasPrefix(magic, zstdMagic):
		d, err := zstd.NewReader(br)
		if err != nil {
			return nil, err
		}
		return d.IOReadCloser(), nil
	}
	return io.NopCloser(br), nil
}

// ctxReader stops reading once ctx is done: ctrl+c ends an extraction at
// its next read, even in the middle of a large file.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
