package main

import (
	"os"
	"path/filepath"
	"testing"
)

// plot replaces a link at -o with the picture, never writing through it
// (it is often run with sudo), and leaves no file of its own behind.
func TestPlotReplacesALinkAndLeavesNoTemporaryFile(t *testing.T) {
	dir := t.TempDir()
	rec := filepath.Join(dir, "a.csv")
	writeRecording(t, rec)
	precious := filepath.Join(dir, "precious")
	if err := os.WriteFile(precious, []byte("keep me"), 0o600); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out.svg")
	if err := os.Symlink(precious, out); err != nil {
		t.Fatal(err)
	}
	if err := plotCmd(rec, "-o", out); err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(precious); string(data) != "keep me" {
		t.Errorf("the link's target was written: %.40q", data)
	}
	fi, err := os.Lstat(out)
	if err != nil || !fi.Mode().IsRegular() || fi.Size() == 0 || fi.Mode().Perm() != 0o644 {
		t.Errorf("-o is %v (%v), want a picture, rw-r--r--", fi.Mode(), err)
	}
	// A rename that fails (-o names a directory) leaves nothing behind.
	busy := filepath.Join(dir, "busy.svg")
	if err := os.Mkdir(busy, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(busy, "x"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := plotCmd(rec, "-o", busy); err == nil {
		t.Error("plot wrote over a directory")
	}
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if len(names) != 4 {
		t.Errorf("the directory holds %v, want a.csv, busy.svg, out.svg, precious", names)
	}
}
