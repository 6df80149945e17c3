package ui

import (
	"bytes"
	"flag"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/creack/pty"
)

// The pane's tests share these helpers (the app's and the panels' tests
// use some too): a fake pty the test plays the program on, waiting for a
// condition, golden files. The tests themselves are in pane_*_test.go,
// beside what they test.

// fakePty stands in for the pty master: the test plays the program,
// writing its output into prog and reading the keyboard from input.
type fakePty struct {
	out   *io.PipeReader // the program's output, read by the pane
	prog  *io.PipeWriter // the test writes program output here
	input lockedBuffer   // what the pane wrote: keys, pastes, replies
}

func (f *fakePty) Read(b []byte) (int, error)  { return f.out.Read(b) }
func (f *fakePty) Write(b []byte) (int, error) { return f.input.Write(b) }

// lockedBuffer is a bytes.Buffer safe for the writer goroutine and the test.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *lockedBuffer) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(b)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

func (l *lockedBuffer) Reset() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf.Reset()
}

// newTestPane makes a started pane on a fake pty and cleans both up.
func newTestPane(t *testing.T, cols, rows int) (*Pane, *fakePty) {
	t.Helper()
	r, w := io.Pipe()
	f := &fakePty{out: r, prog: w}
	p := NewPane("c1", f, cols, rows, nil)
	p.Init()
	t.Cleanup(func() {
		p.Close()
		_ = w.Close() // EOF ends the reader goroutine
	})
	return p, f
}

// program writes the program's output.
func (f *fakePty) program(t *testing.T, s string) {
	t.Helper()
	writeOutput(t, f.prog, s)
}

// writeOutput writes a program's output to w, its side of the terminal,
// and fails the test if the pane does not take it within a few seconds.
func writeOutput(t *testing.T, w io.Writer, s string) {
	t.Helper()
	done := make(chan error, 1)
	go func() {
		_, err := io.WriteString(w, s)
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("program write: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("program write of %d bytes blocked", len(s))
	}
}

// expectInput waits until the pane has written exactly want to the pty.
func (f *fakePty) expectInput(t *testing.T, want string) {
	t.Helper()
	expectRead(t, &f.input, want)
}

// expectRead waits until a program's input, as it read it, is exactly want.
func expectRead(t *testing.T, input *lockedBuffer, want string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for got := input.String(); got != want; got = input.String() {
		if time.Now().After(deadline) || !strings.HasPrefix(want, got) {
			t.Fatalf("pane wrote %q to the pty, want %q", got, want)
		}
		time.Sleep(time.Millisecond)
	}
}

// eventually polls cond for up to 5 seconds.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// rows splits a view into its rows without styles.
func plainRows(view string) []string {
	return strings.Split(ansi.Strip(view), "\n")
}

// runCmd runs a Cmd like Bubble Tea would, with a timeout.
func runCmd(t *testing.T, cmd tea.Cmd) tea.Msg {
	t.Helper()
	if cmd == nil {
		t.Fatal("nil Cmd")
	}
	ch := make(chan tea.Msg, 1)
	go func() { ch <- cmd() }()
	select {
	case msg := <-ch:
		return msg
	case <-time.After(5 * time.Second):
		t.Fatal("Cmd did not return")
		return nil
	}
}

// startPty runs a shell script on a new pty of cols x rows and returns
// the master side; the cleanup kills the script if it is still running.
func startPty(t *testing.T, cols, rows uint16, script string) *os.File {
	t.Helper()
	cmd := exec.Command("sh", "-c", script)
	ptmx, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: rows, Cols: cols})
	if err != nil {
		t.Skipf("no pty here: %v", err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		_ = ptmx.Close()
	})
	return ptmx
}

// requireGolden compares a view with testdata/<name>.golden, stored with
// escapes quoted one row per line so the file is readable. Run
// `go test ./ui -update` to rewrite it.
func requireGolden(t *testing.T, name, view string) {
	t.Helper()
	var b strings.Builder
	for _, row := range strings.Split(view, "\n") {
		q := strconv.Quote(row)
		b.WriteString(q[1:len(q)-1] + "\n")
	}
	got := b.String()
	path := filepath.Join("testdata", name+".golden")
	if f := flag.Lookup("update"); f != nil && f.Value.String() == "true" {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./ui -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("view differs from %s:\ngot:\n%s\nwant:\n%s", path, got, want)
	}
}
