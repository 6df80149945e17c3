package main

import (
	"errors"
	"os"
	"os/signal"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"vme50-tui/cgroup"
	"vme50-tui/runtime"
)

// `vme50-tui exec`: a second process in a running container, as docker
// exec does: beside a hog in one terminal, a shell in the same container
// in another, to watch ps, /proc/meminfo and the cgroup files while the
// limit bites.

func newExecCommand() *cobra.Command {
	var interactive, tty bool
	cmd := &cobra.Command{
		Use:   "exec [flags] ID COMMAND [ARG...]",
		Short: "Run a command in a running container",
		Long: `Run a command in a running container, started by any vme50-tui on this host.
The container is named by its id, a unique prefix of it, or its hostname.

The command joins the namespaces of the container's PID 1 (PID, mount, UTS,
IPC, network, and user under --userns), its root and its cgroup: it counts
against the container's limits and shows in its pids.current. It gets PID 1's
capabilities, no_new_privs and seccomp filter, and the container's
environment. It gets a terminal of its own when stdin and stdout are
terminals (-t to insist), and dies with the container.

Exit status: the command's own; 128+N when signal N ended it; 126 found but
not executable; 127 not found in the container; 1 when the name fits no
running container, or more than one; 125 when vme50-tui itself failed.`,
		Example: `  sudo vme50-tui exec web ps
  sudo vme50-tui exec 3f2a cat /sys/fs/cgroup/memory.events
  echo hello | sudo vme50-tui exec -i web cat`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) < 2 {
				return &exitError{code: runtime.ExitRuntimeFailed,
					msg: "exec: name a container (its id, a unique prefix of the id, or its hostname) and a command"}
			}
			if err := requireRoot("vme50-tui exec"); err != nil {
				return err
			}
			stdinTerm := term.IsTerminal(int(os.Stdin.Fd()))
			useTty := stdinTerm && term.IsTerminal(int(os.Stdout.Fd()))
			if cmd.Flags().Changed("tty") {
				if tty && !stdinTerm {
					return &exitError{code: runtime.ExitRuntimeFailed, msg: "exec: --tty: stdin is not a terminal"}
				}
				useTty = tty
			}
			return execIn(args[0], args[1:], useTty, interactive || useTty)
		},
	}
	// The command's own flags ("ls -l") belong to it, not to us.
	cmd.Flags().SetInterspersed(false)
	cmd.Flags().BoolVarP(&interactive, "interactive", "i", false, "pass our stdin to the command (with a terminal, it always is)")
	cmd.Flags().BoolVarP(&tty, "tty", "t", false, "give the command a terminal (default: when stdin and stdout are terminals)")
	return cmd
}

// execIn runs args in the container named, attached to our terminal (tty)
// or our stdio, and exits as the command did.
func execIn(name string, args []string, tty, stdin bool) error {
	host, err := cgroup.Detect()
	if err != nil {
		return &exitError{code: runtime.ExitRuntimeFailed, msg: err.Error()}
	}
	c, err := runtime.Find(name)
	if err != nil {
		return &exitError{code: notFoundCode(err), msg: err.Error()}
	}
	t := ourTerminal(tty)
	spec := runtime.ExecSpec{Args: args, Env: t.env, Tty: t.tty, Rows: t.rows, Cols: t.cols}
	if !tty {
		spec.Stdout, spec.Stderr = os.Stdout, os.Stderr
		if stdin {
			spec.Stdin = os.Stdin
		}
	}
	signals := catchSignals(tty)
	defer signal.Stop(signals)
	e, err := c.Exec(host, spec)
	var ended *runtime.EndedError
	var paused *runtime.PausedError
	var se *runtime.StartError
	switch {
	case errors.As(err, &ended), errors.As(err, &paused):
		return &exitError{code: 1, msg: err.Error()}
	case errors.As(err, &se):
		return &exitError{code: se.Code, msg: se.Message}
	case err != nil:
		return &exitError{code: runtime.ExitRuntimeFailed, msg: err.Error()}
	}
	r := attach(e, tty, signals)
	return &exitError{code: r.ExitCode}
}
