package ui

// The host's containers: the host view (ctrl+g h) over the form or the
// containers, a tab of panels for a container started elsewhere, stop,
// and a command exec'd into a container in a tab of its own (ctrl+g e).
// Everything that touches the kernel (listing, attaching, stopping,
// exec) runs in a Cmd through Config.Hosts, never inside Update.

import (
	"fmt"
	"os"
	"slices"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// Messages of the host's containers.
type (
	hostListedMsg struct {
		rows []HostRow
		err  error
	}
	hostStoppedMsg struct {
		id, name string
		err      error
	}
	// attachedMsg: a container started elsewhere, ready for a tab.
	attachedMsg struct {
		c     Container
		owner int
	}
	// execStartedMsg: a command exec'd into a container runs; its tab
	// takes the place of tab replaceKey (r on an ended exec) or is new.
	execStartedMsg struct {
		c          Container
		plan       execPlan
		replaceKey string
	}
)

// An execPlan is what an exec tab runs, to run it again (r).
type execPlan struct {
	id, name string // the container's id, and its name in the tab
	args     []string
}

// noHosts is the status when the app was given no way to the host's
// containers.
const noHosts = "the containers of the host are out of reach here"

// openHost puts the host view over the screen and lists the containers.
func (a *App) openHost() tea.Cmd {
	if a.cfg.Hosts == nil {
		a.status = noHosts
		return nil
	}
	if a.host == nil {
		a.host = NewHostView(os.Getpid())
	}
	a.host.SetSize(a.width, a.height-2)
	a.overlay = overlayHost
	return a.listHost()
}

func (a *App) closeHost() {
	if a.overlay == overlayHost {
		a.overlay = noOverlay
	}
}

// listHost lists the host's containers in a Cmd, unless a listing is
// already under way: a slow one does not pile up behind the ticks.
func (a *App) listHost() tea.Cmd {
	if a.listing || a.cfg.Hosts == nil {
		return nil
	}
	a.listing = true
	hosts := a.cfg.Hosts
	return func() tea.Msg {
		rows, err := hosts.List()
		return hostListedMsg{rows: rows, err: err}
	}
}

// hostKey gives a key to the host view; ctrl+g leaves it for a command.
func (a *App) hostKey(k tea.KeyPressMsg) tea.Cmd {
	a.status = ""
	if key.Matches(k, a.keys.Prefix) {
		a.overlay = overlayPrefix
		return nil
	}
	var cmd tea.Cmd
	a.host, cmd = a.host.Update(k)
	return cmd
}

// hostDone does what the host view asked, and takes the answers of the
// Cmds that did it.
func (a *App) hostDone(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case hostListedMsg:
		a.listing = false
		if a.host != nil {
			a.host.SetRows(msg.rows, msg.err)
		}
	case HostViewClosedMsg:
		a.closeHost()
	case HostOpenMsg:
		a.closeHost()
		return a.openContainer(msg.ID, msg.Name)
	case HostExecMsg:
		a.closeHost()
		a.toContainers()
		a.askExec(msg.ID, msg.Name)
	case HostStopMsg:
		a.status = fmt.Sprintf("stopping %s: SIGTERM to its PID 1, SIGKILL if it still runs 10s later…", msg.Name)
		return stopContainer(a.cfg.Hosts, msg.ID, msg.Name)
	case hostStoppedMsg:
		if msg.err != nil {
			a.status = fmt.Sprintf("%s was not stopped: %v", msg.name, msg.err)
		} else {
			a.status = msg.name + " stopped"
		}
		if a.overlay == overlayHost {
			return a.listHost()
		}
	}
	return nil
}

// stopContainer stops a container, off the UI's goroutine: it may wait
// the whole grace period.
func stopContainer(hosts HostContainers, id, name string) tea.Cmd {
	return func() tea.Msg { return hostStoppedMsg{id: id, name: name, err: hosts.Stop(id)} }
}

// toContainers leaves the form, if it is on screen, for the containers.
func (a *App) toContainers() {
	if a.mode == modeForm {
		a.leaveForm()
	}
}

// openContainer shows container id in a tab: its own, if it has one here
// (this TUI started it, or it is attached already), else a new tab of
// its panels, attached in a Cmd.
func (a *App) openContainer(id, name string) tea.Cmd {
	a.toContainers()
	if i := a.containerTab(id); i >= 0 {
		a.switchTo(i)
		return nil
	}
	owner := 0
	if a.host != nil {
		if r, ok := a.host.Row(id); ok {
			owner = r.OwnerPID
		}
	}
	hosts := a.cfg.Hosts
	return func() tea.Msg {
		c, err := hosts.Attach(id)
		if err != nil {
			return errMsg{fmt.Errorf("%s cannot be opened: %w", name, err)}
		}
		return attachedMsg{c: c, owner: owner}
	}
}

// containerTab is the index of container id's own tab (started here or
// attached; not an exec's), or -1.
func (a *App) containerTab(id string) int {
	return slices.IndexFunc(a.tabs, func(t *tab) bool { return t.kind != tabExec && t.c.ID() == id })
}

// newKey is a tab key never given before: the end of a container let go
// of (ctrl+g x) must not reach a tab opened on it again.
func (a *App) newKey(kind, id string) string {
	a.made++
	return fmt.Sprintf("%s%d-%s", kind, a.made, id)
}

// addAttached shows a container attached from elsewhere: its panels take
// the whole screen, there being no terminal.
func (a *App) addAttached(msg attachedMsg) tea.Cmd {
	if i := a.containerTab(msg.c.ID()); i >= 0 {
		msg.c.Close() // enter twice: one tab is enough
		a.switchTo(i)
		return nil
	}
	t := a.newTab(a.newKey("attached", msg.c.ID()), tabAttached, msg.c)
	t.owner = msg.owner
	return a.showTab(t, "")
}

// openExecPrompt asks what to exec into the current tab's container.
func (a *App) openExecPrompt() {
	t := a.current()
	switch {
	case t == nil:
	case a.cfg.Hosts == nil:
		a.status = noHosts
	case t.ended && t.kind == tabExec:
		a.status = "the exec into " + t.name() + " has ended: r runs it again, if " + t.name() + " still runs"
	case t.ended:
		a.status = t.name() + " has ended: there is nothing to exec into"
	default:
		a.askExec(t.c.ID(), t.name())
	}
}

// askExec opens the exec prompt for container id, called name.
func (a *App) askExec(id, name string) {
	a.prompt = NewExecPrompt(id, name)
	a.prompt.SetWidth(a.width)
	a.overlay = overlayExec
}

func (a *App) updateExecPrompt(msg tea.Msg) tea.Cmd {
	var cmd tea.Cmd
	a.prompt, cmd = a.prompt.Update(msg)
	return cmd
}

// execDone takes the prompt's answer: run the command, or nothing.
func (a *App) execDone(msg tea.Msg) tea.Cmd {
	a.prompt = nil
	if a.overlay == overlayExec {
		a.overlay = noOverlay
	}
	if msg, ok := msg.(ExecChosenMsg); ok {
		return a.startExec(execPlan{id: msg.ID, name: msg.Name, args: msg.Args}, "")
	}
	return nil
}

// startExec execs p's command into its container on a terminal of the
// pane's size, off the UI's goroutine. The exec is ours: quitting kills
// it, as it kills the containers we started.
func (a *App) startExec(p execPlan, replaceKey string) tea.Cmd {
	hosts, all := a.cfg.Hosts, a.all
	cols, rows := a.paneSize()
	return func() tea.Msg {
		c, err := hosts.Exec(p.id, p.args, uint16(rows), uint16(cols))
		if err != nil {
			return errMsg{fmt.Errorf("exec %s into %s: %w", joinWords(p.args), p.name, err)}
		}
		all.add(c)
		return execStartedMsg{c: c, plan: p, replaceKey: replaceKey}
	}
}

// addExec shows a command exec'd into a container: its terminal beside
// the container's panels, in a tab of its own, labelled "exec NAME".
func (a *App) addExec(msg execStartedMsg) tea.Cmd {
	t := a.newTab(a.newKey("exec", msg.c.ID()), tabExec, msg.c)
	p := msg.plan
	t.exec = &p
	return a.showTab(t, msg.replaceKey)
}

// attachedLine heads the panels of a container without a terminal here,
// in as many words as the width takes.
func (a *App) attachedLine(t *tab) string {
	who := "another process"
	if t.owner != 0 {
		who = fmt.Sprintf("pid %d", t.owner)
	}
	name, id := t.name(), shortID(t.c.ID())
	if t.ended {
		return firstFit(a.width,
			fmt.Sprintf("%s (%s), started by %s, has ended · x closes this tab", name, id, who),
			fmt.Sprintf("%s has ended · x closes this tab", name))
	}
	return firstFit(a.width,
		fmt.Sprintf("%s (%s), started by %s: its terminal is there · ctrl+g e: a shell in it · ctrl+g x: close the tab", name, id, who),
		fmt.Sprintf("%s (%s) of %s: no terminal here · ^g e a shell in it · ^g x close the tab", name, id, who),
		fmt.Sprintf("%s of %s · no terminal here · ^g e shell · ^g x close", name, who))
}
