package main

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"vme50-tui/cgroup"
	"vme50-tui/record"
)

// replayRecording writes a recording of three readings, the events
// column included, as run --record writes it.
func replayRecording(t *testing.T, path string) {
	t.Helper()
	var buf bytes.Buffer
	start := time.Unix(100, 0)
	w := record.New(&buf, start)
	for i := range 3 {
		st := cgroup.Stats{Time: start.Add(time.Duration(i) * 250 * time.Millisecond)}
		st.Memory.Max, st.Pids.Max = cgroup.Unlimited, cgroup.Unlimited
		w.Write(st, record.Event{Kind: record.EventStart, Detail: "cgroup v1, hostname box"})
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// What replay refuses: one line naming the file and, where it is the
// file's content, its line; status 125, as plot. A last line cut short
// is a warning, and the rows before it are played.
func TestReplayFiles(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.csv")
	replayRecording(t, good)
	data, _ := os.ReadFile(good)
	cut := filepath.Join(dir, "cut.csv")
	os.WriteFile(cut, data[:len(data)-5], 0o644)
	headerOnly := filepath.Join(dir, "empty.csv")
	os.WriteFile(headerOnly, []byte(record.Header+"\n"), 0o644)
	notes := filepath.Join(dir, "notes.txt")
	os.WriteFile(notes, []byte("my notes\n"), 0o644)
	missing := filepath.Join(dir, "missing.csv")

	if rec, note, err := readReplay(good); err != nil || note != "" || len(rec.Samples) != 3 {
		t.Errorf("good: %v, note %q", err, note)
	}
	if rec, note, err := readReplay(cut); err != nil || len(rec.Samples) != 2 || !strings.Contains(note, cut+": line 4 is cut short") {
		t.Errorf("cut short: %v, note %q", err, note)
	}
	for name, want := range map[string]string{
		notes:      notes + ": line 1: not a recording",
		missing:    missing + ": no such file",
		headerOnly: headerOnly + ": no reading to play",
	} {
		err := newReplayCommand().RunE(nil, []string{name})
		var ee *exitError
		if !errors.As(err, &ee) || ee.code != 125 || !strings.Contains(ee.msg, want) || strings.Contains(ee.msg, "\n") {
			t.Errorf("replay %s: %v, want status 125 and one line with %q", filepath.Base(name), err, want)
		}
	}
}

// replay --help says every key.
func TestReplayHelpSaysTheKeys(t *testing.T) {
	long := newReplayCommand().Long
	for _, k := range []string{"space", "left, right", "shift+left/right", "home, end", "-, +", "q, ctrl+c", "0.25x to 16x"} {
		if !strings.Contains(long, k) {
			t.Errorf("replay --help does not say %q", k)
		}
	}
}
