package conformance

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"
)

// TestRecord makes testdata/*.bin again: real programs (busybox ash, vi,
// less, top) in a real container, `vme50-tui run --rootfs R /bin/sh` on a
// pty of recCols x recRows, typed at with pauses; what the programs wrote
// to the terminal (read from the pty's master, so after the tty's \n ->
// \r\n) up to the moment the screen is worth comparing is saved. Then the
// program is quit and the shell exits, unsaved. As root:
//
//	VME50_RECORD=1 VME50_BIN=/tmp/vme50-tui go test -run TestRecord ./ui/vterm/conformance/
//
// VME50_ROOTFS defaults to the default rootfs (vme50-tui rootfs create).
func TestRecord(t *testing.T) {
	if os.Getenv("VME50_RECORD") != "1" {
		t.Skip("VME50_RECORD=1 makes the recordings again")
	}
	bin, rootfs := os.Getenv("VME50_BIN"), os.Getenv("VME50_ROOTFS")
	if bin == "" {
		t.Fatal("VME50_BIN names the vme50-tui binary to record with")
	}
	if rootfs == "" {
		rootfs = "/var/lib/vme50/rootfs/busybox"
	}
	for _, r := range recordings {
		t.Run(r.name, func(t *testing.T) {
			rec := startRecording(t, bin, rootfs)
			rec.settle(0)
			rec.mark() // the stream starts at the first prompt
			file := r.name + ".bin"
			for i, k := range r.keys {
				var cols, rows uint16
				if _, err := fmt.Sscanf(k, resizeKey+"%dx%d", &cols, &rows); err != nil {
					rec.typ(k)
					continue
				}
				// A resize: what came before is a part; the program's
				// answer to the new size starts the next one.
				rec.save(t, file)
				rec.mark()
				file = fmt.Sprintf("%s.part%d-%dx%d.bin", r.name, i, cols, rows)
				if err := pty.Setsize(rec.master, &pty.Winsize{Cols: cols, Rows: rows}); err != nil {
					t.Fatal(err)
				}
				rec.settle(len(rec.saved()))
			}
			rec.save(t, file)
			for _, k := range r.quit {
				rec.typ(k)
			}
			rec.typ("exit\r")
			rec.wait()
		})
	}
}

// resizeKey, followed by COLSxROWS, is not typed: the pty is resized.
const resizeKey = "\x00resize "

// recordings: what is typed, and what quits the program afterwards.
var recordings = []struct {
	name       string
	keys, quit []string
}{
	{name: "ash", keys: []string{
		"echo one two\r", "ls /\r",
		"\x1b[A", "\x1b[A", "\r", // up twice: echo one two again
		"\x1b[A", "\x01", "X=1 ", "\x05", " three", "\r", // ctrl+a, ctrl+e editing
		"echo a long line that goes past the eightieth column of the terminal and wraps round\r",
		"\x1b[A", "\x1b[D\x1b[D\x1b[D\x1b[D\x1b[D", "\x7f\x7f", "XY", "\r", // left, backspace, insert
		"printf '\\033[1;31mred\\033[0m \\033[4munder\\033[0m\\n'\r",
	}},
	{name: "vi", keys: []string{
		"seq 1 300 > /tmp/long; clear\r",
		"vi /tmp/long\r",
		"\x06", "\x06", // ctrl+f: a page down, twice
		"\x02", // ctrl+b: back one
		"10j", "o", "inserted by the recorder", "\x1b",
		"G", "O", "near the end", "\x1b",
		"gg", "x", "dd",
	}, quit: []string{":q!\r"}},
	{name: "vi-quit", keys: []string{
		"printf 'alpha\\nbeta\\n' > /tmp/two\r",
		"vi /tmp/two\r", "A", " appended", "\x1b", ":q!\r", "echo back\r",
	}},
	{name: "vi-resize", keys: []string{
		"seq 1 100 > /tmp/r; clear\r",
		"vi /tmp/r\r", "10j",
		resizeKey + "100x30", "5j",
		resizeKey + "60x16", "otyped after two resizes", "\x1b",
	}, quit: []string{":q!\r"}},
	{name: "less", keys: []string{
		"seq 1 500 | sed 's/^/line /' > /tmp/long\r",
		"less /tmp/long\r",
		" ", " ", // a page down, twice
		"/line 42\r", // search
		"n",
	}, quit: []string{"q"}},
	{name: "less-quit", keys: []string{
		"seq 1 100 > /tmp/s\r", "less /tmp/s\r", " ", "/5\r", "q", "echo after less\r",
	}},
	{name: "top-quit", keys: []string{
		"top -d 1\r", "", "q", "echo after top\r",
	}},
	{name: "top", keys: []string{
		"top -d 1\r", "",
	}, quit: []string{"q"}},
}

// recording is a vme50-tui run on a pty whose output is kept.
type recording struct {
	t      *testing.T
	cmd    *exec.Cmd
	master *os.File
	mu     sync.Mutex
	out    []byte
	from   int
	last   time.Time
	done   chan struct{}
}

func startRecording(t *testing.T, bin, rootfs string) *recording {
	t.Helper()
	cmd := exec.Command(bin, "run", "--rootfs", rootfs, "--hostname", "rec", "/bin/sh")
	cmd.Env = append(os.Environ(), "TERM=xterm-256color", "PS1=/ # ")
	master, err := pty.StartWithSize(cmd, &pty.Winsize{Cols: recCols, Rows: recRows})
	if err != nil {
		t.Fatal(err)
	}
	r := &recording{t: t, cmd: cmd, master: master, last: time.Now(), done: make(chan struct{})}
	go func() {
		defer close(r.done)
		buf := make([]byte, 4096)
		for {
			n, err := master.Read(buf)
			r.mu.Lock()
			r.out = append(r.out, buf[:n]...)
			r.last = time.Now()
			r.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	t.Cleanup(func() { cmd.Process.Kill(); master.Close() })
	return r
}

// typ types keys, then waits for the programs to be done answering.
func (r *recording) typ(keys string) {
	r.t.Helper()
	r.mu.Lock()
	before := len(r.out)
	r.mu.Unlock()
	if _, err := r.master.Write([]byte(keys)); err != nil {
		r.t.Fatal(err)
	}
	r.settle(before)
}

// settle waits for output past before (at most 5 s: some keys print
// nothing), then until nothing was written for 400 ms (at most 10 s): top
// refreshes every second, so it is seen between two refreshes.
func (r *recording) settle(before int) {
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		r.mu.Lock()
		grew := len(r.out) > before
		r.mu.Unlock()
		if grew {
			break
		}
	}
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		r.mu.Lock()
		quiet := time.Since(r.last) > 400*time.Millisecond
		r.mu.Unlock()
		if quiet {
			return
		}
	}
}

func (r *recording) mark() {
	r.mu.Lock()
	r.from = len(r.out)
	r.mu.Unlock()
}

// save writes what was read since mark into testdata/file.
func (r *recording) save(t *testing.T, file string) {
	t.Helper()
	data := r.saved()
	if err := os.WriteFile(filepath.Join("testdata", file), data, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("%s: %d bytes", file, len(data))
}

func (r *recording) saved() []byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]byte(nil), r.out[r.from:]...)
}

func (r *recording) wait() {
	r.t.Helper()
	if err := r.cmd.Wait(); err != nil {
		r.t.Errorf("vme50-tui run: %v", err)
	}
	<-r.done
}
