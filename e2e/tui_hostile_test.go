package e2e

import (
	"slices"
	"syscall"
	"testing"
	"time"
)

// Hostile output in a container's terminal. A few bytes such as
// ESC [ 999999999 b (repeat the last character a billion times) once kept
// the TUI's terminal emulator busy for minutes, with the screen, the keys
// and SIGTERM all waiting on it; a scroll region below the screen crashed
// it. Now each costs at most a screenful, and the TUI quits at once even
// while a container prints nothing but such sequences.
func TestTUIHostileOutput(t *testing.T) {
	clean(t)
	before := leafDirs(t)
	tm := launchInTmux(t)
	if leaves := leafDirs(t); len(leaves) <= len(before) {
		t.Fatalf("no cgroup for the container: %v", leaves)
	}

	// Each form, then a marker the shell computes (the typed command line
	// does not contain it).
	for _, tc := range []struct{ cmd, marker string }{
		{`printf 'A\033[999999999b'; echo rep-$((6*7))`, `rep-42`},
		{`printf '\033[2147483646X\033[2147483646I\033[2147483646Z'; echo counts-$((6*7))`, `counts-42`},
		{`printf '\033[1;99999r\033[5L\033[5M\033[r'; echo region-$((6*7))`, `region-42`},
		{`printf '\033]8;;'; head -c 4000000 /dev/zero | tr '\0' u; printf '\033\\'; echo osc-$((6*7))`, `osc-42`},
	} {
		tm.text("clear; " + tc.cmd)
		tm.keys("Enter")
		tm.waitFor(tc.marker, 20*time.Second)
	}
	// The screen still follows the shell.
	tm.text("clear; echo alive-$((6*7))")
	tm.keys("Enter")
	tm.waitFor(`alive-42`, 10*time.Second)

	// A container that prints nothing but repeats: the TUI still quits
	// (ctrl+g q, y) and removes the container.
	tm.text(`while :; do printf 'A\033[999999999b\033[2147483646X'; done`)
	tm.keys("Enter")
	time.Sleep(time.Second)
	tm.keys("C-g", "q")
	tm.waitFor(`Quit\?`, 20*time.Second)
	tm.keys("y")
	tm.waitFor(`EXIT=0`, 20*time.Second)
	for deadline := time.Now().Add(5 * time.Second); !slices.Equal(leafDirs(t), before); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the container's cgroup is still there: %v", leafDirs(t))
		}
	}
}

// SIGTERM too ends the TUI, and its containers, while a container prints
// nothing but hostile sequences.
func TestTUIHostileSIGTERM(t *testing.T) {
	clean(t)
	before := leafDirs(t)
	tm := launchInTmux(t)
	tm.text(`while :; do printf 'A\033[999999999b\033[2147483646X'; done`)
	tm.keys("Enter")
	time.Sleep(time.Second)
	if err := syscall.Kill(tuiPid(t), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	tm.waitFor(`EXIT=\d+`, 20*time.Second)
	for deadline := time.Now().Add(5 * time.Second); !slices.Equal(leafDirs(t), before); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the container's cgroup is still there: %v", leafDirs(t))
		}
	}
}
