package main

import (
	"strings"
	"testing"

	"github.com/spf13/pflag"

	"vme50-tui/runtime"
)

func parse(t *testing.T, args ...string) (runtime.Options, []string) {
	t.Helper()
	var f runtime.Options
	fs := pflag.NewFlagSet("run", pflag.ContinueOnError)
	fs.SetInterspersed(false)
	registerContainerFlags(fs, &f)
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	return f, fs.Args()
}

func TestFlagsToSpec(t *testing.T) {
	dir := t.TempDir()
	f, rest := parse(t, "--rootfs", dir, "--memory-limit", "128M", "--cpu-shares", "500", "--cpus", "0.5",
		"--pids-limit", "30", "--hostname", "my-container", "--network", "none", "--overlay=false",
		"/bin/sh", "-c", "echo hi")
	// The command's own -c is not ours.
	if strings.Join(rest, " ") != "/bin/sh -c echo hi" {
		t.Fatalf("command %q", rest)
	}
	s, err := specFrom(f, rest)
	if err != nil {
		t.Fatal(err)
	}
	l := s.Limits
	if l.MemoryMax != 128<<20 || l.CPUWeight != 500 || l.CPUQuotaUsec != 50000 || l.CPUPeriodUsec != 100000 || l.PidsMax != 30 {
		t.Errorf("limits %+v", l)
	}
	if s.Hostname != "my-container" || s.Network != "none" || s.Overlay || s.Rootfs != dir {
		t.Errorf("spec %+v", s)
	}
	// Defaults: no memory or CPU limits, 1024 processes, overlay on, a
	// network of its own on the bridge, no port published.
	f, rest = parse(t, "--rootfs", dir, "true")
	s, err = specFrom(f, rest)
	if err != nil || s.Limits.MemoryMax != 0 || s.Limits.CPUWeight != 0 || s.Limits.PidsMax != 1024 ||
		!s.Overlay || s.Network != "bridge" || len(s.Ports) != 0 {
		t.Errorf("defaults: %+v %v", s, err)
	}
	// -p, repeated, publishes ports.
	f, rest = parse(t, "--rootfs", dir, "-p", "8080:80", "--publish", "2222:22/tcp", "true")
	if s, err = specFrom(f, rest); err != nil || len(s.Ports) != 2 || s.Ports[0] != (runtime.PortMapping{Host: 8080, Container: 80}) ||
		s.Ports[1] != (runtime.PortMapping{Host: 2222, Container: 22}) {
		t.Errorf("-p 8080:80 --publish 2222:22/tcp: %+v %v", s.Ports, err)
	}
	// The host's network and no process cap only when asked.
	f, rest = parse(t, "--rootfs", dir, "--network", "host", "--pids-limit", "max", "true")
	if s, err = specFrom(f, rest); err != nil || s.Network != "host" || s.Limits.PidsMax != 0 {
		t.Errorf("--network host --pids-limit max: %+v %v", s, err)
	}
}

func TestFlagErrorsNameFlagAndValue(t *testing.T) {
	dir := t.TempDir()
	cases := [][]string{
		{"--memory-limit", "12X"},
		{"--memory-limit", "-1M"},
		{"--cpu-shares", "10001"},
		{"--cpu-shares", "lots"},
		{"--cpus", "0.001"},
		{"--cpus", "4096"},
		{"--pids-limit", "-1"},
		{"--hostname", "no_underscores"},
		{"--network", "bridges"},
		{"--publish", "8080"},
		{"-p", "8080:80/udp"},
		{"--rootfs", dir + "/missing"},
	}
	for _, c := range cases {
		args := append([]string{"--rootfs", dir}, c...)
		f, rest := parse(t, append(args, "true")...)
		_, err := specFrom(f, rest)
		ee, ok := err.(*exitError)
		if !ok || ee.code != 125 {
			t.Errorf("%v: got %v, want exit 125", c, err)
			continue
		}
		if !strings.Contains(ee.msg, c[0]) || !strings.Contains(ee.msg, c[1]) || strings.Contains(ee.msg, "\n") {
			t.Errorf("%v: message %q should name the flag and the value on one line", c, ee.msg)
		}
	}
	f, _ := parse(t, "--rootfs", dir)
	if _, err := specFrom(f, nil); err == nil || !strings.Contains(err.Error(), "no command") {
		t.Errorf("no command: %v", err)
	}
}
