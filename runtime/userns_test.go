package runtime

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSubIDRange(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "subuid")
	os.WriteFile(file, []byte("alice:100000:65536\nroot:200000:131072\n"), 0o644)
	if m, ok := subIDRange(file, "root"); !ok || m != (IDMap{HostID: 200000, Size: 65536}) {
		t.Errorf("root: %v %v", m, ok)
	}
	os.WriteFile(file, []byte("root:300000:1000\nbob:x:y\n"), 0o644) // too small to map 0..65535
	if _, ok := subIDRange(file, "root"); ok {
		t.Error("a range of 1000 ids taken")
	}
	if _, ok := subIDRange(filepath.Join(dir, "missing"), "root"); ok {
		t.Error("a missing file gave a range")
	}
	if got := (IDMap{HostID: 100000, Size: 65536}).String(); got != "0 100000 65536" {
		t.Errorf("String %q", got)
	}
}

func TestReachableByOthers(t *testing.T) {
	dir := t.TempDir()
	inner := filepath.Join(dir, "a", "b")
	os.MkdirAll(inner, 0o755)
	os.Chmod(dir, 0o700)
	if err := reachableByOthers(inner); err == nil {
		t.Error("a path through a mode 700 directory is reachable")
	}
	os.Chmod(dir, 0o711)
	// Above dir the machine decides; from dir down it is open now.
	if err := reachableByOthers(inner); err != nil && strings.Contains(err.Error(), dir) {
		t.Errorf("still refused: %v", err)
	}
}
