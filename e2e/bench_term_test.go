package e2e

import (
	"fmt"
	"os"
	"regexp"
	"strconv"
	"sync"
	"testing"
	"time"
)

// The terminal pane's budgets (ARCHITECTURE.md, issue 13), measured side
// by side with a real terminal in one run: output through the pane at
// least 0.5x tmux's speed, the idle TUI no dearer than top -d 0.25, ten
// idle containers at most twice one, and the memory of four full
// scrollbacks stated.

// termCols x termRows is the size of every window: the TUI's and tmux's.
const termCols, termRows = 200, 50

// termRounds is how many times each stream is timed on each side:
// VME50_BENCH_TERM_ROUNDS, or 5 (b.N, 100 under make bench, would take
// minutes for one figure).
func termRounds(b *testing.B) int {
	if n, err := strconv.Atoi(os.Getenv("VME50_BENCH_TERM_ROUNDS")); err == nil && n > 0 {
		return min(n, b.N)
	}
	return min(5, b.N)
}

// BenchmarkTermSeq: `time seq 1 200000 >/dev/tty` typed into the TUI's
// shell (the TUI in a 200x50 tmux window) and into `vme50-tui run ... sh`
// straight in a 200x50 tmux window. x-tmux is tmux's median time over the
// pane's: the pane's speed as a fraction of a real terminal's (budget:
// 0.5 or more).
func BenchmarkTermSeq(b *testing.B) {
	benchOutput(b, "", "seq 1 200000")
}

// BenchmarkTermColour: the same with a coloured flood, 200,000 lines of
// SGR-coloured words as `ls --color` writes them, made in the container's
// /tmp before the clock starts and cat'ed.
func BenchmarkTermColour(b *testing.B) {
	// A line of ls --color: bold blue directories, green executables,
	// cyan links, plain files, each word its own colour run.
	flood := `e=$(printf '\033'); seq 1 200000 | sed "s/.*/${e}[0m${e}[01;34mbin${e}[0m  ${e}[01;32mrun-&${e}[0m  ` +
		`notes.txt  ${e}[01;36mlib${e}[0m  ${e}[38;5;208mimage-&.png${e}[0m  ${e}[38;2;200;100;50mtrue-colour${e}[0m/" > /tmp/flood`
	benchOutput(b, flood, "cat /tmp/flood")
}

func benchOutput(b *testing.B, prepare, command string) {
	needKernel(b)
	x := newBenchTmux(b)
	x.tui("tui", termCols, termRows, "benchtui")
	x.window("tmux", termCols, termRows, bin, "run", "--rootfs", rootfsOK, "--hostname", "benchtmux", "/bin/sh")
	x.waitFor("tmux", `(?m)/ #( |$)`, 10*time.Second)
	sides := []string{"tui", "tmux"}
	if prepare != "" {
		for _, w := range sides {
			x.line(w, prepare+"; echo made-$((40+2))")
			x.waitFor(w, `made-42`, 60*time.Second)
		}
	}
	seconds := map[string][]float64{}
	for i := range termRounds(b) {
		for j := range sides {
			w := sides[(i+j)%len(sides)] // taking turns at going first
			seconds[w] = append(seconds[w], timeInShell(b, x, w, command, i))
		}
	}
	tui, tmux := median(seconds["tui"]), median(seconds["tmux"])
	b.ReportMetric(tui, "s-tui")
	b.ReportMetric(tmux, "s-tmux")
	b.ReportMetric(tmux/tui, "x-tmux")
	b.ReportMetric(0, "ns/op")
}

// realTime is busybox time's wall clock line: "real\t0m 1.23s".
var realTime = regexp.MustCompile(`real\s+(\d+)m\s*([\d.]+)s`)

// timeInShell types `time COMMAND >/dev/tty` in window w's shell and
// returns the seconds busybox time measured (the last on the screen). A
// marker echoed after it (its value, not its text as typed) tells the
// command is done.
func timeInShell(b *testing.B, x *benchTmux, w, command string, round int) float64 {
	b.Helper()
	x.line(w, fmt.Sprintf("time %s >/dev/tty; echo done-$((1000+%d))", command, round))
	s := x.waitFor(w, fmt.Sprintf(`done-%d`, 1000+round), 5*time.Minute)
	m := realTime.FindAllStringSubmatch(s, -1)
	if m == nil {
		b.Fatalf("%s: no time on the screen:\n%s", w, s)
	}
	last := m[len(m)-1]
	min, _ := strconv.Atoi(last[1])
	sec, _ := strconv.ParseFloat(last[2], 64)
	return float64(min)*60 + sec
}

// idleSeconds is how long the idle CPU is measured.
const idleSeconds = 15

// BenchmarkTermIdle: CPU used over 15 s, side by side, by the TUI with one
// container at a shell prompt, by top -d 0.25 (the same 4 Hz refresh) and
// by the TUI with ten containers at a prompt, each in a 200x50 window.
// x-top is the one-container TUI's CPU over top's (budget: 1 or less),
// x-one ten containers' over one's (budget: 2 or less). Measured once per
// run (make bench calls a benchmark twice).
func BenchmarkTermIdle(b *testing.B) {
	needKernel(b)
	r := idleOnce(b)
	b.ReportMetric(r.one, "%cpu-tui")
	b.ReportMetric(r.top, "%cpu-top")
	b.ReportMetric(r.ten, "%cpu-tui10")
	b.ReportMetric(r.one/r.top, "x-top")
	b.ReportMetric(r.ten/r.one, "x-one")
	b.ReportMetric(0, "ns/op")
}

type idleCPU struct{ one, top, ten float64 }

var (
	idleMu   sync.Mutex
	idleDone *idleCPU
)

func idleOnce(b *testing.B) idleCPU {
	idleMu.Lock()
	defer idleMu.Unlock()
	if idleDone != nil {
		return *idleDone
	}
	x := newBenchTmux(b)
	x.tui("one", termCols, termRows, "idleone")
	x.tui("ten", termCols, termRows, "idleten")
	for n := 2; n <= 10; n++ {
		x.newContainer("ten", n)
	}
	x.window("top", termCols, termRows, "top", "-d", "0.25")
	x.waitFor("top", `PID`, 10*time.Second)
	time.Sleep(2 * time.Second) // past the starts
	pids := map[string]int{"one": x.pid("one"), "top": x.pid("top"), "ten": x.pid("ten")}
	before := map[string]time.Duration{}
	for w, pid := range pids {
		before[w] = cpuTime(b, pid)
	}
	start := time.Now()
	time.Sleep(idleSeconds * time.Second)
	elapsed := time.Since(start).Seconds()
	pct := func(w string) float64 {
		return (cpuTime(b, pids[w]) - before[w]).Seconds() / elapsed * 100
	}
	idleDone = &idleCPU{one: pct("one"), top: pct("top"), ten: pct("ten")}
	return *idleDone
}

// BenchmarkTermMemory: the TUI's resident memory with four containers,
// each of which has printed 10,000 lines of 200 columns of coloured text
// (its scrollback full), in MiB; and with the four at a fresh prompt.
func BenchmarkTermMemory(b *testing.B) {
	needKernel(b)
	r := memoryOnce(b)
	b.ReportMetric(r[0], "MiB-fresh")
	b.ReportMetric(r[1], "MiB-full")
	b.ReportMetric(0, "ns/op")
}

var (
	memoryMu   sync.Mutex
	memoryDone *[2]float64
)

func memoryOnce(b *testing.B) [2]float64 {
	memoryMu.Lock()
	defer memoryMu.Unlock()
	if memoryDone != nil {
		return *memoryDone
	}
	x := newBenchTmux(b)
	x.tui("mem", termCols, termRows, "membox")
	for n := 2; n <= 4; n++ {
		x.newContainer("mem", n)
	}
	time.Sleep(time.Second)
	pid := x.pid("mem")
	fresh := rssMiB(b, pid)
	// The line's number and four runs of colour: 200 columns a line.
	fill := `e=$(printf '\033'); l=$(printf "${e}[31m%-50s${e}[32m%-50s${e}[34m%-50s${e}[35m%-45s${e}[0m" red green blue magenta); ` +
		`seq 1 10000 | sed "s/.*/&$l/"`
	for n := 1; n <= 4; n++ {
		x.keys("mem", "C-g", strconv.Itoa(n))
		time.Sleep(300 * time.Millisecond)
		x.line("mem", fill+fmt.Sprintf("; echo filled-$((%d+2))", 10*n))
		// The lines' last run on the screen: the fill printed what it should.
		x.waitFor("mem", fmt.Sprintf(`magenta[\s\S]*filled-%d`, 10*n+2), 2*time.Minute)
	}
	time.Sleep(time.Second)
	memoryDone = &[2]float64{fresh, rssMiB(b, pid)}
	return *memoryDone
}
