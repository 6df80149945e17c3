package main

import (
	"errors"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

func TestParseSignal(t *testing.T) {
	for s, want := range map[string]unix.Signal{
		"KILL": unix.SIGKILL, "SIGKILL": unix.SIGKILL, "9": unix.SIGKILL, "kill": unix.SIGKILL,
		"term": unix.SIGTERM, "SigTerm": unix.SIGTERM, "15": unix.SIGTERM, "HUP": unix.SIGHUP,
		"usr1": unix.SIGUSR1, "64": unix.Signal(64),
	} {
		if got, err := parseSignal(s); err != nil || got != want {
			t.Errorf("parseSignal(%q) = %v, %v; want %v", s, got, err, want)
		}
	}
	for _, s := range []string{"", "0", "-9", "65", "TREM", "SIG", "9x", "SIGKILLS"} {
		if got, err := parseSignal(s); err == nil {
			t.Errorf("parseSignal(%q) = %v, want an error", s, got)
		}
	}
}

// Bad input is refused before anything looks for a container, or
// signals one: one line naming the flag and the value, status 125.
func TestStopKillRefuseBeforeLooking(t *testing.T) {
	for _, c := range []struct {
		kill bool
		args []string
		want string
	}{
		{true, []string{"--signal", "TREM", "3f2a"}, `--signal "TREM": no such signal`},
		{true, []string{"-s", "0", "3f2a"}, `--signal "0": no such signal`},
		{true, nil, "kill: name a container"},
		{false, []string{"--time", "-1", "3f2a"}, "--time -1: "},
		{false, nil, "stop: name a container"},
	} {
		cmd := newStopCommand()
		if c.kill {
			cmd = newKillCommand()
		}
		cmd.SilenceUsage, cmd.SilenceErrors = true, true
		cmd.SetArgs(c.args)
		err := cmd.Execute()
		var ee *exitError
		if !errors.As(err, &ee) || ee.code != 125 || !strings.HasPrefix(ee.msg, c.want) || strings.Contains(ee.msg, "\n") {
			t.Errorf("%q: err = %v, want status 125 and a line starting %q", c.args, err, c.want)
		}
	}
}
