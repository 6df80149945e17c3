package e2e

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"
)

// `vme50-tui exec`: a second process in a container that `run` started in
// another process.

// execIn runs `vme50-tui exec ARGS...`.
func execIn(t *testing.T, args ...string) result {
	t.Helper()
	return vme50(t, append([]string{"exec"}, args...)...)
}

// statusLines are the lines of a /proc/PID/status listing that say what a
// process may do: its capabilities, no_new_privs and seccomp mode.
func statusLines(t *testing.T, status string) []string {
	t.Helper()
	var lines []string
	for _, l := range strings.Split(status, "\n") {
		for _, key := range []string{"CapInh:", "CapPrm:", "CapEff:", "CapBnd:", "CapAmb:", "NoNewPrivs:", "Seccomp:"} {
			if strings.HasPrefix(l, key) {
				lines = append(lines, strings.Join(strings.Fields(l), " "))
			}
		}
	}
	if len(lines) != 7 {
		t.Fatalf("status lines %q of\n%s", lines, status)
	}
	return lines
}

// The exec'd process is one of the container's own: its hostname, its PID
// namespace (PID 1 is the container's command, and no host process is
// seen), its cgroup, and PID 1's capabilities, no_new_privs and seccomp.
func TestExecJoinsContainer(t *testing.T) {
	clean(t)
	cmd, id := startContainer(t, "--hostname", "exec-joins", "--pids-limit", "50", "/bin/sleep", "1000")
	r := execIn(t, "exec-joins", "/bin/sh", "-c",
		`hostname; echo "me $$"; cat /proc/1/cmdline | tr '\0' ' '; echo; ls /proc | grep -c '^[0-9]'; cat /proc/self/cgroup`)
	wantCode(t, r, 0)
	lines := strings.Split(r.stdout, "\n")
	if len(lines) < 5 {
		t.Fatalf("output:\n%s", r.stdout)
	}
	if lines[0] != "exec-joins" {
		t.Errorf("hostname %q, want exec-joins", lines[0])
	}
	// A PID of the container's namespace: small, not the host's.
	if me, _ := strconv.Atoi(strings.TrimPrefix(lines[1], "me ")); me <= 1 || me > 100 {
		t.Errorf("the exec'd shell is %q: not in the container's PID namespace", lines[1])
	}
	if strings.TrimSpace(lines[2]) != "/bin/sleep 1000" {
		t.Errorf("PID 1 is %q, want the container's /bin/sleep 1000", lines[2])
	}
	// sleep, the shell, ls (and grep): nothing of the host.
	if n, _ := strconv.Atoi(lines[3]); n < 2 || n > 5 {
		t.Errorf("/proc lists %s processes: the host's are visible", lines[3])
	}
	if !strings.Contains(r.stdout, "/vme50/"+id) {
		t.Errorf("not in the container's cgroup:\n%s", r.stdout)
	}

	// Counted in pids.current while it runs (with the helper that waits
	// for it, in the cgroup too, outside the PID namespace).
	before, _ := strconv.Atoi(strings.TrimSpace(cgroupFile(t, id, "pids.current", "pids", "pids.current")))
	bg := vme50Cmd(t, "exec", id, "/bin/sleep", "30")
	if err := bg.Start(); err != nil {
		t.Fatal(err)
	}
	counted := false
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline) && !counted; time.Sleep(20 * time.Millisecond) {
		now, _ := strconv.Atoi(strings.TrimSpace(cgroupFile(t, id, "pids.current", "pids", "pids.current")))
		counted = now >= before+2
	}
	if !counted {
		t.Errorf("pids.current did not go from %d to at least %d with an exec'd sleep and its helper", before, before+2)
	}
	bg.Process.Signal(syscall.SIGTERM) // forwarded to the sleep
	if r := finish(t, bg, bg.Wait()); r.code != 128+int(syscall.SIGTERM) {
		t.Errorf("exec'd sleep, SIGTERM forwarded: status %d, want %d\n%s", r.code, 128+int(syscall.SIGTERM), r.stderr)
	}

	// What it may do is what PID 1 may.
	r = execIn(t, id, "/bin/sh", "-c", "cat /proc/self/status; echo ===; cat /proc/1/status")
	wantCode(t, r, 0)
	mine, pid1, _ := strings.Cut(r.stdout, "===")
	if got, want := statusLines(t, mine), statusLines(t, pid1); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("the exec'd process has\n%q\nPID 1 has\n%q", got, want)
	}
	if !strings.Contains(mine, "NoNewPrivs:\t1") || !strings.Contains(mine, "Seccomp:\t2") {
		t.Errorf("no no_new_privs or no seccomp filter:\n%s", mine)
	}
	endContainer(t, cmd, id)
}

// The seccomp filter and the root hold for an exec'd process: probed as
// the hardening tests probe PID 1.
func TestExecProbes(t *testing.T) {
	clean(t)
	root := rootfsWithEscape(t)
	cmd, id := startContainer(t, "--rootfs", root, "/bin/sleep", "1000")
	r := execIn(t, id, "/"+escapeName, "keyring")
	wantCode(t, r, 0)
	for _, call := range []string{"add_key", "keyctl", "request_key"} {
		if !strings.Contains(r.stdout, call+": operation not permitted") {
			t.Errorf("%s got through:\n%s", call, r.stdout)
		}
	}
	r = execIn(t, id, "/"+escapeName, "userns")
	wantCode(t, r, 0)
	if !strings.Contains(r.stdout, "unshare: operation not permitted") {
		t.Errorf("a new user namespace:\n%s", r.stdout)
	}
	// The chroot escape starts from the exec'd process's root and working
	// directory: the container's, not the host's.
	r = execIn(t, id, "/"+escapeName)
	if r.code != 0 || !strings.Contains(r.stdout, "still inside the container's root") {
		t.Errorf("chroot escape from an exec'd process: status %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	endContainer(t, cmd, id)
}

// Exit statuses as run's, and one line for a name that fits no container.
func TestExecStatuses(t *testing.T) {
	clean(t)
	cmd, id := startContainer(t, "/bin/sleep", "1000")
	for _, c := range []struct {
		args   []string
		code   int
		stderr string
	}{
		{[]string{id, "/bin/sh", "-c", "exit 7"}, 7, ""},
		{[]string{id, "nosuch"}, 127, "not found"},
		{[]string{id, "/etc/passwd"}, 126, "not executable"},
		{[]string{id, "/bin/sh", "-c", "kill -9 $$"}, 137, ""},
		{[]string{"no-such-container", "/bin/true"}, 1, "no running container"},
		{[]string{id}, 125, "name a container"},
	} {
		r := execIn(t, c.args...)
		if r.code != c.code || !strings.Contains(r.stderr, c.stderr) {
			t.Errorf("exec %q: status %d, stderr %q; want %d, %q", c.args, r.code, r.stderr, c.code, c.stderr)
		}
		if c.stderr != "" && strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 {
			t.Errorf("exec %q: more than one line:\n%s", c.args, r.stderr)
		}
	}
	// Our stdin only with -i.
	in := vme50Cmd(t, "exec", "-i", id, "/bin/cat")
	in.Stdin = strings.NewReader("through the pipe\n")
	if r := finish(t, in, in.Run()); r.code != 0 || r.stdout != "through the pipe\n" {
		t.Errorf("exec -i cat: status %d, %q", r.code, r.stdout)
	}
	in = vme50Cmd(t, "exec", id, "/bin/cat")
	in.Stdin = strings.NewReader("not for you\n")
	if r := finish(t, in, in.Run()); r.code != 0 || r.stdout != "" {
		t.Errorf("exec cat without -i: status %d, %q", r.code, r.stdout)
	}
	endContainer(t, cmd, id)
	r := execIn(t, id, "/bin/true")
	if r.code != 1 || !strings.Contains(r.stderr, id) {
		t.Errorf("exec into an ended container: status %d, %q", r.code, r.stderr)
	}
}

// An exec'd process still running when PID 1 ends dies with the
// container, and the owner still leaves nothing behind.
func TestExecDiesWithContainer(t *testing.T) {
	clean(t)
	cmd, id := startContainer(t, "/bin/sh", "-c", "sleep 1000; true")
	bg := vme50Cmd(t, "exec", id, "/bin/sleep", "1000")
	if err := bg.Start(); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if n := len(strings.Fields(cgroupFile(t, id, "cgroup.procs", "pids", "cgroup.procs"))); n == 4 {
			break
		} else if time.Now().After(deadline) {
			t.Fatalf("the container holds %d processes, want its shell, its sleep, the exec'd sleep and its helper", n)
		}
	}
	signal(t, cmd, syscall.SIGTERM) // run passes it on; the shell has no handler, so run kills it after its grace
	done := make(chan result, 1)
	go func() { done <- finish(t, bg, bg.Wait()) }()
	select {
	case r := <-done:
		if r.code != 137 {
			t.Errorf("the exec'd sleep ended with %d, want 137 (killed with the container)\n%s", r.code, r.stderr)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the exec'd sleep outlived its container")
	}
	cmd.Wait()
}

// Under --userns the exec'd process joins the container's user namespace:
// root there, the range's first uid on the host.
func TestExecUserNS(t *testing.T) {
	clean(t)
	cmd, id := startContainer(t, "--userns", "/bin/sleep", "1000")
	r := execIn(t, id, "/bin/sh", "-c", "id -u; cat /proc/self/uid_map; ls -l /proc/self/ns/user /proc/1/ns/user; cat /proc/self/status")
	wantCode(t, r, 0)
	fields := strings.Fields(r.stdout)
	if len(fields) < 4 || fields[0] != "0" || fields[1] != "0" || fields[2] == "0" {
		t.Fatalf("id and uid_map:\n%s", r.stdout)
	}
	var links []string
	for _, l := range strings.Split(r.stdout, "\n") {
		if i := strings.Index(l, "-> "); i >= 0 {
			links = append(links, l[i+3:])
		}
	}
	if len(links) != 2 || links[0] != links[1] {
		t.Errorf("user namespaces of the exec'd process and PID 1: %q", links)
	}
	pid1, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(commandPid(t, id)), "status"))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := statusLines(t, r.stdout), statusLines(t, string(pid1)); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("the exec'd process has\n%q\nPID 1 has\n%q", got, want)
	}
	endContainer(t, cmd, id)
}

// watchExecMain runs in a container until /tmp/watch-stop appears (60 s
// at most), reading every process's
// command line in its PID namespace as fast as it can, and prints what
// each one that is vme50's exec helper (or a copy of it, the command just
// cloned) may do. A helper born in there once held the host root's
// capabilities while it joined the container, and a container allowed to
// ptrace took it over (an attack review's finding).
func watchExecMain() int {
	seen := map[string]bool{}
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); {
		if _, err := os.Stat("/tmp/watch-stop"); err == nil {
			break
		}
		entries, _ := os.ReadDir("/proc")
		for _, e := range entries {
			if _, err := strconv.Atoi(e.Name()); err != nil || seen[e.Name()] {
				continue
			}
			cmdline, _ := os.ReadFile("/proc/" + e.Name() + "/cmdline")
			args := strings.Split(string(cmdline), "\x00")
			if len(args) < 2 || (args[1] != "exec-init" && !strings.Contains(args[0], "vme50-exec")) {
				continue
			}
			status, err := os.ReadFile("/proc/" + e.Name() + "/status")
			if err != nil {
				continue
			}
			seen[e.Name()] = true
			var powers []string
			for _, l := range strings.Split(string(status), "\n") {
				if strings.HasPrefix(l, "CapEff:") || strings.HasPrefix(l, "NoNewPrivs:") || strings.HasPrefix(l, "Seccomp:") {
					powers = append(powers, strings.Join(strings.Fields(l), " "))
				}
			}
			fmt.Printf("SEEN %s %s\n", e.Name(), strings.Join(powers, ", "))
		}
	}
	self, _ := os.ReadFile("/proc/self/status")
	for _, l := range strings.Split(string(self), "\n") {
		if strings.HasPrefix(l, "CapEff:") {
			fmt.Println("MINE", strings.Join(strings.Fields(l), " "))
		}
	}
	fmt.Println("watched")
	return 0
}

// Whatever of the exec's helper a container sees in its PID namespace
// (at most the command, cloned from it, before its execve) holds no more
// than the container: PID 1's capabilities, no_new_privs, seccomp. With
// and without --userns (whose helper nsenter starts as /proc/self/fd/8).
// A container that may ptrace gets no exec at all.
func TestExecHelperHoldsNoMore(t *testing.T) {
	clean(t)
	root := rootfsWithEscape(t)
	for d := filepath.Dir(root); strings.HasPrefix(d, filepath.Clean(os.TempDir())+"/"); d = filepath.Dir(d) {
		os.Chmod(d, 0o755) // reachable by --userns's root
	}
	for _, userns := range []string{"--userns=false", "--userns"} {
		before := leafDirs(t)
		watcher := vme50Cmd(t, "run", "--rootfs", root, userns, "/"+escapeName, "watch-exec")
		if err := watcher.Start(); err != nil {
			t.Fatal(err)
		}
		id := waitNewLeaf(t, before)
		for range 15 {
			if r := execIn(t, id, "/bin/true"); r.code != 0 {
				t.Errorf("%s: exec: status %d: %s", userns, r.code, r.stderr)
			}
		}
		wantCode(t, execIn(t, id, "/bin/touch", "/tmp/watch-stop"), 0)
		r := finish(t, watcher, watcher.Wait())
		mine := regexp.MustCompile(`MINE CapEff: (\w+)`).FindStringSubmatch(r.stdout)
		if r.code != 0 || mine == nil {
			t.Fatalf("%s: the watcher: status %d\n%s%s", userns, r.code, r.stdout, r.stderr)
		}
		want := fmt.Sprintf("CapEff: %s, NoNewPrivs: 1, Seccomp: 2", mine[1])
		for _, l := range strings.Split(r.stdout, "\n") {
			if strings.HasPrefix(l, "SEEN ") && !strings.HasSuffix(l, want) {
				t.Errorf("%s: the container saw the exec's helper with more than its own (%s): %s", userns, want, l)
			}
		}
		t.Logf("%s: %d sightings", userns, strings.Count(r.stdout, "SEEN"))
	}
	cmd, id := startContainer(t, "--cap-add", "SYS_PTRACE", "/bin/sleep", "1000")
	r := execIn(t, id, "/bin/true")
	if r.code != 125 || !strings.Contains(r.stderr, "CAP_SYS_PTRACE") {
		t.Errorf("exec into a container with CAP_SYS_PTRACE: status %d, %q; want 125 and why", r.code, r.stderr)
	}
	endContainer(t, cmd, id)
}

// An exec whose command leaves a process writing in the container (yes in
// the background) still ends when its command does, with its status, with
// pipes and with a terminal: the background writer once held it open for
// as long as the container lived.
func TestExecEndsDespiteWriterLeftBehind(t *testing.T) {
	clean(t)
	cmd, id := startContainer(t, "/bin/sleep", "1000")
	for _, tty := range []bool{false, true} {
		c := vme50Cmd(t, "exec", id, "/bin/sh", "-c", "yes & sleep 0.2; exit 4")
		start := time.Now()
		var err error
		if tty {
			c.Stdout, c.Stderr = nil, nil
			var ptmx *os.File
			if ptmx, err = pty.Start(c); err == nil {
				go io.Copy(io.Discard, ptmx)
				err = c.Wait()
				ptmx.Close()
			}
		} else {
			c.Stdout = io.Discard
			err = c.Run()
		}
		code := -1
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		}
		if took := time.Since(start); code != 4 || took > 15*time.Second {
			t.Errorf("tty %v: exec ended with %d after %s (%v); want 4, within seconds", tty, code, took, err)
		}
	}
	endContainer(t, cmd, id)
}
