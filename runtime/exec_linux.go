package runtime

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"vme50-tui/cgroup"
	"vme50-tui/runtime/initproc"
)

// The parent side of an exec. The child is this binary again,
// "/proc/self/exe exec-init" (initproc/execinit_linux.go), as init is for run.
//
// Why a helper process: joining a mount namespace needs a thread whose
// root and working directory no other thread shares, and joining a user
// namespace a process of one thread. Go's own threads share both, and the
// TUI's goroutines must not find themselves inside a container. So the
// helper does it, on its own locked thread, and starts the command from
// that thread.
//
// The helper stays in the host's PID namespace, where the container
// cannot see it: while it joins the namespaces it holds root's every
// capability, and a container allowed to ptrace (--cap-add SYS_PTRACE)
// took over an earlier helper born inside its PID namespace, and with it
// the host (found by an attack review); it also read the host's mounts
// and network through the helper's /proc files. The command is born in
// there, with PID 1's capabilities, no_new_privs and seccomp from its
// first instruction.

// Descriptors an exec's helper gets, after initproc.ConfigFD, StatusFD and
// ConsoleFD (initproc).
const (
	execPidFD    = initproc.ExecPidFD // a pidfd of the container's PID 1: the namespaces to join
	execUserNSFD = 7                  // under --userns: the container's user namespace (for nsenter)
	execSelfFD   = 8                  // under --userns: this binary (for nsenter to run)
)

// Exec runs spec.Args in the container f, which any vme50-tui process on
// the host may have started. It returns once the command runs (or failed
// to: a *StartError with run's status, 126 or 127, or 125 for ours); a
// container that ended meanwhile is an *EndedError.
func (f Found) Exec(host *cgroup.Host, spec ExecSpec) (*Exec, error) {
	if len(spec.Args) == 0 {
		return nil, &StartError{Code: ExitRuntimeFailed, Message: "exec: no command"}
	}
	if f.Init.PID == 0 {
		// Still being built: its command runs within moments.
		var err error
		if f, err = f.whenRunning(startWait); err != nil {
			return nil, err
		}
	}
	// Go clones the command from the helper sharing its memory, until the
	// execve, and the helper holds the host root's powers on its other
	// threads: a container that may ptrace could take the newborn over
	// in that moment. The helper is not dumpable, which stops any
	// container without CAP_SYS_PTRACE.
	if slices.Contains(f.Caps, capNamed("SYS_PTRACE")) {
		return nil, &StartError{Code: ExitRuntimeFailed, Message: fmt.Sprintf(
			"container %s has CAP_SYS_PTRACE (--cap-add SYS_PTRACE), with which it could take an exec over as it starts: exec refuses it", f.ID)}
	}
	// The helper, born in the container's cgroup, would be frozen there
	// before it could start anything (docker refuses too).
	if f.frozen(host) {
		return nil, &PausedError{ID: f.ID}
	}
	e := &Exec{found: f, host: host, spec: spec, done: make(chan struct{}), command: -1,
		klog: kernelLog{onLog: spec.OnLog}}
	pidfd, err := f.openInit()
	if err != nil {
		return nil, err
	}
	defer unix.Close(pidfd)
	if err := e.start(pidfd); err != nil {
		e.stdio.finish()
		e.Close()
		if exited(pidfd) {
			// PID 1 died under us: its namespaces went with it.
			return nil, &EndedError{ID: f.ID}
		}
		return nil, err
	}
	go e.wait()
	return e, nil
}

// startWait is how long Exec waits for a container being built.
const startWait = 5 * time.Second

// whenRunning waits until the container's command runs, its PID 1 named
// in container.json, and returns it found again.
func (f Found) whenRunning(wait time.Duration) (Found, error) {
	dir := filepath.Join(StateDir, f.ID)
	for deadline := time.Now().Add(wait); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if !f.StillRunning() {
			return f, &EndedError{ID: f.ID}
		}
		if m := readMeta(dir); m.Init.PID != 0 {
			f.Meta = m
			return f, nil
		}
	}
	return f, &StartError{Code: ExitRuntimeFailed, Message: fmt.Sprintf("container %s is still starting after %s", f.ID, wait)}
}

// openInit opens a pidfd of the container's PID 1: a handle that always
// means that process, never another that got its PID later. The start
// time checked after the open says the PID still was PID 1's then.
func (f Found) openInit() (int, error) {
	pidfd, err := unix.PidfdOpen(f.Init.PID, 0)
	if errors.Is(err, unix.ESRCH) {
		return -1, &EndedError{ID: f.ID}
	}
	if err != nil {
		return -1, &StartError{Code: ExitRuntimeFailed, Message: fmt.Sprintf("pidfd_open(%d): %v", f.Init.PID, err)}
	}
	if now, err := identify(f.Init.PID); err != nil || now != f.Init {
		unix.Close(pidfd)
		return -1, &EndedError{ID: f.ID}
	}
	return pidfd, nil
}

// exited tells whether the process of pidfd has ended: a pidfd polls
// readable then.
func exited(pidfd int) bool {
	fds := []unix.PollFd{{Fd: int32(pidfd), Events: unix.POLLIN}}
	n, err := unix.Poll(fds, 0)
	return err == nil && n == 1
}

// start starts the helper and follows it until the command runs.
func (e *Exec) start(pidfd int) error {
	cfgR, cfgW, statusR, statusW, err := childPipes()
	if err != nil {
		return err
	}
	defer cfgW.Close()
	defer statusR.Close()

	cmd, childFiles, consoleSock, err := e.helperCommand(pidfd, cfgR, statusW)
	if consoleSock != nil {
		defer consoleSock.Close()
	}
	cg := e.host.Open(e.found.ID)
	if err == nil {
		err = roomForHelper(cg, e.found.ID)
	}
	bornIn := false
	if err == nil {
		// On v1 too the helper is born in the container's cgroup
		// (process_linux.go), not moved in: that costs a grace period.
		bornIn, err = startInCgroup(cmd, cg, func(format string, args ...any) { e.logf(FromParent, format, args...) })
	}
	for _, f := range append(childFiles, cfgR, statusW) {
		f.Close()
	}
	var se *StartError
	if errors.As(err, &se) {
		return se
	}
	if err != nil {
		return runtimeError(fmt.Errorf("start the exec's helper: %w", err))
	}
	e.proc = cmd.Process
	e.logf(FromParent, "clone() = %d, which runs /proc/self/exe exec-init: it joins PID 1's namespaces and starts the command", e.proc.Pid)
	fail := func(err error) error {
		e.proc.Kill()
		e.proc.Wait()
		e.closeCommand()
		return err
	}
	if !cmd.SysProcAttr.UseCgroupFD && !bornIn {
		// cgroup v1: in by hand, while the helper still waits for its
		// config.
		if err := cg.AddProc(e.proc.Pid); err != nil {
			return fail(e.endedOr(runtimeError(err)))
		}
		e.logf(FromParent, "cgroup.procs <- %d (each controller of container %s)", e.proc.Pid, e.found.ID)
	}
	e.stdio.start()
	if err := json.NewEncoder(cfgW).Encode(e.helperConfig()); err != nil {
		return fail(runtimeError(fmt.Errorf("send config to the exec's helper: %w", err)))
	}
	cfgW.Close()
	logStep := func(m statusMessage) {
		if m.PID > 0 {
			e.noteCommand(m.PID)
		}
		e.klog.add(time.Unix(0, m.Time), FromInit, m.Step)
	}
	if consoleSock != nil {
		master, err := receiveConsole(consoleSock)
		if err != nil {
			if serr := readStatus(statusR, logStep); serr != nil {
				return fail(serr)
			}
			return fail(runtimeError(fmt.Errorf("receive the exec's terminal: %w", err)))
		}
		e.pty = master
	}
	if err := readStatus(statusR, logStep); err != nil {
		return fail(err)
	}
	return nil
}

// endedOr is err, unless the container ended meanwhile.
func (e *Exec) endedOr(err error) error {
	if !e.found.StillRunning() {
		return &EndedError{ID: e.found.ID}
	}
	return err
}

// helperCommand prepares the helper: "/proc/self/exe exec-init", or under
// --userns util-linux's nsenter first, to join the user namespace (a Go
// program cannot: it always runs several threads), which then runs us.
// childFiles are our copies of what the child inherits, to close once it
// has started.
func (e *Exec) helperCommand(pidfd int, cfgR, statusW *os.File) (cmd *exec.Cmd, childFiles []*os.File, consoleSock *os.File, err error) {
	// Our binary on a read-only mount, as init's (readOnlySelf): a
	// container that makes the helper run a "#!/proc/self/exe" script
	// cannot write the host's file through its /proc/PID/exe.
	self, err := readOnlySelf()
	if err != nil {
		return nil, nil, nil, err
	}
	cmd = exec.Command(self, "exec-init")
	cmd.Args[0] = "vme50-exec"
	cmd.Env = []string{}
	var console *os.File // consoleFD: the slot stays empty without a terminal
	if e.spec.Tty {
		consoleSock, console, err = consoleSocket()
		if err != nil {
			return nil, nil, nil, err
		}
		childFiles = append(childFiles, console)
	} else {
		e.stdio.in, e.stdio.out, e.stdio.errOut = e.spec.Stdin, e.spec.Stdout, e.spec.Stderr
		ends, err := e.stdio.pipes(cmd)
		childFiles = append(childFiles, ends...)
		if err != nil {
			return nil, childFiles, consoleSock, err
		}
	}
	// Our pidfd stays ours: the helper gets its own copy.
	pidfdCopy, err := unix.FcntlInt(uintptr(pidfd), unix.F_DUPFD_CLOEXEC, 0)
	if err != nil {
		return nil, childFiles, consoleSock, err
	}
	pidFile := os.NewFile(uintptr(pidfdCopy), "pidfd")
	childFiles = append(childFiles, pidFile)
	cmd.ExtraFiles = []*os.File{cfgR, statusW, console, pidFile}
	// It dies with us, as init does.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Pdeathsig: syscall.SIGKILL}
	if e.found.UserNS != nil {
		userns, self, err := e.nsenterFiles()
		childFiles = append(childFiles, userns, self)
		if err != nil {
			return nil, childFiles, consoleSock, err
		}
		nsenter, err := exec.LookPath("nsenter")
		if err != nil {
			return nil, childFiles, consoleSock, fmt.Errorf("exec into a --userns container needs nsenter (util-linux): %w", err)
		}
		cmd.ExtraFiles = append(cmd.ExtraFiles, userns, self)
		// Both paths name our own descriptors, resolved in the host's
		// mount namespace, where nsenter still is.
		cmd.Path = nsenter
		cmd.Args = []string{"nsenter", fmt.Sprintf("--user=/proc/self/fd/%d", execUserNSFD), "--",
			fmt.Sprintf("/proc/self/fd/%d", execSelfFD), "exec-init"}
	}
	if fd, err := e.host.Open(e.found.ID).OpenDir(); err == nil {
		// cgroup v2: clone3 places the helper in the container's cgroup at
		// birth.
		cmd.SysProcAttr.UseCgroupFD = true
		cmd.SysProcAttr.CgroupFD = fd
		childFiles = append(childFiles, os.NewFile(uintptr(fd), "cgroup"))
	} else if !errors.Is(err, cgroup.ErrNoCloneInto) {
		return nil, childFiles, consoleSock, e.endedOr(err)
	}
	return cmd, childFiles, consoleSock, nil
}

// nsenterFiles opens the container's user namespace and this binary, for
// nsenter. The start time, checked after the open, says the namespace is
// PID 1's and not a later process's with its PID.
func (e *Exec) nsenterFiles() (userns, self *os.File, err error) {
	userns, err = os.Open(fmt.Sprintf("/proc/%d/ns/user", e.found.Init.PID))
	if err != nil {
		return nil, nil, e.endedOr(err)
	}
	if now, err := identify(e.found.Init.PID); err != nil || now != e.found.Init {
		return userns, nil, &EndedError{ID: e.found.ID}
	}
	path, err := readOnlySelf()
	if err != nil {
		return userns, nil, err
	}
	self, err = os.Open(path)
	return userns, self, err
}

// helperConfig is what the helper needs: PID 1's capabilities, the
// container's environment under the exec's, the terminal.
func (e *Exec) helperConfig() *initConfig {
	env := e.found.Env
	if len(env) == 0 { // a container.json from before env was kept
		env = []string{"PATH=" + DefaultPath, "HOME=/root", "HOSTNAME=" + e.found.Hostname}
	}
	term := "dumb"
	if e.spec.Tty {
		term = "xterm"
	}
	env = mergeEnv(mergeEnv(env, []string{"TERM=" + term}), e.spec.Env)
	caps := e.found.Caps
	if caps == nil {
		caps = DefaultCapabilitiesFor(e.found.Network)
	}
	return &initConfig{
		Args:    e.spec.Args,
		Env:     env,
		Caps:    caps,
		Console: e.spec.Tty,
		Rows:    e.spec.Rows,
		Cols:    e.spec.Cols,
		NewNet:  e.found.Network != NetworkHost,
	}
}

// noteCommand keeps a pidfd of the command the helper started (pid, on
// the host), for Signal and Kill: they go to it, not to the helper. Only
// a process of the container's cgroup is taken: the helper shares the
// container's powers, and what it says is not trusted to name a process
// of the host.
func (e *Exec) noteCommand(pid int) {
	fd, err := unix.PidfdOpen(pid, 0)
	if err != nil {
		return // already gone
	}
	if procs, err := e.host.Open(e.found.ID).Procs(); err != nil || !slices.Contains(procs, pid) {
		unix.Close(fd)
		e.logf(FromParent, "# pid %d, named by the helper, is not in the container's cgroup: not signalled", pid)
		return
	}
	e.mu.Lock()
	e.command = fd
	e.mu.Unlock()
}

// closeCommand lets go of the command's pidfd.
func (e *Exec) closeCommand() {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.command > 0 {
		unix.Close(e.command)
		e.command = -1
	}
}

// signalCommand sends sig to the command, or, before the helper has
// named it, to the helper.
func (e *Exec) signalCommand(sig syscall.Signal) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.command > 0 {
		return unix.PidfdSendSignal(e.command, sig, nil, 0)
	}
	return e.proc.Signal(sig)
}

// wait reaps the helper, which ends as the command did, and tells how.
func (e *Exec) wait() {
	defer e.closeCommand()
	r := reap(e.proc, "the exec's helper, as its command did,", &e.klog)
	// Whatever it started in the background keeps the pipes open until
	// the container ends, and may never stop writing: what the command
	// wrote itself is in them already.
	e.stdio.finishBy(outputGrace)
	if st, err := e.host.Open(e.found.ID).Stats(); err == nil {
		r.Stats = st
	} else {
		e.mu.Lock()
		r.Stats = e.last
		e.mu.Unlock()
	}
	e.mu.Lock()
	e.last = r.Stats
	e.result = r
	e.mu.Unlock()
	close(e.done)
}

// helperPids is what the exec's helper needs of the container's pids.max:
// it is a Go program, born in the container's cgroup, whose threads are
// tasks too (5 or 6 of them here), and it dies when one is refused
// ("failed to create new OS thread"), as init did (holdexec.go).
const helperPids = 8

// roomForHelper refuses, in one line, an exec into a container whose
// pids.max leaves the helper too few tasks, rather than letting the
// helper die with the Go runtime's dump.
func roomForHelper(cg cgroup.Manager, id string) error {
	st, err := cg.Stats()
	if err != nil || st.Pids.Max == cgroup.Unlimited || st.Pids.Current+helperPids <= st.Pids.Max {
		return nil // no room found missing: the start says what fails
	}
	return &StartError{Code: ExitRuntimeFailed, Message: fmt.Sprintf(
		"exec: container %s holds %d processes of its pids.max %d, and the exec's helper needs %d more tasks for its threads: "+
			"raise the limit first (vme50-tui update --pids-limit %d %s)",
		id, st.Pids.Current, st.Pids.Max, helperPids, st.Pids.Current+helperPids, id)}
}
