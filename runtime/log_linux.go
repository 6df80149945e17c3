package runtime

import (
	"strings"
	"syscall"
)

// The kernel log's words for Linux's own flags: clone's namespaces and
// mount's options, as a student would type them.

// cloneFlagNames spells clone flags as the kernel's headers do:
// "CLONE_NEWPID|CLONE_NEWNS|...".
func cloneFlagNames(flags uintptr, intoCgroup bool) string {
	names := []struct {
		flag uintptr
		name string
	}{
		{syscall.CLONE_NEWPID, "CLONE_NEWPID"}, {syscall.CLONE_NEWNS, "CLONE_NEWNS"},
		{syscall.CLONE_NEWUTS, "CLONE_NEWUTS"}, {syscall.CLONE_NEWIPC, "CLONE_NEWIPC"},
		{syscall.CLONE_NEWNET, "CLONE_NEWNET"}, {syscall.CLONE_NEWUSER, "CLONE_NEWUSER"},
	}
	var set []string
	for _, n := range names {
		if flags&n.flag != 0 {
			set = append(set, n.name)
		}
	}
	if intoCgroup {
		set = append(set, "CLONE_INTO_CGROUP")
	}
	return strings.Join(set, "|")
}
