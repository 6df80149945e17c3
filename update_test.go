package main

import (
	"errors"
	"strings"
	"testing"

	"github.com/spf13/pflag"

	"vme50-tui/cgroup"
	"vme50-tui/runtime"
)

// limitsOf parses update's limit flags and returns what would be written.
func limitsOf(t *testing.T, args ...string) (cgroup.Limits, error) {
	t.Helper()
	fs := pflag.NewFlagSet("update", pflag.ContinueOnError)
	var o runtime.Options
	registerLimitFlags(fs, &o)
	if err := fs.Parse(args); err != nil {
		t.Fatalf("%v: %v", args, err)
	}
	return limitsToWrite(fs, o)
}

// Only the flags given are written; what means "none" at start lifts the
// limit (a zero field would write nothing).
func TestUpdateLimitsFromFlags(t *testing.T) {
	u := cgroup.Unlimited
	for _, c := range []struct {
		args []string
		want cgroup.Limits
	}{
		{[]string{"--memory-limit", "64M"}, cgroup.Limits{MemoryMax: 64 << 20}},
		{[]string{"--memory-limit", "max"}, cgroup.Limits{MemoryMax: u}},
		{[]string{"--memory-limit", ""}, cgroup.Limits{MemoryMax: u}},
		{[]string{"--cpu-shares", "300"}, cgroup.Limits{CPUWeight: 300}},
		{[]string{"--cpu-shares", ""}, cgroup.Limits{CPUWeight: 100}},
		{[]string{"--cpus", "0.5"}, cgroup.Limits{CPUQuotaUsec: 50000, CPUPeriodUsec: 100000}},
		{[]string{"--cpus", "0"}, cgroup.Limits{CPUQuotaUsec: u}},
		{[]string{"--cpus", "MAX"}, cgroup.Limits{CPUQuotaUsec: u}}, // as the editor and --pids-limit read it
		{[]string{"--pids-limit", "40"}, cgroup.Limits{PidsMax: 40}},
		{[]string{"--pids-limit", "max"}, cgroup.Limits{PidsMax: u}},
		{[]string{"--pids-limit", "0"}, cgroup.Limits{PidsMax: u}},
		{[]string{"--pids-limit", ""}, cgroup.Limits{PidsMax: runtime.DefaultPidsLimit}},
		{[]string{"--memory-limit", "1G", "--cpus", "1", "--cpu-shares", "10000", "--pids-limit", "5"},
			cgroup.Limits{MemoryMax: 1 << 30, CPUQuotaUsec: 100000, CPUPeriodUsec: 100000, CPUWeight: 10000, PidsMax: 5}},
	} {
		got, err := limitsOf(t, c.args...)
		if err != nil || got != c.want {
			t.Errorf("%q: %+v, %v; want %+v", c.args, got, err, c.want)
		}
	}
}

// A bad value is one line naming the flag and the value, status 125, as
// for run: the same parsers.
func TestUpdateBadFlags(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--memory-limit", "lots"}, `--memory-limit "lots": `},
		{[]string{"--memory-limit", "0"}, `--memory-limit "0": `},
		{[]string{"--cpu-shares", "10001"}, `--cpu-shares "10001": must be a whole number from 1 to 10000`},
		{[]string{"--cpu-shares", "0"}, `--cpu-shares "0": `},
		{[]string{"--cpus", "-1"}, `--cpus "-1": must be a number of cores`},
		{[]string{"--pids-limit", "-3"}, `--pids-limit "-3": `},
		{nil, "update: give a limit to change: --memory-limit, --cpu-shares, --cpus or --pids-limit"},
	} {
		_, err := limitsOf(t, c.args...)
		var ee *exitError
		if !errors.As(err, &ee) || ee.code != 125 || !strings.HasPrefix(ee.msg, c.want) || strings.Contains(ee.msg, "\n") {
			t.Errorf("%q: err = %v, want status 125 and a line starting %q", c.args, err, c.want)
		}
	}
}

// Bad input is refused before anything looks for a container: no name,
// no limit, a bad value.
func TestUpdateCommandRefusesBeforeLooking(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--cpus", "0.5"}, "update: name a container"},
		{[]string{"3f2a"}, "update: give a limit to change"},
		{[]string{"--cpus", "many", "3f2a"}, `--cpus "many"`},
	} {
		cmd := newUpdateCommand()
		cmd.SilenceUsage, cmd.SilenceErrors = true, true
		cmd.SetArgs(c.args)
		err := cmd.Execute()
		var ee *exitError
		if !errors.As(err, &ee) || ee.code != 125 || !strings.HasPrefix(ee.msg, c.want) {
			t.Errorf("%q: err = %v, want status 125 and %q", c.args, err, c.want)
		}
	}
}

// A name that fits no running container, or several, is status 1; a
// state directory that cannot be read is vme50-tui's failure, 125.
func TestUpdateNotFoundCode(t *testing.T) {
	if got := notFoundCode(&runtime.NotFoundError{Name: "x"}); got != 1 {
		t.Errorf("not found: %d", got)
	}
	if got := notFoundCode(&runtime.AmbiguousError{Name: "a"}); got != 1 {
		t.Errorf("ambiguous: %d", got)
	}
	if got := notFoundCode(errors.New("permission denied")); got != 125 {
		t.Errorf("unreadable state: %d", got)
	}
}
