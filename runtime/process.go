package runtime

import (
	"io"
	"os"
	"os/exec"
	"slices"
	"strings"
	"time"
)

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
