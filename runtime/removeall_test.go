package runtime

import (
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/sys/unix"
)

// A tree deeper than the descriptors a process may hold, with files and
// symlinks on the way: removeAll takes it down; os.RemoveAll cannot.
func TestRemoveAllDeepTree(t *testing.T) {
	var lim unix.Rlimit
	if err := unix.Getrlimit(unix.RLIMIT_NOFILE, &lim); err != nil {
		t.Fatal(err)
	}
	low := lim
	low.Cur = 200
	if err := unix.Setrlimit(unix.RLIMIT_NOFILE, &low); err != nil {
		t.Fatal(err)
	}
	defer unix.Setrlimit(unix.RLIMIT_NOFILE, &lim)

	top := filepath.Join(t.TempDir(), "tree")
	os.Mkdir(top, 0o755)
	fd, err := unix.Open(top, unix.O_DIRECTORY|unix.O_RDONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3000 {
		if i%500 == 0 {
			f, _ := unix.Openat(fd, "file", unix.O_CREAT|unix.O_WRONLY, 0o644)
			unix.Close(f)
			unix.Symlinkat("/etc", fd, "link") // never followed
			unix.Mkdirat(fd, "side", 0o755)
		}
		unix.Mkdirat(fd, "d", 0o755)
		next, err := unix.Openat(fd, "d", unix.O_DIRECTORY|unix.O_RDONLY, 0)
		unix.Close(fd)
		if err != nil {
			t.Fatal(err)
		}
		fd = next
	}
	unix.Close(fd)

	if err := removeAll(top); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(top); !os.IsNotExist(err) {
		t.Errorf("%s is still there: %v", top, err)
	}
	if _, err := os.Stat("/etc/passwd"); err != nil {
		t.Errorf("/etc/passwd: %v", err)
	}
}
