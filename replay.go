package main

import (
	"errors"
	"fmt"
	"os"

	tea "charm.land/bubbletea/v2"
	"github.com/spf13/cobra"

	"vme50-tui/record"
	"vme50-tui/runtime"
	"vme50-tui/ui"
	"vme50-tui/ui/frame"
)

func newReplayCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "replay FILE.csv",
		Short: "Play a recording back on the panels, with its events marked",
		Long: `Play a recording (run --record, the form's "Record to") back on the same
panels as the live screen: memory against its limit, the CPU against its
quota, I/O, pressure, pids, with the events marked on the graphs' time axis
(S start, K OOM kill, L limit changed, P pause, R resume, E exit) and the
newest one's words. No root needed.

Keys:
  space              play / pause (at the end: play again from the start)
  left, right        the reading before, the next one (pauses)
  shift+left/right   10% of the recording back, on (also pgup, pgdown)
  home, end          the first reading, the last
  -, +               slower, faster (0.25x to 16x)
  q, ctrl+c          quit

A file that is not a recording is refused with a line naming the file and
its line. A last line cut short (vme50-tui died while writing it) is told,
and the rows before it are played. A recording holds at most a day of
readings at 250 ms (345,600 rows), 100 events a row; what the file says
(its name, the events' words) is shown without the characters a terminal
would act on.`,
		Example: `  sudo vme50-tui run --memory-limit 32M --record hog.csv vme50-hog mem
  vme50-tui replay hog.csv`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			rec, note, err := readReplay(args[0])
			if err != nil {
				// The file's name is anyone's (a recording handed in):
				// stderr is the teacher's terminal too.
				return &exitError{code: runtime.ExitRuntimeFailed, msg: runtime.Printable(err.Error())}
			}
			if note != "" {
				warn("warning: %s", runtime.Printable(note))
			}
			if _, err := frame.New(ui.NewReplay(args[0], rec, note)).Run(); err != nil && !errors.Is(err, tea.ErrInterrupted) {
				return &exitError{code: runtime.ExitRuntimeFailed, msg: err.Error()}
			}
			return nil
		},
	}
}

// readReplay reads the recording to play. A last line cut short costs that
// line alone (note says so); a file with no reading has nothing to play.
func readReplay(name string) (rec *record.Recording, note string, err error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, "", fmt.Errorf("replay: %v", err)
	}
	defer f.Close()
	rec, err = record.Read(f)
	var cut *record.CutShortError
	switch {
	case errors.As(err, &cut):
		note = fmt.Sprintf("%s: %v; playing the %d rows before it", name, err, len(rec.Samples))
	case err != nil:
		return nil, "", fmt.Errorf("replay: %s: %v", name, err)
	}
	switch {
	case len(rec.Samples) == 0 && cut != nil:
		return nil, "", fmt.Errorf("replay: %s: %v, and no whole row before it to play", name, cut)
	case len(rec.Samples) == 0:
		return nil, "", fmt.Errorf("replay: %s: no reading to play (the container ended before its first)", name)
	}
	return rec, note, nil
}
