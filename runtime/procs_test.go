package runtime

import (
	"os"
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
