package rootfs

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

// startRegistry serves an empty registry on loopback, in this process,
// and returns its host:port.
func startRegistry(t *testing.T) string {
	t.Helper()
	srv := httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	t.Cleanup(srv.Close)
	return strings.TrimPrefix(srv.URL, "http://")
}

// layer turns crafted tar entries into an image layer (gzip-compressed,
// as docker pushes them).
func layer(t *testing.T, entries ...entry) v1.Layer {
	t.Helper()
	data := archive(t, entries...)
	l, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(data)), nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// twoLayerImage is an image whose second layer deletes a file of the
// first.
func twoLayerImage(t *testing.T) v1.Image {
	t.Helper()
	img, err := mutate.AppendLayers(empty.Image,
		layer(t, directory("bin/"), file("bin/sh", "shell"), directory("etc/"), file("etc/secret", "1")),
		layer(t, file("etc/.wh.secret", ""), file("etc/motd", "hello")))
	if err != nil {
		t.Fatal(err)
	}
	return img
}

func push(t *testing.T, ref string, img v1.Image) {
	t.Helper()
	r, err := name.ParseReference(ref)
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.Write(r, img); err != nil {
		t.Fatal(err)
	}
}

func pull(t *testing.T, image string, progress io.Writer) (string, error) {
	t.Helper()
	ref, err := ParseImage(image)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "rootfs")
	return dir, Pull(context.Background(), ref, dir, false, DefaultLimits, progress)
}

func TestPullAppliesLayersInOrder(t *testing.T) {
	image := startRegistry(t) + "/lesson/demo"
	push(t, image, twoLayerImage(t))
	var progress bytes.Buffer
	dir, err := pull(t, image, &progress)
	if err != nil {
		t.Fatal(err)
	}
	wantContent(t, filepath.Join(dir, "bin/sh"), "shell")
	wantContent(t, filepath.Join(dir, "etc/motd"), "hello")
	wantMissing(t, filepath.Join(dir, "etc/secret"))
	wantMissing(t, filepath.Join(dir, "etc/.wh.secret"))
	wantMissing(t, TempDir(dir))
	for _, want := range []string{"layer 1/2 [", "layer 2/2 [" + strings.Repeat("#", 30) + "]"} {
		if !strings.Contains(progress.String(), want) {
			t.Errorf("progress %q lacks %q", progress.String(), want)
		}
	}
}

// Of an image built for several platforms, the host's is pulled.
func TestPullPicksHostPlatform(t *testing.T) {
	other, err := random.Image(256, 1)
	if err != nil {
		t.Fatal(err)
	}
	host := HostPlatform()
	index := mutate.AppendManifests(empty.Index,
		mutate.IndexAddendum{Add: other, Descriptor: v1.Descriptor{Platform: &v1.Platform{OS: "linux", Architecture: "s390x"}}},
		mutate.IndexAddendum{Add: twoLayerImage(t), Descriptor: v1.Descriptor{Platform: &host}})
	image := startRegistry(t) + "/multi:v1"
	r, err := name.ParseReference(image)
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.WriteIndex(r, index); err != nil {
		t.Fatal(err)
	}
	dir, err := pull(t, image, nil)
	if err != nil {
		t.Fatal(err)
	}
	wantContent(t, filepath.Join(dir, "etc/motd"), "hello")
}

// A layer with a bad entry fails the pull and leaves nothing.
func TestPullRefusesBadLayer(t *testing.T) {
	img, err := mutate.AppendLayers(empty.Image,
		layer(t, file("ok", "1")),
		layer(t, symlink("a", "/etc"), file("a/passwd", "pwned")))
	if err != nil {
		t.Fatal(err)
	}
	image := startRegistry(t) + "/bad"
	push(t, image, img)
	dir, err := pull(t, image, nil)
	wantRefused(t, err, "a/passwd")
	if !strings.Contains(err.Error(), "layer 2/2") {
		t.Errorf("error %q does not say which layer", err)
	}
	wantNoRootfs(t, dir)
}

// ctrl+c during a download: the download stops at once, and nothing is
// left. The registry here sends manifests but never a blob's bytes.
func TestPullCancelled(t *testing.T) {
	reg := registry.New(registry.Logger(log.New(io.Discard, "", 0)))
	var stalled atomic.Bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if stalled.Load() && r.Method == http.MethodGet && strings.Contains(r.URL.Path, "/blobs/sha256:") {
			<-r.Context().Done()
			return
		}
		reg.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	image := strings.TrimPrefix(srv.URL, "http://") + "/stalled"
	push(t, image, twoLayerImage(t))
	stalled.Store(true)

	ref, err := ParseImage(image)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(200*time.Millisecond, cancel)
	dir := filepath.Join(t.TempDir(), "rootfs")
	start := time.Now()
	if err := Pull(ctx, ref, dir, false, DefaultLimits, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled pull: %v, want context canceled", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("cancelled pull took %v", d)
	}
	wantNoRootfs(t, dir)
}

func TestPullMissingImage(t *testing.T) {
	dir, err := pull(t, startRegistry(t)+"/nothing:here", nil)
	if err == nil {
		t.Fatal("pulled an image that is not there")
	}
	wantNoRootfs(t, dir)
}

func TestParseImage(t *testing.T) {
	tests := []struct{ image, name, scheme, rootfs string }{
		{"busybox", "index.docker.io/library/busybox:latest", "https", "busybox"},
		{"alpine:3.20", "index.docker.io/library/alpine:3.20", "https", "alpine-3.20"},
		{"ghcr.io/a/b/tool:v1", "ghcr.io/a/b/tool:v1", "https", "tool-v1"},
		{"localhost:5000/x", "localhost:5000/x:latest", "http", "x"},
		{"127.0.0.1:5000/lesson/demo", "127.0.0.1:5000/lesson/demo:latest", "http", "demo"},
		{"[::1]:5000/y", "[::1]:5000/y:latest", "http", "y"},
	}
	for _, tt := range tests {
		ref, err := ParseImage(tt.image)
		if err != nil {
			t.Errorf("ParseImage(%q): %v", tt.image, err)
			continue
		}
		if ref.Name() != tt.name || ref.Context().Scheme() != tt.scheme || NameFromImage(ref) != tt.rootfs {
			t.Errorf("ParseImage(%q) = %s over %s, named %s; want %s over %s, named %s", tt.image,
				ref.Name(), ref.Context().Scheme(), NameFromImage(ref), tt.name, tt.scheme, tt.rootfs)
		}
	}
	if _, err := ParseImage("Not A Reference"); err == nil {
		t.Error("ParseImage accepted a bad reference")
	}
}

// A blob that is not what its digest says fails the pull, even when it
// still unpacks: here a byte of the gzip header (the mtime, which gzip
// does not check) is changed on the way.
func TestPullRefusesBlobNotMatchingDigest(t *testing.T) {
	reg := registry.New(registry.Logger(log.New(io.Discard, "", 0)))
	var corrupt atomic.Bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !corrupt.Load() || r.Method != http.MethodGet || !strings.Contains(r.URL.Path, "/blobs/sha256:") {
			reg.ServeHTTP(w, r)
			return
		}
		rec := httptest.NewRecorder()
		reg.ServeHTTP(rec, r)
		body := rec.Body.Bytes()
		if len(body) > 4 && body[0] == 0x1f && body[1] == 0x8b { // a gzip layer, not the config
			body[4] ^= 0xff
		}
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		w.Write(body)
	}))
	t.Cleanup(srv.Close)
	image := strings.TrimPrefix(srv.URL, "http://") + "/corrupt"
	push(t, image, twoLayerImage(t))
	corrupt.Store(true)
	dir, err := pull(t, image, nil)
	if err == nil || !strings.Contains(err.Error(), "sha256 checksum") {
		t.Errorf("pull of a corrupt blob: %v, want a checksum error", err)
	}
	wantNoRootfs(t, dir)
}
