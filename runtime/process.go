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
	"slices"
	"strings"
	"syscall"
	"time"

	"vme50-tui/cgroup"
)

// startInit starts "/proc/self/exe init" in new namespaces, puts it in the
// cgroup, sends it its config and waits until it has exec'd the command or
// failed trying.
func (c *Container) startInit() error {
	cfgR, cfgW, err := os.Pipe()
	if err != nil {
		return runtimeError(err)
	}
	defer cfgW.Close()
	statusR, statusW, err := os.Pipe()
	if err != nil {
		cfgR.Close()
		return runtimeError(err)
	}
	defer statusR.Close()

	cmd, childFiles, err := c.initCommand(cfgR, statusW)
	if c.consoleSock != nil {
		defer c.consoleSock.Close()
	}
	if err == nil {
		err = startLocked(cmd)
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
	c.copyStdio()
	c.logf(FromParent, "clone(%s) = %d, which runs /proc/self/exe init",
		cloneFlagNames(cmd.SysProcAttr.Cloneflags, cmd.SysProcAttr.UseCgroupFD), c.init.Pid)
	if m := c.spec.UserNS; m != nil {
		c.logf(FromParent, "/proc/%d/uid_map <- %s, gid_map <- %s (container id 0 is host id %d)", c.init.Pid, m, m, m.HostID)
	}

	if !cmd.SysProcAttr.UseCgroupFD {
		// No CLONE_INTO_CGROUP (cgroup v1): move the child in by hand. It
		// is still blocked reading its config, so nothing has run yet.
		if err := c.cg.AddProc(cmd.Process.Pid); err != nil {
			return runtimeError(err)
		}
	}
	cfg := c.initConfig()
	if cfg.RootfsID, err = rootfsID(cfg.Rootfs); err != nil {
		return runtimeError(err)
	}
	if err := json.NewEncoder(cfgW).Encode(cfg); err != nil {
		return runtimeError(fmt.Errorf("send config to init: %w", err))
	}
	cfgW.Close()
	if c.consoleSock != nil {
		master, err := receiveConsole(c.consoleSock)
		if err != nil {
			// Init died before sending it: its status says why.
			if serr := c.readStatus(statusR); serr != nil {
				return serr
			}
			return runtimeError(fmt.Errorf("receive the container's terminal: %w", err))
		}
		c.pty = master
	}
	return c.readStatus(statusR)
}

// initCommand prepares the child. childFiles are the parent's copies of the
// descriptors the child inherits, to close once it has started.
func (c *Container) initCommand(cfgR, statusW *os.File) (*exec.Cmd, []*os.File, error) {
	// /proc/self/exe is this very binary, whatever path or name it was
	// started by (os.Args[0] may be a bare name found through PATH).
	cmd := exec.Command("/proc/self/exe", "init")
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
		ends, err := c.stdioPipes(cmd)
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

// readStatus follows init until it has exec'd the command: each line init
// writes is a step it made, which goes into the kernel log, or, last, the
// StartError it failed with. EOF without one means the exec succeeded (the
// status pipe is close-on-exec).
func (c *Container) readStatus(r io.Reader) error {
	lines := bufio.NewScanner(r)
	lines.Buffer(nil, 1<<20) // an execve line carries the whole command
	for lines.Scan() {
		var msg statusMessage
		if err := json.Unmarshal(lines.Bytes(), &msg); err != nil {
			return runtimeError(fmt.Errorf("init: %s", lines.Bytes()))
		}
		if msg.Step == "" {
			return &StartError{Code: msg.Code, Message: msg.Message}
		}
		c.logAt(time.Unix(0, msg.Time), FromInit, msg.Step)
	}
	if err := lines.Err(); err != nil {
		return runtimeError(err)
	}
	return nil
}

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
		DiskLimit: c.spec.DiskLimit,
	}
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

// environment is the command's environment: defaults first, Spec.Env last
// so that it wins.
func (c *Container) environment() []string {
	term := "xterm"
	if !c.spec.Tty {
		term = "dumb"
	}
	env := []string{
		"PATH=" + DefaultPath,
		"HOME=/root",
		"TERM=" + term,
		"HOSTNAME=" + c.spec.Hostname,
	}
	return mergeEnv(env, c.spec.Env)
}

// mergeEnv returns base with each KEY=VALUE of over replacing or adding to it.
func mergeEnv(base, over []string) []string {
	env := slices.Clone(base)
	for _, kv := range over {
		key, _, _ := strings.Cut(kv, "=")
		i := slices.IndexFunc(env, func(e string) bool { return strings.HasPrefix(e, key+"=") })
		if i >= 0 {
			env[i] = kv
		} else {
			env = append(env, kv)
		}
	}
	return env
}

// outputGrace is how long the command's output pipes may stay silent,
// once the container has ended, before vme50 stops reading them.
const outputGrace = 2 * time.Second

// stdioPipes makes the command's stdin, stdout and stderr three pipes, as
// Docker's shim does, instead of handing it Spec's files: a descriptor is
// the open file itself, and through /proc/self/fd the container's root
// could chmod or chown the host's file behind it, read it back, or list
// the host directory a "< /" made its stdin. A pipe is only a pipe. It
// returns the container's ends, for the child; ours are copied from and
// to Spec's once init runs (copyStdio).
func (c *Container) stdioPipes(cmd *exec.Cmd) ([]*os.File, error) {
	inR, inW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	c.stdin, cmd.Stdin = inW, inR
	ends := []*os.File{inR}
	for _, out := range []*io.Writer{&cmd.Stdout, &cmd.Stderr} {
		r, w, err := os.Pipe()
		if err != nil {
			return ends, err
		}
		c.outputs = append(c.outputs, r)
		ends = append(ends, w)
		*out = w
	}
	return ends, nil
}

// copyStdio starts copying Spec.Stdin into the command's stdin pipe and
// its stdout and stderr pipes out to Spec.Stdout and Spec.Stderr.
func (c *Container) copyStdio() {
	if c.stdin == nil {
		return // a terminal, not pipes
	}
	go func() {
		if c.spec.Stdin != nil {
			io.Copy(c.stdin, c.spec.Stdin)
		}
		// The end of our input (or an error reading it, as "< /" gives)
		// is the end of the command's: it reads EOF.
		c.stdin.Close()
	}()
	for i, dst := range []io.Writer{c.spec.Stdout, c.spec.Stderr} {
		if dst == nil {
			dst = io.Discard
		}
		c.copying.Add(1)
		go c.copyOutput(dst, c.outputs[i])
	}
}

// copyOutput copies one output pipe to dst until EOF, which comes when
// every process holding its write end is dead. Once the container has
// ended (finishStdio), a pipe silent for outputGrace ends the copy too:
// only a process outside the container can still hold it (a descriptor
// passed over a unix socket), and that must not keep us waiting forever.
func (c *Container) copyOutput(dst io.Writer, r *os.File) {
	defer c.copying.Done()
	// Closing our end when dst is gone (our stdout a pipe nobody reads)
	// gives the command EPIPE or SIGPIPE, as writing there itself would.
	defer r.Close()
	buf := make([]byte, 32<<10)
	for {
		if c.stdioEnded.Load() {
			r.SetReadDeadline(time.Now().Add(outputGrace))
		}
		n, err := r.Read(buf)
		if n > 0 {
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

// finishStdio runs once every process of the container is dead: it stops
// feeding stdin and waits until the output left in the pipes is copied,
// so that nothing of the command's last words is lost.
func (c *Container) finishStdio() {
	if c.stdin == nil {
		return
	}
	c.stdin.Close()
	c.stdioEnded.Store(true)
	for _, r := range c.outputs {
		r.SetReadDeadline(time.Now().Add(outputGrace)) // for a Read already waiting
	}
	c.copying.Wait()
	for _, r := range c.outputs {
		r.Close() // never copied if the start failed
	}
}

// rootfsID is the identity of the rootfs directory as the parent finds
// it, through no symlink, for init to check its own against.
func rootfsID(path string) (fileID, error) {
	f, err := openRootfs(path)
	if err != nil {
		return fileID{}, err
	}
	defer f.Close()
	return idOf(f)
}
