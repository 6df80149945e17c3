package e2e

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"io"
	"log"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/tarball"

	"vme50-tui/runtime/rootfs"
)

// Root filesystems made without Docker, then used: created from the
// host's busybox, imported from a tar, pulled from a registry. Each must
// run a container.

func TestRootfsCreate(t *testing.T) {
	clean(t)
	dir := filepath.Join(t.TempDir(), "created")
	wantCode(t, vme50(t, "rootfs", "create", dir), 0)
	wantRuns(t, dir)

	r := vme50(t, "rootfs", "create", dir)
	wantCode(t, r, 125)
	wantOneLine(t, r, "already exists (use --force")
	wantCode(t, vme50(t, "rootfs", "create", "--force", dir), 0)
	wantRuns(t, dir)
	wantNoTemp(t, dir)
}

func TestRootfsImport(t *testing.T) {
	clean(t)
	plain := tarOf(t, rootfsOK)
	file := filepath.Join(t.TempDir(), "busybox.tar.gz")
	if err := os.WriteFile(file, gzipOf(t, plain), 0o644); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "imported")
	wantCode(t, vme50(t, "rootfs", "import", file, dir), 0)
	wantRuns(t, dir)
	wantNoTemp(t, dir)

	// From stdin, a plain tar.
	dir = filepath.Join(t.TempDir(), "from-stdin")
	cmd := vme50Cmd(t, "rootfs", "import", "-", dir)
	cmd.Stdin = bytes.NewReader(plain)
	wantCode(t, finish(t, cmd, cmd.Run()), 0)
	wantRuns(t, dir)

	wantCode(t, vme50(t, "rootfs", "import", "-"), 125) // stdin needs DIR or --name
}

// A hostile archive: a symlink to the host's /etc, then a file through
// it. The import fails naming the entry, and writes nothing anywhere.
func TestRootfsImportRefusesEscape(t *testing.T) {
	clean(t)
	const escape = "vme50-e2e-escape"
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	tw.WriteHeader(&tar.Header{Typeflag: tar.TypeSymlink, Name: "a", Linkname: "/etc"})
	tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: "a/" + escape, Mode: 0o644, Size: 2})
	tw.Write([]byte("x\n"))
	tw.Close()

	dir := filepath.Join(t.TempDir(), "hostile")
	cmd := vme50Cmd(t, "rootfs", "import", "-", dir)
	cmd.Stdin = &buf
	r := finish(t, cmd, cmd.Run())
	wantCode(t, r, 125)
	wantOneLine(t, r, `refusing entry "a/`+escape+`"`)
	wantGone(t, "/etc/"+escape)
	wantGone(t, dir)
	wantNoTemp(t, dir)
}

// ctrl+c (or SIGTERM) during an import, here one stalled reading stdin,
// ends it with 128+N and no half-made rootfs.
func TestRootfsImportInterrupted(t *testing.T) {
	clean(t)
	plain := tarOf(t, rootfsOK)
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		dir := filepath.Join(t.TempDir(), "interrupted")
		cmd := vme50Cmd(t, "rootfs", "import", "-", dir)
		stdin, err := cmd.StdinPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		stdin.Write(plain[:len(plain)/2]) // and then nothing more
		waitFor(t, func() bool { _, err := os.Stat(rootfs.TempDir(dir)); return err == nil })
		signal(t, cmd, sig)
		r := finish(t, cmd, cmd.Wait())
		stdin.Close()
		wantCode(t, r, 128+int(sig))
		wantGone(t, dir)
		wantNoTemp(t, dir)
	}
}

// The image: the busybox rootfs as a first layer; a second one adds
// /etc/motd and deletes /etc/hostname with a whiteout. Pushed to a
// registry in this process, on loopback, then pulled by vme50-tui over
// plain http.
func TestRootfsPull(t *testing.T) {
	clean(t)
	top := tarOfEntries(t, map[string]string{"etc/motd": "pulled\n", "etc/.wh.hostname": ""})
	image := pushImage(t, "busybox", tarOf(t, rootfsOK), top)

	dir := filepath.Join(t.TempDir(), "pulled")
	r := vme50(t, "rootfs", "pull", image, dir)
	wantCode(t, r, 0)
	wantNoTemp(t, dir)
	r = vme50(t, "run", "--rootfs", dir, "/bin/sh", "-c", "echo ok; cat /etc/motd; [ -e /etc/hostname ] || echo whited-out")
	wantCode(t, r, 0)
	if r.stdout != "ok\npulled\nwhited-out\n" {
		t.Errorf("stdout %q, want ok, pulled, whited-out", r.stdout)
	}

	r = vme50(t, "rootfs", "pull", image, dir)
	wantCode(t, r, 125)
	wantOneLine(t, r, "already exists (use --force")
}

func TestRootfsLs(t *testing.T) {
	needKernel(t)
	r := vme50(t, "rootfs", "ls")
	wantCode(t, r, 0)
	if !strings.Contains(r.stdout, rootfs.DefaultDir) {
		t.Errorf("stdout %q does not name %s", r.stdout, rootfs.DefaultDir)
	}
}

// wantRuns checks that a container runs in dir.
func wantRuns(t *testing.T, dir string) {
	t.Helper()
	r := vme50(t, "run", "--rootfs", dir, "/bin/echo", "ok")
	wantCode(t, r, 0)
	if r.stdout != "ok\n" {
		t.Errorf("stdout %q, want ok", r.stdout)
	}
}

func wantOneLine(t *testing.T, r result, want string) {
	t.Helper()
	if !strings.Contains(r.stderr, want) || strings.Count(r.stderr, "\n") != 1 {
		t.Errorf("stderr %q, want one line with %q", r.stderr, want)
	}
}

func wantGone(t *testing.T, path string) {
	t.Helper()
	if _, err := os.Lstat(path); err == nil {
		t.Errorf("%s exists", path)
	}
}

func wantNoTemp(t *testing.T, dir string) {
	t.Helper()
	wantGone(t, rootfs.TempDir(dir))
	wantGone(t, dir+".old")
}

func waitFor(t *testing.T, ok func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !ok(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("timed out")
		}
	}
}

// tarOf packs dir as `tar -C dir -c .` would, owners and links kept.
func tarOf(t *testing.T, dir string) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	if err := tw.AddFS(os.DirFS(dir)); err != nil {
		t.Fatal(err)
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// tarOfEntries packs regular files, name to content.
func tarOfEntries(t *testing.T, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for name, content := range files {
		tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: name, Mode: 0o644, Size: int64(len(content))})
		tw.Write([]byte(content))
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func gzipOf(t *testing.T, data []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(data)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func layerOf(t *testing.T, data []byte) v1.Layer {
	t.Helper()
	l, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(data)), nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// pushImage pushes an image of the given layers (tars) to a registry
// served by this process on loopback, for the test's lifetime, and
// returns its name.
func pushImage(t *testing.T, repo string, layers ...[]byte) string {
	t.Helper()
	srv := httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	t.Cleanup(srv.Close)
	image := strings.TrimPrefix(srv.URL, "http://") + "/" + repo
	ref, err := name.ParseReference(image)
	if err != nil {
		t.Fatal(err)
	}
	img := empty.Image
	for _, l := range layers {
		if img, err = mutate.AppendLayers(img, layerOf(t, l)); err != nil {
			t.Fatal(err)
		}
	}
	if err := remote.Write(ref, img); err != nil {
		t.Fatal(err)
	}
	return image
}
