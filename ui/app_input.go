package ui

// Input: each key goes to the handler of the overlay on top, or else of
// the mode (app_screen.go). The mouse and pastes go to the mode; of the
// overlays only the lessons menu takes them.

import (
	"fmt"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// input gives a key, the mouse, a paste or a component's own message to
// the screen that takes it.
func (a *App) input(msg tea.Msg) tea.Cmd {
	if k, ok := msg.(tea.KeyPressMsg); ok {
		return a.key(k)
	}
	switch {
	case a.overlay == overlayLimits:
		return a.updateLimits(msg)
	case a.overlay == overlayExec:
		return a.updateExecPrompt(msg)
	case a.overlay == overlayHost && a.mode == modeContainers:
		return nil // the containers under it take no mouse
	case a.overlay == overlayLessons && a.mode == modeContainers:
		return a.updateLessons(msg)
	case a.mode == modeForm:
		// Under the menu too: the form still gets its own messages
		// (the end of ctrl+r, huh's internal ones).
		return a.updateForm(msg)
	}
	return a.pointer(msg)
}

// key picks the handler of a key press from the screen.
func (a *App) key(k tea.KeyPressMsg) tea.Cmd {
	switch {
	case a.overlay == overlayLessons:
		return a.updateLessons(k)
	case a.overlay == overlayLimits:
		return a.updateLimits(k)
	case a.overlay == overlayHost:
		return a.hostKey(k)
	case a.overlay == overlayExec:
		return a.updateExecPrompt(k)
	case a.mode == modeForm:
		return a.formKey(k)
	}
	a.status = "" // among the containers an error or question stays until the next key
	switch a.overlay {
	case overlayQuit:
		return a.quitKey(k)
	case overlayPrefix:
		return a.command(k)
	case overlayHelp:
		return a.helpKey(k)
	}
	return a.containerKey(k)
}

// formKey: every key is the form's but ctrl+g, after which l opens the
// lessons, 1-9 the lessons at that one, and h the host view (from the
// start screen too), and any other key does nothing.
func (a *App) formKey(k tea.KeyPressMsg) tea.Cmd {
	switch {
	case a.overlay == overlayPrefix:
		a.overlay = noOverlay
		switch {
		case key.Matches(k, a.keys.Lessons):
			a.openLessons()
		case key.Matches(k, a.keys.Switch) && int(k.String()[0]-'1') < len(Lessons):
			a.openLessons()
			a.lessons.Select(int(k.String()[0] - '1'))
		case key.Matches(k, a.keys.Host):
			return a.openHost()
		}
		return nil
	case key.Matches(k, a.keys.Prefix):
		a.overlay = overlayPrefix
		return nil
	}
	return a.updateForm(k)
}

// containerKey: every key goes to the container but the prefix; an ended
// container takes no keys, so r and x need no prefix there.
func (a *App) containerKey(k tea.KeyPressMsg) tea.Cmd {
	t := a.current()
	switch {
	case key.Matches(k, a.keys.Prefix):
		a.overlay = overlayPrefix
		return nil
	case a.shown() == viewZoom:
		return a.zoomKey(k) // the container is not on screen: nothing typed blind
	case t == nil:
		return nil
	case t.ended:
		return a.endedKey(k)
	}
	return a.updatePane(t.key, k)
}

// endedKey takes r and x on an ended container's tab.
func (a *App) endedKey(k tea.KeyPressMsg) tea.Cmd {
	switch {
	case key.Matches(k, a.keys.Restart):
		return a.restart(a.active)
	case key.Matches(k, a.keys.Close):
		return a.closeTab(a.active)
	}
	return nil
}

// helpKey: any key closes the help; ctrl+g also waits for a command.
func (a *App) helpKey(k tea.KeyPressMsg) tea.Cmd {
	a.overlay = noOverlay
	if key.Matches(k, a.keys.Prefix) {
		a.overlay = overlayPrefix
	}
	return nil
}

// quitKey answers "Quit?": y quits, any other key stays.
func (a *App) quitKey(k tea.KeyPressMsg) tea.Cmd {
	a.overlay = noOverlay
	if key.Matches(k, a.keys.Confirm) {
		return a.shutdown()
	}
	return nil
}

// askQuit quits, or asks first while containers or execs of ours run:
// quitting kills them. Containers attached from elsewhere run on.
func (a *App) askQuit() tea.Cmd {
	n, execs := a.running(tabStarted), a.running(tabExec)
	if n+execs == 0 {
		return a.shutdown()
	}
	a.overlay = overlayQuit
	what := fmt.Sprintf("%d running container(s)", n)
	if execs > 0 {
		what += fmt.Sprintf(" and %d exec(s)", execs)
	}
	a.status = "Quit? " + what + " will be killed. y: quit, any other key: stay"
	return nil
}

// command runs the command of the key after ctrl+g: one on the screen,
// a nudge of a limit, or one on the current tab.
func (a *App) command(k tea.KeyPressMsg) tea.Cmd {
	a.overlay = noOverlay
	if cmd, ok := a.screenCommand(k); ok {
		return cmd
	}
	if cmd, ok := a.nudge(k); ok {
		return cmd
	}
	return a.tabCommand(k)
}

// screenCommand runs a command that changes the screen, and tells whether
// k was one.
func (a *App) screenCommand(k tea.KeyPressMsg) (tea.Cmd, bool) {
	keys := a.keys
	switch {
	case key.Matches(k, keys.Quit):
		return a.askQuit(), true
	case key.Matches(k, keys.New):
		return a.showForm(FormValues{Options: a.cfg.Options}), true
	case key.Matches(k, keys.Lessons):
		a.openLessons()
	case key.Matches(k, keys.Help):
		a.overlay = overlayHelp
	case key.Matches(k, keys.Limits):
		a.openLimits()
	case key.Matches(k, keys.Host):
		return a.openHost(), true
	case key.Matches(k, keys.Exec):
		a.openExecPrompt()
	case key.Matches(k, keys.Compare):
		a.views.compare = !a.views.compare
	case key.Matches(k, keys.Panels):
		a.views.panels = !a.views.panels
	case key.Matches(k, keys.Procs):
		return a.toggleProcs(), true
	case key.Matches(k, keys.Zoom):
		a.toggleZoom()
	case key.Matches(k, keys.Still):
		a.toggleStill()
	case key.Matches(k, keys.Log):
		a.views.log = !a.views.log
		if t := a.current(); t != nil {
			t.log.SetEntries(t.c.Log())
		}
	default:
		return nil, false
	}
	return nil, true
}

// tabCommand runs a command on the tabs: switch, kill, restart, close, or
// ctrl+g again, which sends one ctrl+g to the container.
func (a *App) tabCommand(k tea.KeyPressMsg) tea.Cmd {
	t := a.current()
	switch {
	case key.Matches(k, a.keys.Next):
		if len(a.tabs) > 0 {
			a.switchTo((a.active + 1) % len(a.tabs))
		}
	case key.Matches(k, a.keys.Switch):
		a.switchTo(int(k.String()[0] - '1'))
	case t == nil:
	case !t.ended && t.kind == tabAttached && key.Matches(k, a.keys.Close):
		return a.closeTab(a.active) // lets go of it: it runs on
	case !t.ended && key.Matches(k, a.keys.Prefix):
		return a.updatePane(t.key, k)
	case !t.ended && key.Matches(k, a.keys.Kill):
		return killContainer(t)
	case !t.ended && key.Matches(k, a.keys.Freeze):
		return a.freeze(t)
	case t.ended:
		return a.endedKey(k)
	}
	return nil
}

// pointer takes the mouse and pastes among the containers: the wheel
// scrolls the terminal back (or the kernel log, when it is shown), a
// paste goes to the container, a click on a tab switches to it.
func (a *App) pointer(msg tea.Msg) tea.Cmd {
	t := a.current()
	switch msg := msg.(type) {
	case tea.MouseWheelMsg:
		switch {
		case t == nil:
		case a.logShown():
			t.log.Update(msg)
		case !t.ended:
			return a.updatePane(t.key, msg)
		}
	case tea.PasteMsg:
		if t != nil && !t.ended {
			return a.updatePane(t.key, msg)
		}
	case tea.MouseClickMsg:
		if m := msg.Mouse(); m.Y == 0 {
			a.switchTo(tabAt(a.bar.ends, m.X))
		}
	}
	return nil
}

func (a *App) updateForm(msg tea.Msg) tea.Cmd {
	var cmd tea.Cmd
	a.form, cmd = a.form.Update(msg)
	return cmd
}

func (a *App) updateLessons(msg tea.Msg) tea.Cmd {
	var cmd tea.Cmd
	a.lessons, cmd = a.lessons.Update(msg)
	return cmd
}

// updatePane gives msg to the pane of tab key, if it has one.
func (a *App) updatePane(key string, msg tea.Msg) tea.Cmd {
	t := a.tabByKey(key)
	if t == nil || t.pane == nil {
		return nil
	}
	var cmd tea.Cmd
	t.pane, cmd = t.pane.Update(msg)
	return cmd
}
