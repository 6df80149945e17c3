package main

import (
	"github.com/spf13/cobra"

	"vme50-tui/cgroup"
	"vme50-tui/runtime"
)

// `vme50-tui pause` and `resume`: the cgroup freezer, as docker pause
// does. A paused container's processes get no CPU at all (cpu.stat stops
// growing), its shell stops echoing, and everything resumes where it was.

func newPauseCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "pause ID...",
		Short: "Freeze every process of running containers",
		Long: `Freeze every process of running containers, started by any vme50-tui on this
host, with the cgroup freezer (v2 cgroup.freeze; v1 the freezer hierarchy's
freezer.state): they stop where they stand, get no CPU and no signal, and keep
their memory. vme50-tui resume thaws them; a stop or kill still ends them.

Exit status: 0 when every container was frozen; 1 when a name fits no running
container, or more than one; 125 when the kernel refused or vme50-tui failed.`,
		Example: `  sudo vme50-tui pause web
  sudo vme50-tui resume web`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, names []string) error {
			return eachContainer("pause", names, func(h *cgroup.Host, f runtime.Found) error { return f.Pause(h) })
		},
	}
}

func newResumeCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "resume ID...",
		Short: "Thaw paused containers",
		Long: `Thaw containers frozen by vme50-tui pause (or the TUI): their processes run on
where they stopped.

Exit status: as pause's.`,
		Example: `  sudo vme50-tui resume web`,
		Args:    cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, names []string) error {
			return eachContainer("resume", names, func(h *cgroup.Host, f runtime.Found) error { return f.Resume(h) })
		},
	}
}
