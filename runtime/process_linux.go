package runtime

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	goruntime "runtime"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"vme50-tui/cgroup"
	"vme50-tui/runtime/initproc"
)

// Starting init: the clone into new namespaces, its config, its status.

// startInit starts "/proc/self/exe init" in new namespaces, puts it in the
// cgroup, sends it its config and waits until it has exec'd the command or
// failed trying.
func (c *Container) startInit() error {
	cfgR, cfgW, statusR, statusW, err := childPipes()
	if err != nil {
		return err
	}
	defer cfgW.Close()
	defer statusR.Close()

	cmd, childFiles, err := c.initCommand(cfgR, statusW)
	if c.consoleSock != nil {
		defer c.consoleSock.Close()
	}
	bornIn := false
	if err == nil {
		bornIn, err = startInCgroup(cmd, c.cg, func(format string, args ...any) { c.logf(FromParent, format, args...) })
	}
	// The child has its own copies now (or failed to start); ours would
	// keep the pipes (and the terminal) open after the child is gone.
	for _, f := range append(childFiles, cfgR, statusW) {
		f.Close()
	}
	if err != nil {
		return runtimeError(fmt.Errorf("start init: %w", err))
	}
	c.init = cmd.Process
	c.stdio.start()
	c.logf(FromParent, "clone(%s) = %d, which runs %s",
		cloneFlagNames(cmd.SysProcAttr.Cloneflags, cmd.SysProcAttr.UseCgroupFD), c.init.Pid, c.initHow)
	if m := c.spec.UserNS; m != nil {
		c.logf(FromParent, "/proc/%d/uid_map <- %s, gid_map <- %s (container id 0 is host id %d)", c.init.Pid, m, m, m.HostID)
	}

	if !cmd.SysProcAttr.UseCgroupFD && !bornIn {
		// Neither born in the cgroup: move the child in by hand. It is
		// still blocked reading its config, so nothing has run yet.
		if err := c.cg.AddProc(cmd.Process.Pid); err != nil {
			return runtimeError(err)
		}
	}
	cfg := c.initConfig()
	if cfg.RootfsID, err = rootfsID(cfg.Rootfs); err != nil {
		return runtimeError(err)
	}
	// Its eth0 on the bridge before anything of the container runs.
	if err := c.connectNetwork(cfg); err != nil {
		return err
	}
	if err := json.NewEncoder(cfgW).Encode(cfg); err != nil {
		return runtimeError(fmt.Errorf("send config to init: %w", err))
	}
	onStep, holdErr := c.logInit, error(nil)
	if cfg.HoldExec {
		// Init waits before its exec for the end of the config pipe.
		onStep = func(m statusMessage) {
			c.logInit(m)
			if m.Hold {
				holdErr = c.releaseHold(cfgW)
			}
		}
	} else {
		cfgW.Close()
	}
	if c.consoleSock != nil {
		master, err := receiveConsole(c.consoleSock)
		if err != nil {
			// Init died before sending it: its status says why.
			if serr := readStatus(statusR, onStep); serr != nil {
				return serr
			}
			return runtimeError(fmt.Errorf("receive the container's terminal: %w", err))
		}
		c.pty = master
	}
	if err := readStatus(statusR, onStep); err != nil {
		return err
	}
	return holdErr
}

// releaseHold writes the container's own pids.max while init holds
// before its exec (Config.HoldExec), then lets it go on by closing the
// config pipe. Should the write fail, init is killed first: its command
// must never run above its limit.
func (c *Container) releaseHold(cfgW *os.File) error {
	err := c.cg.Set(cgroup.Limits{PidsMax: c.spec.Limits.PidsMax})
	if err != nil {
		c.init.Kill()
		err = runtimeError(err)
	}
	cfgW.Close()
	return err
}

// initCommand prepares the child. childFiles are the parent's copies of the
// descriptors the child inherits, to close once it has started.
func (c *Container) initCommand(cfgR, statusW *os.File) (*exec.Cmd, []*os.File, error) {
	// vme50-init, the small init we carry, or this very binary
	// (/proc/self/exe, whatever path or name it was started by), each
	// through a read-only mount of its own: no container can write to
	// what it runs (initexe_linux.go, self_linux.go).
	prog, err := initExe()
	if err != nil {
		c.logf(FromParent, "# %v: init runs from /proc/self/exe, which a container could write once it stops running", err)
		prog = initProgram{path: "/proc/self/exe", how: "/proc/self/exe init"}
	}
	cmd := exec.Command(prog.path, "init")
	c.initHow = prog.how
	cmd.Args[0] = "vme50-init"
	cmd.Env = []string{} // init builds the command's environment itself
	cmd.ExtraFiles = []*os.File{cfgR, statusW}
	childFiles := []*os.File{cfgR, statusW}

	flags := syscall.CLONE_NEWPID | syscall.CLONE_NEWNS | syscall.CLONE_NEWUTS | syscall.CLONE_NEWIPC
	if c.spec.Network != NetworkHost {
		flags |= syscall.CLONE_NEWNET
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Cloneflags: uintptr(flags),
		// If we die, even by SIGKILL, the kernel kills init, and with it
		// its whole PID namespace.
		Pdeathsig: syscall.SIGKILL,
		// A session of its own: the container's job control and terminal
		// signals never reach us.
		Setsid: true,
	}
	if c.spec.UserNS != nil {
		c.useUserNS(cmd.SysProcAttr)
	}
	if fd, err := c.cg.OpenDir(); err == nil {
		// cgroup v2: clone3 places the child in the cgroup at birth.
		cmd.SysProcAttr.UseCgroupFD = true
		cmd.SysProcAttr.CgroupFD = fd
		childFiles = append(childFiles, os.NewFile(uintptr(fd), "cgroup"))
	} else if !errors.Is(err, cgroup.ErrNoCloneInto) {
		return nil, childFiles, err
	}

	if c.spec.Tty {
		// Init makes the terminal inside the container and sends it back
		// on this socket.
		parent, child, err := consoleSocket()
		if err != nil {
			return nil, childFiles, err
		}
		c.consoleSock = parent
		cmd.ExtraFiles = append(cmd.ExtraFiles, child) // consoleFD
		childFiles = append(childFiles, child)
	} else {
		c.stdio.in, c.stdio.out, c.stdio.errOut = c.spec.Stdin, c.spec.Stdout, c.spec.Stderr
		ends, err := c.stdio.pipes(cmd)
		childFiles = append(childFiles, ends...)
		if err != nil {
			return nil, childFiles, err
		}
	}
	return cmd, childFiles, nil
}

// startLocked starts cmd from a goroutine locked to its OS thread. The
// parent-death signal fires when the *thread* that forked the child exits,
// and Go only ends threads that a goroutine left locked: this thread
// survives Start.
func startLocked(cmd *exec.Cmd) error {
	goruntime.LockOSThread()
	defer goruntime.UnlockOSThread()
	return cmd.Start()
}

// startInCgroup starts cmd so that it is born in cg on v1 too, as
// clone3(CLONE_INTO_CGROUP) makes it on v2: the thread that forks it steps
// into the leaf for the fork and back out (cgroup.ThreadMover), which
// spares the start the grace period that moving a process costs on v1. It
// says whether it did; if not (v2, or a host where the thread cannot
// move, which logf tells), the caller moves the child in. Init uses it;
// so can exec's helper.
func startInCgroup(cmd *exec.Cmd, cg cgroup.Manager, logf func(format string, args ...any)) (bool, error) {
	mover, ok := cg.(cgroup.ThreadMover)
	if !ok || cmd.SysProcAttr.UseCgroupFD {
		return false, startLocked(cmd)
	}
	goruntime.LockOSThread()
	defer goruntime.UnlockOSThread()
	if unix.Gettid() == unix.Getpid() {
		// The main thread owns the process's memory (mm->owner): while
		// it is in the leaf, what we allocate would be charged to the
		// container's memory cgroup. Fork from another thread; holding
		// this one locked keeps the goroutine below off it.
		var bornIn bool
		var err error
		done := make(chan struct{})
		go func() {
			defer close(done)
			bornIn, err = startInCgroup(cmd, cg, logf)
		}()
		<-done
		return bornIn, err
	}
	leave, err := mover.EnterThread()
	if err != nil {
		logf("%v: moved in after its start instead", err)
		return false, cmd.Start()
	}
	err = cmd.Start()
	if lerr := leave(); lerr != nil {
		return false, errors.Join(err, lerr)
	}
	return err == nil, err
}

// readStatus follows init (or an exec's helper) until it has exec'd the
// command: each line it writes is a step it made, for the kernel log
// (logStep), or, last, the StartError it failed with. EOF without one
// means the exec succeeded (the status pipe is close-on-exec).
func readStatus(r io.Reader, logStep func(statusMessage)) error {
	lines := bufio.NewScanner(r)
	lines.Buffer(nil, 1<<20) // an execve line carries the whole command
	for lines.Scan() {
		var msg statusMessage
		if err := json.Unmarshal(lines.Bytes(), &msg); err != nil {
			return runtimeError(fmt.Errorf("init: %s", lines.Bytes()))
		}
		if msg.Step == "" && !msg.Hold {
			return &StartError{Code: msg.Code, Message: msg.Message}
		}
		logStep(msg)
	}
	if err := lines.Err(); err != nil {
		return runtimeError(err)
	}
	return nil
}

// logInit logs a step init made, at its time.
func (c *Container) logInit(m statusMessage) { c.klog.add(time.Unix(0, m.Time), FromInit, m.Step) }

// initConfig is the part of the Spec that init needs.
func (c *Container) initConfig() *initConfig {
	cfg := &initConfig{
		Rootfs:    c.spec.Rootfs,
		Hostname:  c.spec.Hostname,
		NewNet:    c.spec.Network != NetworkHost,
		Console:   c.spec.Tty,
		Rows:      c.spec.TtyRows,
		Cols:      c.spec.TtyCols,
		Args:      c.spec.Args,
		Env:       c.environment(),
		Caps:      c.spec.Capabilities,
		Layer:     filepath.Join(c.dir, "layer"),
		CacheDir:  StateDir,
		HoldExec:  holdsExec(c.spec.Limits.PidsMax),
		DiskLimit: c.spec.DiskLimit,
	}
	cfg.Self, _ = os.Readlink("/proc/self/exe") // none: the container has no vme50-hog
	if cfg.Caps == nil {
		cfg.Caps = DefaultCapabilitiesFor(c.spec.Network)
	}
	if note := netRawNote(c.spec.Network, cfg.Caps); note != "" {
		c.logf(FromParent, "%s", note)
	}
	if c.spec.Overlay {
		cfg.Overlay = &overlay{Merged: filepath.Join(c.dir, "merged")}
	}
	return cfg
}

// rootfsID is the identity of the rootfs directory as the parent finds
// it, through no symlink, for init to check its own against.
func rootfsID(path string) (fileID, error) {
	f, err := initproc.OpenRootfs(path)
	if err != nil {
		return fileID{}, err
	}
	defer f.Close()
	return initproc.IDOf(f)
}
