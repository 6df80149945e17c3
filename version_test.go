package main

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"vme50-tui/cgroup"
	"vme50-tui/internal/mountinfo"
)

func TestBuildVersionFromLdflags(t *testing.T) {
	defer func(v, c string) { version, commit = v, c }(version, commit)
	version, commit = "v1.2.0-3-gabc1234-dirty", "abc1234def"
	b := buildVersion()
	if b.Version != "v1.2.0-3-gabc1234-dirty" || b.Commit != "abc1234def" {
		t.Errorf("buildVersion = %+v, want the -X values", b)
	}
	if !strings.HasPrefix(b.Go, "go1.") || !strings.Contains(b.Go, "/") {
		t.Errorf("Go = %q, want go1.N os/arch", b.Go)
	}
}

func TestBuildVersionWithoutLdflags(t *testing.T) {
	defer func(v, c string) { version, commit = v, c }(version, commit)
	version, commit = "", ""
	b := buildVersion()
	// A test binary has no vcs stamp and its main module is (devel).
	if b.Version == "" || b.Commit == "" {
		t.Errorf("buildVersion = %+v: every field must say something", b)
	}
}

func TestWriteVersion(t *testing.T) {
	var out bytes.Buffer
	writeVersion(&out, buildInfo{Version: "v1.0.0", Commit: "abc", Go: "go1.26.8 linux/amd64"},
		[]string{"v2 (unified) at /sys/fs/cgroup", "controllers: cpu memory pids"})
	want := `vme50-tui v1.0.0
commit:   abc
go:       go1.26.8 linux/amd64
cgroup:   v2 (unified) at /sys/fs/cgroup
          controllers: cpu memory pids
`
	if out.String() != want {
		t.Errorf("got\n%s\nwant\n%s", out.String(), want)
	}
}

func TestCgroupLayout(t *testing.T) {
	v1 := cgroup.NewHost(cgroup.V1, "", map[string]string{
		"memory": "/sys/fs/cgroup/memory", "cpu": "/sys/fs/cgroup/cpu,cpuacct",
		"cpuacct": "/sys/fs/cgroup/cpu,cpuacct", "pids": "/sys/fs/cgroup/pids"})
	hybrid := []mountinfo.Mount{
		{MountPoint: "/sys/fs/cgroup", FSType: "tmpfs"},
		{MountPoint: "/sys/fs/cgroup/unified", FSType: "cgroup2"},
	}
	for _, tc := range []struct {
		name   string
		host   *cgroup.Host
		err    error
		mounts []mountinfo.Mount
		ctrl   string
		want   []string
	}{
		{"v2", cgroup.NewHost(cgroup.V2, "/sys/fs/cgroup", nil), nil, nil, "cpuset cpu io memory pids",
			[]string{"v2 (unified) at /sys/fs/cgroup", "controllers: cpuset cpu io memory pids",
				"containers in /sys/fs/cgroup/vme50/<id>"}},
		{"v2 unreadable", cgroup.NewHost(cgroup.V2, "/sys/fs/cgroup", nil), nil, nil, "",
			[]string{"v2 (unified) at /sys/fs/cgroup", "controllers: (cgroup.controllers not readable)",
				"containers in /sys/fs/cgroup/vme50/<id>"}},
		{"v1 co-mounted", v1, nil, hybrid[:1], "",
			[]string{"v1",
				"memory       /sys/fs/cgroup/memory",
				"cpu,cpuacct  /sys/fs/cgroup/cpu,cpuacct",
				"pids         /sys/fs/cgroup/pids",
				"containers in <hierarchy>/vme50/<id>"}},
		{"hybrid", v1, nil, hybrid, "",
			[]string{"v1, hybrid (cgroup2 also at /sys/fs/cgroup/unified; vme50 uses the v1 hierarchies)",
				"memory       /sys/fs/cgroup/memory",
				"cpu,cpuacct  /sys/fs/cgroup/cpu,cpuacct",
				"pids         /sys/fs/cgroup/pids",
				"containers in <hierarchy>/vme50/<id>"}},
		{"no sys", nil, errors.New("cgroup: statfs /sys/fs/cgroup: permission denied"), nil, "",
			[]string{"unknown: cgroup: statfs /sys/fs/cgroup: permission denied (needs /sys/fs/cgroup and /proc/self/mountinfo readable)"}},
	} {
		got := cgroupLayout(tc.host, tc.err, tc.mounts, tc.ctrl)
		if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
			t.Errorf("%s:\ngot  %q\nwant %q", tc.name, got, tc.want)
		}
	}
}

// execute runs the CLI as vme50-tui ARGS and returns what it printed.
func execute(t *testing.T, args ...string) string {
	t.Helper()
	root := newRootCommand()
	var out bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&out)
	root.SetArgs(args)
	if err := root.Execute(); err != nil {
		t.Fatalf("vme50-tui %s: %v\n%s", strings.Join(args, " "), err, out.String())
	}
	return out.String()
}

func TestVersionCommandAndFlag(t *testing.T) {
	defer func(v, c string) { version, commit = v, c }(version, commit)
	version, commit = "v9.9.9", "0123456789abcdef"
	cmd, flag, short := execute(t, "version"), execute(t, "--version"), execute(t, "-v")
	if cmd != flag || cmd != short {
		t.Errorf("version, --version and -v differ:\n%s\n%s\n%s", cmd, flag, short)
	}
	for _, want := range []string{"vme50-tui v9.9.9\n", "commit:   0123456789abcdef\n", "go:       go1.", "cgroup:   "} {
		if !strings.Contains(cmd, want) {
			t.Errorf("version output lacks %q:\n%s", want, cmd)
		}
	}
}

func TestCompletionScripts(t *testing.T) {
	for shell, want := range map[string]string{
		"bash": "complete -o default -F __start_vme50-tui vme50-tui",
		"zsh":  "#compdef vme50-tui",
		"fish": "complete -c vme50-tui",
	} {
		if out := execute(t, "completion", shell); !strings.Contains(out, want) {
			t.Errorf("completion %s lacks %q", shell, want)
		}
	}
	// What the scripts offer after "vme50-tui ": the commands a person
	// types, never the hidden ones (the re-exec'd init, exec's helper, hog).
	words := execute(t, "__complete", "")
	for _, want := range []string{"run\t", "version\t", "completion\t", "rootfs\t", "ps\t"} {
		if !strings.Contains(words, want) {
			t.Errorf("completion of the first word lacks %q:\n%s", want, words)
		}
	}
	for _, hidden := range []string{"init", "exec-init", "hog"} {
		for _, line := range strings.Split(words, "\n") {
			if strings.HasPrefix(line, hidden+"\t") || line == hidden {
				t.Errorf("completion offers the hidden command %q", hidden)
			}
		}
	}
}
