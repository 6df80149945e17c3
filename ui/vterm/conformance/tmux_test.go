package conformance

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// oracle is a private tmux server (its own socket, no config file, killed
// when the test ends) in which each stream gets a session of its own.
type oracle struct {
	t      *testing.T
	socket string
	n      int
}

func startOracle(t *testing.T) *oracle {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		// Not a skip: without its oracle the suite proves nothing
		// (scripts/install-deps.sh installs tmux).
		t.Fatal("tmux is not installed; the conformance suite needs it")
	}
	// Its socket in the test's temporary directory, removed with it.
	o := &oracle{t: t, socket: filepath.Join(t.TempDir(), "vme50conf.sock")}
	// A first session keeps the server up between streams. No status
	// line, so the pane is the whole window; no wait after ESC; a
	// terminal type whose terminfo tmux knows.
	o.tmux("new-session", "-d", "-s", "keep", "sleep 3600", ";",
		"set", "-g", "status", "off", ";",
		"set", "-g", "escape-time", "0", ";",
		"set", "-g", "default-terminal", "tmux-256color", ";",
		"set", "-g", "remain-on-exit", "on")
	t.Cleanup(func() { exec.Command("tmux", "-S", o.socket, "kill-server").Run() })
	return o
}

func (o *oracle) tmux(args ...string) string {
	o.t.Helper()
	out, err := exec.Command("tmux", append([]string{"-S", o.socket, "-f", "/dev/null"}, args...)...).CombinedOutput()
	if err != nil {
		o.t.Fatalf("tmux %v: %v\n%s", args, err, out)
	}
	return string(out)
}

// session plays one stream in tmux: a window of cols x rows running the
// writer on the stream's parts.
type session struct {
	o    *oracle
	name string
}

func (o *oracle) play(parts [][]byte, cols, rows int) *session {
	o.t.Helper()
	dir := o.t.TempDir()
	for i, p := range parts {
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("part-%d", i)), p, 0o644); err != nil {
			o.t.Fatal(err)
		}
	}
	self, err := os.Executable()
	if err != nil {
		o.t.Fatal(err)
	}
	o.n++
	s := &session{o: o, name: fmt.Sprintf("s%d", o.n)}
	o.tmux("new-session", "-d", "-s", s.name, "-x", fmt.Sprint(cols), "-y", fmt.Sprint(rows),
		"-e", writerEnv+"="+dir, self)
	o.t.Cleanup(func() { exec.Command("tmux", "-S", o.socket, "kill-session", "-t", s.name).Run() })
	s.waitPart(0)
	return s
}

// waitPart waits until the writer's title after part i shows: tmux has
// then put every byte of the part on its screen.
func (s *session) waitPart(i int) {
	s.o.t.Helper()
	want := partTitle(i)
	deadline := time.Now().Add(10 * time.Second)
	for {
		got := strings.TrimSpace(s.o.tmux("display", "-p", "-t", s.name, "#{pane_title}"))
		if got == want {
			return
		}
		if time.Now().After(deadline) {
			s.o.t.Fatalf("tmux never showed part %d (title %q)", i, got)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// resize changes the window's size, then lets the writer write part i.
func (s *session) resize(i, cols, rows int) {
	s.o.t.Helper()
	s.o.tmux("resize-window", "-t", s.name, "-x", fmt.Sprint(cols), "-y", fmt.Sprint(rows))
	s.o.tmux("send-keys", "-t", s.name, "-l", "n")
	s.waitPart(i)
}

// screen reads tmux's screen: capture-pane -p prints it, -e with its SGR
// attributes, -N keeping trailing spaces that were written; display gives
// the cursor and whether the alternate screen is on.
func (s *session) screen(cols, rows int) *screen {
	s.o.t.Helper()
	text := s.o.tmux("capture-pane", "-p", "-e", "-N", "-t", s.name)
	scr := parseCapture(text, cols, rows)
	var alt int
	fmt.Sscan(s.o.tmux("display", "-p", "-t", s.name, "#{cursor_x} #{cursor_y} #{alternate_on}"),
		&scr.cursorX, &scr.cursorY, &alt)
	scr.alt = alt == 1
	return scr
}
