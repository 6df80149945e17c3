package runtime

import (
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// The parent's side of the container's terminal: init opens it inside
// the container and sends its master side over a socket pair
// (initproc/console_linux.go).

// receiveConsole runs in the parent: it waits for the master side of the
// container's terminal. If init dies first, the socket closes and the
// caller learns why from the status pipe.
func receiveConsole(sock *os.File) (*os.File, error) {
	buf := make([]byte, 1)
	oob := make([]byte, unix.CmsgSpace(4))
	// Close-on-exec as it arrives: a container being started meanwhile, by
	// another goroutine of the TUI, must not inherit this one's terminal.
	_, oobn, _, _, err := unix.Recvmsg(int(sock.Fd()), buf, oob, unix.MSG_CMSG_CLOEXEC)
	if err != nil {
		return nil, err
	}
	msgs, err := unix.ParseSocketControlMessage(oob[:oobn])
	if err != nil || len(msgs) != 1 {
		return nil, fmt.Errorf("init sent no terminal")
	}
	fds, err := unix.ParseUnixRights(&msgs[0])
	if err != nil || len(fds) != 1 {
		return nil, fmt.Errorf("init sent no terminal")
	}
	return os.NewFile(uintptr(fds[0]), "pty-master"), nil
}

// consoleSocket makes the socket pair: the parent keeps one end, init
// gets the other as consoleFD.
func consoleSocket() (parent, child *os.File, err error) {
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, nil, err
	}
	return os.NewFile(uintptr(fds[0]), "console-parent"), os.NewFile(uintptr(fds[1]), "console-child"), nil
}
