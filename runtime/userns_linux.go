package runtime

import (
	"fmt"
	"os"
	"path/filepath"
	"syscall"

	"vme50-tui/runtime/rootfs"
)

// useUserNS sets the clone up for a user namespace: Go writes the maps
// into /proc/PID/uid_map and gid_map before the child runs on.
func (c *Container) useUserNS(attr *syscall.SysProcAttr) {
	m := c.spec.UserNS
	attr.Cloneflags |= syscall.CLONE_NEWUSER
	attr.UidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: m.HostID, Size: m.Size}}
	attr.GidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: m.HostID, Size: m.Size}}
	// The container's root may still set its groups (su, login); the
	// "deny" that unprivileged map writers need is not ours to give.
	attr.GidMappingsEnableSetgroups = true
	// We are the host's root, which the map leaves out: the child must
	// become the namespace's root (the host's HostID) itself, before init
	// runs, or it is nobody there, without a capability.
	attr.Credential = &syscall.Credential{Uid: 0, Gid: 0}
}

// giveStateDirToUserNS lets the container's root, an unprivileged uid on
// the host, mount its overlay: it must reach its state directory and the
// rootfs, and own the directories it mounts on. Through the group of its
// host id, never through "others": every user of the host is an other,
// and the store holds images' setuid programs (rootfs.CloseStore).
func (c *Container) giveStateDirToUserNS() error {
	root := c.spec.UserNS.HostID
	if err := rootfs.CloseStore(filepath.Dir(StateDir), root); err != nil {
		return err
	}
	// Search only (g+x): the names inside stay unreadable.
	for _, dir := range []string{StateDir, c.dir} {
		if err := os.Chown(dir, 0, root); err != nil {
			return err
		}
		if err := os.Chmod(dir, 0o710); err != nil {
			return err
		}
	}
	for _, dir := range []string{c.dir, c.spec.Rootfs} {
		if err := reachableBy(dir, root, root); err != nil {
			return fmt.Errorf("--userns: the container's root, uid %d on the host, cannot reach %s: %w", root, dir, err)
		}
	}
	for _, d := range []string{"layer", "merged"} {
		if err := os.Chown(filepath.Join(c.dir, d), root, root); err != nil {
			return err
		}
	}
	c.logf(FromParent, "chown %d:%d %s/{layer,merged} (the container's root, on the host)", root, root, c.dir)
	return nil
}
