package runtime

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"vme50-tui/cgroup"
)

// tempStateDir points StateDir at a fresh directory for one test.
func tempStateDir(t *testing.T) {
	old := StateDir
	StateDir = filepath.Join(t.TempDir(), "containers")
	if err := os.Mkdir(StateDir, 0o700); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { StateDir = old })
}

// fakeState makes a state directory as makeStateDir does, owned by owner
// ("PID STARTTIME"), describing a container with hostname.
func fakeState(t *testing.T, id, owner, hostname string) {
	t.Helper()
	dir := filepath.Join(StateDir, id)
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, ownerFile), []byte(owner+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := writeMeta(dir, Meta{ID: id, Hostname: hostname, Args: []string{"sh"}}); err != nil {
		t.Fatal(err)
	}
}

// us is this test process as an owner: alive.
func us(t *testing.T) string {
	t.Helper()
	id, err := processIdentity(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	return id
}

const deadOwner = "999999999 1" // above pid_max: no such process

func TestFind(t *testing.T) {
	tempStateDir(t)
	fakeState(t, "ab12cd34ef56", us(t), "web")
	fakeState(t, "ab99aa001122", us(t), "db")
	fakeState(t, "c0ffee000001", us(t), "ab12cd34ef56") // a hostname that is another's id
	fakeState(t, "d0d0d0d0d0d0", us(t), "twin")
	fakeState(t, "e0e0e0e0e0e0", us(t), "twin")
	fakeState(t, "dead00000001", deadOwner, "ghost")
	os.Mkdir(filepath.Join(StateDir, tmpPrefix+"123"), 0o700) // still being made

	for name, want := range map[string]string{
		"ab12cd34ef56": "ab12cd34ef56", // a full id before a hostname
		"ab12":         "ab12cd34ef56",
		"c0":           "c0ffee000001",
		"db":           "ab99aa001122",
		"web":          "ab12cd34ef56",
	} {
		f, err := Find(name)
		if err != nil || f.ID != want {
			t.Errorf("Find(%q) = %s, %v; want %s", name, f.ID, err, want)
		}
	}
	for _, name := range []string{"", "zz", "dead00000001", "dead", "ghost", tmpPrefix + "123", "."} {
		var nf *NotFoundError
		if _, err := Find(name); !errors.As(err, &nf) {
			t.Errorf("Find(%q): err = %v, want not found", name, err)
		}
	}
	for name, ids := range map[string][]string{
		"ab":   {"ab12cd34ef56", "ab99aa001122"},
		"twin": {"d0d0d0d0d0d0", "e0e0e0e0e0e0"},
	} {
		_, err := Find(name)
		var amb *AmbiguousError
		if !errors.As(err, &amb) || len(amb.Candidates) != 2 {
			t.Errorf("Find(%q): err = %v, want ambiguous", name, err)
			continue
		}
		for _, id := range ids {
			if !strings.Contains(err.Error(), id) {
				t.Errorf("Find(%q): %q does not list %s", name, err, id)
			}
		}
	}
}

func TestFindWithoutStateDir(t *testing.T) {
	old := StateDir
	StateDir = filepath.Join(t.TempDir(), "never-made")
	defer func() { StateDir = old }()
	var nf *NotFoundError
	if _, err := Find("ab12"); !errors.As(err, &nf) {
		t.Errorf("err = %v, want not found", err)
	}
}

// A container's state directory describes it from the start: other
// vme50-tui processes find it by its hostname.
func TestStateDirDescribesContainer(t *testing.T) {
	tempStateDir(t)
	lim := cgroup.Limits{MemoryMax: 64 << 20, PidsMax: 40}
	c, err := New(cgroup.NewHost(cgroup.V2, t.TempDir(), nil),
		Spec{Rootfs: t.TempDir(), Args: []string{"/bin/sh", "-c", "sleep 9"}, Hostname: "web", Limits: lim})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.makeStateDir(); err != nil {
		t.Fatal(err)
	}
	f, err := Find("web")
	if err != nil {
		t.Fatal(err)
	}
	if f.ID != c.ID() || f.Hostname != "web" || !reflect.DeepEqual(f.Args, []string{"/bin/sh", "-c", "sleep 9"}) ||
		f.Limits != lim || f.Created.IsZero() {
		t.Errorf("found %+v", f.Meta)
	}
	info, err := os.Stat(filepath.Join(StateDir, c.ID(), metaFile))
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("%s: %v, mode %v; want root's alone", metaFile, err, info.Mode())
	}
}

// fakeRunning is a running container (owned by this process) with a fake
// v2 leaf, found as update finds it.
func fakeRunning(t *testing.T, files map[string]string) (*cgroup.Host, Found, string) {
	t.Helper()
	tempStateDir(t)
	fakeState(t, "ab12cd34ef56", us(t), "web")
	h := cgroup.NewHost(cgroup.V2, t.TempDir(), nil)
	leaf := filepath.Join(h.Root, cgroup.Parent, "ab12cd34ef56")
	if err := os.MkdirAll(leaf, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, content := range files {
		os.WriteFile(filepath.Join(leaf, name), []byte(content), 0o644)
	}
	f, err := Find("web")
	if err != nil {
		t.Fatal(err)
	}
	return h, f, leaf
}

func TestUpdateFound(t *testing.T) {
	h, f, leaf := fakeRunning(t, map[string]string{"memory.max": "max\n", "pids.max": "max\n"})
	var trace []string
	err := f.Update(h, cgroup.Limits{MemoryMax: 64 << 20, PidsMax: cgroup.Unlimited}, func(s string) { trace = append(trace, s) })
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"memory.max <- 67108864", "pids.max <- max"}; !reflect.DeepEqual(trace, want) {
		t.Errorf("traced %q, want %q", trace, want)
	}
	if data, _ := os.ReadFile(filepath.Join(leaf, "memory.max")); string(data) != "67108864" {
		t.Errorf("memory.max = %q", data)
	}
	// A file the kernel does not have: the error names the container and
	// the file, and it is not taken for an end.
	err = f.Update(h, cgroup.Limits{CPUWeight: 300}, nil)
	var ended *EndedError
	if err == nil || errors.As(err, &ended) || !strings.Contains(err.Error(), "container ab12cd34ef56: write 300 to "+leaf+"/cpu.weight") {
		t.Errorf("err = %v", err)
	}
}

// A container that ended after it was found gets no write: not in its
// removed cgroup, not in one a new container of the same name holds.
func TestUpdateFoundEnded(t *testing.T) {
	for what, end := range map[string]func(t *testing.T, leaf string){
		"state removed": func(t *testing.T, leaf string) {
			os.RemoveAll(filepath.Join(StateDir, "ab12cd34ef56"))
		},
		"owner died": func(t *testing.T, leaf string) {
			os.WriteFile(filepath.Join(StateDir, "ab12cd34ef56", ownerFile), []byte(deadOwner+"\n"), 0o600)
		},
		"another owner took the id": func(t *testing.T, leaf string) {
			other, err := processIdentity(os.Getppid())
			if err != nil {
				t.Fatal(err)
			}
			os.WriteFile(filepath.Join(StateDir, "ab12cd34ef56", ownerFile), []byte(other+"\n"), 0o600)
		},
		"cgroup removed first": func(t *testing.T, leaf string) {
			os.RemoveAll(leaf)
		},
	} {
		h, f, leaf := fakeRunning(t, map[string]string{"memory.max": "max\n"})
		end(t, leaf)
		err := f.Update(h, cgroup.Limits{MemoryMax: 64 << 20}, nil)
		var ended *EndedError
		if !errors.As(err, &ended) || err.Error() != "container ab12cd34ef56 has ended" {
			t.Errorf("%s: err = %v, want ended", what, err)
		}
		if data, _ := os.ReadFile(filepath.Join(leaf, "memory.max")); len(data) > 0 && string(data) != "max\n" {
			t.Errorf("%s: memory.max written: %q", what, data)
		}
	}
}
