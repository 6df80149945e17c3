package rootfs

import (
	"os"
	"path/filepath"
	"testing"
)

// The store loses every right of others, and its group keeps at most
// search; it is made 0700 when missing.
func TestCloseStore(t *testing.T) {
	for _, c := range []struct{ before, after os.FileMode }{
		{0o755, 0o710}, {0o711, 0o710}, {0o701, 0o700}, {0o750, 0o710}, {0o710, 0o710}, {0o777, 0o710}, {0o700, 0o700},
	} {
		dir := filepath.Join(t.TempDir(), "store")
		os.Mkdir(dir, 0o700)
		os.Chmod(dir, c.before)
		if err := CloseStore(dir, -1); err != nil {
			t.Fatal(err)
		}
		if st, _ := os.Stat(dir); st.Mode().Perm() != c.after {
			t.Errorf("%o: %o, want %o", c.before, st.Mode().Perm(), c.after)
		}
	}
	dir := filepath.Join(t.TempDir(), "new", "store")
	if err := CloseStore(dir, -1); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(dir); err != nil || st.Mode().Perm() != 0o700 {
		t.Errorf("a new store: %v %v", st.Mode(), err)
	}
}
