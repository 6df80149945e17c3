package main

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"vme50-tui/record"
)

// A file's name is anyone's (a recording handed in): the error naming it
// goes to the teacher's terminal without the C1 controls (U+009B is CSI)
// or format characters it may hold.
func TestPlotAndReplayErrorsNameFilesPrintably(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "hog\u009b2J\u202e.csv")
	for name, err := range map[string]error{
		"plot":   plotCmd(missing, "-o", filepath.Join(t.TempDir(), "out.svg")),
		"replay": replayCmd(missing),
	} {
		var exit *exitError
		if !errors.As(err, &exit) {
			t.Fatalf("%s: %v, want an exitError", name, err)
		}
		if !strings.Contains(exit.msg, "hog?2J?.csv") || strings.ContainsAny(exit.msg, "\u009b\u202e") {
			t.Errorf("%s: %q", name, exit.msg)
		}
	}
}

// replayCmd runs `vme50-tui replay ARGS` as main does (a missing or bad
// file fails before the screen is taken).
func replayCmd(args ...string) error {
	root := newRootCommand()
	root.SetArgs(append([]string{"replay"}, args...))
	root.SetOut(new(strings.Builder))
	root.SetErr(new(strings.Builder))
	return root.Execute()
}

// The helps say the caps record.Read holds recordings to.
func TestPlotAndReplayHelpSayTheCaps(t *testing.T) {
	if record.MaxRows != 345600 || record.MaxRowEvents != 100 {
		t.Fatalf("the caps changed (%d rows, %d events a row): say so in the helps", record.MaxRows, record.MaxRowEvents)
	}
	for _, cmd := range []*cobra.Command{newPlotCommand(), newReplayCommand()} {
		if !strings.Contains(cmd.Long, "(345,600 rows)") {
			t.Errorf("%s --help does not say the most rows a recording holds", cmd.Name())
		}
	}
}
