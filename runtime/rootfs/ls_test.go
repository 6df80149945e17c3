package rootfs

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestList(t *testing.T) {
	top := t.TempDir()
	big := strings.Repeat("x", 100000)
	for _, f := range []string{"alpine/bin/sh", "busybox/bin/busybox", "busybox.tmp/half", "old.old/x"} {
		p := filepath.Join(top, f)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(big), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// A hard link takes no more room: du counts it once.
	if err := os.Link(filepath.Join(top, "busybox/bin/busybox"), filepath.Join(top, "busybox/bin/sh")); err != nil {
		t.Fatal(err)
	}
	list, err := List(top)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].Name != "alpine" || list[1].Name != "busybox" {
		t.Fatalf("List = %+v, want alpine and busybox", list)
	}
	for _, fs := range list {
		if fs.Size < 100000 || fs.Size > 200000 || fs.Partial || fs.Path != filepath.Join(top, fs.Name) {
			t.Errorf("%+v: want about 100 kB, complete", fs)
		}
	}

	if list, err := List(filepath.Join(top, "missing")); err != nil || len(list) != 0 {
		t.Errorf("List of a missing directory = %v, %v; want none", list, err)
	}
}
