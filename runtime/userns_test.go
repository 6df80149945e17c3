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
	if m, ok := rootRange(subIDEntries(file)); !ok || m != (IDMap{HostID: 200000, Size: 65536}) {
		t.Errorf("root: %v %v", m, ok)
	}
	os.WriteFile(file, []byte("root:300000:1000\nbob:x:y\n"), 0o644) // too small to map 0..65535
	if _, ok := rootRange(subIDEntries(file)); ok {
		t.Error("a range of 1000 ids taken")
	}
	if _, ok := rootRange(subIDEntries(filepath.Join(dir, "missing"))); ok {
		t.Error("a missing file gave a range")
	}
	if got := (IDMap{HostID: 100000, Size: 65536}).String(); got != "0 100000 65536" {
		t.Errorf("String %q", got)
	}
}

func TestIDMapOverlaps(t *testing.T) {
	m := IDMap{HostID: 1000000000, Size: 65536}
	for _, c := range []struct {
		o    IDMap
		want bool
	}{
		{IDMap{100000, 65536}, false},
		{IDMap{999999999, 1}, false},
		{IDMap{999999999, 2}, true},
		{IDMap{1000065535, 10}, true},
		{IDMap{1000065536, 10}, false},
	} {
		if got := m.overlaps(c.o); got != c.want {
			t.Errorf("%v overlaps %v: %v", m, c.o, got)
		}
	}
}

func TestUserNSRangeAvoidsOthers(t *testing.T) {
	dir := t.TempDir()
	uid, gid := filepath.Join(dir, "subuid"), filepath.Join(dir, "subgid")
	if m := userNSRange(uid, gid); m != (IDMap{1000000000, 65536}) {
		t.Errorf("no files: %v", m)
	}
	os.WriteFile(uid, []byte("alice:100000:65536\ncarol:1000000000:65536\n"), 0o644)
	os.WriteFile(gid, []byte("dave:1000065536:10\n"), 0o644)
	if m := userNSRange(uid, gid); m != (IDMap{1000131072, 65536}) {
		t.Errorf("past carol's and dave's: %v", m)
	}
	os.WriteFile(uid, []byte("root:300000:65536\n"), 0o644)
	os.WriteFile(gid, []byte("root:300000:65536\n"), 0o644)
	if m := userNSRange(uid, gid); m != (IDMap{300000, 65536}) {
		t.Errorf("root's own: %v", m)
	}
}

func TestSubIDRangesRead(t *testing.T) {
	file := filepath.Join(t.TempDir(), "subgid")
	os.WriteFile(file, []byte("alice:100000:65536\nbob:1000000000:70000\n# comment\n"), 0o644)
	got := subIDEntries(file)
	if len(got) != 2 || got[1] != (subIDEntry{"bob", IDMap{1000000000, 70000}}) {
		t.Errorf("%v", got)
	}
}

func TestReachableBy(t *testing.T) {
	dir := t.TempDir()
	inner := filepath.Join(dir, "a", "b")
	os.MkdirAll(inner, 0o755)
	os.Chmod(dir, 0o700)
	if err := reachableBy(inner, 1000000000, 1000000000); err == nil {
		t.Error("a path through a mode 700 directory is reachable")
	}
	// Its group may search it: the way --userns opens the store.
	os.Chown(dir, 0, 1000000000)
	os.Chmod(dir, 0o710)
	if err := reachableBy(inner, 1000000000, 1000000000); err != nil && strings.Contains(err.Error(), dir) {
		t.Errorf("still refused to the group: %v", err)
	}
	if err := reachableBy(inner, 1000000001, 1000000001); err == nil || !strings.Contains(err.Error(), dir) {
		t.Errorf("another uid reaches it: %v", err)
	}
	os.Chown(dir, 0, 0)
	os.Chmod(dir, 0o711)
	// Above dir the machine decides; from dir down it is open now.
	if err := reachableBy(inner, 1000000001, 1000000001); err != nil && strings.Contains(err.Error(), dir) {
		t.Errorf("still refused: %v", err)
	}
}
