package main

import (
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	tea "charm.land/bubbletea/v2"

	"vme50-tui/runtime"
	"vme50-tui/ui"
	"vme50-tui/ui/frame"
)

// runTUI opens the terminal UI with the form prefilled from the flags.
func runTUI(opts runtime.Options, args []string, interval time.Duration, recordTo string) error {
	// Checked before the screen is touched: a refusal is one line on an
	// untouched terminal.
	if err := requireRoot("vme50-tui"); err != nil {
		return err
	}
	if err := checkInterval(interval); err != nil {
		return err
	}
	if err := checkRecordFlag(recordTo); err != nil {
		return err
	}
	host, err := hostSwept()
	if err != nil {
		return err
	}
	opts.Args = args
	app := ui.New(ui.Config{Host: host, Options: opts, Interval: interval, Record: recordTo,
		Hosts: hostContainers{host: host, interval: interval}})
	// Drawn by ui/frame, which draws only when something changed: Bubble
	// Tea's own renderer wakes 60 times a second (issue 13).
	p := frame.New(app)

	// Bubble Tea turns SIGTERM into a quit; SIGHUP (the terminal closed)
	// must end us the same way.
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	err = runProgram(p, app.Shutdown, hup)
	if err != nil && !errors.Is(err, tea.ErrInterrupted) {
		return &exitError{code: runtime.ExitRuntimeFailed, msg: err.Error()}
	}
	return nil
}

// program is what runProgram runs: a *frame.Program, as a *tea.Program.
type program interface {
	Run() (tea.Model, error)
	Quit()
}

// checkRecordFlag refuses, in one line, a --record the form would refuse.
func checkRecordFlag(path string) error {
	if err := ui.CheckRecordPath(path); err != nil {
		return &exitError{code: runtime.ExitRuntimeFailed, msg: fmt.Sprintf("--record %s: %v", path, err)}
	}
	return nil
}

// runProgram runs p until it ends, however it ends: a quit, a hup (which
// ends it as a quit does), another signal, or a panic in the UI, which
// Bubble Tea recovers from after restoring the terminal. Then it calls
// shutdown, which kills and removes every container: none may outlive the
// UI. It returns Run's error. (It is apart from runTUI, which needs root
// and a host, so that a test can run it on a model that panics:
// tui_test.go.)
func runProgram(p program, shutdown func(), hup <-chan os.Signal) error {
	ended := make(chan struct{})
	defer close(ended)
	go func() {
		select {
		case <-hup:
			p.Quit()
		case <-ended:
		}
	}()
	_, err := p.Run()
	shutdown()
	return err
}
