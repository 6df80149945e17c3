package initproc

import (
	"fmt"
	"strings"

	"golang.org/x/sys/unix"
)

// The kernel log's words for Linux's own flags: clone's namespaces and
// mount's options, as a student would type them.

// mountOptions names the flags as mount(8)'s options: ro, nosuid, ...
func mountOptions(flags uintptr) []string {
	var opts []string
	for _, f := range mountFlagNames {
		if flags&f.flag != 0 {
			opts = append(opts, f.name)
		}
	}
	return opts
}

// mountWords writes a mount(2) call as the mount(8) command that makes
// it, which a student can type: "mount -t proc proc /x/proc -o
// nosuid,nodev,noexec", "mount --bind /a /b", "mount --make-rprivate /".
func mountWords(source, target, fstype string, flags uintptr, data string) string {
	r := ""
	if flags&unix.MS_REC != 0 {
		r = "r"
	}
	opts := mountOptions(flags)
	if data != "" {
		opts = append(opts, data)
	}
	switch {
	case flags&unix.MS_PRIVATE != 0:
		return fmt.Sprintf("mount --make-%sprivate %s", r, target)
	case flags&unix.MS_SLAVE != 0:
		return fmt.Sprintf("mount --make-%sslave %s", r, target)
	case flags&unix.MS_MOVE != 0:
		return fmt.Sprintf("mount --move %s %s", source, target)
	case flags&unix.MS_REMOUNT != 0:
		if flags&unix.MS_BIND != 0 {
			opts = append([]string{"bind"}, opts...)
		}
		return fmt.Sprintf("mount -o %s %s", strings.Join(append([]string{"remount"}, opts...), ","), target)
	case flags&unix.MS_BIND != 0:
		return fmt.Sprintf("mount --%sbind %s %s", r, source, target)
	}
	words := fmt.Sprintf("mount -t %s %s %s", fstype, source, target)
	if len(opts) > 0 {
		words += " -o " + strings.Join(opts, ",")
	}
	return words
}

// mountFlagNames are mount(8)'s names for the mount flags init uses.
var mountFlagNames = []struct {
	flag uintptr
	name string
}{
	{unix.MS_RDONLY, "ro"}, {unix.MS_NOSUID, "nosuid"}, {unix.MS_NODEV, "nodev"},
	{unix.MS_NOEXEC, "noexec"}, {unix.MS_STRICTATIME, "strictatime"},
}
