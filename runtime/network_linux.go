package runtime

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// bringUpLoopback switches on "lo" in a new network namespace. The kernel
// creates every network namespace with a loopback interface that is down;
// with it up, programs in the container can talk to themselves on
// 127.0.0.1 while reaching nothing else.
func bringUpLoopback() error {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("socket: %w", err)
	}
	defer unix.Close(fd)
	ifr, err := unix.NewIfreq("lo")
	if err != nil {
		return err
	}
	if err := unix.IoctlIfreq(fd, unix.SIOCGIFFLAGS, ifr); err != nil {
		return fmt.Errorf("get flags of lo: %w", err)
	}
	ifr.SetUint16(ifr.Uint16() | unix.IFF_UP)
	if err := unix.IoctlIfreq(fd, unix.SIOCSIFFLAGS, ifr); err != nil {
		return fmt.Errorf("bring lo up: %w", err)
	}
	logStep("ioctl SIOCSIFFLAGS lo IFF_UP (ip link set lo up)")
	return nil
}
