package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"golang.org/x/sys/unix"
	"golang.org/x/term"

	"vme50-tui/cgroup"
	"vme50-tui/runtime"
	"vme50-tui/runtime/rootfs"
)

func newRootfsCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "rootfs",
		Short: "Make root filesystems for containers, without Docker",
		Long: `Make root filesystems for containers, without Docker: from the host's static
busybox (create), from a tar archive such as docker export writes (import),
or from an image in a registry (pull). Each is made in DIR.tmp and renamed to
DIR when complete, so a failure or ctrl+c leaves no half-made rootfs; an
existing DIR is replaced only with --force.`,
	}
	cmd.AddCommand(newRootfsCreateCommand(), newRootfsImportCommand(), newRootfsPullCommand(), newRootfsLsCommand())
	return cmd
}

func newRootfsCreateCommand() *cobra.Command {
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
	return create
}

func newRootfsImportCommand() *cobra.Command {
	var force bool
	var name string
	limits := rootfs.DefaultLimits
	imp := &cobra.Command{
		Use:   "import FILE|- [DIR]",
		Short: "Make a root filesystem from a tar or tar.gz (docker export's, for one)",
		Long: `Make a root filesystem from a tar archive, plain or compressed with gzip or
zstd (told apart by their first bytes): what docker export writes, or
tar -C DIR -c . does. FILE - reads the archive from stdin.

DIR defaults to ` + rootfs.DefaultDir + `/NAME, NAME being --name or else
FILE's name without .tar, .gz, .tgz or .zst: alpine.tar.gz is imported into
` + rootfs.DefaultDir + `/alpine. From stdin, give DIR or --name.

Nothing is written outside DIR: an entry whose path climbs out with .. or
leads through a symlink, or a hard link to outside, is refused, and the
import fails naming it. Owners, modes and device nodes are kept.

` + limitsHelp,
		Example: `  docker export $(docker create alpine) | sudo vme50-tui rootfs import --name alpine -
  sudo vme50-tui rootfs import alpine.tar.gz`,
		Args: cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			file := args[0]
			suggested := ""
			if file != "-" {
				suggested = rootfs.NameFromFile(file)
			}
			dir, err := rootfsDir(args[1:], name, suggested)
			if err != nil {
				return err
			}
			if err := requireRoot("vme50-tui rootfs import"); err != nil {
				return err
			}
			in, err := openArchive(file)
			if err != nil {
				return err
			}
			defer in.Close()
			err = untilSignal(dir, func(ctx context.Context) error {
				return rootfs.Import(ctx, in, dir, force, limits)
			})
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "imported %s into %s\n", file, dir)
			return nil
		},
	}
	imp.Flags().BoolVar(&force, "force", false, "replace DIR if it exists")
	imp.Flags().StringVar(&name, "name", "", "make DIR "+rootfs.DefaultDir+"/`NAME`")
	addLimitFlags(imp.Flags(), &limits)
	return imp
}

func newRootfsPullCommand() *cobra.Command {
	var force bool
	var name string
	limits := rootfs.DefaultLimits
	pull := &cobra.Command{
		Use:   "pull IMAGE [DIR]",
		Short: "Make a root filesystem from an image in a registry (Docker Hub, for one)",
		Long: `Download an image from a registry and flatten its layers into a root
filesystem: each layer in order, its whiteouts deleting what the layers below
made. Short names are Docker Hub's: busybox is docker.io/library/busybox:latest.
Of an image built for several platforms, this host's (linux/` + rootfs.HostPlatform().Architecture + `)
is pulled. A registry on localhost or 127.0.0.1 is spoken to in plain http.

DIR defaults to ` + rootfs.DefaultDir + `/NAME, NAME being --name or else the
image's last name part and its tag unless latest: busybox is pulled into
` + rootfs.DefaultDir + `/busybox, alpine:3.20 into ` + rootfs.DefaultDir + `/alpine-3.20.

The layers are written by the same safe extractor as import's, and the
limits below count all of them together.

` + limitsHelp,
		Example: `  sudo vme50-tui rootfs pull alpine
  sudo vme50-tui rootfs pull --name py python:3.13-slim
  sudo vme50-tui rootfs pull localhost:5000/lesson/demo:v1 ./demo-rootfs`,
		Args: cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			ref, err := rootfs.ParseImage(args[0])
			if err != nil {
				return &exitError{code: runtime.ExitRuntimeFailed, msg: fmt.Sprintf("image %q: %v", args[0], err)}
			}
			dir, err := rootfsDir(args[1:], name, rootfs.NameFromImage(ref))
			if err != nil {
				return err
			}
			if err := requireRoot("vme50-tui rootfs pull"); err != nil {
				return err
			}
			err = untilSignal(dir, func(ctx context.Context) error {
				return rootfs.Pull(ctx, ref, dir, force, limits, progressTerminal())
			})
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "pulled %s into %s\n", ref.Name(), dir)
			return nil
		},
	}
	pull.Flags().BoolVar(&force, "force", false, "replace DIR if it exists")
	pull.Flags().StringVar(&name, "name", "", "make DIR "+rootfs.DefaultDir+"/`NAME`")
	addLimitFlags(pull.Flags(), &limits)
	return pull
}

func newRootfsLsCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "ls",
		Short: "List the root filesystems in " + rootfs.DefaultDir + " with their sizes",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			// The store is root's alone (rootfs.CloseStore).
			if err := requireRoot("vme50-tui rootfs ls"); err != nil {
				return err
			}
			list, err := rootfs.List(rootfs.DefaultDir)
			if err != nil {
				return &exitError{code: runtime.ExitRuntimeFailed, msg: err.Error()}
			}
			out := cmd.OutOrStdout()
			if len(list) == 0 {
				fmt.Fprintf(out, "no root filesystems in %s yet: make one with sudo vme50-tui rootfs create\n", rootfs.DefaultDir)
				return nil
			}
			tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "NAME\tSIZE\tDIR")
			for _, fs := range list {
				size := cgroup.FormatSize(fs.Size)
				if fs.Partial {
					size = "≥ " + size // some of it was unreadable: run as root
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\n", fs.Name, size, fs.Path)
			}
			return tw.Flush()
		},
	}
}

// limitsHelp explains --max-size and --max-files in import's and pull's
// help.
const limitsHelp = `A small archive can unpack to a huge rootfs (a sparse file, a tar.gz of
zeros, a million empty files), so what is written is limited: --max-size
counts the file content the archive holds (holes of sparse files are not
written and not counted; blocks of zeros are written as holes), --max-files
the files, directories and links made. Going past either stops with an
error naming the entry; max lifts a limit.`

// addLimitFlags adds --max-size and --max-files, which set limits.
func addLimitFlags(fs *pflag.FlagSet, limits *rootfs.Limits) {
	fs.Var((*sizeLimit)(&limits.Bytes), "max-size", "limit on the file content written, e.g. 500M, 20G (max: none)")
	fs.Var((*countLimit)(&limits.Entries), "max-files", "limit on the files, directories and links made (max: none)")
}

// sizeLimit is a flag's size limit: what cgroup.ParseSize reads, max (0)
// for none.
type sizeLimit uint64

func (s *sizeLimit) Set(v string) error {
	n, err := cgroup.ParseSize(v)
	if err != nil {
		return err
	}
	*s = sizeLimit(n)
	return nil
}

// String is the value as it would be typed: 8G, not 8589934592.
func (s *sizeLimit) String() string {
	if *s == 0 {
		return "max"
	}
	n, unit := uint64(*s), ""
	for _, u := range []string{"k", "M", "G", "T"} {
		if n%1024 != 0 {
			break
		}
		n, unit = n/1024, u
	}
	return fmt.Sprintf("%d%s", n, unit)
}

func (s *sizeLimit) Type() string { return "SIZE" }

// countLimit is a flag's limit on a number of things, max (0) for none.
type countLimit uint64

func (c *countLimit) Set(v string) error {
	if strings.EqualFold(v, "max") {
		*c = 0
		return nil
	}
	n, err := strconv.ParseUint(v, 10, 64)
	if err != nil || n == 0 {
		return fmt.Errorf("%q is not a whole number above 0 (or max, for no limit)", v)
	}
	*c = countLimit(n)
	return nil
}

func (c *countLimit) String() string {
	if *c == 0 {
		return "max"
	}
	return strconv.FormatUint(uint64(*c), 10)
}

func (c *countLimit) Type() string { return "N" }

// rootfsDir is the DIR of import and pull: the one given, or else the
// default place for --name, or else for the name the source suggests.
func rootfsDir(args []string, name, suggested string) (string, error) {
	switch {
	case len(args) == 1 && name != "":
		return "", &exitError{code: runtime.ExitRuntimeFailed, msg: "give DIR or --name, not both"}
	case len(args) == 1:
		return args[0], nil
	case name == "" && suggested == "":
		return "", &exitError{code: runtime.ExitRuntimeFailed, msg: "reading from stdin (-): give DIR or --name"}
	case name == "":
		name = suggested
	}
	dir, err := rootfs.DirFor(name)
	if err != nil {
		return "", &exitError{code: runtime.ExitRuntimeFailed, msg: err.Error()}
	}
	return dir, nil
}

// openArchive opens FILE, or stdin for -.
func openArchive(file string) (io.ReadCloser, error) {
	if file == "-" {
		return io.NopCloser(os.Stdin), nil
	}
	f, err := os.Open(file)
	if err != nil {
		return nil, &exitError{code: runtime.ExitRuntimeFailed, msg: err.Error()}
	}
	return f, nil
}

// progressTerminal is where pull draws its progress bar: stderr, if that
// is a terminal; a bar redrawn with \r would only clutter a log file.
func progressTerminal() io.Writer {
	if term.IsTerminal(int(os.Stderr.Fd())) {
		return os.Stderr
	}
	return nil
}

// untilSignal runs work, which makes the rootfs dir, until it ends or
// SIGINT (ctrl+c) or SIGTERM arrives. A signal cancels work's context;
// work then stops at its next read and removes DIR.tmp itself. Work
// blocked on a read that never returns (stdin from a stalled pipe) is not
// waited for: DIR.tmp is removed here, and we exit at once. Either way the
// status is 128+N, as if the signal had ended us, and no half-made rootfs
// is left.
func untilSignal(dir string, work func(ctx context.Context) error) error {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGINT, syscall.SIGTERM)
	defer signal.Stop(signals)
	done := make(chan error, 1)
	go func() { done <- work(ctx) }()

	select {
	case err := <-done:
		if err != nil {
			return &exitError{code: runtime.ExitRuntimeFailed, msg: err.Error()}
		}
		return nil
	case sig := <-signals:
		cancel()
		select {
		case <-done:
		case <-time.After(time.Second):
			os.RemoveAll(rootfs.TempDir(dir))
		}
		n := sig.(syscall.Signal)
		return &exitError{code: 128 + int(n), msg: fmt.Sprintf("%s: stopped; %s was not made, and nothing is left behind", unix.SignalName(n), dir)}
	}
}
