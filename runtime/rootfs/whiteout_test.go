package rootfs

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// applyLayers writes layers onto a fresh rootfs, in order, as Pull does.
func applyLayers(t *testing.T, layers ...[]entry) (string, error) {
	t.Helper()
	root := t.TempDir()
	for _, layer := range layers {
		if _, err := newExtractor(root, true, newBudget(Limits{})).extract(bytes.NewReader(archive(t, layer...))); err != nil {
			return root, err
		}
	}
	return root, nil
}

func TestWhiteoutsAcrossLayers(t *testing.T) {
	lower := []entry{
		directory("etc/"), file("etc/gone", "1"), file("etc/kept", "1"),
		directory("opq/"), file("opq/old", "1"), directory("opq/sub/"), file("opq/sub/old", "1"),
		directory("gonedir/"), file("gonedir/f", "1"),
	}
	upper := []entry{
		file("etc/.wh.gone", ""),
		file("etc/.wh.nothing-below", ""), // deletes nothing: fine
		file(".wh.gonedir", ""),
		// The layer's own files in the opaque directory stay, whether
		// they come before or after the marker.
		file("opq/new", "2"),
		directory("opq/"), file("opq/.wh..wh..opq", ""),
		directory("opq/sub/"), file("opq/sub/new", "2"),
	}
	root, err := applyLayers(t, lower, upper)
	if err != nil {
		t.Fatal(err)
	}
	wantMissing(t, filepath.Join(root, "etc/gone"))
	wantContent(t, filepath.Join(root, "etc/kept"), "1")
	wantMissing(t, filepath.Join(root, "gonedir"))
	wantMissing(t, filepath.Join(root, "opq/old"))
	wantMissing(t, filepath.Join(root, "opq/sub/old"))
	wantContent(t, filepath.Join(root, "opq/new"), "2")
	wantContent(t, filepath.Join(root, "opq/sub/new"), "2")
	for _, marker := range []string{"etc/.wh.gone", ".wh.gonedir", "opq/.wh..wh..opq"} {
		wantMissing(t, filepath.Join(root, marker))
	}
}

// A whiteout deletes what lower layers made, not its own layer's files.
func TestWhiteoutSparesItsOwnLayer(t *testing.T) {
	root, err := applyLayers(t, []entry{file("f", "mine"), file(".wh.f", "")})
	if err != nil {
		t.Fatal(err)
	}
	wantContent(t, filepath.Join(root, "f"), "mine")
}

// Markers are checked like any path: none may delete outside the rootfs,
// or the rootfs itself.
func TestWhiteoutsRefusedOutside(t *testing.T) {
	target := t.TempDir()
	victim := filepath.Join(target, "victim")
	if err := os.WriteFile(victim, []byte("host"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := map[string][]entry{
		"a/.wh..":          {directory("a/"), file("a/.wh..", "")},
		"../.wh.x":         {file("../.wh.x", "")},
		"l/.wh.victim":     {symlink("l", target), file("l/.wh.victim", "")},
		"l/.wh..wh..opq":   {symlink("l", target), file("l/.wh..wh..opq", "")},
		"o/l/.wh..wh..opq": {directory("o/"), symlink("o/l", target), file("o/l/.wh..wh..opq", "")},
	}
	for name, layer := range tests {
		t.Run(name, func(t *testing.T) {
			root, err := applyLayers(t, []entry{file("keep", "1")}, layer)
			wantRefused(t, err, name)
			wantContent(t, victim, "host")
			wantContent(t, filepath.Join(root, "keep"), "1")
		})
	}
}

// Outside an image (rootfs import), .wh. files are files.
func TestWhiteoutsOnlyInLayers(t *testing.T) {
	root, _, err := extractInto(t, file("a", "1"), file(".wh.a", ""))
	if err != nil {
		t.Fatal(err)
	}
	wantContent(t, filepath.Join(root, "a"), "1")
	wantContent(t, filepath.Join(root, ".wh.a"), "")
}
