package e2e

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"
)

// With stdin not a terminal (`vme50-tui < /dev/null`), the TUI still takes
// its keys from the terminal, in raw mode: Enter goes through the form,
// a line typed reaches the container's shell and its echo is drawn.
func TestTUIKeysFromTheTerminalWhenStdinIsNot(t *testing.T) {
	clean(t)
	x := newBenchTmux(t)
	x.window("nostdin", 120, 40, "sh", "-c", "exec "+bin+" --rootfs "+rootfsOK+" --hostname nostdin /bin/sh </dev/null")
	x.waitFor("nostdin", "New container", 10*time.Second)
	x.enterThroughForm("nostdin", 1)
	x.line("nostdin", "echo typed-$((6*7))")
	x.waitFor("nostdin", "typed-42", 5*time.Second)
	pid := x.pid("nostdin")
	x.keys("nostdin", "C-g", "q")
	x.waitFor("nostdin", `Quit\?`, 5*time.Second)
	x.keys("nostdin", "y")
	for deadline := time.Now().Add(15 * time.Second); running(pid); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the TUI did not end after ctrl+g q, y")
		}
	}
}

// running says whether pid is a live process: not gone, not a zombie
// (tmux may be slow to reap the program of a closed pane).
func running(pid int) bool {
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	return err == nil && !strings.Contains(string(status), "State:\tZ")
}
