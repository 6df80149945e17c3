package ui

import (
	"fmt"
	"reflect"
	goruntime "runtime"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
)

// Bubble Tea runs every Cmd on a goroutine of its own. drive runs most of
// them at once, in order, so that a test sees their effect as soon as it
// returns; but some wait for something to happen, and those run as in
// Bubble Tea, their messages handed to the app by a later drive (or by
// deliver, which waits for them).

// waitingCmds wait for an event: a container's end (waitContainer), a
// pane's next output (Pane.waitCmd). Named by their functions: a tea.Cmd
// is a bare func, and nothing else tells them apart.
var waitingCmds = []string{".waitContainer.", ".waitCmd."}

// timerCmds wait for time to pass: the sampler's tick, a cursor's blink.
// They are left out, as the tests do not wait for time.
var timerCmds = []string{".Tick.", ".Blink."}

// mailboxes holds, for each app, what its background Cmds returned.
var mailboxes sync.Map // *App -> chan tea.Msg

func mailbox(a *App) chan tea.Msg {
	m, _ := mailboxes.LoadOrStore(a, make(chan tea.Msg, 1000))
	return m.(chan tea.Msg)
}

// inBackground starts cmd on a goroutine of its own if it waits for an
// event, leaves it out if it is a timer, and tells whether it did either.
func inBackground(a *App, cmd tea.Cmd) bool {
	name := cmdName(cmd)
	switch {
	case nameHas(name, timerCmds):
		return true
	case nameHas(name, waitingCmds):
		go func() {
			if msg := cmd(); msg != nil {
				mailbox(a) <- msg
			}
		}()
		return true
	}
	return false
}

func cmdName(cmd tea.Cmd) string {
	return goruntime.FuncForPC(reflect.ValueOf(cmd).Pointer()).Name()
}

func nameHas(name string, parts []string) bool {
	for _, p := range parts {
		if strings.Contains(name, p) {
			return true
		}
	}
	return false
}

// runNow runs a Cmd that should return at once. One that blocks fails
// loudly, by name, instead of hanging the test: it belongs in
// waitingCmds or timerCmds.
func runNow(cmd tea.Cmd) tea.Msg {
	ch := make(chan tea.Msg, 1)
	go func() { ch <- cmd() }()
	select {
	case msg := <-ch:
		return msg
	case <-time.After(10 * time.Second):
		panic(fmt.Sprintf("Cmd %s blocked: does it wait for an event or a timer?", cmdName(cmd)))
	}
}

// arrived is what the app's background Cmds have returned so far.
func arrived(a *App) []tea.Msg {
	var out []tea.Msg
	for {
		select {
		case msg := <-mailbox(a):
			out = append(out, msg)
		default:
			return out
		}
	}
}

// deliver hands the app what its background Cmds return, as they return
// it, until cond holds.
func deliver(t *testing.T, a *App, what string, cond func() bool) {
	t.Helper()
	deadline := time.After(5 * time.Second)
	for !cond() {
		select {
		case msg := <-mailbox(a):
			drive(a, msg)
		case <-deadline:
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}
