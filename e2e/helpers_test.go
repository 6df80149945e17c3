package e2e

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"vme50-tui/cgroup"
	"vme50-tui/hog"
	"vme50-tui/internal/mountinfo"
	"vme50-tui/runtime"
)

// result is one finished vme50-tui command.
type result struct {
	stdout, stderr string
	code           int
}

// vme50 runs the binary with args and returns what it printed and its exit
// status. It fails the test if the binary hangs.
func vme50(t *testing.T, args ...string) result {
	t.Helper()
	cmd := vme50Cmd(t, args...)
	return finish(t, cmd, cmd.Run())
}

func vme50Cmd(t *testing.T, args ...string) *exec.Cmd {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Stdout, cmd.Stderr = new(bytes.Buffer), new(bytes.Buffer)
	return cmd
}

func finish(t *testing.T, cmd *exec.Cmd, err error) result {
	t.Helper()
	r := result{
		stdout: cmd.Stdout.(*bytes.Buffer).String(),
		stderr: cmd.Stderr.(*bytes.Buffer).String(),
	}
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		r.code = ee.ExitCode()
		if r.code == -1 {
			t.Fatalf("%v: %v\nstderr: %s", cmd.Args, err, r.stderr)
		}
	default:
		t.Fatalf("%v: %v", cmd.Args, err)
	}
	return r
}

// run starts a container on the test rootfs: flags, then the command.
func run(t *testing.T, args ...string) result {
	t.Helper()
	return vme50(t, append([]string{"run", "--rootfs", rootfsOK}, args...)...)
}

func wantCode(t *testing.T, r result, code int) {
	t.Helper()
	if r.code != code {
		t.Fatalf("exit status %d, want %d\nstdout: %s\nstderr: %s", r.code, code, r.stdout, r.stderr)
	}
}

// host is the machine's cgroup layout, found the same way vme50-tui does,
// once: the polling loops ask for it every few milliseconds.
func host(t *testing.T) *cgroup.Host {
	t.Helper()
	h, err := detectOnce()
	if err != nil {
		t.Fatal(err)
	}
	return h
}

var detectOnce = sync.OnceValues(cgroup.Detect)

// leafDirs are the vme50 leaf directories present now, in every hierarchy.
func leafDirs(t *testing.T) []string {
	t.Helper()
	h := host(t)
	parents := []string{filepath.Join(h.Root, cgroup.Parent)}
	if h.Version == cgroup.V1 {
		parents = parents[:0]
		for _, root := range h.V1Roots {
			parents = append(parents, filepath.Join(root, cgroup.Parent))
		}
	}
	var dirs []string
	for _, p := range parents {
		entries, _ := os.ReadDir(p)
		for _, e := range entries {
			if e.IsDir() {
				dirs = append(dirs, filepath.Join(p, e.Name()))
			}
		}
	}
	slices.Sort(dirs)
	return slices.Compact(dirs)
}

// snapshot is what a container could leave behind on the host.
type snapshot struct {
	leaves    []string // cgroup leaves under vme50
	stateDirs []string // runtime.StateDir entries
	mounts    []string // mount points of this mount namespace
	pidNS     []string // PID namespaces other than ours that hold a process
}

func takeSnapshot(t *testing.T) snapshot {
	t.Helper()
	var s snapshot
	s.leaves = leafDirs(t)
	entries, _ := os.ReadDir(runtime.StateDir)
	for _, e := range entries {
		s.stateDirs = append(s.stateDirs, e.Name())
	}
	mounts, err := mountinfo.Self()
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range mounts {
		s.mounts = append(s.mounts, m.MountPoint)
	}
	slices.Sort(s.mounts)
	s.pidNS = foreignPidNamespaces()
	return s
}

func foreignPidNamespaces() []string {
	ours, _ := os.Readlink("/proc/self/ns/pid")
	procs, _ := os.ReadDir("/proc")
	var out []string
	for _, p := range procs {
		if _, err := strconv.Atoi(p.Name()); err != nil {
			continue
		}
		ns, err := os.Readlink(filepath.Join("/proc", p.Name(), "ns/pid"))
		if err == nil && ns != ours {
			out = append(out, ns)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// noLeftovers checks, within a couple of seconds, that the host is as it
// was at before: no cgroups, state, mounts or processes of a container.
func noLeftovers(t *testing.T, before snapshot) {
	t.Helper()
	var after snapshot
	for deadline := time.Now().Add(3 * time.Second); ; {
		after = takeSnapshot(t)
		if slices.Equal(before.leaves, after.leaves) && slices.Equal(before.stateDirs, after.stateDirs) &&
			slices.Equal(before.mounts, after.mounts) && slices.Equal(before.pidNS, after.pidNS) {
			return
		}
		if time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Errorf("left behind:\n cgroups %v -> %v\n state %v -> %v\n mounts %d -> %d (%v)\n pid namespaces %v -> %v",
		before.leaves, after.leaves, before.stateDirs, after.stateDirs,
		len(before.mounts), len(after.mounts), diff(before.mounts, after.mounts), before.pidNS, after.pidNS)
}

func diff(a, b []string) []string {
	var out []string
	for _, x := range b {
		if !slices.Contains(a, x) {
			out = append(out, "+"+x)
		}
	}
	for _, x := range a {
		if !slices.Contains(b, x) {
			out = append(out, "-"+x)
		}
	}
	return out
}

// clean runs a test body and then checks that it left nothing behind.
func clean(t *testing.T) {
	t.Helper()
	needKernel(t)
	before := takeSnapshot(t)
	t.Cleanup(func() { noLeftovers(t, before) })
}

// startContainer starts `run` in the background and waits until its
// container's cgroup appears with the command running in it; it returns
// the command and the leaf's id.
func startContainer(t *testing.T, args ...string) (*exec.Cmd, string) {
	t.Helper()
	before := leafDirs(t)
	cmd := vme50Cmd(t, append([]string{"run", "--rootfs", rootfsOK}, args...)...)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			cmd.Wait()
		}
	})
	return cmd, waitNewLeaf(t, before)
}

// waitNewLeaf waits for a cgroup leaf that was not there before, with the
// container's command running in it (not vme50's init, still setting up),
// and returns its id.
func waitNewLeaf(t *testing.T, before []string) string {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		for _, d := range leafDirs(t) {
			if !slices.Contains(before, d) && commandRuns(procsIn(d)) {
				return filepath.Base(d)
			}
		}
	}
	t.Fatal("no container cgroup with its command running appeared")
	return ""
}

// commandPid is the one process of a container whose command is a
// single process (a sleep).
func commandPid(t *testing.T, id string) int {
	t.Helper()
	var pids []int
	for _, f := range strings.Fields(cgroupFile(t, id, "cgroup.procs", "pids", "cgroup.procs")) {
		pid, _ := strconv.Atoi(f)
		pids = append(pids, pid)
	}
	if len(pids) != 1 {
		t.Fatalf("container %s holds processes %v, want one", id, pids)
	}
	return pids[0]
}

// commandRuns tells whether one of pids runs the container's command, not
// vme50's init. A process in the leaf is not enough: on cgroup v2 init
// is born in the leaf (CLONE_INTO_CGROUP) and waits there for its config
// before it builds the container and execs the command. A test that took
// it for the command killed vme50's init, not the command (exit status
// 125 for a failed start instead of 137; seen in the v2 VM). Before even
// that, from the clone to its execve of /proc/self/exe, it is a copy of
// vme50-tui run (its command line "vme50-tui run ..."), and a test that
// took that for the command lowered pids.max under init (seen in the VM,
// whose slow clones make the moment long). On v1 init joins the leaf
// just before its config is sent: the same race, narrower. So our binary
// is the command only under vme50-hog's name (it is that too).
func commandRuns(pids []int) bool {
	self, err := os.Stat(bin)
	if err != nil {
		return false
	}
	for _, pid := range pids {
		exe, err := os.Stat(filepath.Join("/proc", strconv.Itoa(pid), "exe"))
		if err != nil {
			continue
		}
		cmdline, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "cmdline"))
		if err != nil || len(cmdline) == 0 {
			// Gone meanwhile; or in the middle of an execve, whose
			// process has no command line for a moment (a VM's slow
			// exec showed init so, and took it for the command).
			continue
		}
		args := strings.Split(string(cmdline), "\x00")
		// vme50-init, the small init vme50-tui carries, is another file
		// than ours: it is init by its command line.
		if string(cmdline) == "vme50-init\x00init\x00" {
			continue
		}
		if !os.SameFile(exe, self) || filepath.Base(args[0]) == hog.Name {
			return true
		}
	}
	return false
}

// procsIn lists the processes in a cgroup directory.
func procsIn(dir string) []int {
	data, _ := os.ReadFile(filepath.Join(dir, "cgroup.procs"))
	var pids []int
	for _, f := range strings.Fields(string(data)) {
		if pid, err := strconv.Atoi(f); err == nil {
			pids = append(pids, pid)
		}
	}
	return pids
}

// cgroupFile reads a file of a live leaf: the v2 name on v2, the v1 name
// in the v1 controller's hierarchy on v1.
func cgroupFile(t *testing.T, id, v2name, v1controller, v1name string) string {
	t.Helper()
	h := host(t)
	path := filepath.Join(h.Root, cgroup.Parent, id, v2name)
	if h.Version == cgroup.V1 {
		path = filepath.Join(h.V1Roots[v1controller], cgroup.Parent, id, v1name)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(data))
}

// statField reads one "key value" line of a flat-keyed cgroup file.
func statField(content, key string) int64 {
	for _, line := range strings.Split(content, "\n") {
		if k, v, ok := strings.Cut(line, " "); ok && k == key {
			n, _ := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
			return n
		}
	}
	return -1
}

func signal(t *testing.T, cmd *exec.Cmd, sig syscall.Signal) {
	t.Helper()
	if err := cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
}
