package main

import (
	"bytes"
	"errors"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"vme50-tui/cgroup"
	"vme50-tui/record"
)

// writeRecording writes a recording as `run --record` does: a container
// whose memory climbs, a process more each reading.
func writeRecording(t *testing.T, path string) {
	t.Helper()
	f, err := record.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Unix(0, 0)
	f.Start(start)
	for i := range 8 {
		st := cgroup.Stats{
			Time:   start.Add(time.Duration(i) * 250 * time.Millisecond),
			Memory: cgroup.MemoryStats{Current: uint64(i) << 20, Max: 32 << 20, High: cgroup.Unlimited},
			CPU:    cgroup.CPUStats{UsageUsec: uint64(i) * 100000},
			Pids:   cgroup.PidsStats{Current: uint64(i), Max: cgroup.Unlimited},
		}
		if err := f.Write(st); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// plotCmd runs `vme50-tui plot ARGS` as main does.
func plotCmd(args ...string) error {
	root := newRootCommand()
	root.SetArgs(append([]string{"plot"}, args...))
	var out bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&out)
	return root.Execute()
}

func TestPlotCommandWritesPNGAndSVG(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.csv"), filepath.Join(dir, "b.csv")
	writeRecording(t, a)
	writeRecording(t, b)
	pngOut := filepath.Join(dir, "ab.png")
	if err := plotCmd(a, b, "-o", pngOut, "--size", "640x480"); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(pngOut)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 640 || b.Dy() != 480 {
		t.Errorf("size %v, want 640x480", b)
	}
	svgOut := filepath.Join(dir, "ab.svg")
	if err := plotCmd(a, b, "--output", svgOut); err != nil {
		t.Fatal(err)
	}
	svg, err := os.ReadFile(svgOut)
	if err != nil {
		t.Fatal(err)
	}
	// The legend names the files by their base name, not the temp path.
	for _, want := range []string{`viewBox="0 0 1200 900"`, ">a.csv<", ">b.csv<", "memory.current against memory.max (dashed)<"} {
		if !bytes.Contains(svg, []byte(want)) {
			t.Errorf("the SVG has no %s", want)
		}
	}
}

// A recording whose last line was cut by a crash is drawn from the rows
// before it.
func TestPlotCommandCutShort(t *testing.T) {
	dir := t.TempDir()
	cut := filepath.Join(dir, "cut.csv")
	writeRecording(t, cut)
	data, err := os.ReadFile(cut)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(cut, data[:len(data)-5], 0o644); err != nil {
		t.Fatal(err)
	}
	if err := plotCmd(cut, "-o", filepath.Join(dir, "cut.svg")); err != nil {
		t.Fatalf("a cut-short recording: %v", err)
	}
}

// Bad input: one line naming what is wrong, status 125, and no picture
// left behind.
func TestPlotCommandErrors(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.csv")
	writeRecording(t, good)
	bad := filepath.Join(dir, "bad.csv")
	if err := os.WriteFile(bad, []byte(record.Header+"\n0,1,2,3,0,5,0,0,1,9,,0,0,0,0,,,,0,\n250,x,2,3,0,5,0,0,1,9,,0,0,0,0,,,,0,\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	notCSV := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(notCSV, []byte("my notes\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing.csv")
	out := filepath.Join(dir, "out.svg")
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{good, "-o", filepath.Join(dir, "out.jpg")}, []string{"-o " + filepath.Join(dir, "out.jpg"), ".svg or .png"}},
		{[]string{good}, []string{"-o OUT.svg|png is needed"}},
		{[]string{good, "-o", out, "--size", "big"}, []string{`--size "big"`}},
		{[]string{good, missing, "-o", out}, []string{missing, "no such file"}},
		{[]string{good, bad, "-o", out}, []string{bad + ": line 3: column memory_current", `"x" is not a number`}},
		{[]string{notCSV, "-o", out}, []string{notCSV + ": line 1: not a recording", "time_ms,memory_current"}},
		{[]string{"-o", out}, []string{"requires at least 1 arg"}},
	} {
		err := plotCmd(tc.args...)
		var ee *exitError
		if !errors.As(err, &ee) {
			// cobra's own argument errors become 125 in main.
			if err == nil || !strings.Contains(err.Error(), tc.want[0]) {
				t.Errorf("%q: err %v, want %q", tc.args, err, tc.want)
			}
			continue
		}
		if ee.code != 125 || strings.Contains(ee.msg, "\n") {
			t.Errorf("%q: status %d, message %q: want 125 and one line", tc.args, ee.code, ee.msg)
		}
		for _, w := range tc.want {
			if !strings.Contains(ee.msg, w) {
				t.Errorf("%q: %q does not say %q", tc.args, ee.msg, w)
			}
		}
	}
	if _, err := os.Stat(out); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a picture was left behind: %v", err)
	}
}
