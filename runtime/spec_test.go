package runtime

import (
	"vme50-tui/runtime/initproc"

	"os"
	"path/filepath"
	"strings"
	"testing"

	"vme50-tui/cgroup"
)

func TestValidateHostname(t *testing.T) {
	good := []string{"", "a", "my-container", "box1.example.org", "A0", strings.Repeat("a", 63),
		strings.Repeat("a", 30) + "." + strings.Repeat("b", 33)}
	bad := []string{"-a", "a-", "a_b", "bad name", "a..b", ".a", "a.", "ü", strings.Repeat("a", 64) + "b",
		strings.Repeat("a", 64),                                 // one label longer than 63
		strings.Repeat("a", 32) + "." + strings.Repeat("b", 32)} // 65 in all
	for _, h := range good {
		if err := ValidateHostname(h); err != nil {
			t.Errorf("ValidateHostname(%q) = %v, want ok", h, err)
		}
	}
	for _, h := range bad {
		err := ValidateHostname(h)
		if err == nil {
			t.Errorf("ValidateHostname(%q) accepted", h)
		} else if !strings.Contains(err.Error(), h) {
			t.Errorf("error %q does not name the value", err)
		}
	}
}

func FuzzValidateHostname(f *testing.F) {
	for _, s := range []string{"my-container", "a.b", "-x", "x_y", "", "a..b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if ValidateHostname(s) != nil || s == "" {
			return
		}
		// Whatever is accepted, sethostname takes: at most 64 bytes of
		// letters, digits, '-' and '.'.
		if len(s) > 64 || strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.") != "" {
			t.Fatalf("accepted %q", s)
		}
	})
}

func TestSpecValidate(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	os.WriteFile(file, nil, 0o644)
	ok := Spec{Rootfs: dir, Args: []string{"/bin/sh"}}
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
	if ok.Network != NetworkBridge {
		t.Errorf("network %q, want bridge when not given", ok.Network)
	}
	cases := map[string]Spec{
		"no command":         {Rootfs: dir},
		"no rootfs":          {Args: []string{"sh"}},
		"not a directory":    {Rootfs: file, Args: []string{"sh"}},
		"no such file":       {Rootfs: filepath.Join(dir, "nope"), Args: []string{"sh"}},
		"invalid hostname":   {Rootfs: dir, Args: []string{"sh"}, Hostname: "a b"},
		"invalid network":    {Rootfs: dir, Args: []string{"sh"}, Network: "bridges"},
		"ports published":    {Rootfs: dir, Args: []string{"sh"}, Network: NetworkNone, Ports: []PortMapping{{8080, 80}}},
		"invalid cpu weight": {Rootfs: dir, Args: []string{"sh"}, Limits: cgroup.Limits{CPUWeight: 10001}},
	}
	for want, s := range cases {
		err := s.Validate()
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: got %v", want, err)
		}
	}
}

func TestLookPath(t *testing.T) {
	dir := t.TempDir()
	for name, mode := range map[string]os.FileMode{"a/prog": 0o755, "b/prog": 0o755, "a/data": 0o644, "b/data2": 0o644} {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte("#!/bin/sh\n"), mode)
	}
	os.Mkdir(filepath.Join(dir, "a/sub"), 0o755)
	path := filepath.Join(dir, "a") + ":" + filepath.Join(dir, "b")
	cases := []struct {
		name string
		want string // a path, or the exit code as text
	}{
		{"prog", filepath.Join(dir, "a/prog")}, // the first PATH entry wins
		{filepath.Join(dir, "b/prog"), filepath.Join(dir, "b/prog")},
		{"data", "126"}, // found, not executable
		{"sub", "126"},  // a directory
		{"nope", "127"}, // nowhere
		{"/nope/x", "127"},
		{filepath.Join(dir, "a/data"), "126"},
	}
	for _, c := range cases {
		got, err := initproc.LookPath("/", c.name, path)
		if se, ok := err.(*StartError); ok {
			got = map[int]string{126: "126", 127: "127"}[se.Code]
			if !strings.Contains(se.Message, c.name) && !strings.Contains(se.Message, filepath.Base(c.name)) {
				t.Errorf("%s: message %q does not name it", c.name, se.Message)
			}
		} else if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if got != c.want {
			t.Errorf("initproc.LookPath(%q) = %q, want %q", c.name, got, c.want)
		}
	}
}

func TestMergeEnv(t *testing.T) {
	got := mergeEnv([]string{"PATH=/bin", "TERM=dumb"}, []string{"TERM=xterm", "LANG=C"})
	want := "PATH=/bin TERM=xterm LANG=C"
	if strings.Join(got, " ") != want {
		t.Errorf("got %v, want %s", got, want)
	}
}

func TestFindCommand(t *testing.T) {
	root := t.TempDir()
	os.MkdirAll(filepath.Join(root, "bin"), 0o755)
	os.WriteFile(filepath.Join(root, "bin/sh"), nil, 0o755)
	if err := FindCommand(root, "sh"); err != nil {
		t.Errorf("sh in rootfs/bin: %v", err)
	}
	if err := FindCommand(root, "/bin/sh"); err != nil {
		t.Errorf("/bin/sh: %v", err)
	}
	// The host has a /bin/true; the rootfs does not.
	if err := FindCommand(root, "true"); err == nil {
		t.Error("found the host's true in the rootfs")
	}
}

// A new container's defaults: a network namespace of its own, and a cap
// on its processes; the host's network and no cap only when asked.
func TestDefaultOptions(t *testing.T) {
	o := DefaultOptions()
	o.Rootfs, o.Args = t.TempDir(), []string{"sh"}
	s, err := o.Spec()
	if err != nil {
		t.Fatal(err)
	}
	if o.Network != "bridge" || s.Network != NetworkBridge {
		t.Errorf("default network %q -> %q, want bridge", o.Network, s.Network)
	}
	if o.PidsLimit != "1024" || s.Limits.PidsMax != DefaultPidsLimit || DefaultPidsLimit != 1024 {
		t.Errorf("default pids limit %q -> %d, want 1024", o.PidsLimit, s.Limits.PidsMax)
	}
	// Options typed empty (a program's, not the form's) mean the same.
	o.Network, o.PidsLimit = "", ""
	if s, err = o.Spec(); err != nil || s.Network != NetworkBridge || s.Limits.PidsMax != 1024 {
		t.Errorf("empty options: network %q pids %d %v", s.Network, s.Limits.PidsMax, err)
	}
	o.Network, o.PidsLimit = "host", "max"
	if s, err = o.Spec(); err != nil || s.Network != NetworkHost || s.Limits.PidsMax != 0 {
		t.Errorf("host, max: network %q pids %d %v", s.Network, s.Limits.PidsMax, err)
	}
}

func TestParsePidsLimit(t *testing.T) {
	for in, want := range map[string]uint64{"": 1024, " ": 1024, "0": 0, "max": 0, " MAX ": 0, "1": 1, "30": 30, "2147483647": 1<<31 - 1} {
		if got, err := ParsePidsLimit(in); err != nil || got != want {
			t.Errorf("ParsePidsLimit(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"-1", "maxi", "lots", "1.5", "2147483648", "none"} {
		if _, err := ParsePidsLimit(in); err == nil || !strings.Contains(err.Error(), "max or 0") {
			t.Errorf("ParsePidsLimit(%q): %v", in, err)
		}
	}
}

func TestParseNetwork(t *testing.T) {
	for in, want := range map[string]Network{"": NetworkBridge, "none": NetworkNone, " none ": NetworkNone, "host": NetworkHost,
		"bridge": NetworkBridge} {
		if got, err := ParseNetwork(in); err != nil || got != want {
			t.Errorf("ParseNetwork(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"bridges", "HOST", "hosts"} {
		if _, err := ParseNetwork(in); err == nil {
			t.Errorf("ParseNetwork(%q) accepted", in)
		}
	}
}
