package main

import (
	"strings"
	"testing"
	"time"
)

// run's own flags (--record, --verbose, --interval) stop at the command too.
func TestRunFlags(t *testing.T) {
	cmd := newRunCommand()
	fs := cmd.Flags()
	if err := fs.Parse([]string{"--record", "r.csv", "--verbose", "--interval", "100ms", "/bin/sh", "-v", "-c", "echo"}); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(fs.Args(), " "); got != "/bin/sh -v -c echo" {
		t.Errorf("command %q", got)
	}
	record, _ := fs.GetString("record")
	verbose, _ := fs.GetBool("verbose")
	interval, _ := fs.GetDuration("interval")
	if record != "r.csv" || !verbose || interval != 100*time.Millisecond {
		t.Errorf("record %q verbose %v interval %s", record, verbose, interval)
	}
	fs = newRunCommand().Flags()
	fs.Parse([]string{"true"})
	if interval, _ := fs.GetDuration("interval"); interval != defaultInterval {
		t.Errorf("default interval %s", interval)
	}
}

func TestCheckInterval(t *testing.T) {
	if err := checkInterval(50 * time.Millisecond); err != nil {
		t.Error(err)
	}
	err := checkInterval(10 * time.Millisecond)
	if ee, ok := err.(*exitError); !ok || ee.code != 125 || !strings.Contains(ee.msg, "--interval 10ms") {
		t.Errorf("got %v", err)
	}
}
