// Package conformance is issue 13's correctness oracle: byte streams, some
// written by hand for one feature each and some recorded from real programs
// in a real container, are played to a real terminal (tmux) and to the
// pane's emulator, and the two screens are compared cell by cell, text and
// attributes. tmux is the oracle: a stream where the two differ is a
// failing test.
package conformance

import (
	"os"
	"testing"
)

func TestMain(m *testing.M) {
	// This very test binary is the program tmux runs in its pane: it
	// writes the stream's bytes to its terminal and waits (writer_test.go).
	if dir := os.Getenv(writerEnv); dir != "" {
		os.Exit(writerMain(dir))
	}
	os.Exit(m.Run())
}
