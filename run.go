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
	"vme50-tui/record"
	"vme50-tui/runtime"
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
	host, err := hostSwept()
	if err != nil {
		return err
	}

	stdinFd := int(os.Stdin.Fd())
	spec.Tty = term.IsTerminal(stdinFd) && term.IsTerminal(int(os.Stdout.Fd()))
	if spec.Tty {
		if t := os.Getenv("TERM"); t != "" {
			spec.Env = append(spec.Env, "TERM="+t)
		}
		if size, err := pty.GetsizeFull(os.Stdin); err == nil {
			spec.TtyRows, spec.TtyCols = size.Rows, size.Cols
		}
	} else {
		// The runtime gives the command pipes and copies these to and
		// from them: the files themselves never enter the container.
		spec.Stdin, spec.Stdout, spec.Stderr = os.Stdin, os.Stdout, os.Stderr
		// Our stdout may be a pipe whose reader quits (run ... | head):
		// the write then fails with EPIPE instead of killing us by
		// SIGPIPE, and the runtime passes the EPIPE on to the command.
		signal.Notify(make(chan os.Signal, 1), syscall.SIGPIPE)
	}

	if flags.verbose {
		spec.OnLog = printLogEntry(spec.Tty)
	}
	c, err := runtime.New(host, spec)
	if err != nil {
		return &exitError{code: runtime.ExitRuntimeFailed, msg: err.Error()}
	}
	// Catch signals before the container exists, so that none is lost
	// between its start and the forwarding below.
	signals := make(chan os.Signal, 4)
	signal.Notify(signals, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT)
	if spec.Tty {
		signal.Notify(signals, syscall.SIGWINCH) // our terminal's size changed
	}
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

	sampled := sample(c, flags, recording)

	copied := make(chan struct{})
	restoreTerminal := func() {}
	if spec.Tty {
		// Raw mode: every key goes to the container as it is typed, and
		// ctrl+c becomes a byte for the container's terminal, not a signal
		// for us.
		if saved, err := term.MakeRaw(stdinFd); err == nil {
			restoreTerminal = func() { term.Restore(stdinFd, saved) }
		}
		defer restoreTerminal()
		go io.Copy(c.Pty(), os.Stdin)
		go func() {
			// Ends with EIO once the container's last process is gone.
			io.Copy(os.Stdout, c.Pty())
			close(copied)
		}()
	} else {
		close(copied)
	}

	result := forwardSignals(c, signals)
	<-copied
	<-sampled
	if recording != nil {
		if err := recording.Close(); err != nil {
			warn("--record: %v", err)
		}
	}
	c.Close()
	// Leave the terminal as we found it before printing our own lines.
	restoreTerminal()
	reportEnd(c, result)
	return &exitError{code: result.ExitCode}
}

// sample reads the container's cgroup every interval until it ends, into
// the recording if there is one. Without one it still samples under
// --verbose, since the readings show the kernel's events (an OOM kill) as
// they happen. The channel is closed after the last reading.
func sample(c *runtime.Container, flags runFlags, recording *record.File) <-chan struct{} {
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
		if err := recording.Write(st); err != nil {
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

// forwardSignals passes the signals we get on to the container until it
// ends. A container that does not stop within stopGrace of a SIGINT,
// SIGTERM or SIGHUP, or gets a second one, is killed. SIGHUP says our
// terminal was closed: nobody is left to stop the container otherwise,
// and PID 1 without a handler ignores the signal itself.
func forwardSignals(c *runtime.Container, signals <-chan os.Signal) runtime.Result {
	var deadline <-chan time.Time
	stopping := false
	for {
		select {
		case <-c.Done():
			return c.Wait()
		case <-deadline:
			warn("container %s did not stop within %s: killing it", c.ID(), stopGrace)
			c.Kill()
		case sig := <-signals:
			if sig == syscall.SIGWINCH {
				if size, err := pty.GetsizeFull(os.Stdin); err == nil {
					c.Resize(size.Rows, size.Cols)
				}
				continue
			}
			c.Signal(sig)
			if sig == syscall.SIGINT || sig == syscall.SIGTERM || sig == syscall.SIGHUP {
				if stopping {
					c.Kill()
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
	}
	if r.CleanupErr != nil {
		warn("container %s: cleanup: %v", c.ID(), r.CleanupErr)
	}
}
