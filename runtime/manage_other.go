//go:build !linux

package runtime

import "golang.org/x/sys/unix"

// Signal needs Linux's pidfds, as containers need its namespaces.
func (f Found) Signal(sig unix.Signal) error { return errNotLinux }
