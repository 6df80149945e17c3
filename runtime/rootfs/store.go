package rootfs

import (
	"fmt"
	"os"
	"path/filepath"
)

// Store is where vme50 keeps what it makes: root filesystems (DefaultDir)
// and the containers' state directories.
var Store = filepath.Dir(DefaultDir)

// CloseStore makes the store (dir: Store, or a test's) root's alone:
// other users of the host may not enter it. A rootfs is the image's files as they are, setuid-root
// programs and device nodes included, and so is what a container writes
// into it with --overlay=false; an unprivileged user of the host who
// could reach them would run the image's su as root. Docker keeps
// /var/lib/docker 0710 for the same reason.
//
// group >= 0 lets that group search it (mode 0710, group group): the
// host's gid of a --userns container's root, which must reach its rootfs
// and state directory and is no other user of the host. The group once
// given stays (another container may be using it); others never get in.
func CloseStore(dir string, group int) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	st, err := os.Stat(dir)
	if err != nil {
		return err
	}
	// root may do anything, its group (if any) only search, others nothing.
	mode := 0o700 | st.Mode().Perm()&0o010
	if group >= 0 {
		if err := os.Chown(dir, 0, group); err != nil {
			return err
		}
		mode = 0o710
	}
	if mode != st.Mode().Perm() || group >= 0 {
		if err := os.Chmod(dir, mode); err != nil {
			return fmt.Errorf("close %s to other users: %w", dir, err)
		}
	}
	return nil
}
