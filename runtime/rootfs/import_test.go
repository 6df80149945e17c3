package rootfs

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/klauspost/compress/zstd"
)

func gzipped(t *testing.T, data []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(data)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func zstded(t *testing.T, data []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw, err := zstd.NewWriter(&buf)
	if err != nil {
		t.Fatal(err)
	}
	zw.Write(data)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// wantNoRootfs checks that a failed make left neither dir nor dir.tmp.
func wantNoRootfs(t *testing.T, dir string) {
	t.Helper()
	wantMissing(t, dir)
	wantMissing(t, TempDir(dir))
	wantMissing(t, dir+oldSuffix)
}

// The format is told by the first bytes, not by a file name.
func TestImportDetectsCompression(t *testing.T) {
	plain := archive(t, file("bin/sh", "shell"))
	for name, data := range map[string][]byte{"tar": plain, "gzip": gzipped(t, plain), "zstd": zstded(t, plain)} {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "rootfs")
			if err := Import(context.Background(), bytes.NewReader(data), dir, false, DefaultLimits); err != nil {
				t.Fatal(err)
			}
			wantContent(t, filepath.Join(dir, "bin/sh"), "shell")
			wantMissing(t, TempDir(dir))
		})
	}
}

func TestImportRefusesNotATar(t *testing.T) {
	for name, data := range map[string][]byte{
		"text":            []byte(strings.Repeat("not a tar archive\n", 100)),
		"empty":           nil,
		"gzip of nothing": gzipped(t, nil),
	} {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "rootfs")
			if err := Import(context.Background(), bytes.NewReader(data), dir, false, DefaultLimits); err == nil {
				t.Fatal("imported")
			}
			wantNoRootfs(t, dir)
		})
	}
}

// An existing rootfs is replaced only with force, and only by a complete
// one.
func TestImportForce(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "rootfs")
	if err := Import(ctx, bytes.NewReader(archive(t, file("v", "1"))), dir, false, DefaultLimits); err != nil {
		t.Fatal(err)
	}
	err := Import(ctx, bytes.NewReader(archive(t, file("v", "2"))), dir, false, DefaultLimits)
	if err == nil || !strings.Contains(err.Error(), "already exists (use --force") {
		t.Fatalf("import over an existing rootfs: %v, want already exists", err)
	}
	wantContent(t, filepath.Join(dir, "v"), "1")

	bad := archive(t, file("v", "3"), file("../x", ""))
	if err := Import(ctx, bytes.NewReader(bad), dir, true, DefaultLimits); err == nil {
		t.Fatal("bad archive imported")
	}
	wantContent(t, filepath.Join(dir, "v"), "1") // the old one, whole
	wantMissing(t, TempDir(dir))

	if err := Import(ctx, bytes.NewReader(archive(t, file("v", "4"))), dir, true, DefaultLimits); err != nil {
		t.Fatal(err)
	}
	wantContent(t, filepath.Join(dir, "v"), "4")
	wantMissing(t, TempDir(dir))
	wantMissing(t, dir+oldSuffix)
}

// A failure half way leaves nothing: no dir, no dir.tmp.
func TestImportFailureLeavesNothing(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "rootfs")
	data := archive(t, directory("etc/"), file("etc/passwd", "root"), symlink("a", "/etc"), file("a/passwd", "pwned"))
	err := Import(context.Background(), bytes.NewReader(data), dir, false, DefaultLimits)
	wantRefused(t, err, "a/passwd")
	wantNoRootfs(t, dir)
}

// A truncated download or file fails too.
func TestImportTruncated(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "rootfs")
	data := gzipped(t, archive(t, file("big", strings.Repeat("x", 100000))))
	err := Import(context.Background(), bytes.NewReader(data[:len(data)/2]), dir, false, DefaultLimits)
	if err == nil {
		t.Fatal("truncated archive imported")
	}
	wantNoRootfs(t, dir)
}

// cancelAfter cancels a context once n bytes have been read through it:
// ctrl+c in the middle of an import.
type cancelAfter struct {
	r      io.Reader
	n      int
	cancel context.CancelFunc
}

func (c *cancelAfter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p[:min(len(p), 512)])
	if c.n -= n; c.n <= 0 {
		c.cancel()
	}
	return n, err
}

func TestImportCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var entries []entry
	for i := range 100 {
		entries = append(entries, file("f"+strings.Repeat("x", i), strings.Repeat("y", 1000)))
	}
	dir := filepath.Join(t.TempDir(), "rootfs")
	r := &cancelAfter{r: bytes.NewReader(archive(t, entries...)), n: 20000, cancel: cancel}
	if err := Import(ctx, r, dir, false, DefaultLimits); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled import: %v, want context canceled", err)
	}
	wantNoRootfs(t, dir)
}

// A DIR.tmp left by a killed run is not mixed into the new rootfs.
func TestImportRemovesStaleTemp(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "rootfs")
	if err := os.MkdirAll(filepath.Join(TempDir(dir), "junk"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := Import(context.Background(), bytes.NewReader(archive(t, file("f", "new"))), dir, false, DefaultLimits); err != nil {
		t.Fatal(err)
	}
	wantMissing(t, filepath.Join(dir, "junk"))
	wantContent(t, filepath.Join(dir, "f"), "new")
}

// --force never replaces / or a directory right under it.
func TestForceRefusesTopLevelDirectories(t *testing.T) {
	for _, dir := range []string{"/", "/usr", "/etc/", "/tmp"} {
		if err := checkTarget(dir, true); err == nil {
			t.Errorf("checkTarget(%q, force) allowed", dir)
		}
	}
}

func TestNameFromFile(t *testing.T) {
	for file, want := range map[string]string{
		"alpine.tar.gz": "alpine", "/tmp/x/alpine.tgz": "alpine", "ubuntu.tar": "ubuntu",
		"debian.tar.zst": "debian", "plain": "plain",
	} {
		if got := NameFromFile(file); got != want {
			t.Errorf("NameFromFile(%q) = %q, want %q", file, got, want)
		}
	}
}

func TestDirFor(t *testing.T) {
	if dir, err := DirFor("alpine"); err != nil || dir != DefaultDir+"/alpine" {
		t.Errorf("DirFor(alpine) = %q, %v", dir, err)
	}
	for _, bad := range []string{"", ".", "..", "a/b", "x.tmp", "x.old"} {
		if _, err := DirFor(bad); err == nil {
			t.Errorf("DirFor(%q) allowed", bad)
		}
	}
}
