package initproc

import (
	"fmt"
	"os"

	"github.com/creack/pty"
	"golang.org/x/sys/unix"
)

// The container's terminal. Like runc, init opens it inside the container,
// from the container's own devpts, so that programs find their terminal
// at /dev/pts/0 ("tty" prints it; a pty opened by the host would be a
// /dev/pts/N that does not exist in here). Init then passes the master side
// to the parent over a unix socket (SCM_RIGHTS); the parent reads and writes
// the container's screen and keyboard through it.

// ConsoleFD is the socket init sends the terminal's master side on.
const ConsoleFD = 5

// setupConsole runs in init, after pivot_root: it opens a new pty in the
// container's /dev/pts, sends the master to the parent and makes the
// slave our stdin, stdout, stderr and controlling terminal.
func setupConsole(rows, cols uint16) error {
	slave, err := sendTerminal(rows, cols)
	if err != nil {
		return err
	}
	defer slave.Close()
	for fd := 0; fd <= 2; fd++ {
		if err := unix.Dup3(int(slave.Fd()), fd, 0); err != nil {
			return err
		}
	}
	// We lead a session of our own (setsid at clone); this makes the pty
	// its controlling terminal, so ctrl+c becomes SIGINT for the
	// foreground job and /dev/tty works.
	return unix.IoctlSetInt(0, unix.TIOCSCTTY, 0)
}

// sendTerminal opens a new terminal of the container's, of rows by cols,
// sends its master side to the parent on ConsoleFD and returns the slave.
func sendTerminal(rows, cols uint16) (*os.File, error) {
	sock := os.NewFile(ConsoleFD, "console-socket")
	defer sock.Close()
	master, slave, err := openPTY()
	if err != nil {
		return nil, fmt.Errorf("open a pty in the container: %w", err)
	}
	defer master.Close()
	if rows > 0 && cols > 0 {
		if err := pty.Setsize(master, &pty.Winsize{Rows: rows, Cols: cols}); err != nil {
			slave.Close()
			return nil, err
		}
	}
	if err := unix.Sendmsg(int(sock.Fd()), []byte{0}, unix.UnixRights(int(master.Fd())), nil, 0); err != nil {
		slave.Close()
		return nil, fmt.Errorf("send the pty to the parent: %w", err)
	}
	logStep("open /dev/pts/ptmx: the terminal %s, its master side sent to the parent", slave.Name())
	return slave, nil
}

// openPTY opens a new terminal of the devpts at /dev/pts: the master
// through that devpts's own ptmx, reached through no symlink or /proc
// link, and checked to be a devpts; the slave through the master
// (TIOCGPTPEER), never by a name the container could have replaced.
func openPTY() (master, slave *os.File, err error) {
	fd, err := unix.Openat2(unix.AT_FDCWD, "/dev/pts/ptmx", &unix.OpenHow{
		Flags:   unix.O_RDWR | unix.O_NOCTTY | unix.O_CLOEXEC,
		Resolve: unix.RESOLVE_NO_SYMLINKS | unix.RESOLVE_NO_MAGICLINKS,
	})
	if err != nil {
		return nil, nil, fmt.Errorf("open /dev/pts/ptmx: %w", err)
	}
	var fs unix.Statfs_t
	if err := unix.Fstatfs(fd, &fs); err != nil || fs.Type != unix.DEVPTS_SUPER_MAGIC {
		unix.Close(fd)
		return nil, nil, fmt.Errorf("/dev/pts/ptmx is not a devpts's")
	}
	if err := unix.IoctlSetPointerInt(fd, unix.TIOCSPTLCK, 0); err != nil { // unlockpt
		unix.Close(fd)
		return nil, nil, fmt.Errorf("unlock the pty: %w", err)
	}
	n, err := unix.IoctlGetInt(fd, unix.TIOCGPTN)
	if err != nil {
		unix.Close(fd)
		return nil, nil, fmt.Errorf("the pty's number: %w", err)
	}
	sfd, _, errno := unix.Syscall(unix.SYS_IOCTL, uintptr(fd), unix.TIOCGPTPEER, uintptr(unix.O_RDWR|unix.O_NOCTTY|unix.O_CLOEXEC))
	if errno != 0 {
		unix.Close(fd)
		return nil, nil, fmt.Errorf("open the pty's slave (TIOCGPTPEER): %w", errno)
	}
	return os.NewFile(uintptr(fd), "/dev/pts/ptmx"), os.NewFile(sfd, fmt.Sprintf("/dev/pts/%d", n)), nil
}
