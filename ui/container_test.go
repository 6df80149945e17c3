package ui

import (
	"strings"
	"syscall"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"vme50-tui/cgroup"
	"vme50-tui/runtime"
)

// startFakes is an app's start through startContainer, as in the program,
// with fakes for containers: each start adds one to *made.
func startFakes(t *testing.T, a *App, made *[]*fakeContainer) {
	ids := []string{"f00000000001", "f00000000002", "f00000000003"}
	start := func(s runtime.Spec) (Container, error) {
		f := newFakeContainer(t, ids[len(*made)], s)
		f.setStats(cgroup.Stats{Time: time.Unix(1000, 0)})
		f.setDisk(12<<20, 1<<30)
		*made = append(*made, f)
		return f, nil
	}
	a.start = func(p plan, cols, rows int, replaceID string) tea.Cmd {
		return startContainer(start, a.all, p, cols, rows, replaceID)
	}
}

// startOne starts a container from the prefilled form's values.
func startOne(t *testing.T, a *App) {
	t.Helper()
	o := prefilled(t)
	spec, err := o.Spec()
	if err != nil {
		t.Fatal(err)
	}
	drive(a, a.start(plan{FormValues{Options: o}, spec}, 80, 20, "")())
	t.Cleanup(a.tabs[len(a.tabs)-1].pane.Close)
}

// A container started the way the program starts one shows its terminal
// and readings, and its tab tells how it ended once Wait returned.
func TestStartedContainerEnds(t *testing.T) {
	a, _ := onContainerScreen(t, 160, 40)
	var made []*fakeContainer
	startFakes(t, a, &made)
	startOne(t, a)
	if len(a.tabs) != 1 || len(made) != 1 {
		t.Fatalf("%d tabs, %d containers", len(a.tabs), len(made))
	}
	f := made[0]
	f.program(t, "/ # ")
	eventually(t, "the prompt on screen", func() bool { return strings.Contains(plain(a), "/ # ") })
	if s := plain(a); !strings.Contains(s, "disk 12.0 MiB/1.0 GiB") {
		t.Errorf("no disk reading on screen:\n%s", s)
	}
	if got := f.Spec().Env; len(got) == 0 || got[len(got)-1] != "TERM=xterm-256color" {
		t.Errorf("the container's environment lacks TERM: %q", got)
	}
	f.exit(3)
	deliver(t, a, "the end of the container", func() bool { return a.tabs[0].ended })
	if s := plain(a); !strings.Contains(s, "exited (code 3)") {
		t.Errorf("the tab does not say how it ended:\n%s", s)
	}
}

// Shutdown kills every container started, and waits for each.
func TestShutdownKillsEveryContainer(t *testing.T) {
	a, _ := onContainerScreen(t, 160, 40)
	var made []*fakeContainer
	startFakes(t, a, &made)
	startOne(t, a)
	startOne(t, a)
	a.Shutdown()
	for _, f := range made {
		select {
		case <-f.Done():
		default:
			t.Fatalf("container %s still runs after Shutdown", f.ID())
		}
		if r := f.Wait(); r.Signal != syscall.SIGKILL {
			t.Errorf("container %s ended by %v, not SIGKILL", f.ID(), r.Signal)
		}
	}
}
