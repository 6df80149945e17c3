package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"vme50-tui/runtime"
	"vme50-tui/runtime/rootfs"
)

func newRootfsCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "rootfs",
		Short: "Make root filesystems for containers",
	}
	var force bool
	create := &cobra.Command{
		Use:   "create [DIR]",
		Short: "Make a busybox root filesystem from the host's static busybox",
		Long: `Make a minimal root filesystem: the host's static busybox, a link for each
applet, and /etc/passwd, group, hostname and hosts. DIR defaults to
` + rootfs.DefaultBusybox + `.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := rootfs.DefaultBusybox
			if len(args) == 1 {
				dir = args[0]
			}
			if err := requireRoot("vme50-tui rootfs create"); err != nil {
				return err
			}
			if err := rootfs.CreateBusybox(dir, force); err != nil {
				return &exitError{code: runtime.ExitRuntimeFailed, msg: err.Error()}
			}
			fmt.Fprintf(cmd.OutOrStdout(), "created %s\n", dir)
			return nil
		},
	}
	create.Flags().BoolVar(&force, "force", false, "replace DIR if it exists")
	cmd.AddCommand(create)
	return cmd
}
