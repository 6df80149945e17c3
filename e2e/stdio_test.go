package e2e

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"
)

// Without a terminal the command's stdin, stdout and stderr are pipes, not
// run's own files: through /proc/self/fd/1 the container's root cannot
// chmod or chown the host file behind run's stdout.
func TestStdoutFileUnreachable(t *testing.T) {
	clean(t)
	out := filepath.Join(t.TempDir(), "out")
	f, err := os.OpenFile(out, os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cmd := vme50Cmd(t, "run", "--rootfs", rootfsOK, "/bin/sh", "-c",
		"chmod 4777 /proc/self/fd/1; chown 1234:1234 /proc/self/fd/1; stat -L -c %a /proc/self/fd/1; readlink /proc/self/fd/1")
	cmd.Stdout = f
	if err := cmd.Run(); err != nil {
		t.Fatalf("%v: %s", err, cmd.Stderr)
	}
	st, err := os.Stat(out)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode() != 0o644 || st.Sys().(*syscall.Stat_t).Uid != 0 {
		t.Errorf("the container changed the host file behind its stdout: mode %v uid %d", st.Mode(), st.Sys().(*syscall.Stat_t).Uid)
	}
	// What it wrote still arrives, and what it saw was a pipe.
	data, _ := os.ReadFile(out)
	if !strings.Contains(string(data), "pipe:[") {
		t.Errorf("the command's stdout: %q", data)
	}
}

// A directory as run's stdin ("< /") is not handed over: the container
// cannot list the host's root through /proc/self/fd/0, and it reads EOF.
func TestStdinDirectoryUnreachable(t *testing.T) {
	clean(t)
	dir, err := os.Open("/")
	if err != nil {
		t.Fatal(err)
	}
	defer dir.Close()
	// Names in the host's root that the busybox rootfs lacks.
	hostOnly := namesOnlyIn(t, "/", rootfsOK)
	if len(hostOnly) == 0 {
		t.Fatal("the host's root holds nothing the rootfs lacks: the test would prove nothing")
	}
	cmd := vme50Cmd(t, "run", "--rootfs", rootfsOK, "/bin/sh", "-c", "ls -a /proc/self/fd/0/; readlink /proc/self/fd/0; cat; echo read=$?")
	cmd.Stdin = dir
	r := finish(t, cmd, cmd.Run())
	for _, name := range hostOnly {
		if slices.Contains(strings.Fields(r.stdout), name) {
			t.Fatalf("the container listed the host's root through its stdin (%s): %q", name, r.stdout)
		}
	}
	if !strings.Contains(r.stdout, "pipe:[") || !strings.Contains(r.stdout, "read=0") {
		t.Errorf("stdin: %q %q", r.stdout, r.stderr)
	}
}

func namesOnlyIn(t *testing.T, dir, other string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		if _, err := os.Lstat(filepath.Join(other, e.Name())); os.IsNotExist(err) {
			names = append(names, e.Name())
		}
	}
	return names
}

// Data piped into run reaches the command, whose stdin ends when run's
// does (cat would wait forever otherwise); the exit status and both
// output streams are the command's.
func TestStdioPipedThrough(t *testing.T) {
	clean(t)
	cmd := vme50Cmd(t, "run", "--rootfs", rootfsOK, "/bin/sh", "-c", "cat; echo err >&2; exit 7")
	cmd.Stdin = strings.NewReader("hi\nthere\n")
	r := finish(t, cmd, cmd.Run())
	wantCode(t, r, 7)
	if r.stdout != "hi\nthere\n" || r.stderr != "err\n" {
		t.Errorf("stdout %q stderr %q", r.stdout, r.stderr)
	}
}

// Several MB on stdout and on stderr at once arrive whole, the tail
// included, though the command exits as soon as it has written them; a
// background process still holding stdout does not keep run waiting.
func TestLargeOutputArrivesWhole(t *testing.T) {
	clean(t)
	r := run(t, "/bin/sh", "-c", "seq 1 300000 >&2 & seq 1 1000000; wait; sleep 100 & echo last")
	wantCode(t, r, 0)
	if want := seqOutput(1000000) + "last\n"; r.stdout != want {
		t.Errorf("stdout: %d bytes, want %d; ends %q", len(r.stdout), len(want), r.stdout[max(0, len(r.stdout)-40):])
	}
	if n := strings.Count(r.stderr, "\n"); n != 300000 || !strings.HasSuffix(r.stderr, "\n300000\n") {
		t.Errorf("stderr: %d lines, ends %q", n, r.stderr[max(0, len(r.stderr)-40):])
	}

	// A slow reader: when the command exits, the last 100 KB or so are
	// still in the pipes, and run copies them before it exits.
	cmd := vme50Cmd(t, "run", "--rootfs", rootfsOK, "seq", "1", "200000")
	cmd.Stdout = nil
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	got := slowRead(stdout)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("run: %v %s", err, cmd.Stderr)
	}
	if want := seqOutput(200000); got != want {
		t.Errorf("to a slow reader: %d bytes, want %d; ends %q", len(got), len(want), got[max(0, len(got)-40):])
	}
}

// slowRead reads r to the end, 4 KB every 5 ms: 800 KB/s.
func slowRead(r io.Reader) string {
	var b strings.Builder
	buf := make([]byte, 4096)
	for {
		n, err := r.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			return b.String()
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// seqOutput is what seq 1 n prints.
func seqOutput(n int) string {
	var b strings.Builder
	for i := 1; i <= n; i++ {
		b.WriteString(strconv.Itoa(i) + "\n")
	}
	return b.String()
}

// A reader of run's stdout that quits (run ... | head -1) ends the
// command's writes with SIGPIPE, as when it wrote there itself, and run
// does not die of it. (seq is not PID 1 here: PID 1 of a PID namespace
// ignores a signal it has no handler for, SIGPIPE included.)
func TestStdoutReaderGoneGivesSIGPIPE(t *testing.T) {
	clean(t)
	cmd := vme50Cmd(t, "run", "--rootfs", rootfsOK, "/bin/sh", "-c", "seq 1 100000000; echo seq=$? >&2")
	cmd.Stdout = nil
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, _ := bufio.NewReader(stdout).ReadString('\n')
	stdout.Close()
	err = cmd.Wait()
	if stderr := fmt.Sprint(cmd.Stderr); line != "1\n" || stderr != "seq=141\n" {
		t.Errorf("first line %q, stderr %q; want seq killed by SIGPIPE (141)", line, stderr)
	}
	if err != nil {
		t.Errorf("run: %v, want status 0", err)
	}
}

// Closing run's terminal (SIGHUP) stops its container as SIGTERM does:
// the signal is passed on, and a PID 1 that ignores it (sleep) is killed
// after the grace period, so run ends with 137 and leaves nothing. With
// a terminal (its hangup) and without one (kill -HUP).
func TestSIGHUPStopsRun(t *testing.T) {
	clean(t)
	before := leafDirs(t)
	var cmds []*exec.Cmd
	withTty := exec.Command(bin, "run", "--rootfs", rootfsOK, "/bin/sleep", "1000")
	ptmx, err := pty.Start(withTty) // run is the session leader of this terminal
	if err != nil {
		t.Fatal(err)
	}
	// Nobody reads ptmx: a Read in progress would hold off its close,
	// and so the hangup. Run in raw mode writes nothing of its own.
	cmds = append(cmds, withTty)
	id := waitNewLeaf(t, before)
	ids := []string{id}

	plain, id := startContainer(t, "/bin/sleep", "1000")
	cmds = append(cmds, plain)
	ids = append(ids, id)
	t.Cleanup(func() {
		for _, c := range cmds {
			if c.ProcessState == nil {
				c.Process.Kill()
				c.Wait()
			}
		}
	})

	ptmx.Close() // the terminal hangs up: the kernel sends run SIGHUP
	signal(t, plain, syscall.SIGHUP)
	started := time.Now()
	for i, c := range cmds {
		done := make(chan struct{})
		go func() { c.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(stopGraceE2E + 10*time.Second):
			t.Fatalf("run %d is still running %s after SIGHUP", i, time.Since(started))
		}
		if code := c.ProcessState.ExitCode(); code != 137 {
			t.Errorf("run %d exited %d after SIGHUP, want 137 (killed after the grace period)", i, code)
		}
	}
	for _, id := range ids {
		for _, d := range leafDirs(t) {
			if filepath.Base(d) == id {
				t.Errorf("container %s's cgroup %s is left", id, d)
			}
		}
	}
}

// stopGraceE2E is run's stopGrace (run.go).
const stopGraceE2E = 10 * time.Second
