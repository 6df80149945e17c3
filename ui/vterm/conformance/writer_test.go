package conformance

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"golang.org/x/term"
)

// writerEnv names the directory of a stream's parts; set, the test binary
// is the writer that runs in tmux's pane instead of the tests.
const writerEnv = "VME50_CONF_WRITER"

// writerMain writes part-0, part-1, ... of dir to its terminal, each
// followed by a title (OSC 2) that tells the harness tmux has read that far,
// and waits for a byte on its input before the next part (the harness
// resizes the window in between). It puts the terminal in raw mode first:
// with the line discipline's output processing off, the pty hands tmux the
// stream's bytes as they are (no \n -> \r\n), and no echo or shell prompt
// reaches the screen. Then it blocks until tmux kills it.
func writerMain(dir string) int {
	if _, err := term.MakeRaw(0); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	for i := 0; ; i++ {
		data, err := os.ReadFile(filepath.Join(dir, fmt.Sprintf("part-%d", i)))
		if os.IsNotExist(err) {
			break
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		if i > 0 {
			waitForN()
		}
		os.Stdout.Write(data)
		fmt.Fprintf(os.Stdout, "\x1b]2;%s\a", partTitle(i))
	}
	for { // until tmux kills the pane; a deadlocked select{} would panic
		time.Sleep(time.Hour)
	}
}

// partTitle is the window title the writer sets after part i: tmux reads
// a pty in order, so once the pane's title says it, the part is on screen.
func partTitle(i int) string { return fmt.Sprintf("vme50conf-part-%d", i) }

// waitForN reads the terminal's input up to an "n", the harness's go-ahead
// for the next part; tmux's answers to a program's queries (DSR, DA) that
// a stream holds come in there too, and hold no "n".
func waitForN() {
	b := make([]byte, 1)
	for {
		if n, err := os.Stdin.Read(b); err != nil || n == 1 && b[0] == 'n' {
			return
		}
	}
}
