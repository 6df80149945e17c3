package record

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"vme50-tui/cgroup"
)

func TestFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "rec.csv")
	t0 := time.Unix(1000, 0)
	f, err := Create(path)
	if err != nil {
		t.Fatal(err)
	}
	f.Start(t0)
	for _, ms := range []int{0, 250} {
		if err := f.Write(cgroup.Stats{Time: t0.Add(time.Duration(ms) * time.Millisecond)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	if lines := strings.Split(strings.TrimSpace(string(data)), "\n"); len(lines) != 3 || lines[0] != Header ||
		!strings.HasPrefix(lines[2], "250,") {
		t.Errorf("recording:\n%s", data)
	}
}

// A full disk: the error is told once, naming the file, then nothing.
func TestFileErrorToldOnce(t *testing.T) {
	if _, err := os.Stat("/dev/full"); err != nil {
		t.Skip("no /dev/full here")
	}
	f, err := Create("/dev/full")
	if err != nil {
		t.Fatal(err)
	}
	f.Start(time.Now())
	err = f.Write(cgroup.Stats{Time: time.Now()})
	if err == nil || !strings.Contains(err.Error(), "recording to /dev/full") {
		t.Errorf("first write: %v", err)
	}
	if err := f.Write(cgroup.Stats{Time: time.Now()}); err != nil {
		t.Errorf("told twice: %v", err)
	}
	if err := f.Close(); err != nil {
		t.Errorf("close told it again: %v", err)
	}
}

// A taken path gets the first free -N before its extension.
func TestFreePath(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "rec.csv")
	if got := FreePath(p); got != p {
		t.Errorf("free: %s", got)
	}
	os.WriteFile(p, nil, 0o644)
	os.WriteFile(filepath.Join(dir, "rec-2.csv"), nil, 0o644)
	if got := FreePath(p); got != filepath.Join(dir, "rec-3.csv") {
		t.Errorf("taken twice: %s", got)
	}
}
