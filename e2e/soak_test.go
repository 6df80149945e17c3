package e2e

import (
	"errors"
	"fmt"
	"os"
	goruntime "runtime"
	"slices"
	"strconv"
	"testing"
	"time"

	"vme50-tui/cgroup"
	"vme50-tui/runtime"
)

// The soak test starts and stops containers in a loop, in this process,
// as the TUI does over a lesson: normal exits, OOM kills, SIGKILLs, bad
// settings and missing commands, with and without a terminal. Afterwards
// nothing may be left on the host (clean), and this process, the parent,
// must hold no more descriptors or goroutines than before: a leak of one
// per container shows as hundreds.
//
// `make test` runs a short soak; `make soak` runs VME50_SOAK_CYCLES=200.

// soakCycles is how many containers the soak starts.
func soakCycles(t *testing.T) int {
	if s := os.Getenv("VME50_SOAK_CYCLES"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			t.Fatalf("VME50_SOAK_CYCLES=%q", s)
		}
		return n
	}
	return 28
}

// soakCase is one way a container's life can go.
type soakCase struct {
	name string
	opts func(o *runtime.Options)
	tty  bool
	// kill kills the container once it runs.
	kill bool
	// check tests the result; errStart, set, means Spec or Start must fail
	// with this exit status.
	errStart int
	check    func(r runtime.Result) error
}

var soakCases = []soakCase{
	{name: "exit 3", opts: func(o *runtime.Options) { o.Args = []string{"/bin/sh", "-c", "exit 3"} },
		check: wantExit(3)},
	{name: "OOM", opts: func(o *runtime.Options) {
		o.MemoryLimit = "16M"
		o.Args = []string{"tail", "/dev/zero"} // keeps every byte, looking for a newline
	}, check: func(r runtime.Result) error {
		if !r.OOMKilled || r.ExitCode != 137 {
			return fmt.Errorf("not OOM-killed: %+v", r)
		}
		return nil
	}},
	{name: "SIGKILL", opts: func(o *runtime.Options) { o.Args = []string{"sleep", "100"} }, kill: true,
		check: wantExit(137)},
	{name: "bad setting", opts: func(o *runtime.Options) {
		o.MemoryLimit = "12X"
		o.Args = []string{"/bin/true"}
	}, errStart: runtime.ExitRuntimeFailed},
	{name: "exit 0 on a terminal", opts: func(o *runtime.Options) {
		o.CPUs, o.PidsLimit = "0.5", "10"
		o.Args = []string{"/bin/sh", "-c", "echo hi"}
	}, tty: true, check: wantExit(0)},
	{name: "command not found", opts: func(o *runtime.Options) { o.Args = []string{"no-such-command"} },
		errStart: runtime.ExitNotFound},
	{name: "userns, no capabilities", opts: func(o *runtime.Options) {
		o.UserNS, o.CapDrop, o.Network = true, []string{"ALL"}, "none"
		o.Args = []string{"/bin/sh", "-c", "exit 5"}
	}, check: wantExit(5)},
}

func wantExit(code int) func(runtime.Result) error {
	return func(r runtime.Result) error {
		if r.ExitCode != code {
			return fmt.Errorf("exit status %d, want %d (%+v)", r.ExitCode, code, r)
		}
		return nil
	}
}

// soakOnce runs one case to its end.
func soakOnce(h *cgroup.Host, sc soakCase) error {
	o := runtime.DefaultOptions()
	o.Rootfs = rootfsOK
	o.Overlay = true
	sc.opts(&o)
	spec, err := o.Spec()
	if err != nil {
		if sc.errStart == runtime.ExitRuntimeFailed {
			return nil
		}
		return err
	}
	spec.Tty = sc.tty
	c, err := runtime.New(h, spec)
	if err != nil {
		return err
	}
	defer c.Close()
	err = c.Start()
	var se *runtime.StartError
	switch {
	case sc.errStart != 0 && errors.As(err, &se) && se.Code == sc.errStart:
		return nil
	case err != nil:
		return err
	case sc.errStart != 0:
		return fmt.Errorf("started, want status %d", sc.errStart)
	}
	if sc.tty {
		// Drain the terminal, as the TUI's pane does, until the container
		// closes its side.
		go func() {
			buf := make([]byte, 1024)
			for {
				if _, err := c.Pty().Read(buf); err != nil {
					return
				}
			}
		}()
	}
	if sc.kill {
		c.Kill()
	}
	return sc.check(c.Wait())
}

// openFDs counts this process's open descriptors.
func openFDs(t *testing.T) int {
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatal(err)
	}
	return len(entries) - 1 // the one ReadDir itself had open
}

func TestSoak(t *testing.T) {
	clean(t)
	h := host(t)
	cycles := soakCycles(t)
	// A first round of every case: the runtime's one-time goroutines and
	// descriptors (signal handling, the os/exec machinery) start here.
	for _, sc := range soakCases {
		if err := soakOnce(h, sc); err != nil {
			t.Fatalf("warm-up, %s: %v", sc.name, err)
		}
	}
	fdsBefore, goBefore := openFDs(t), goruntime.NumGoroutine()
	took := map[string][]time.Duration{}
	start := time.Now()
	for i := range cycles {
		sc := soakCases[i%len(soakCases)]
		t0 := time.Now()
		if err := soakOnce(h, sc); err != nil {
			t.Fatalf("cycle %d, %s: %v", i, sc.name, err)
		}
		took[sc.name] = append(took[sc.name], time.Since(t0))
	}
	elapsed := time.Since(start)
	// Goroutines that end with a container may still be on their way out.
	fdsAfter, goAfter := openFDs(t), goruntime.NumGoroutine()
	for deadline := time.Now().Add(2 * time.Second); time.Now().Before(deadline) && (fdsAfter > fdsBefore || goAfter > goBefore); {
		time.Sleep(50 * time.Millisecond)
		fdsAfter, goAfter = openFDs(t), goruntime.NumGoroutine()
	}
	t.Logf("soak: %d containers in %s; descriptors %d -> %d, goroutines %d -> %d",
		cycles, elapsed.Round(time.Millisecond), fdsBefore, fdsAfter, goBefore, goAfter)
	for _, sc := range soakCases {
		d := took[sc.name]
		if len(d) == 0 {
			continue
		}
		slices.Sort(d)
		t.Logf("  %-22s %3d times, median %s, slowest %s", sc.name, len(d),
			d[len(d)/2].Round(100*time.Microsecond), d[len(d)-1].Round(100*time.Microsecond))
	}
	if fdsAfter > fdsBefore {
		t.Errorf("the parent leaks descriptors: %d before, %d after %d containers", fdsBefore, fdsAfter, cycles)
	}
	if goAfter > goBefore {
		t.Errorf("the parent leaks goroutines: %d before, %d after %d containers", goBefore, goAfter, cycles)
	}
}
