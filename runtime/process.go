package runtime

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
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

// stdio is a command's stdin, stdout and stderr as three pipes, as
// Docker's shim does, instead of the caller's files: a descriptor is the
// open file itself, and through /proc/self/fd the container's root could
// chmod or chown the host's file behind it, read it back, or list the host
// directory a "< /" made its stdin. A pipe is only a pipe. Ours are copied
// from in and to out and errOut while the command runs.
type stdio struct {
	in          io.Reader
	out, errOut io.Writer

	stdin   *os.File       // our end of the command's stdin
	outputs []*os.File     // our ends of its stdout and stderr
	copying sync.WaitGroup // the output copies
	ended   atomic.Bool    // the command has ended: stop at silence
	// cutoff, when set (Unix nanoseconds), is when the copies stop
	// whatever still comes (finishBy).
	cutoff atomic.Int64
}

// pipes makes the three pipes and gives cmd their far ends, which it
// returns, for the caller to close once the child has them.
func (s *stdio) pipes(cmd *exec.Cmd) ([]*os.File, error) {
	inR, inW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	s.stdin, cmd.Stdin = inW, inR
	ends := []*os.File{inR}
	for _, out := range []*io.Writer{&cmd.Stdout, &cmd.Stderr} {
		r, w, err := os.Pipe()
		if err != nil {
			return ends, err
		}
		s.outputs = append(s.outputs, r)
		ends = append(ends, w)
		*out = w
	}
	return ends, nil
}

// start starts copying in into the command's stdin pipe and its stdout
// and stderr pipes out to out and errOut.
func (s *stdio) start() {
	if s.stdin == nil {
		return // a terminal, not pipes
	}
	go func() {
		if s.in != nil {
			io.Copy(s.stdin, s.in)
		}
		// The end of our input (or an error reading it, as "< /" gives)
		// is the end of the command's: it reads EOF.
		s.stdin.Close()
	}()
	for i, dst := range []io.Writer{s.out, s.errOut} {
		if dst == nil {
			dst = io.Discard
		}
		s.copying.Add(1)
		go s.copyOutput(dst, s.outputs[i])
	}
}

// copyOutput copies one output pipe to dst until EOF, which comes when
// every process holding its write end is dead. Once the command has ended
// (finish), a pipe silent for outputGrace ends the copy too: only a
// process outside the container can still hold it (a descriptor passed
// over a unix socket), and that must not keep us waiting forever.
func (s *stdio) copyOutput(dst io.Writer, r *os.File) {
	defer s.copying.Done()
	// Closing our end when dst is gone (our stdout a pipe nobody reads)
	// gives the command EPIPE or SIGPIPE, as writing there itself would.
	defer r.Close()
	buf := make([]byte, 32<<10)
	for {
		if s.ended.Load() {
			r.SetReadDeadline(s.deadline())
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

// finish runs once every process that could write the pipes is dead: it
// stops feeding stdin and waits until the output left in the pipes is
// copied, so that nothing of the command's last words is lost.
func (s *stdio) finish() {
	if s.stdin == nil {
		return
	}
	s.stdin.Close()
	s.ended.Store(true)
	for _, r := range s.outputs {
		r.SetReadDeadline(s.deadline()) // for a Read already waiting
	}
	s.copying.Wait()
	for _, r := range s.outputs {
		r.Close() // never copied if the start failed
	}
}

// finishBy is finish for a command whose container lives on: what it
// left running there (sh -c 'yes &') may hold the pipes and write for
// ever, so the copies stop after limit, silent or not. (A container's own
// pipes need no limit: once it has ended, nothing of it is left to write.)
func (s *stdio) finishBy(limit time.Duration) {
	s.cutoff.Store(time.Now().Add(limit).UnixNano())
	s.finish()
}

// deadline is when a read of the ended command's output gives up: at the
// cutoff, or after outputGrace of silence.
func (s *stdio) deadline() time.Time {
	if c := s.cutoff.Load(); c != 0 {
		return time.Unix(0, c)
	}
	return time.Now().Add(outputGrace)
}

// reap waits for a child of ours (init, an exec's helper), logs how it
// ended in klog's words (what it is: "PID 1 of the container"), and
// gives the Result run's status comes from: its own, or 128+N for signal
// N. A failed wait4 (not expected: only we reap them) is a runtime
// failure.
func reap(p *os.Process, what string, klog *kernelLog) Result {
	var ws syscall.WaitStatus
	if state, err := p.Wait(); err == nil {
		ws = state.Sys().(syscall.WaitStatus)
	} else {
		ws = syscall.WaitStatus(ExitRuntimeFailed << 8)
		klog.add(time.Now(), FromParent, fmt.Sprintf("wait4(%d): %v", p.Pid, err))
	}
	klog.add(time.Now(), FromParent, fmt.Sprintf("wait4(%d): %s %s", p.Pid, what, exitWords(ws)))
	r := Result{ExitCode: ws.ExitStatus()}
	if ws.Signaled() {
		r.Signal = ws.Signal()
		r.ExitCode = 128 + int(r.Signal)
	}
	return r
}

// childPipes are the two pipes of a child we start: its config (it reads
// cfgR) and its status (it writes statusW).
func childPipes() (cfgR, cfgW, statusR, statusW *os.File, err error) {
	if cfgR, cfgW, err = os.Pipe(); err != nil {
		return nil, nil, nil, nil, runtimeError(err)
	}
	if statusR, statusW, err = os.Pipe(); err != nil {
		cfgR.Close()
		cfgW.Close()
		return nil, nil, nil, nil, runtimeError(err)
	}
	return cfgR, cfgW, statusR, statusW, nil
}
