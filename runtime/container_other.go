//go:build !linux

package runtime

import (
	"fmt"
	goruntime "runtime"
	"syscall"
	"vme50-tui/cgroup"
)

// Containers are made of Linux's namespaces and cgroups. Elsewhere the
// package still builds, for the tests of what is not about the kernel
// (the UI with a fake container, the settings' parsers), and a start
// says why it cannot be.

var errNotLinux = fmt.Errorf("containers need Linux's namespaces and cgroups, and this is %s", goruntime.GOOS)

func (c *Container) startInit() error { return runtimeError(errNotLinux) }

func (c *Container) giveStateDirToUserNS() error { return errNotLinux }

func (c *Container) DiskUsage() (used, size uint64, err error) { return 0, 0, errNotLinux }

func (f Found) Exec(host *cgroup.Host, spec ExecSpec) (*Exec, error) {
	return nil, runtimeError(errNotLinux)
}

func blockDevice(path string) (major, minor uint32, err error) { return 0, 0, errNotLinux }

func wholeDisk(major, minor uint32) (uint32, uint32) { return major, minor }

func diskUsageOf(pid int) (used, size uint64, err error) { return 0, 0, errNotLinux }

func watchOOM(id string, fn func(OOMKill)) (stop func(), err error) { return func() {}, errNotLinux }

func (e *Exec) signalCommand(sig syscall.Signal) error { return errNotLinux }

// diskFile is Linux's (state_linux.go).
type diskFile struct{}

func (*diskFile) close() {}
