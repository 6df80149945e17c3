package runtime

import (
	"fmt"

	"vme50-tui/hog"
	"vme50-tui/runtime/initproc"
)

// The init side lives in package initproc: the child, born in new
// namespaces, builds the container and execs its command. This is what
// the parent checks before a start.

// FindCommand checks from outside that name would be found and could run
// in a container of rootfs, as init will look it up. (A symlink in the
// rootfs that points to an absolute path is followed on the host here, so
// this is a check for typing errors, not a guarantee.)
func FindCommand(rootfs, name string) error {
	if name == "" {
		return fmt.Errorf("no command given")
	}
	// vme50-hog is in every container, though in no rootfs (initproc/hog_linux.go).
	if name == hog.Name || name == HogPath {
		if p := hogProblem(ownLoader(), rootfs); p != "" {
			return &StartError{Code: ExitNotFound, Message: p}
		}
		return nil
	}
	_, err := initproc.LookPath(rootfs, name, DefaultPath)
	return err
}
