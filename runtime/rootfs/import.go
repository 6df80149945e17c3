package rootfs

import (
	"context"
	"errors"
	"io"
	"path/filepath"
	"strings"
)

// Import makes a rootfs at dir from a tar archive, plain, gzip or zstd:
// what `docker export` writes, or `tar -C somewhere -c .`. Like every
// rootfs here it is made in DIR.tmp and renamed at the end; an existing dir
// is replaced only with force. What it writes is bounded by limits
// (DefaultLimits, unless the user said otherwise). Cancelling ctx stops
// it, and nothing is left behind.
func Import(ctx context.Context, r io.Reader, dir string, force bool, limits Limits) error {
	return build(dir, force, func(tmp string) error {
		archive, err := decompress(ctxReader{ctx, r})
		if err != nil {
			return err
		}
		defer archive.Close()
		n, err := newExtractor(tmp, false, newBudget(limits)).extract(archive)
		if err == nil && n == 0 {
			err = errors.New("the archive holds no files")
		}
		return err
	})
}

// NameFromFile is the rootfs name an archive's file name suggests:
// alpine.tar.gz, alpine.tgz and alpine.tar are all "alpine".
func NameFromFile(file string) string {
	name := filepath.Base(file)
	for _, ext := range []string{".gz", ".zst", ".tgz", ".tar"} {
		name = strings.TrimSuffix(name, ext)
	}
	return name
}
