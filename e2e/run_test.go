package e2e

import (
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"

	"vme50-tui/cgroup"
)

// The original vme50-container README's example, verbatim: it failed there
// because cobra took the command's -c for one of its own flags.
func TestOriginalReadmeExample(t *testing.T) {
	clean(t)
	r := run(t, "--memory-limit", "128M", "--cpu-shares", "500", "--hostname", "my-container",
		"/bin/sh", "-c", "echo 'Inside container!' ; hostname ; echo pid $$ ; ls /")
	wantCode(t, r, 0)
	for _, want := range []string{"Inside container!\n", "my-container\n", "pid 1\n", "proc"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, r.stdout)
		}
	}
}

func TestExitStatus(t *testing.T) {
	clean(t)
	wantCode(t, run(t, "/bin/true"), 0)
	wantCode(t, run(t, "/bin/sh", "-c", "exit 7"), 7)
	// A command ended by a signal gives 128+N. (Only the host can kill
	// PID 1 with a signal it does not handle.)
	cmd, id := startContainer(t, "/bin/sleep", "30")
	syscall.Kill(commandPid(t, id), syscall.SIGKILL)
	wantCode(t, finish(t, cmd, cmd.Wait()), 137)
}

func TestCommandLookup(t *testing.T) {
	clean(t)
	// Found through the container's PATH, not the host's.
	r := run(t, "busybox", "echo", "found")
	wantCode(t, r, 0)
	if r.stdout != "found\n" {
		t.Errorf("stdout %q", r.stdout)
	}
	r = run(t, "no-such-command")
	wantCode(t, r, 127)
	if !strings.Contains(r.stderr, "no-such-command") || strings.Count(r.stderr, "\n") != 1 {
		t.Errorf("want one line naming the command, got %q", r.stderr)
	}
	wantCode(t, run(t, "/no/such/file"), 127)
	// Found, but not executable.
	r = run(t, "/etc/passwd")
	wantCode(t, r, 126)
	if !strings.Contains(r.stderr, "/etc/passwd") {
		t.Errorf("stderr %q does not name the file", r.stderr)
	}
	wantCode(t, run(t, "/etc"), 126)
}

func TestBadInputStartsNothing(t *testing.T) {
	clean(t)
	cases := []struct {
		args []string
		flag string
	}{
		{[]string{"--memory-limit", "12X"}, "--memory-limit"},
		{[]string{"--memory-limit", "-5M"}, "--memory-limit"},
		{[]string{"--cpu-shares", "20000"}, "--cpu-shares"},
		{[]string{"--cpu-shares", "lots"}, "--cpu-shares"},
		{[]string{"--cpus", "0"}, ""}, // 0 is "no quota": accepted
		{[]string{"--cpus", "-1"}, "--cpus"},
		{[]string{"--pids-limit", "-3"}, "--pids-limit"},
		{[]string{"--hostname", "bad_name!"}, "--hostname"},
		{[]string{"--hostname", strings.Repeat("a", 65)}, "--hostname"},
		{[]string{"--network", "bridges"}, "--network"},
		{[]string{"--rootfs", "/does/not/exist"}, "--rootfs"},
		{[]string{"--no-such-flag"}, "--no-such-flag"},
	}
	for _, c := range cases {
		r := vme50(t, append(append([]string{"run", "--rootfs", rootfsOK}, c.args...), "/bin/true")...)
		if c.flag == "" {
			wantCode(t, r, 0)
			continue
		}
		if r.code != 125 {
			t.Errorf("%v: exit status %d, want 125 (stderr %q)", c.args, r.code, r.stderr)
		}
		if lines := strings.Count(r.stderr, "\n"); lines != 1 || !strings.Contains(r.stderr, c.flag) {
			t.Errorf("%v: want one line naming %s, got %q", c.args, c.flag, r.stderr)
		}
	}
	r := vme50(t, "run", "--rootfs", rootfsOK)
	wantCode(t, r, 125)
	if !strings.Contains(r.stderr, "no command") {
		t.Errorf("stderr %q", r.stderr)
	}
}

func TestNotRoot(t *testing.T) {
	needKernel(t)
	for _, args := range [][]string{{"run", "--rootfs", rootfsOK, "/bin/true"}, {"rootfs", "create", "/tmp/x"},
		{"--rootfs", rootfsOK, "/bin/sh"}} { // the TUI: refused before the screen is touched
		cmd := vme50Cmd(t, args...)
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
		r := finish(t, cmd, cmd.Run())
		wantCode(t, r, 125)
		if !strings.Contains(r.stderr, "sudo") {
			t.Errorf("%v: stderr %q does not say to use sudo", args, r.stderr)
		}
	}
	// Help needs no root.
	for _, args := range [][]string{{"--help"}, {"run", "--help"}} {
		cmd := vme50Cmd(t, args...)
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
		r := finish(t, cmd, cmd.Run())
		wantCode(t, r, 0)
		if !strings.Contains(r.stdout, "--memory-limit") && args[0] == "run" {
			t.Errorf("run --help lacks the flags:\n%s", r.stdout)
		}
	}
}

// Re-exec must use /proc/self/exe: started through PATH or a relative
// path, os.Args[0] does not name a file the child could run.
func TestStartedFromPathOrRelative(t *testing.T) {
	clean(t)
	dir := filepath.Dir(bin)
	// What a program found through PATH gets: a bare name as argv[0],
	// which names no file in the current directory.
	cmd := exec.Command(bin, "run", "--rootfs", rootfsOK, "/bin/echo", "via PATH")
	cmd.Args[0] = "vme50-tui"
	cmd.Dir = "/"
	if out, err := cmd.CombinedOutput(); err != nil || string(out) != "via PATH\n" {
		t.Errorf("from PATH: %v %q", err, out)
	}
	cmd = exec.Command("./"+filepath.Base(bin), "run", "--rootfs", rootfsOK, "/bin/echo", "relative")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil || string(out) != "relative\n" {
		t.Errorf("relative: %v %q", err, out)
	}
}

func TestIsolation(t *testing.T) {
	clean(t)
	hostMounts, _ := os.ReadFile("/proc/self/mountinfo")
	r := run(t, "--hostname", "box", "/bin/sh", "-c",
		"ps -o pid,comm; hostname; cat /proc/self/mountinfo | wc -l; ls /dev; test -e /dev/sda && echo HOSTDISK; echo done")
	wantCode(t, r, 0)
	out := r.stdout
	if !strings.Contains(out, "box\n") || !strings.Contains(out, "done") {
		t.Fatalf("output:\n%s", out)
	}
	// Only the container's own processes, its command as PID 1.
	if !regexp.MustCompile(`(?m)^\s*1 sh$`).MatchString(out) {
		t.Errorf("ps does not show sh as PID 1:\n%s", out)
	}
	for _, dev := range []string{"null", "zero", "full", "random", "urandom", "tty", "pts", "ptmx", "shm", "fd"} {
		if !strings.Contains(out, dev+"\n") {
			t.Errorf("/dev lacks %s:\n%s", dev, out)
		}
	}
	if strings.Contains(out, "HOSTDISK") {
		t.Error("the host's disks are visible")
	}
	if after, _ := os.ReadFile("/proc/self/mountinfo"); string(after) != string(hostMounts) {
		t.Errorf("the host's mount table changed:\n%s", diff(strings.Split(string(hostMounts), "\n"), strings.Split(string(after), "\n")))
	}
	// The host's root is gone after pivot_root: nothing of the host's /
	// (our test binary's directory, say) is reachable.
	r = run(t, "/bin/sh", "-c", "ls "+filepath.Dir(bin)+" 2>&1")
	wantCode(t, r, 1) // ls: no such directory
	if strings.Contains(r.stdout, filepath.Base(bin)) {
		t.Errorf("the host's files are visible in the container:\n%s", r.stdout)
	}
}

func TestOverlayKeepsRootfs(t *testing.T) {
	clean(t)
	marker := filepath.Join(rootfsOK, "root", "written")
	wantCode(t, run(t, "/bin/sh", "-c", "echo x > /root/written && cat /root/written"), 0)
	if _, err := os.Stat(marker); err == nil {
		t.Fatal("the overlay let a write through to the rootfs")
	}
	wantCode(t, run(t, "--overlay=false", "/bin/sh", "-c", "echo x > /root/written"), 0)
	if _, err := os.Stat(marker); err != nil {
		t.Fatalf("--overlay=false did not write into the rootfs: %v", err)
	}
	os.Remove(marker)
}

func TestNetworkNone(t *testing.T) {
	clean(t)
	r := run(t, "--network", "none", "/bin/sh", "-c", "ls /sys/class/net; cat /sys/class/net/lo/flags")
	wantCode(t, r, 0)
	// lo only, and up (IFF_UP is bit 0 of the flags).
	if r.stdout != "lo\n0x9\n" {
		t.Errorf("--network none: %q, want lo up and nothing else", r.stdout)
	}
	r = run(t, "--network", "host", "/bin/sh", "-c", "ls /sys/class/net")
	wantCode(t, r, 0)
	if strings.TrimSpace(r.stdout) == "lo" {
		t.Errorf("--network host sees only lo: %q", r.stdout)
	}
}

// The values the kernel was told, in the files of whichever version runs.
func TestLimitsWritten(t *testing.T) {
	clean(t)
	cmd, id := startContainer(t, "--memory-limit", "32M", "--cpu-shares", "300", "--cpus", "0.5",
		"--pids-limit", "40", "/bin/sleep", "30")
	checks := []struct {
		v2, ctrl, v1, want string
	}{
		{"memory.max", "memory", "memory.limit_in_bytes", "33554432"},
		{"cpu.weight", "cpu", "cpu.shares", map[cgroup.Version]string{cgroup.V2: "300", cgroup.V1: "3072"}[host(t).Version]},
		{"cpu.max", "cpu", "cpu.cfs_quota_us", map[cgroup.Version]string{cgroup.V2: "50000 100000", cgroup.V1: "50000"}[host(t).Version]},
		{"pids.max", "pids", "pids.max", "40"},
	}
	for _, c := range checks {
		if got := cgroupFile(t, id, c.v2, c.ctrl, c.v1); got != c.want {
			t.Errorf("%s/%s = %q, want %q", c.v2, c.v1, got, c.want)
		}
	}
	if host(t).Version == cgroup.V1 {
		if _, err := os.Stat(filepath.Join(host(t).V1Roots["memory"], cgroup.Parent, id, "memory.memsw.limit_in_bytes")); err == nil {
			if got := cgroupFile(t, id, "", "memory", "memory.memsw.limit_in_bytes"); got != "33554432" {
				t.Errorf("memory.memsw.limit_in_bytes = %s: swap is a way around the limit", got)
			}
		}
	}
	signal(t, cmd, syscall.SIGKILL)
	cmd.Wait()
	// The run process died by SIGKILL: the next start sweeps its leftovers.
	wantCode(t, run(t, "/bin/true"), 0)
}

func TestOOMKill(t *testing.T) {
	clean(t)
	// tail of /dev/zero never sees a newline and buffers until it is killed;
	// as the command it is PID 1, and the OOM killer kills it.
	r := run(t, "--memory-limit", "32M", "/usr/bin/tail", "/dev/zero")
	wantCode(t, r, 137)
	if !strings.Contains(r.stderr, "OOM") || !strings.Contains(r.stderr, "32.0 MiB") {
		t.Errorf("no OOM line: %q", r.stderr)
	}
	// A pipeline inside a shell: tail is killed, the shell reports 137.
	r = run(t, "--memory-limit", "32M", "/bin/sh", "-c", "head -c 100m /dev/zero | tail")
	wantCode(t, r, 137)
	if !strings.Contains(r.stderr, "OOM") {
		t.Errorf("no OOM line: %q", r.stderr)
	}
}

func TestCPUQuotaThrottles(t *testing.T) {
	clean(t)
	cmd, id := startContainer(t, "--cpus", "0.2", "/bin/sh", "-c", "while :; do :; done")
	var throttled int64
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline) && throttled <= 0; time.Sleep(100 * time.Millisecond) {
		throttled = statField(cgroupFile(t, id, "cpu.stat", "cpu", "cpu.stat"), "nr_throttled")
	}
	if throttled <= 0 {
		t.Errorf("nr_throttled stayed %d under --cpus 0.2", throttled)
	}
	// PID 1 has no SIGTERM handler: after a second SIGTERM run kills it.
	signal(t, cmd, syscall.SIGTERM)
	time.Sleep(100 * time.Millisecond)
	signal(t, cmd, syscall.SIGTERM)
	r := finish(t, cmd, cmd.Wait())
	wantCode(t, r, 137)
}

func TestPidsLimitStopsForks(t *testing.T) {
	clean(t)
	// The shell prints each attempt before it forks a sleep; busybox sh
	// gives up (status 2) at the first fork the kernel refuses. The shell
	// (PID 1) and at most 9 sleeps fit under pids.max 10.
	r := run(t, "--pids-limit", "10", "/bin/sh", "-c",
		"i=0; while [ $i -lt 30 ]; do echo try; sleep 2 & i=$((i+1)); done; wait")
	if !strings.Contains(r.stderr, "Resource temporarily unavailable") {
		t.Errorf("no fork was refused under --pids-limit 10: stdout %q stderr %q", r.stdout, r.stderr)
	}
	if forked := strings.Count(r.stdout, "try") - 1; forked > 9 || forked < 1 {
		t.Errorf("%d sleeps forked under pids.max 10 (stderr %q)", forked, r.stderr)
	}
}

// Without --pids-limit a container gets pids.max 1024, so a fork bomb
// stops there and not at the kernel's pid_max; max (or 0) lifts it.
func TestDefaultPidsLimit(t *testing.T) {
	clean(t)
	for _, c := range []struct {
		flags []string
		want  string
	}{{nil, "1024"}, {[]string{"--pids-limit", "max"}, "max"}, {[]string{"--pids-limit", "0"}, "max"}} {
		cmd, id := startContainer(t, append(c.flags, "/bin/sleep", "30")...)
		if got := cgroupFile(t, id, "pids.max", "pids", "pids.max"); got != c.want {
			t.Errorf("%v: pids.max %s, want %s", c.flags, got, c.want)
		}
		signal(t, cmd, syscall.SIGKILL)
		cmd.Wait()
	}
	wantCode(t, run(t, "/bin/true"), 0) // sweeps what the killed runs left
}

func TestSignalsPassedToContainer(t *testing.T) {
	clean(t)
	cmd, _ := startContainer(t, "/bin/sh", "-c", `trap "echo got-term; exit 3" TERM; echo ready; while :; do sleep 0.1; done`)
	time.Sleep(200 * time.Millisecond)
	signal(t, cmd, syscall.SIGTERM)
	r := finish(t, cmd, cmd.Wait())
	wantCode(t, r, 3)
	if !strings.Contains(r.stdout, "got-term") {
		t.Errorf("stdout %q", r.stdout)
	}
}

// SIGKILL of run: its container dies with it (parent-death signal, PID
// namespace), and the next start removes the cgroup and state left.
func TestSIGKILLOfRunLeavesNothing(t *testing.T) {
	clean(t)
	others := foreignPidNamespaces() // other containers on this machine, not ours
	cmd, id := startContainer(t, "/bin/sh", "-c", "sleep 100 & sleep 100")
	signal(t, cmd, syscall.SIGKILL)
	// Not cmd.Wait() first: it also waits until run's stdout and stderr
	// close, and a container that outlived run holds them open; the check
	// below then came only after the sleeps had ended by themselves, and
	// passed (so it hid the lost parent-death signal, see runtime/init.go).
	waited := make(chan struct{})
	go func() {
		cmd.Wait()
		close(waited)
	}()
	deadline := time.Now().Add(2 * time.Second)
	for !slices.Equal(foreignPidNamespaces(), others) && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if ns := foreignPidNamespaces(); !slices.Equal(ns, others) {
		t.Errorf("container processes outlived run by 2 s: %v", ns)
	}
	found := false
	for _, d := range leafDirs(t) {
		found = found || filepath.Base(d) == id
	}
	if !found {
		// Nobody but the next start may remove it: run died by SIGKILL.
		t.Errorf("the cgroup of %s was gone before any sweep", id)
	}
	// The sweep kills what outlived run, if anything did.
	wantCode(t, run(t, "/bin/true"), 0)
	<-waited
}

// With a terminal as stdin, the container gets a terminal of its own, made
// inside it (/dev/pts/0 of its devpts), at our size, and job control works.
func TestTerminal(t *testing.T) {
	clean(t)
	cmd := exec.Command(bin, "run", "--rootfs", rootfsOK, "/bin/sh")
	ptmx, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 33, Cols: 77})
	if err != nil {
		t.Fatal(err)
	}
	defer ptmx.Close()
	out := make(chan string)
	prompt := make(chan struct{})
	go func() {
		// Until EIO, when run exits.
		var b []byte
		buf := make([]byte, 4096)
		prompted := false
		for {
			n, err := ptmx.Read(buf)
			b = append(b, buf[:n]...)
			if !prompted && strings.Contains(string(b), "# ") {
				close(prompt)
				prompted = true
			}
			if err != nil {
				out <- string(b)
				return
			}
		}
	}()
	// Typed only at the prompt: before it, run has not made our terminal
	// raw yet, and its line discipline would take ctrl+c for itself.
	select {
	case <-prompt:
	case <-time.After(10 * time.Second):
		t.Fatal("no prompt")
	}
	io.WriteString(ptmx, "tty; stty size; echo $TERM; sleep 20\n")
	time.Sleep(500 * time.Millisecond)
	io.WriteString(ptmx, "\x03") // ctrl+c: SIGINT for the foreground sleep, not for run
	io.WriteString(ptmx, "exit 4\n")
	done := make(chan error)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		cmd.Process.Kill()
		t.Fatal("ctrl+c did not stop sleep; the shell never exited")
	}
	text := <-out
	if cmd.ProcessState.ExitCode() != 4 {
		t.Errorf("exit status %d, want 4\n%s", cmd.ProcessState.ExitCode(), text)
	}
	for _, want := range []string{"/dev/pts/0", "33 77"} {
		if !strings.Contains(text, want) {
			t.Errorf("terminal output lacks %q:\n%s", want, text)
		}
	}
}
