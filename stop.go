package main

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/sys/unix"

	"vme50-tui/cgroup"
	"vme50-tui/runtime"
)

// `vme50-tui stop` and `vme50-tui kill`: end running containers of any
// vme50-tui process on this host, as docker stop and docker kill do. The
// owner (the TUI or run that started it) notices the end, reports it as
// it does any end, and cleans up; a container whose owner died is cleaned
// up here.

func newStopCommand() *cobra.Command {
	var seconds int
	cmd := &cobra.Command{
		Use:   "stop [--time S] ID...",
		Short: "Stop running containers: SIGTERM, then SIGKILL",
		Long: `Stop running containers, started by any vme50-tui on this host: SIGTERM to
the container's PID 1, and after S seconds (--time, 10 by default) SIGKILL
to every process in its cgroup. Returns once the container is gone and
cleaned up; prints the id of each container stopped.

PID 1 of a PID namespace only gets the signals it has a handler for: a
shell that traps no TERM ignores it, and is killed when the time runs out.
A container is named by its id, a unique prefix of it, or its hostname.

Exit status: 0 when every container stopped; 1 when a name fits no running
container, or more than one; 125 when vme50-tui failed.`,
		Example: `  sudo vme50-tui stop web
  sudo vme50-tui stop --time 1 3f2a 9c1d`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, names []string) error {
			if seconds < 0 {
				return &exitError{code: runtime.ExitRuntimeFailed,
					msg: fmt.Sprintf("--time %d: give the seconds to wait before SIGKILL, 0 or more", seconds)}
			}
			grace := time.Duration(seconds) * time.Second
			return eachContainer("stop", names, func(host *cgroup.Host, f runtime.Found) error {
				return f.Stop(host, grace)
			})
		},
	}
	cmd.Flags().IntVarP(&seconds, "time", "t", 10, "`seconds` to wait after SIGTERM before SIGKILL")
	return cmd
}

func newKillCommand() *cobra.Command {
	var sigName string
	cmd := &cobra.Command{
		Use:   "kill [--signal SIG] ID...",
		Short: "Send a signal to running containers (SIGKILL by default)",
		Long: `Send a signal to the PID 1 of running containers, started by any vme50-tui on
this host; SIGKILL (the default) goes to every process in the container's
cgroup. SIG is a name (KILL, SIGTERM, term) or a number (9). Returns once
the signal is sent; the container's owner reports the end and cleans up.
Prints the id of each container signalled.

PID 1 of a PID namespace only gets the signals it has a handler for
(SIGKILL aside): kill --signal TERM does nothing to a shell that traps none.
A container is named by its id, a unique prefix of it, or its hostname.

Exit status: 0 when every container was signalled; 1 when a name fits no
running container, or more than one; 125 for a bad signal (nothing is sent)
or when vme50-tui failed.`,
		Example: `  sudo vme50-tui kill web
  sudo vme50-tui kill --signal TERM 3f2a`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, names []string) error {
			sig, err := parseSignal(sigName)
			if err != nil {
				return &exitError{code: runtime.ExitRuntimeFailed, msg: fmt.Sprintf("--signal %q: %v", sigName, err)}
			}
			return eachContainer("kill", names, func(host *cgroup.Host, f runtime.Found) error {
				return f.Kill(host, sig)
			})
		},
	}
	cmd.Flags().StringVarP(&sigName, "signal", "s", "KILL", "`signal` to send: a name (KILL, SIGTERM, term) or a number")
	return cmd
}

// maxSignal is the highest signal number Linux has (SIGRTMAX).
const maxSignal = 64

// parseSignal reads a signal as kill(1) and docker kill take it: a name,
// with or without SIG, in any case, or a number.
func parseSignal(s string) (unix.Signal, error) {
	if n, err := strconv.Atoi(s); err == nil {
		if n < 1 || n > maxSignal {
			return 0, fmt.Errorf("no such signal: a number is 1..%d", maxSignal)
		}
		return unix.Signal(n), nil
	}
	name := strings.ToUpper(strings.TrimSpace(s))
	if !strings.HasPrefix(name, "SIG") {
		name = "SIG" + name
	}
	if sig := unix.SignalNum(name); sig != 0 {
		return sig, nil
	}
	return 0, errors.New("no such signal: give a name (KILL, TERM, SIGINT, ...) or a number")
}

// eachContainer acts on each named container on its own (stop, kill,
// pause, resume, update), and prints its id, as docker does. The status is the worst: vme50-tui's own
// failure (125) outweighs a name that fits no container, or an ended one
// (1).
func eachContainer(verb string, names []string, act func(*cgroup.Host, runtime.Found) error) error {
	if len(names) == 0 {
		return &exitError{code: runtime.ExitRuntimeFailed,
			msg: verb + ": name a container: its id, a unique prefix of the id, or its hostname"}
	}
	if err := requireRoot("vme50-tui " + verb); err != nil {
		return err
	}
	// What containers of a dead owner left goes first: they are not
	// running, and nobody else would remove them until the next start.
	host, err := hostSwept()
	if err != nil {
		return err
	}
	code := 0
	for _, name := range names {
		code = max(code, oneContainer(host, name, act))
	}
	if code == 0 {
		return nil
	}
	return &exitError{code: code}
}

// oneContainer finds one container and acts on it. Trouble is one line on
// stderr, and the exit status it gives.
func oneContainer(host *cgroup.Host, name string, act func(*cgroup.Host, runtime.Found) error) int {
	f, err := runtime.Find(name)
	if err != nil {
		warn("%v", err)
		return notFoundCode(err)
	}
	err = act(host, f)
	var ended *runtime.EndedError
	switch {
	case errors.As(err, &ended):
		warn("%v", err)
		return 1
	case err != nil:
		warn("%v", err)
		return runtime.ExitRuntimeFailed
	}
	fmt.Println(f.ID)
	return 0
}
