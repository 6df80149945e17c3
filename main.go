// vme50-tui shows how containers work: build one, run it, watch its cgroup
// limits bite.
//
//	vme50-tui [flags] [command [args...]]      the terminal UI (ui/)
//	vme50-tui run [flags] command [args...]    one container, no UI
//	vme50-tui ps [--json]                      every container on the host
//	vme50-tui exec [-i] [-t] ID command...     a second process in a container
//	vme50-tui stop|kill|pause|resume ID...     end, freeze and thaw containers
//	vme50-tui update [flags] ID...             change running containers' limits
//	vme50-tui rootfs create|import|pull|ls     root filesystems, without Docker
//	vme50-tui version                          what this is, and the host's cgroups
//	vme50-hog mem|cpu|fork|io [flags]          the lessons' workloads (hog/)
package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"vme50-tui/cgroup"
	"vme50-tui/hog"
	"vme50-tui/runtime"
)

// exitError ends the program with a status and, if msg is set, one line
// on stderr.
type exitError struct {
	code int
	msg  string
}

func (e *exitError) Error() string { return e.msg }

func main() {
	// One binary, two programs, as busybox is many: started under the name
	// vme50-hog (the command the runtime binds into every container), it
	// is the lessons' workloads.
	if filepath.Base(os.Args[0]) == hog.Name {
		os.Exit(hog.Main(os.Args[1:]))
	}
	// The container's init ("/proc/self/exe init", runtime/process.go)
	// goes straight there, without building the CLI first: the container
	// waits for every microsecond spent here.
	if len(os.Args) == 2 && os.Args[1] == "init" {
		runtime.Init()
	}
	// An exec's helper (runtime/initproc/execinit_linux.go), likewise; under
	// nsenter its argv[0] is a /proc/self/fd path.
	if len(os.Args) == 2 && os.Args[1] == "exec-init" {
		runtime.ExecInit()
	}
	root := newRootCommand()
	err := root.Execute()
	if err == nil {
		return
	}
	var ee *exitError
	if !errors.As(err, &ee) {
		// Flag parsing and other cobra errors: bad input, nothing started.
		ee = &exitError{code: runtime.ExitRuntimeFailed, msg: err.Error()}
	}
	if ee.msg != "" {
		warn("%s", ee.msg)
	}
	os.Exit(ee.code)
}

func newRootCommand() *cobra.Command {
	var opts runtime.Options
	var interval time.Duration
	var recordTo string
	root := &cobra.Command{
		Use:   "vme50-tui [flags] [command [args...]]",
		Short: "Build a container and watch its cgroup limits bite",
		Long: `vme50-tui starts containers the way Docker and runc do, but small enough to
read: new PID, UTS, IPC and mount namespaces, pivot_root into a root
filesystem, and cgroup limits on memory, CPU and processes.

Without a subcommand it opens the terminal UI: a form (prefilled from the
flags below and the command) builds a container, whose terminal is shown
beside live panels of its cgroup files. In the container screen every key
goes to the container except ctrl+g, the prefix of the UI's own keys:
ctrl+g q quits, ctrl+g n starts another container, ctrl+g ? shows them all.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Args:          cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runTUI(opts, args, interval, recordTo)
		},
	}
	root.Flags().SetInterspersed(false)
	registerContainerFlags(root.Flags(), &opts)
	root.Flags().DurationVar(&interval, "interval", defaultInterval, "time between two readings of the cgroup files")
	root.Flags().StringVar(&recordTo, "record", "", "prefill the form's Record to: the first container's readings go to `file`, as CSV")
	root.AddCommand(newRunCommand(), newUpdateCommand(), newPsCommand(), newStopCommand(), newKillCommand(), newExecCommand(), newPauseCommand(), newResumeCommand(), newRootfsCommand(), newInitCommand(), newHogCommand(), newPlotCommand(), newReplayCommand())
	// version and --version (version.go); cobra adds completion bash|zsh|fish itself.
	addVersion(root)
	return root
}

// newInitCommand is the child side of every container: the parent re-execs
// this binary as "/proc/self/exe init" inside the new namespaces.
func newInitCommand() *cobra.Command {
	return &cobra.Command{
		Use:                "init",
		Hidden:             true,
		DisableFlagParsing: true,
		Run: func(*cobra.Command, []string) {
			runtime.Init()
		},
	}
}

// newHogCommand is vme50-hog under another name, for the host: "vme50-tui
// hog cpu" is "vme50-hog cpu".
func newHogCommand() *cobra.Command {
	return &cobra.Command{
		Use:                "hog",
		Hidden:             true,
		DisableFlagParsing: true,
		Run: func(_ *cobra.Command, args []string) {
			os.Exit(hog.Main(args))
		},
	}
}

// requireRoot is the check of every command that touches the kernel.
func requireRoot(cmdline string) error {
	if os.Geteuid() != 0 {
		return &exitError{code: runtime.ExitRuntimeFailed,
			msg: fmt.Sprintf("%s needs root to reach namespaces and cgroups: run it with sudo (sudo %s)", cmdline, cmdline)}
	}
	return nil
}

// hostSwept finds the machine's cgroup layout and removes what containers
// of an earlier vme50 that died (kill -9, a power cut) left behind: every
// start of run and of the TUI does this first.
func hostSwept() (*cgroup.Host, error) {
	host, err := cgroup.Detect()
	if err != nil {
		return nil, &exitError{code: runtime.ExitRuntimeFailed, msg: err.Error()}
	}
	if err := runtime.Sweep(host); err != nil {
		warn("warning: removing leftovers of earlier containers: %v", err)
	}
	return host, nil
}

// msgPrefix starts every line vme50-tui writes on stderr of its own (not
// the container's): its name, as Unix tools do.
const msgPrefix = "vme50-tui: "

// warn writes one such line.
func warn(format string, args ...any) {
	fmt.Fprintf(os.Stderr, msgPrefix+format+"\n", args...)
}
