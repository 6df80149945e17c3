package rootfs

import (
	"context"
	"fmt"
	"io"
	"net"
	"path"
	goruntime "runtime"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// ParseImage reads an image reference as docker does: "busybox" is
// docker.io/library/busybox:latest. A registry on this machine (localhost,
// 127.0.0.1, ::1) is spoken to in plain http: a registry started for a
// lesson or a test has no certificate.
func ParseImage(image string) (name.Reference, error) {
	ref, err := name.ParseReference(image)
	if err != nil {
		return nil, err
	}
	if isLoopback(ref.Context().RegistryStr()) {
		return name.ParseReference(image, name.Insecure)
	}
	return ref, nil
}

// isLoopback tells whether a registry's host:port is this machine.
func isLoopback(registry string) bool {
	host, _, err := net.SplitHostPort(registry)
	if err != nil {
		host = registry // no port
	}
	ip := net.ParseIP(host)
	return host == "localhost" || (ip != nil && ip.IsLoopback())
}

// NameFromImage is the rootfs name an image suggests: its repository's
// last part, and its tag unless that is latest. busybox is "busybox",
// alpine:3.20 is "alpine-3.20".
func NameFromImage(ref name.Reference) string {
	base := path.Base(ref.Context().RepositoryStr())
	if tag, ok := ref.(name.Tag); ok && tag.TagStr() != "latest" {
		return base + "-" + tag.TagStr()
	}
	return base
}

// HostPlatform is the platform this binary runs on: of an image built for
// several, it is the one to pull.
func HostPlatform() v1.Platform {
	return v1.Platform{OS: "linux", Architecture: goruntime.GOARCH}
}

// Pull makes a rootfs at dir from an image in a registry: its layers for
// this host's platform, downloaded one by one and applied in order, the
// whiteouts of each deleting what the layers below made. Each layer goes
// through the same safe extractor as `rootfs import`. While it downloads,
// a progress bar is drawn on progress, unless that is nil. Like every
// rootfs here it is made in DIR.tmp and renamed at the end; an existing dir
// is replaced only with force. What it writes is bounded by limits, for
// all the layers together. Cancelling ctx stops it, and nothing is left
// behind.
func Pull(ctx context.Context, ref name.Reference, dir string, force bool, limits Limits, progress io.Writer) error {
	return build(dir, force, func(tmp string) error {
		img, err := remote.Image(ref, remote.WithContext(ctx), remote.WithPlatform(HostPlatform()))
		if err != nil {
			return err
		}
		layers, err := img.Layers()
		if err != nil {
			return err
		}
		budget := newBudget(limits) // one for all the layers
		for i, layer := range layers {
			label := fmt.Sprintf("layer %d/%d", i+1, len(layers))
			if err := applyLayer(ctx, tmp, layer, label, budget, progress); err != nil {
				return fmt.Errorf("%s of %s: %w", label, ref, err)
			}
		}
		return nil
	})
}

// applyLayer downloads one layer and writes it onto root, within budget.
func applyLayer(ctx context.Context, root string, layer v1.Layer, label string, budget *budget, w io.Writer) error {
	blob, err := layer.Compressed()
	if err != nil {
		return err
	}
	defer blob.Close()
	size, err := layer.Size()
	if err != nil {
		return err
	}
	bar := &progressBar{r: blob, w: w, label: label, total: size}
	archive, err := decompress(ctxReader{ctx, bar})
	if err != nil {
		return err
	}
	defer archive.Close()
	if _, err := newExtractor(root, true, budget).extract(archive); err != nil {
		return err
	}
	// Read to the end: the blob's digest is checked there, so a download
	// cut short or corrupted fails here rather than pass for a layer.
	if _, err := io.Copy(io.Discard, archive); err != nil {
		return err
	}
	if _, err := io.Copy(io.Discard, bar); err != nil {
		return err
	}
	bar.finish()
	return nil
}
