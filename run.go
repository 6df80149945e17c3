package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/creack/pty"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"vme50-tui/cgroup"
	"vme50-tui/hog"
	"vme50-tui/record"
	"vme50-tui/runtime"
	"vme50-tui/ui"
)

// stopGrace is how long a container may take to exit after SIGINT,
// SIGTERM or SIGHUP is passed to it, before it is killed (docker stop
// waits 10 s).
const stopGrace = 10 * time.Second

// runFlags are the flags of run that are not about the container itself.
type runFlags struct {
	record   string        // --record FILE: the CSV of the cgroup's readings
	verbose  bool          // --verbose: the kernel log on stderr
	interval time.Duration // --interval: between two readings
}

func newRunCommand() *cobra.Command {
	var opts runtime.Options
	var flags runFlags
	cmd := &cobra.Command{
		Use:   "run [flags] command [args...]",
		Short: "Run one command in a new container, without the UI",
		Long: `Run a command in a new container and exit with its status: the command's own,
128+N when signal N ended it, 125 when vme50-tui failed before it ran,
126 when it cannot be executed, 127 when it is not in the container's PATH.

Flags stop at the command: run --rootfs r /bin/sh -c "echo hi" needs no "--".`,
		Example: `  sudo vme50-tui run --rootfs busybox-rootfs --memory-limit 128M --cpu-shares 500 \
      --hostname my-container /bin/sh -c "echo 'Inside container!'; hostname"`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			spec, err := specFrom(opts, args)
			if err != nil {
				return err
			}
			if err := checkInterval(flags.interval); err != nil {
				return err
			}
			if err := requireRoot("vme50-tui run"); err != nil {
				return err
			}
			// A dynamically linked vme50-tui (a plain go build): its
			// vme50-hog will not run in this rootfs. Said once, with the
			// fix, instead of the container's "not found".
			if p := runtime.HogProblem(spec); p != "" {
				if name := spec.Args[0]; name == hog.Name || name == runtime.HogPath {
					return &exitError{code: runtime.ExitNotFound, msg: p}
				}
				warn("warning: %s", p)
			}
			return runContainer(spec, flags)
		},
	}
	// The command's own flags ("sh -c ...") belong to it, not to us.
	cmd.Flags().SetInterspersed(false)
	registerContainerFlags(cmd.Flags(), &opts)
	cmd.Flags().StringVar(&flags.record, "record", "", "write the cgroup's readings to `file`, as CSV, one row per --interval")
	cmd.Flags().BoolVarP(&flags.verbose, "verbose", "v", false, "print every step asked of the kernel on stderr")
	cmd.Flags().DurationVar(&flags.interval, "interval", defaultInterval, "time between two readings of the cgroup files")
	return cmd
}

func runContainer(spec runtime.Spec, flags runFlags) error {
	// Made first: a file that cannot be written is bad input, and then
	// nothing may have started.
	var recording *record.File
	if flags.record != "" {
		f, err := record.Create(flags.record)
		if err != nil {
			return &exitError{code: runtime.ExitRuntimeFailed, msg: fmt.Sprintf("--record %s: %v", flags.record, err)}
		}
		recording = f
	}
	host, swept, err := hostSweeping()
	if err != nil {
		return err
	}
	defer swept()

	t := ourTerminal(term.IsTerminal(int(os.Stdin.Fd())) && term.IsTerminal(int(os.Stdout.Fd())))
	spec.Tty, spec.TtyRows, spec.TtyCols = t.tty, t.rows, t.cols
	spec.Env = append(spec.Env, t.env...)
	if !spec.Tty {
		spec.Stdin, spec.Stdout, spec.Stderr = os.Stdin, os.Stdout, os.Stderr
	}

	if flags.verbose {
		spec.OnLog = printLogEntry(spec.Tty)
	}
	c, err := runtime.New(host, spec)
	if err != nil {
		return &exitError{code: runtime.ExitRuntimeFailed, msg: err.Error()}
	}
	// Caught before the container exists, so that none is lost between
	// its start and the forwarding.
	signals := catchSignals(spec.Tty)
	defer signal.Stop(signals)

	if err := c.Start(); err != nil {
		if recording != nil {
			recording.Remove() // no reading was taken
		}
		var se *runtime.StartError
		if errors.As(err, &se) {
			return &exitError{code: se.Code, msg: se.Message}
		}
		return &exitError{code: runtime.ExitRuntimeFailed, msg: err.Error()}
	}

	// The readings find the events a recording keeps (limit changes,
	// pauses, OOM kills); the start and the end are told here.
	readings := &ui.Readings{}
	readings.SetFiles(c.Files())
	readings.Note(ui.EventStart, ui.StartWords(host.Version, c.Files(), c.Spec().Hostname, spec.Limits), time.Now())
	sampled := sample(c, flags, recording, readings)

	result := attach(c, spec.Tty, signals)
	<-sampled
	if recording != nil {
		readings.NoteVictims(result.OOMVictims)
		readings.Note(ui.EventExit, ui.ExitWords(result), time.Now())
		if err := readings.EndRecording(recording); err != nil {
			warn("--record: %v", err)
		}
	}
	reportEnd(c, result)
	return &exitError{code: result.ExitCode}
}

// hostSweeping is hostSwept with the sweep beside the start instead of
// before it: the sweep (1-2 ms, more while the bridge exists) only removes
// what dead owners left, and a start is safe against it, as it is against
// another vme50-tui's sweep: the container's state directory appears whole,
// with its live owner, before its cgroups do, so no sweep takes it for a
// dead one's. swept waits for the sweep's end (and its warning): called
// before run exits, so that a sweep is never cut short.
func hostSweeping() (host *cgroup.Host, swept func(), err error) {
	host, err = cgroup.Detect()
	if err != nil {
		return nil, nil, &exitError{code: runtime.ExitRuntimeFailed, msg: err.Error()}
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := runtime.Sweep(host); err != nil {
			warn("warning: removing leftovers of earlier containers: %v", err)
		}
	}()
	return host, func() { <-done }, nil
}

// sample reads the container's cgroup every interval until it ends, into
// the recording if there is one. Without one it still samples under
// --verbose, since the readings show the kernel's events (an OOM kill) as
// they happen. The channel is closed after the last reading.
func sample(c *runtime.Container, flags runFlags, recording *record.File, readings *ui.Readings) <-chan struct{} {
	if recording == nil && !flags.verbose {
		done := make(chan struct{})
		close(done)
		return done
	}
	if recording != nil {
		recording.Start(time.Now())
	}
	return c.Sample(flags.interval, func(st cgroup.Stats) {
		if recording == nil {
			return
		}
		// A row is written a reading late, with its events: the
		// kernel's report of an OOM kill names the victim in the row.
		readings.NoteVictims(c.OOMVictims())
		if _, err := readings.PushRecording(st, time.Now(), recording); err != nil {
			warn("--record: %v", err)
		}
	})
}

// printLogEntry prints the kernel log on stderr as it grows, one line a
// step. While the container's terminal is ours, in raw mode, a line needs
// its carriage return.
func printLogEntry(tty bool) func(runtime.LogEntry) {
	eol := "\n"
	if tty && term.IsTerminal(int(os.Stderr.Fd())) {
		eol = "\r\n"
	}
	return func(e runtime.LogEntry) {
		fmt.Fprintf(os.Stderr, "%s%s%s", msgPrefix, e.Text, eol)
	}
}

// terminal is how the process gets our terminal, or none.
type terminal struct {
	tty        bool
	rows, cols uint16
	env        []string // TERM, ours
}

// ourTerminal is our terminal for the process, if tty; else the process
// gets pipes, which the runtime copies to and from our stdio: the files
// themselves never enter the container.
func ourTerminal(tty bool) terminal {
	if !tty {
		// Our stdout may be a pipe whose reader quits (run ... | head):
		// the write then fails with EPIPE instead of killing us by
		// SIGPIPE, and the runtime passes the EPIPE on to the command.
		signal.Notify(make(chan os.Signal, 1), syscall.SIGPIPE)
		return terminal{}
	}
	t := terminal{tty: true}
	if name := os.Getenv("TERM"); name != "" {
		t.env = []string{"TERM=" + name}
	}
	if size, err := pty.GetsizeFull(os.Stdin); err == nil {
		t.rows, t.cols = size.Rows, size.Cols
	}
	return t
}

// catchSignals catches the signals forwardSignals passes on, and with a
// terminal, its size changes.
func catchSignals(tty bool) chan os.Signal {
	signals := make(chan os.Signal, 4)
	signal.Notify(signals, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT)
	if tty {
		signal.Notify(signals, syscall.SIGWINCH)
	}
	return signals
}

// terminalGrace is how long the output of a terminal is still copied
// once its process has ended.
const terminalGrace = 2 * time.Second

// process is what run and exec attach our terminal, or our stdio, and
// our signals to: a container's PID 1, or an exec'd process.
type process interface {
	ID() string
	Pty() *os.File
	Resize(rows, cols uint16) error
	Signal(os.Signal) error
	Kill() error
	Done() <-chan struct{}
	Wait() runtime.Result
	Close() error
}

// attach gives p our terminal (tty) until it ends, and passes it our
// signals; it returns how p ended once its output is all out and our
// terminal is as we found it.
func attach(p process, tty bool, signals <-chan os.Signal) runtime.Result {
	copied := make(chan struct{})
	restoreTerminal := func() {}
	if tty {
		// Raw mode: every key goes to the container as it is typed, and
		// ctrl+c becomes a byte for the container's terminal, not a signal
		// for us.
		stdinFd := int(os.Stdin.Fd())
		if saved, err := term.MakeRaw(stdinFd); err == nil {
			restoreTerminal = func() { term.Restore(stdinFd, saved) }
		}
		defer restoreTerminal()
		go io.Copy(p.Pty(), os.Stdin)
		go func() {
			// Ends with EIO once the last process holding the terminal
			// is gone.
			io.Copy(os.Stdout, p.Pty())
			close(copied)
		}()
	} else {
		close(copied)
	}
	result := forwardSignals(p, signals)
	// The terminal's output ends when the last process holding it has:
	// for a container, at its end; for an exec, a process it left running
	// in the container may hold it, and write, for as long as it likes.
	select {
	case <-copied:
	case <-time.After(terminalGrace):
	}
	p.Close()
	// Leave the terminal as we found it before printing our own lines.
	restoreTerminal()
	return result
}

// forwardSignals passes the signals we get on to p until it ends. A
// process that does not stop within stopGrace of a SIGINT, SIGTERM or
// SIGHUP, or gets a second one, is killed. SIGHUP says our terminal was
// closed: nobody is left to stop it otherwise, and PID 1 without a
// handler ignores the signal itself.
func forwardSignals(p process, signals <-chan os.Signal) runtime.Result {
	var deadline <-chan time.Time
	stopping := false
	for {
		select {
		case <-p.Done():
			return p.Wait()
		case <-deadline:
			warn("container %s did not stop within %s: killing it", p.ID(), stopGrace)
			p.Kill()
		case sig := <-signals:
			if sig == syscall.SIGWINCH {
				if size, err := pty.GetsizeFull(os.Stdin); err == nil {
					p.Resize(size.Rows, size.Cols)
				}
				continue
			}
			p.Signal(sig)
			if sig == syscall.SIGINT || sig == syscall.SIGTERM || sig == syscall.SIGHUP {
				if stopping {
					p.Kill()
				}
				stopping = true
				deadline = time.After(stopGrace)
			}
		}
	}
}

// reportEnd tells on stderr what the exit status alone cannot: that the
// kernel's OOM killer struck, and that something could not be cleaned up.
func reportEnd(c *runtime.Container, r runtime.Result) {
	if r.OOMKills > 0 {
		limit := fmt.Sprintf("%s %s", c.Files().MemoryMax, cgroup.FormatSize(r.Stats.Memory.Max))
		if r.OOMKilled {
			warn("container %s was OOM-killed (%s, oom_kill %d)", c.ID(), limit, r.OOMKills)
		} else {
			warn("container %s: OOM killer ended %d process(es) inside (%s, oom_kill %d)",
				c.ID(), r.OOMKills, limit, r.OOMKills)
		}
		// Whom, from the kernel's own report.
		for _, k := range r.OOMVictims {
			warn("container %s: %s", c.ID(), k.Text())
		}
	}
	if r.CleanupErr != nil {
		warn("container %s: cleanup: %v", c.ID(), r.CleanupErr)
	}
}
