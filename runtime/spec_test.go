package runtime

import (
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
	if ok.Network != NetworkHost {
		t.Errorf("network %q, want host when not given", ok.Network)
	}
	cases := map[string]Spec{
		"no command":         {Rootfs: dir},
		"no rootfs":          {Args: []string{"sh"}},
		"not a directory":    {Rootfs: file, Args: []string{"sh"}},
		"no such file":       {Rootfs: filepath.Join(dir, "nope"), Args: []string{"sh"}},
		"invalid hostname":   {Rootfs: dir, Args: []string{"sh"}, Hostname: "a b"},
		"invalid network":    {Rootfs: dir, Args: []string{"sh"}, Network: "bridge"},
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
		got, err := lookPath("/", c.name, path)
		if se, ok := err.(*StartError); ok {
			got = map[int]string{126: "126", 127: "127"}[se.Code]
			if !strings.Contains(se.Message, c.name) && !strings.Contains(se.Message, filepath.Base(c.name)) {
				t.Errorf("%s: message %q does not name it", c.name, se.Message)
			}
		} else if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if got != c.want {
			t.Errorf("lookPath(%q) = %q, want %q", c.name, got, c.want)
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
