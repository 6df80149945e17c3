package runtime

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestParseStatAndStatus(t *testing.T) {
	// A name with a space and a parenthesis, as a process may give itself.
	stat := "4242 (vme50 (hog)) R 4200 4242 4242 0 -1 4194560 100 0 0 0 150 25 0 0 20 0 3 0 12345 1308076032 8064 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0"
	p, err := parseStat(4242, stat)
	if err != nil {
		t.Fatal(err)
	}
	parseStatus("Name:\tvme50-hog\nVmRSS:\t   32256 kB\nNSpid:\t4242\t7\nThreads:\t3\n", &p)
	want := Process{PID: 4242, NSPID: 7, PPID: 4200, Command: "[vme50 (hog)]", State: "R", Threads: 3,
		RSS: 32256 << 10, CPU: 175 * 10 * time.Millisecond}
	if p != want {
		t.Errorf("got  %+v\nwant %+v", p, want)
	}
	if _, err := parseStat(1, "1 no parentheses"); err == nil {
		t.Error("a stat without (comm) parsed")
	}
}

// This very process, read as a container's would be.
func TestReadProcessSelf(t *testing.T) {
	ps := readProcesses([]int{os.Getpid(), 999999999})
	if len(ps) != 1 || ps[0].PID != os.Getpid() || ps[0].RSS == 0 || ps[0].Threads < 1 || ps[0].Command == "" {
		t.Errorf("processes %+v", ps)
	}
}

// A process names itself: an escape sequence in its command line must not
// reach the screen, and a megabyte of it is not read.
func TestReadCommandBoundedAndPrintable(t *testing.T) {
	dir := t.TempDir()
	hostile := "sh\x00-c\x00\x1b]0;owned\x07\x1b[2J" + strings.Repeat("A", 1<<20)
	path := filepath.Join(dir, "cmdline")
	if err := os.WriteFile(path, []byte(hostile), 0o644); err != nil {
		t.Fatal(err)
	}
	got := Printable(readCommand(path))
	if len(got) > maxCommand {
		t.Errorf("read %d bytes of the command line, at most %d wanted", len(got), maxCommand)
	}
	if !strings.HasPrefix(got, "sh -c ?]0;owned??[2JAAA") {
		t.Errorf("command %.40q", got)
	}
	for _, r := range got {
		if r < ' ' || r == 0x7f {
			t.Fatalf("control character %q left in %.40q", r, got)
		}
	}
	if got := Printable("vme50-hog\tmem\nx é"); got != "vme50-hog mem x é" {
		t.Errorf("Printable = %q", got)
	}
	if readCommand(filepath.Join(dir, "gone")) != "" {
		t.Error("a missing cmdline read as a command")
	}
}

// What one reading of the process list costs per process (three /proc
// files): the app pays it at every interval while the list is shown.
func BenchmarkReadProcesses(b *testing.B) {
	pids := []int{os.Getpid(), os.Getppid(), 1}
	for b.Loop() {
		readProcesses(pids)
	}
}

// A recording handed in, or a process's name, may carry what a terminal
// acts on beyond ESC: C1 controls UTF-8 encoded (CSI U+009B, OSC U+009D,
// ST U+009C), format characters that turn or hide text, variation
// selectors that change a character's width.
func TestPrintableC1FormatAndVariationSelectors(t *testing.T) {
	for in, want := range map[string]string{
		"\u009b31mred":           "?31mred",
		"\u009d0;owned\u009c":    "?0;owned?",
		"\u0085next line":        "?next line",
		"abc\u202edcba":          "abc?dcba",
		"a\u200bb\u200dc\ufeffd": "a?b?c?d",
		"\U000e0041tag":          "?tag",
		"x\ufe0fy\U000e0100z":    "xyz",
		"oom_kill pid 7 é ü 中":   "oom_kill pid 7 é ü 中",
	} {
		if got := Printable(in); got != want {
			t.Errorf("Printable(%q) = %q, want %q", in, got, want)
		}
	}
}
