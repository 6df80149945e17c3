package runtime

import (
	"errors"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"vme50-tui/cgroup"
)

func TestCloneFlagNames(t *testing.T) {
	got := cloneFlagNames(syscall.CLONE_NEWPID|syscall.CLONE_NEWNS|syscall.CLONE_NEWUTS|syscall.CLONE_NEWIPC|syscall.CLONE_NEWNET, true)
	want := "CLONE_NEWPID|CLONE_NEWNS|CLONE_NEWUTS|CLONE_NEWIPC|CLONE_NEWNET|CLONE_INTO_CGROUP"
	if got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// logTexts is the text of every line of the container's log.
func logTexts(c *Container) []string {
	var texts []string
	for _, e := range c.Log() {
		texts = append(texts, e.Text)
	}
	return texts
}

// A change to a file of the container's own cgroup is logged by the
// file's name; anything else by its whole path. The host's own tracer is
// still told.
func TestCgroupChangesLogged(t *testing.T) {
	var told []string
	var onLog []LogEntry
	host := &cgroup.Host{Trace: func(op, path, value string) { told = append(told, op+" "+path) }}
	c := &Container{id: "3f2a9c1d0b2e", klog: kernelLog{onLog: func(e LogEntry) { onLog = append(onLog, e) }}}
	traced := c.tracedHost(host)
	traced.Trace("mkdir", "/sys/fs/cgroup/vme50/3f2a9c1d0b2e", "")
	traced.Trace("write", "/sys/fs/cgroup/vme50/cgroup.subtree_control", "+cpu")
	traced.Trace("write", "/sys/fs/cgroup/vme50/3f2a9c1d0b2e/memory.max", "67108864")
	traced.Trace("rmdir", "/sys/fs/cgroup/vme50/3f2a9c1d0b2e", "")
	want := []string{
		"mkdir /sys/fs/cgroup/vme50/3f2a9c1d0b2e",
		"/sys/fs/cgroup/vme50/cgroup.subtree_control <- +cpu",
		"memory.max <- 67108864",
		"rmdir /sys/fs/cgroup/vme50/3f2a9c1d0b2e",
	}
	if got := logTexts(c); !slices.Equal(got, want) {
		t.Errorf("log:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if len(told) != 4 {
		t.Errorf("the host's own tracer was told %d changes, want 4", len(told))
	}
	if len(onLog) != 4 || onLog[2].From != FromParent {
		t.Errorf("OnLog told %v", onLog)
	}
}

// Init's steps arrive as JSON lines on the status pipe, then EOF (the exec
// worked) or its StartError.
func TestReadStatus(t *testing.T) {
	c := &Container{id: "x"}
	err := readStatus(strings.NewReader(`{"step":"mount -t proc proc /r/proc"}`+"\n"+`{"step":"execve /bin/true"}`+"\n"), c.logInit)
	if err != nil {
		t.Fatal(err)
	}
	if got := logTexts(c); !slices.Equal(got, []string{"mount -t proc proc /r/proc", "execve /bin/true"}) {
		t.Errorf("log %q", got)
	}
	if c.Log()[0].From != FromInit {
		t.Errorf("from %q", c.Log()[0].From)
	}

	err = readStatus(strings.NewReader(`{"step":"execve /x"}`+"\n"+`{"code":127,"message":"x: command not found"}`+"\n"), c.logInit)
	var se *StartError
	if !errors.As(err, &se) || se.Code != 127 || se.Message != "x: command not found" {
		t.Errorf("err %#v", err)
	}
	err = readStatus(strings.NewReader("panic: something\n"), c.logInit)
	if !errors.As(err, &se) || se.Code != ExitRuntimeFailed || !strings.Contains(se.Message, "panic: something") {
		t.Errorf("garbage: %#v", err)
	}
}

func TestFindCommandHog(t *testing.T) {
	withLoader(t, "") // a static vme50-tui, as make builds it (hogcheck.go)
	root := t.TempDir()
	for _, name := range []string{"vme50-hog", HogPath} {
		if err := FindCommand(root, name); err != nil {
			t.Errorf("FindCommand(%q) = %v: vme50-hog is in every container", name, err)
		}
	}
	if !strings.HasSuffix(DefaultPath, ":"+HogDir) {
		t.Errorf("PATH %s does not end with %s", DefaultPath, HogDir)
	}
}

// fakeLeaf is a cgroup whose readings a test sets.
type fakeLeaf struct {
	cgroup.Manager // only Stats and Files are used
	readings       chan cgroup.Stats
}

func (f *fakeLeaf) Stats() (cgroup.Stats, error) {
	select {
	case st := <-f.readings:
		return st, nil
	default:
		return cgroup.Stats{}, errors.New("no reading")
	}
}

func (f *fakeLeaf) Files() cgroup.Files { return cgroup.Files{MemoryEvents: "memory.events"} }

// The sampler hands on every reading once, in order, the final one last,
// and the kernel log shows the OOM kill that a reading reveals.
func TestSample(t *testing.T) {
	leaf := &fakeLeaf{readings: make(chan cgroup.Stats, 10)}
	c := &Container{id: "x", cg: leaf, done: make(chan struct{})}
	t0 := time.Now()
	at := func(ms int, oomKills uint64) cgroup.Stats {
		return cgroup.Stats{Time: t0.Add(time.Duration(ms) * time.Millisecond),
			Memory: cgroup.MemoryStats{Events: cgroup.MemoryEvents{OOMKill: oomKills}}}
	}
	leaf.readings <- at(1, 0)
	leaf.readings <- at(2, 1)
	var got []cgroup.Stats
	finished := c.Sample(5*time.Millisecond, func(st cgroup.Stats) { got = append(got, st) })
	time.Sleep(50 * time.Millisecond) // two readings, then failed ones
	c.result = Result{Stats: at(3, 1)}
	close(c.done)
	select {
	case <-finished:
	case <-time.After(2 * time.Second):
		t.Fatal("the sampler did not stop at the container's end")
	}
	if len(got) != 3 || !got[0].Time.Equal(at(1, 0).Time) || !got[2].Time.Equal(at(3, 1).Time) {
		t.Errorf("readings %v", got)
	}
	if log := logTexts(c); !slices.Equal(log, []string{"memory.events oom_kill 0 -> 1"}) {
		t.Errorf("log %q", log)
	}
}

// Init's steps reach the parent together, before the exec; each keeps the
// time init made it.
func TestInitStepsKeepTheirTime(t *testing.T) {
	c := &Container{}
	err := readStatus(strings.NewReader(`{"step":"mount -t proc proc /proc","time":1000000}`+"\n"+
		`{"step":"pivot_root . .","time":3000000}`+"\n"), c.logInit)
	if err != nil {
		t.Fatal(err)
	}
	got := c.Log()
	if len(got) != 2 || got[0].From != FromInit || !got[0].Time.Equal(time.Unix(0, 1000000)) ||
		!got[1].Time.Equal(time.Unix(0, 3000000)) || got[1].Text != "pivot_root . ." {
		t.Errorf("%+v", got)
	}
}

// Init's hold before its exec (Config.HoldExec) is a step, not an error,
// and reaches the parent's handler, which lowers pids.max then.
func TestReadStatusHold(t *testing.T) {
	var held []statusMessage
	err := readStatus(strings.NewReader(`{"step":"execve /bin/true"}`+"\n"+`{"step":"# waits","hold":true}`+"\n"),
		func(m statusMessage) {
			if m.Hold {
				held = append(held, m)
			}
		})
	if err != nil || len(held) != 1 {
		t.Errorf("readStatus: %v, holds seen %v", err, held)
	}
}
