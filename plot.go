package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"vme50-tui/plot"
	"vme50-tui/record"
	"vme50-tui/runtime"
)

// `vme50-tui plot FILE.csv... -o OUT.svg|png`: recordings (run --record,
// the TUI's "Record to") drawn as the picture for a lab sheet. It reads
// files and writes one: no root, no container.

func newPlotCommand() *cobra.Command {
	var out, size string
	cmd := &cobra.Command{
		Use:   "plot FILE.csv... -o OUT.svg|png [--size WxH]",
		Short: "Draw recordings as a picture: memory, CPU and processes over time",
		Long: `Draw one or more recordings (made with run --record or the TUI's "Record to")
as one picture of three panels on a time axis in seconds: memory used against
memory.max (and memory.high), the cores used, the processes against pids.max.
Each panel's title names the host's cgroup files the values came from. Events
(the start, an OOM kill and its victim, a limit changed, a pause, the exit)
are dashed vertical lines, labelled on the memory panel.

Several recordings are drawn on the same panels, one colour each, named by
their file in the legend: run a lesson twice with two settings and compare.

The picture is SVG or PNG, chosen by the name given to -o, written whole or
not at all (a link at -o is replaced, not written through). The CPU quota
(cpu.max) is not in a recording and has no line: where the cores used stay
flat is where it bit. A recording holds at most a day of readings at 250 ms
(345,600 rows); each line is drawn through two points per pixel column at
most, and at most 24 events are labelled, OOM kills first.`,
		Example: `  sudo vme50-tui run --memory-limit 32M --record hog.csv vme50-hog mem
  vme50-tui plot hog.csv -o hog.svg
  vme50-tui plot weight100.csv weight1000.csv -o weights.png --size 1600x1200`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := drawPlot(args, out, size); err != nil {
				// Names are anyone's (recordings handed in): stderr is
				// the teacher's terminal too.
				return &exitError{code: runtime.ExitRuntimeFailed, msg: runtime.Printable(err.Error())}
			}
			return nil
		},
	}
	cmd.Flags().StringVarP(&out, "output", "o", "", "the picture to write: a name ending in .svg or .png")
	cmd.Flags().StringVar(&size, "size", fmt.Sprintf("%dx%d", plot.DefaultSize.Width, plot.DefaultSize.Height), "the picture's width and height in pixels")
	return cmd
}

// drawPlot checks the arguments, reads every recording, draws them, and
// only then writes the picture: a bad file leaves no half picture behind.
func drawPlot(files []string, out, sizeFlag string) error {
	if out == "" {
		return errors.New("plot: -o OUT.svg|png is needed: where to write the picture")
	}
	format, err := plot.FormatOf(out)
	if err != nil {
		return err
	}
	size, err := plot.ParseSize(sizeFlag)
	if err != nil {
		return err
	}
	var runs []plot.Run
	for _, name := range files {
		rec, err := readRecording(name)
		if err != nil {
			return err
		}
		runs = append(runs, plot.Run{Name: filepath.Base(name), Rec: rec})
	}
	var picture bytes.Buffer
	if err := plot.Draw(&picture, format, size, runs); err != nil {
		return fmt.Errorf("plot: drawing %s: %v", out, err)
	}
	return writeAtomically(out, picture.Bytes())
}

// writeAtomically writes data to a new file beside name and renames it
// over name: a reader sees the old picture or the new one, never half of
// one, and a link at name (plot is often run with sudo) is replaced, not
// written through to whatever it points at.
func writeAtomically(name string, data []byte) (err error) {
	dir, base := filepath.Split(name)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".*.tmp")
	if err != nil {
		return fmt.Errorf("plot: writing %s: %v", name, err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
			err = fmt.Errorf("plot: writing %s: %v", name, err)
		}
	}()
	if _, err := f.Write(data); err != nil {
		return err
	}
	if err := f.Chmod(0o644); err != nil { // CreateTemp's is 0600: a picture is for others to see
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), name)
}

// readRecording reads one file. A last line cut short (vme50-tui died
// while writing it) only costs that line: the rows before it are whole,
// and what led to the crash is what the picture is for.
func readRecording(name string) (*record.Recording, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	rec, err := record.Read(f)
	var cut *record.CutShortError
	if errors.As(err, &cut) {
		warn("warning: %s: %v; plotting the %d rows before it", runtime.Printable(name), err, len(rec.Samples))
		return rec, nil
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	return rec, nil
}
