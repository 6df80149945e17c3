package cgroup

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// readSmall reads a file whole, past its first buffer too (a long
// memory.stat), and tells a missing file as fs.ErrNotExist with its path.
func TestReadSmall(t *testing.T) {
	dir := t.TempDir()
	for _, size := range []int{0, 5, 4095, 4096, 4097, 3*4096 + 17} {
		want := strings.Repeat("total_rss 1\n", size/12+1)[:size]
		path := filepath.Join(dir, "memory.stat")
		if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		for range 2 { // the second time from a grown, pooled buffer
			got, err := readSmall(path)
			if err != nil || got != want {
				t.Fatalf("size %d: read %d bytes, %v", size, len(got), err)
			}
		}
	}
	_, err := readSmall(filepath.Join(dir, "memory.peak"))
	if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), "memory.peak") {
		t.Errorf("missing file: %v", err)
	}
}
