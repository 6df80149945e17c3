package runtime

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"vme50-tui/cgroup"
)

// A dead owner's container is swept; a live owner's is left alone.
func TestSweep(t *testing.T) {
	old := StateDir
	StateDir = t.TempDir()
	defer func() { StateDir = old }()

	root := t.TempDir()
	host := cgroup.NewHost(cgroup.V2, root, nil)

	deadID := "999999999 1" // above pid_max: no such process
	liveID, err := processIdentity(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	mk := func(id, owner string) {
		os.MkdirAll(filepath.Join(StateDir, id, "upper"), 0o700)
		if owner != "" {
			os.WriteFile(filepath.Join(StateDir, id, ownerFile), []byte(owner+"\n"), 0o600)
		}
		os.MkdirAll(filepath.Join(root, cgroup.Parent, id), 0o755)
	}
	mk("dead", deadID)
	mk("live", liveID)
	mk("noowner", "")
	// A cgroup with no state directory: its owner died while removing it.
	os.MkdirAll(filepath.Join(root, cgroup.Parent, "orphan"), 0o755)

	if err := Sweep(host); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"dead", "noowner", "orphan"} {
		if _, err := os.Stat(filepath.Join(StateDir, id)); err == nil {
			t.Errorf("state of %s was not swept", id)
		}
		if _, err := os.Stat(filepath.Join(root, cgroup.Parent, id)); err == nil {
			t.Errorf("cgroup of %s was not swept", id)
		}
	}
	if _, err := os.Stat(filepath.Join(StateDir, "live", ownerFile)); err != nil {
		t.Error("a live owner's state was swept")
	}
	if _, err := os.Stat(filepath.Join(root, cgroup.Parent, "live")); err != nil {
		t.Error("a live owner's cgroup was swept")
	}
}

func TestProcessIdentity(t *testing.T) {
	a, err := processIdentity(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	b, _ := processIdentity(os.Getpid())
	if a != b || a == "" {
		t.Errorf("identity not stable: %q %q", a, b)
	}
	c := exec.Command("sleep", "10")
	c.Start()
	defer c.Process.Kill()
	other, _ := processIdentity(c.Process.Pid)
	if other == a {
		t.Error("two processes share an identity")
	}
	// A reused pid: our pid, but another start time, is not our owner.
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, ownerFile), []byte(fmt.Sprintf("%d 1\n", os.Getpid())), 0o600)
	if ownerAlive(dir) {
		t.Error("an owner with our pid but another start time counts as alive")
	}
	os.WriteFile(filepath.Join(dir, ownerFile), []byte(a+"\n"), 0o600)
	if !ownerAlive(dir) {
		t.Error("we are not our own owner")
	}
}
