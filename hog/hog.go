// Package hog is vme50-hog: the workloads of the lessons, each of which
// makes one cgroup limit bite, says once a second what it does, and stops by
// itself.
//
//	vme50-hog mem  [--rate SIZE/s] [--max SIZE]   memory.max: the OOM killer
//	               [--cache SIZE]                 and page cache dropped first
//	vme50-hog cpu  [--threads N] [--seconds S]    cpu.max and cpu.weight
//	vme50-hog fork [--seconds S]                  pids.max: fork refused
//	vme50-hog io   [--write] [--file PATH]        io.max: MB/s held at the limit
//
// It is not a program of its own: the vme50-tui binary is vme50-hog when
// started under that name, as busybox is ls when started as ls. The runtime
// binds the binary into every container as a command named vme50-hog, so
// students need nothing in their root filesystem to run the lessons.
package hog

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"vme50-tui/cgroup"
)

// Name is the command's name inside a container, and the argv[0] that makes
// the vme50-tui binary run Main.
const Name = "vme50-hog"

// out is where the workloads say what they do (tests replace it).
var out io.Writer = os.Stdout

const usageText = `usage: vme50-hog WORKLOAD [flags]

Workloads, each stopping by itself and printing what it does once a second:
  mem  [--rate SIZE/s] [--max SIZE]  take memory at a rate and write to every page of it
       [--cache SIZE]                and keep SIZE of page cache, which the kernel can drop
  cpu  [--threads N] [--seconds S]   keep N threads busy for S seconds
  fork [--seconds S]                 start processes as fast as possible for S seconds
  io   [--write] [--file PATH]       read (or write) a file past the page cache, O_DIRECT

"vme50-hog WORKLOAD -h" lists a workload's flags.
`

// Main runs the workload named by args[0] and returns the exit status.
func Main(args []string) int {
	if len(args) == 0 {
		fmt.Fprint(os.Stderr, usageText)
		return 2
	}
	switch args[0] {
	case "mem":
		return memMain(args[1:])
	case "cpu":
		return cpuMain(args[1:])
	case "fork":
		return forkMain(args[1:])
	case "io":
		return ioMain(args[1:])
	case "help", "-h", "-help", "--help":
		fmt.Fprint(out, usageText)
		return 0
	}
	fmt.Fprintf(os.Stderr, "%s: no workload %q\n%s", Name, args[0], usageText)
	return 2
}

// newFlags makes the flag set of one workload. Go's flag package takes
// both -rate and --rate.
func newFlags(workload, summary string) *flag.FlagSet {
	fs := flag.NewFlagSet(Name+" "+workload, flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: %s %s [flags]\n%s\n", Name, workload, summary)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args into fs, and refuses words after the flags.
// ok is false when Main should return code.
func parseFlags(fs *flag.FlagSet, args []string) (code int, ok bool) {
	switch err := fs.Parse(args); {
	case err == flag.ErrHelp:
		return 0, false
	case err != nil:
		return 2, false
	case fs.NArg() > 0:
		fmt.Fprintf(fs.Output(), "%s: unexpected %q\n", fs.Name(), fs.Arg(0))
		return 2, false
	}
	return 0, true
}

// sayMu keeps the lines of a workload's goroutines whole.
var sayMu sync.Mutex

// say prints one line of what a workload does, prefixed with its name.
func say(workload, format string, args ...any) {
	sayMu.Lock()
	defer sayMu.Unlock()
	fmt.Fprintf(out, Name+" "+workload+": "+format+"\n", args...)
}

// parseRate reads a rate such as "16M/s" (the "/s" may be left out) into
// bytes per second.
func parseRate(s string) (uint64, error) {
	size, err := cgroup.ParseSize(strings.TrimSuffix(strings.TrimSpace(s), "/s"))
	if err != nil {
		return 0, err
	}
	if size == 0 {
		return 0, fmt.Errorf("invalid rate %q: give a size per second, e.g. 16M/s", s)
	}
	return size, nil
}

// seconds turns a --seconds value into a duration, refusing what is not
// a positive number of seconds.
func seconds(flagName string, s float64) (time.Duration, error) {
	if !(s > 0) || s > 24*3600 {
		return 0, fmt.Errorf("--%s %g: give a number of seconds, more than 0 and at most a day", flagName, s)
	}
	return time.Duration(s * float64(time.Second)), nil
}
