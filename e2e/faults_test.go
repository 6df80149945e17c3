package e2e

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"vme50-tui/cgroup"
	"vme50-tui/runtime"
)

// Faults from outside: the kernel refuses a write, the cgroup filesystem
// is read-only, the disk under the overlay fills, the rootfs vanishes.
// Each must give a clear error or fail the container, never the program,
// and leave nothing behind.

// nsSetupEnv asks TestMain to run as nsSetupMain: in a mount namespace of
// its own, change the mounts it lists, then exec the rest of its
// arguments. So a test can run vme50-tui on a host whose cgroup
// filesystem is read-only, or whose state directory is a tiny tmpfs,
// without touching the real host.
const nsSetupEnv = "VME50_TEST_NS_SETUP"

// runInNS runs vme50-tui with args in a new mount namespace prepared by
// setup: "ro:DIR" makes DIR read-only, "tmpfs:DIR:SIZE" mounts a tmpfs.
func runInNS(t *testing.T, setup []string, args ...string) result {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(self, append([]string{bin}, args...)...)
	cmd.Env = append(os.Environ(), nsSetupEnv+"="+strings.Join(setup, ","))
	cmd.SysProcAttr = &syscall.SysProcAttr{Cloneflags: syscall.CLONE_NEWNS}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err = cmd.Run()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatal(err)
	}
	return result{code: cmd.ProcessState.ExitCode(), stdout: stdout.String(), stderr: stderr.String()}
}

// nsSetupMain is the child of runInNS.
func nsSetupMain(setup string) int {
	fail := func(err error) int {
		fmt.Fprintln(os.Stderr, "ns setup:", err)
		return 99
	}
	// Nothing done here may reach the host's mount namespace.
	if err := unix.Mount("", "/", "", unix.MS_REC|unix.MS_PRIVATE, ""); err != nil {
		return fail(err)
	}
	for _, step := range strings.Split(setup, ",") {
		f := strings.Split(step, ":")
		var err error
		switch f[0] {
		case "ro":
			err = unix.Mount("", f[1], "", unix.MS_BIND|unix.MS_REMOUNT|unix.MS_RDONLY, "")
			if errors.Is(err, unix.EINVAL) { // not a mount point of its own
				if err = unix.Mount(f[1], f[1], "", unix.MS_BIND, ""); err == nil {
					err = unix.Mount("", f[1], "", unix.MS_BIND|unix.MS_REMOUNT|unix.MS_RDONLY, "")
				}
			}
		case "tmpfs":
			if err = os.MkdirAll(f[1], 0o755); err == nil {
				err = unix.Mount("tmpfs", f[1], "tmpfs", 0, "size="+f[2])
			}
		}
		if err != nil {
			return fail(fmt.Errorf("%s: %w", step, err))
		}
	}
	err := unix.Exec(os.Args[1], os.Args[1:], os.Environ())
	return fail(err)
}

// A read-only cgroup filesystem: run refuses with 125 and one line naming
// the directory it could not make.
func TestReadOnlyCgroupFS(t *testing.T) {
	clean(t)
	h := host(t)
	roots := []string{h.Root}
	if h.Version == cgroup.V1 {
		roots = nil
		for _, r := range h.V1Roots {
			roots = append(roots, r)
		}
	}
	var setup []string
	for _, r := range roots {
		setup = append(setup, "ro:"+r)
	}
	r := runInNS(t, setup, "run", "--rootfs", rootfsOK, "/bin/true")
	wantCode(t, r, 125)
	msg := strings.TrimSpace(r.stderr)
	names := slices.ContainsFunc(roots, func(root string) bool {
		return strings.Contains(msg, filepath.Join(root, cgroup.Parent))
	})
	if !strings.Contains(msg, "read-only file system") || !names || strings.Count(msg, "\n") != 0 {
		t.Errorf("want one line naming a cgroup directory under %v: %q", roots, r.stderr)
	}
}

// The container's layer fills up (--disk-limit): the container's writes
// fail with ENOSPC, the command fails, run reports its status and removes
// everything. The host's disk under the state directory is never written:
// a 4M tmpfs there does not fill.
func TestOverlaySpaceRunsOut(t *testing.T) {
	clean(t)
	r := runInNS(t, []string{"tmpfs:" + runtime.StateDir + ":4m"}, "run", "--rootfs", rootfsOK, "--disk-limit", "8M",
		"/bin/sh", "-c", "dd if=/dev/zero of=/big bs=1M count=6; echo dd=$?; dd if=/dev/zero of=/big2 bs=1M count=6; echo dd=$?")
	wantCode(t, r, 0)
	if !strings.Contains(r.stderr, "No space left on device") || !strings.Contains(r.stdout, "dd=0\ndd=1") {
		t.Errorf("stdout %q stderr %q", r.stdout, r.stderr)
	}
}

// The rootfs is deleted from the host while the container runs: what the
// container had open keeps working, what it opens next fails, and run
// ends with the command's status, cleaning up.
func TestRootfsVanishesMidRun(t *testing.T) {
	for _, overlay := range []string{"true", "false"} {
		t.Run("overlay="+overlay, func(t *testing.T) {
			clean(t)
			root := rootfsWithEscape(t)
			cmd := vme50Cmd(t, "run", "--rootfs", root, "--overlay="+overlay, "/bin/sh", "-c",
				"echo started; read x; /bin/ls /bin >/dev/null; echo ls=$?")
			stdin, err := cmd.StdinPipe()
			if err != nil {
				t.Fatal(err)
			}
			cmd.Stdout = nil // vme50Cmd's buffer: a pipe instead
			stdout, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			lines := bufio.NewScanner(stdout)
			if !lines.Scan() || lines.Text() != "started" {
				t.Fatalf("no start: %q", lines.Text())
			}
			if err := os.RemoveAll(root); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintln(stdin)
			var rest strings.Builder
			for lines.Scan() {
				rest.WriteString(lines.Text() + "\n")
			}
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			select {
			case <-done:
			case <-time.After(20 * time.Second):
				t.Fatal("run did not end")
			}
			if !strings.Contains(rest.String(), "ls=") || strings.Contains(rest.String(), "ls=0") {
				t.Errorf("ls in a vanished rootfs: %q", rest.String())
			}
			if code := cmd.ProcessState.ExitCode(); code != 0 {
				t.Errorf("run exited %d, want the shell's 0; stderr %s", code, cmd.Stderr)
			}
		})
	}
}

// Lowering memory.max below what the group uses: v1 refuses with EBUSY,
// and the error names the file, the value, and why; v2 OOM-kills instead.
func TestMemoryLimitBelowUsage(t *testing.T) {
	clean(t)
	h := host(t)
	m, err := h.Create(runtime.NewID())
	if err != nil {
		t.Fatal(err)
	}
	defer m.Destroy()
	// The hog joins the group before it takes memory: v1 charges pages
	// to the group a process is in when it first touches them.
	cmd := exec.Command("/bin/sh", "-c", "read x; exec "+bin+" hog mem --rate 256M/s --max 24M --hold 30")
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		cmd.Process.Kill()
		cmd.Wait()
		m.Kill()
	}()
	if err := m.AddProc(cmd.Process.Pid); err != nil {
		t.Fatal(err)
	}
	fmt.Fprintln(stdin)
	lines := bufio.NewScanner(stdout)
	holding := false
	for !holding && lines.Scan() {
		holding = strings.Contains(lines.Text(), "holding 24.0 MiB")
	}
	if !holding {
		t.Fatal("the hog never held its 24 MiB")
	}
	err = m.Set(cgroup.Limits{MemoryMax: 4 << 20})
	if h.Version == cgroup.V2 {
		if err != nil {
			t.Fatalf("v2 refused: %v", err)
		}
		cmd.Wait()
		if ws := cmd.ProcessState.Sys().(syscall.WaitStatus); !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
			t.Errorf("the hog was not killed by a limit below its usage: %v", cmd.ProcessState)
		}
		if st, err := m.Stats(); err != nil || st.Memory.Events.OOMKill < 1 {
			t.Errorf("no oom_kill counted: %+v %v", st.Memory.Events, err)
		}
		return
	}
	if err == nil {
		t.Fatal("v1 took a memory limit below the usage")
	}
	for _, want := range []string{"memory.limit_in_bytes", "4194304", "device or resource busy", "already uses more than 4.0 MiB"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the error lacks %q: %v", want, err)
		}
	}
}
