package runtime

import (
	"bufio"
	"fmt"
	"os"
	goruntime "runtime"
	"strings"

	"golang.org/x/sys/unix"
)

// The exec's helper: "/proc/self/exe exec-init", started by Found.Exec
// (exec_linux.go) already inside the container's PID namespace and
// cgroup, and under --userns inside its user namespace (nsenter's doing).
// It joins the rest of PID 1's namespaces, and then does what init does
// last: drop the capabilities, set no_new_privs, install the seccomp
// filter, and exec the command in its own place.

// ExecInit is the helper's whole life. It never returns.
func ExecInit() {
	// Not dumpable: until the exec, a process of the container may not
	// ptrace us or open our /proc files, which still lead to the host.
	// The exec makes the command dumpable again.
	unix.Prctl(unix.PR_SET_DUMPABLE, 0, 0, 0, 0)
	// Dies with the vme50-tui that started it, as init does. Had it died
	// already, the config pipe reads EOF and we stop there.
	unix.Prctl(unix.PR_SET_PDEATHSIG, uintptr(unix.SIGKILL), 0, 0, 0)
	status = bufio.NewWriterSize(os.NewFile(initStatusFD, "exec-status"), 16<<10)
	unix.CloseOnExec(initStatusFD)
	finishInit(joinContainer())
}

// joinContainer moves this thread into the container and execs the
// command from it.
func joinContainer() error {
	// Namespaces, root and capabilities below are this thread's, and the
	// exec must happen on it: it stays ours.
	goruntime.LockOSThread()
	cfg, err := readInitConfig()
	if err != nil {
		return fmt.Errorf("exec: reading config: %w", err)
	}
	// Threads share their root and working directory (CLONE_FS), and the
	// kernel moves no thread into another mount namespace while it shares
	// them: this one gets its own.
	if err := unix.Unshare(unix.CLONE_FS); err != nil {
		return fmt.Errorf("unshare(CLONE_FS): %w", err)
	}
	logStep("unshare(CLONE_FS): this thread's root and working directory are its own")
	flags := unix.CLONE_NEWNS | unix.CLONE_NEWUTS | unix.CLONE_NEWIPC
	names := []string{"CLONE_NEWNS", "CLONE_NEWUTS", "CLONE_NEWIPC"}
	if cfg.NewNet {
		flags |= unix.CLONE_NEWNET
		names = append(names, "CLONE_NEWNET")
	}
	// One call, through the pidfd: all the namespaces of that one process,
	// or none.
	if err := unix.Setns(execPidFD, flags); err != nil {
		return fmt.Errorf("setns(pidfd, %s): %w", strings.Join(names, "|"), err)
	}
	logStep("setns(pidfd of PID 1, %s): its mounts, hostname, IPC and network", strings.Join(names, "|"))
	// Joining the mount namespace put our root at its root: the
	// container's, after its pivot_root. The working directory too.
	if err := unix.Chdir("/"); err != nil {
		return fmt.Errorf("chdir /: %w", err)
	}
	if cfg.Console {
		if err := setupConsole(cfg.Rows, cfg.Cols); err != nil {
			return err
		}
	}
	return execCommand(cfg)
}
