package main

import (
	"errors"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"vme50-tui/cgroup"
	"vme50-tui/runtime"
)

// `vme50-tui update`: change the limits of running containers, those of
// any vme50-tui process on this host (a TUI, a run in another terminal),
// as docker update does. The class watches the kernel answer: the page
// cache reclaimed, then an OOM kill; nr_throttled climbing under a lower
// quota; forks refused under a lower pids.max.

// defaultCPUWeight is every cgroup's cpu.weight until told otherwise: an
// empty --cpu-shares puts it back.
const defaultCPUWeight = 100

func newUpdateCommand() *cobra.Command {
	var o runtime.Options
	var verbose bool
	cmd := &cobra.Command{
		Use:   "update [flags] ID...",
		Short: "Change the limits of running containers",
		Long: `Change the limits of running containers, started by any vme50-tui on this host.
A container is named by its id, a unique prefix of it, or its hostname. Only
the limits given are written; max (--cpus 0) lifts one.

Exit status: 0 when every write succeeded; 1 when a name fits no running
container, or more than one; 125 when the kernel refused a write (one line
names the container, the file and the value) or vme50-tui failed.`,
		Example: `  sudo vme50-tui update --memory-limit 64M --cpus 0.5 web
  sudo vme50-tui update --pids-limit max 3f2a`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, names []string) error {
			lim, err := limitsToWrite(cmd.Flags(), o)
			if err != nil {
				return err
			}
			return eachContainer("update", names, func(host *cgroup.Host, c runtime.Found) error {
				return updateFound(host, c, lim, verbose)
			})
		},
	}
	registerLimitFlags(cmd.Flags(), &o)
	cmd.Flags().BoolVarP(&verbose, "verbose", "v", false, "print every write into the cgroup files on stderr")
	return cmd
}

// registerLimitFlags binds run's limit flags, by the same names, to o.
func registerLimitFlags(fs *pflag.FlagSet, o *runtime.Options) {
	fs.StringVar(&o.MemoryLimit, "memory-limit", "", "new memory limit `size`, e.g. 64M, 1.5G (max: none)")
	fs.StringVar(&o.CPUShares, "cpu-shares", "", "new relative CPU `weight` 1..10000 (empty: the default, 100)")
	fs.StringVar(&o.CPUs, "cpus", "", "new CPU quota in `cores`, e.g. 0.5 (0, max or empty: none)")
	fs.StringVar(&o.PidsLimit, "pids-limit", "", "new most `processes` at once (max or 0: none; empty: 1024);\nbelow the processes running, nothing is killed but forks fail")
}

// limitFlag turns one flag's value into its field of cgroup.Limits.
type limitFlag struct {
	name  string
	value string
	set   func(value string, lim *cgroup.Limits) error
}

// limitsToWrite reads the limit flags given, only those (a limit left out
// stays as it is), with run's parsers. What means "no limit" at start
// lifts the limit now: cgroup.Unlimited, written as max (v1: -1).
func limitsToWrite(fs *pflag.FlagSet, o runtime.Options) (cgroup.Limits, error) {
	var lim cgroup.Limits
	for _, f := range []limitFlag{
		{"memory-limit", o.MemoryLimit, setMemoryMax},
		{"cpu-shares", o.CPUShares, setCPUWeight},
		{"cpus", o.CPUs, setCPUQuota},
		{"pids-limit", o.PidsLimit, setPidsMax},
	} {
		if !fs.Changed(f.name) {
			continue
		}
		if err := f.set(f.value, &lim); err != nil {
			bad := &runtime.FieldError{Field: f.name, Value: f.value, Err: err}
			return lim, &exitError{code: runtime.ExitRuntimeFailed, msg: bad.Error()}
		}
	}
	if lim == (cgroup.Limits{}) {
		return lim, &exitError{code: runtime.ExitRuntimeFailed,
			msg: "update: give a limit to change: --memory-limit, --cpu-shares, --cpus or --pids-limit"}
	}
	return lim, nil
}

func setMemoryMax(value string, lim *cgroup.Limits) (err error) {
	lim.MemoryMax, err = cgroup.ParseSize(value)
	lim.MemoryMax = runtime.Lifted(lim.MemoryMax)
	return err
}

func setCPUWeight(value string, lim *cgroup.Limits) (err error) {
	lim.CPUWeight, err = runtime.ParseCPUShares(value)
	if lim.CPUWeight == 0 {
		lim.CPUWeight = defaultCPUWeight
	}
	return err
}

func setCPUQuota(value string, lim *cgroup.Limits) (err error) {
	lim.CPUQuotaUsec, lim.CPUPeriodUsec, err = runtime.ParseCPUs(value)
	lim.CPUQuotaUsec = runtime.Lifted(lim.CPUQuotaUsec)
	return err
}

func setPidsMax(value string, lim *cgroup.Limits) (err error) {
	lim.PidsMax, err = runtime.ParsePidsLimit(value)
	lim.PidsMax = runtime.Lifted(lim.PidsMax)
	return err
}

// updateFound writes the limits into a found container's cgroup, and
// tells what the kernel did to put it under them.
func updateFound(host *cgroup.Host, c runtime.Found, lim cgroup.Limits, verbose bool) error {
	before, beforeErr := host.Open(c.ID).Stats()
	if err := c.Update(host, lim, traceWrites(c.ID, verbose)); err != nil {
		return err
	}
	if beforeErr == nil {
		reportKernelAnswer(host, c.ID, lim, before)
	}
	return nil
}

// notFoundCode: a name that fits no running container, or several, is 1;
// a state directory that cannot be read is vme50-tui's own failure.
func notFoundCode(err error) int {
	var nf *runtime.NotFoundError
	var amb *runtime.AmbiguousError
	if errors.As(err, &nf) || errors.As(err, &amb) {
		return 1
	}
	return runtime.ExitRuntimeFailed
}

// traceWrites prints each write on stderr under --verbose, as run
// --verbose prints the kernel log.
func traceWrites(id string, verbose bool) func(string) {
	if !verbose {
		return nil
	}
	return func(text string) { warn("container %s: %s", id, text) }
}

// reportKernelAnswer tells what the kernel did to put the container under
// its new limits, which a successful write does not say: on v2 a memory
// limit below the usage OOM-kills in the group within the write (v1
// refuses it instead, EBUSY); a pids limit below the processes running
// kills none, but no process can fork until enough have ended.
func reportKernelAnswer(host *cgroup.Host, id string, lim cgroup.Limits, before cgroup.Stats) {
	after, err := host.Open(id).Stats()
	if err != nil {
		return
	}
	files := host.Files()
	if was, now := before.Memory.Events.OOMKill, after.Memory.Events.OOMKill; lim.MemoryMax != 0 && now > was {
		warn("container %s: to get under %s %s the kernel OOM-killed %d process(es) (%s oom_kill %d -> %d)",
			id, files.MemoryMax, cgroup.FormatSize(lim.MemoryMax), now-was, files.MemoryEvents, was, now)
	}
	if lim.PidsMax != 0 && lim.PidsMax != cgroup.Unlimited && after.Pids.Current > lim.PidsMax {
		warn("container %s: %s %d is above %s %d: nothing was killed, but no process can fork until enough have ended",
			id, files.PidsCurrent, after.Pids.Current, files.PidsMax, lim.PidsMax)
	}
}
