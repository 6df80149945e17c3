package initproc

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/signal"
	goruntime "runtime"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// The exec's helper: "/proc/self/exe exec-init", started by Found.Exec
// (exec_linux.go) in the container's cgroup but in the host's PID
// namespace, out of the container's sight (and under --userns inside its
// user namespace: nsenter's doing). On one thread of its own it joins the
// container's namespaces and takes PID 1's place in every way that is a
// thread's (its root, capabilities, no_new_privs, seccomp filter); only
// then does it start the command from that thread, which is born in the
// container's PID namespace with all of it. The helper waits for it and
// ends as it did.

// ExecInit is the helper's whole life. It never returns.
func ExecInit() {
	// Not dumpable: no process but the host's root may ptrace us, or the
	// command Go clones from us, which shares our memory until its
	// execve; a container gets no CAP_SYS_PTRACE for an exec (Found.Exec).
	unix.Prctl(unix.PR_SET_DUMPABLE, 0, 0, 0, 0)
	status = bufio.NewWriterSize(os.NewFile(StatusFD, "exec-status"), 16<<10)
	unix.CloseOnExec(StatusFD)
	// The command is started on a thread of its own, which ends with it
	// (startCommand): the main goroutine only waits.
	started := make(chan startResult, 1)
	go startInContainer(started)
	r := <-started
	if r.err != nil {
		finishInit(r.err)
	}
	os.Exit(endAs(r.cmd))
}

type startResult struct {
	cmd *os.Process
	err error
}

// startInContainer moves its thread into the container and starts the
// command from it. The thread is never given back: once it has joined the
// container's PID namespace for its children, the kernel lets it make no
// thread of ours (they would be in another PID namespace than their
// process), and Go must not pick it to make one; Go ends a thread whose
// goroutine ends locked.
func startInContainer(started chan<- startResult) {
	goruntime.LockOSThread()
	cmd, err := startCommand()
	started <- startResult{cmd, err}
}

func startCommand() (*os.Process, error) {
	cfg, err := readInitConfig()
	if err != nil {
		return nil, fmt.Errorf("exec: reading config: %w", err)
	}
	// Threads share their root and working directory (CLONE_FS), and the
	// kernel moves no thread into another mount namespace while it shares
	// them: this one gets its own.
	if err := unix.Unshare(unix.CLONE_FS); err != nil {
		return nil, fmt.Errorf("unshare(CLONE_FS): %w", err)
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
	if err := unix.Setns(ExecPidFD, flags); err != nil {
		return nil, fmt.Errorf("setns(pidfd, %s): %w", strings.Join(names, "|"), err)
	}
	logStep("setns(pidfd of PID 1, %s): its mounts, hostname, IPC and network", strings.Join(names, "|"))
	// Joining the mount namespace put our root at its root: the
	// container's, after its pivot_root. The working directory too.
	if err := unix.Chdir("/"); err != nil {
		return nil, fmt.Errorf("chdir /: %w", err)
	}
	path, err := LookPath("/", cfg.Args[0], envValue(cfg.Env, "PATH"))
	if err != nil {
		return nil, err
	}
	files := []*os.File{os.Stdin, os.Stdout, os.Stderr}
	if cfg.Console {
		slave, err := sendTerminal(cfg.Rows, cfg.Cols)
		if err != nil {
			return nil, err
		}
		defer slave.Close()
		files = []*os.File{slave, slave, slave}
	}
	// Every descriptor of ours stays out of the command.
	if err := closeExtraFDs(); err != nil {
		return nil, err
	}
	// Last, as late as can be: from here this thread can make no thread.
	if err := unix.Setns(ExecPidFD, unix.CLONE_NEWPID); err != nil {
		return nil, fmt.Errorf("setns(pidfd, CLONE_NEWPID): %w", err)
	}
	logStep("setns(pidfd of PID 1, CLONE_NEWPID): this thread's children are born in its PID namespace")
	if err := dropCapabilities(cfg.Caps); err != nil {
		return nil, err
	}
	if err := setNoNewPrivs(); err != nil {
		return nil, err
	}
	if err := installSeccomp(); err != nil {
		return nil, err
	}
	cmd, err := os.StartProcess(path, cfg.Args, &os.ProcAttr{
		Env:   cfg.Env,
		Files: files,
		// A session of its own; the terminal its controlling one.
		Sys: &syscall.SysProcAttr{Setsid: true, Setctty: cfg.Console, Ctty: 0},
	})
	if err != nil {
		code := ExitCannotExec
		if errors.Is(err, unix.ENOENT) {
			code = ExitNotFound // its interpreter or loader is missing
		}
		return nil, &StartError{Code: code, Message: fmt.Sprintf("exec %s: %v", path, errors.Unwrap(err))}
	}
	// The parent learns the command's pid, then EOF: it runs.
	_ = sendStatus(StatusMessage{Step: fmt.Sprintf("clone() = %d in the container's PID namespace, execve %s",
		cmd.Pid, strings.Join(append([]string{path}, quoteArgs(cfg.Args[1:])...), " ")), PID: cmd.Pid})
	status.Flush()
	unix.Close(StatusFD)
	return cmd, nil
}

// endAs waits for the command and returns its status; a command ended by
// a signal ends us by the same one, so that the parent sees that.
func endAs(cmd *os.Process) int {
	state, err := cmd.Wait()
	if err != nil {
		return ExitRuntimeFailed
	}
	ws := state.Sys().(syscall.WaitStatus)
	if ws.Signaled() {
		signal.Reset(ws.Signal())
		unix.Kill(os.Getpid(), ws.Signal())
		return 128 + int(ws.Signal()) // a signal that does not end a process
	}
	return ws.ExitStatus()
}
