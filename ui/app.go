// Package ui is vme50-tui's terminal UI: a form to build a container, its
// terminal beside live cgroup panels, several containers in tabs. The root
// model (this file) only composes the components (Form, Pane, Panels) and
// routes messages to them; the containers themselves come from the runtime
// package, and their readings from its cgroup Stats.
package ui

import (
	"fmt"
	"slices"
	"sync"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"vme50-tui/cgroup"
	"vme50-tui/runtime"
)

// Config is what the app starts from.
type Config struct {
	Host     *cgroup.Host
	Options  runtime.Options // prefills the form
	Interval time.Duration   // between cgroup samples; 0 means 250 ms
}

// App is the root model.
type App struct {
	cfg    Config
	width  int
	height int

	form    *Form       // non-nil while the form is on screen
	lessons *LessonMenu // non-nil while the lessons menu is on screen (over the form, if any)
	tabs    []*tab
	active  int
	bar     tabBar // the tab bar, and where each label ends, for clicks
	bottom  memo   // the help or status line
	// The screens that take the place of a container's, drawn again only
	// when the width changes: View runs at every message.
	helpBox, lessonsLine memo

	prefix      bool // ctrl+g was pressed: the next key is ours
	confirmQuit bool // asked "quit? y" while containers run
	showHelp    bool
	showPanels  bool   // on a small screen: panels instead of the terminal
	showLog     bool   // the kernel log instead of the panels
	compare     bool   // every container on one screen
	status      string // one line: the last error or question

	keys keyMap
	help help.Model

	frame frameCache // the last screen, to skip composing an equal one
	side  sideBySide // the last terminal+panels join
	cmp   Compare

	// all holds every container ever started, running or not, so that
	// Shutdown finds even one whose start was still under way.
	all *registry
	// start starts a container (startContainer; tests replace it).
	start func(p plan, cols, rows int, replaceID string) tea.Cmd
}

// registry is the set of started containers, shared with the Cmds that
// start them (they run on other goroutines).
type registry struct {
	mu sync.Mutex
	cs []Container
}

func (r *registry) add(c Container) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.cs = append(r.cs, c)
}

func (r *registry) list() []Container {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.cs)
}

// New returns the app, showing the form.
func New(cfg Config) *App {
	if cfg.Interval <= 0 {
		cfg.Interval = 250 * time.Millisecond
	}
	a := &App{cfg: cfg, keys: newKeyMap(), help: help.New(), all: &registry{}}
	a.start = func(p plan, cols, rows int, replaceID string) tea.Cmd {
		return startContainer(startOn(cfg.Host), a.all, p, cols, rows, replaceID)
	}
	a.form = NewForm(FormValues{Options: cfg.Options}, cfg.Host.Files())
	return a
}

func (a *App) Init() tea.Cmd {
	return tea.Batch(a.form.Init(), sampleEvery(a.cfg.Interval))
}

// Update routes each message to the component it concerns.
func (a *App) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		a.width, a.height = msg.Width, msg.Height
		a.resize()
		if a.form != nil {
			return a.updateForm(msg)
		}
		return a, nil

	case FormSubmitMsg:
		a.form = nil
		a.status = ""
		a.cfg.Options = msg.Options
		return a, a.launch(plan{msg.FormValues, msg.Spec})
	case LessonChosenMsg:
		return a, a.openLesson(msg)
	case LessonMenuClosedMsg:
		a.lessons = nil
		if a.form == nil && len(a.tabs) == 0 {
			return a, a.newForm(FormValues{Options: a.cfg.Options})
		}
		return a, nil
	case FormCancelMsg:
		a.form = nil
		if len(a.tabs) == 0 {
			return a, a.shutdown()
		}
		return a, nil

	case startedMsg:
		return a, a.addTab(msg)
	case endedMsg:
		if t := a.tabByID(msg.id); t != nil {
			a.finish(t, msg.result)
		}
		return a, nil
	case statsMsg:
		if t := a.tabByID(msg.id); t != nil && !t.ended {
			a.take(t, msg.stats)
			t.panels.PushDisk(msg.disk)
		}
		return a, nil
	case sampleTickMsg:
		cmds := []tea.Cmd{sampleEvery(a.cfg.Interval)}
		for _, t := range a.tabs {
			if !t.ended {
				cmds = append(cmds, readStats(t.c))
			}
		}
		if t := a.current(); t != nil && a.showLog {
			t.log.SetEntries(t.c.Log()) // the events the readings found
		}
		return a, tea.Batch(cmds...)

	case PaneOutputMsg:
		return a, a.updatePane(msg.ID, msg)
	case PaneClosedMsg:
		return a, a.updatePane(msg.ID, msg)

	case errMsg:
		a.status = msg.err.Error()
		values := FormValues{Options: a.cfg.Options}
		switch {
		case a.form != nil && a.form.Submitted():
			// A finished huh form takes no more keys: a fresh one, with
			// what was typed, to fix the value the check refused.
			values = a.form.Values()
		case len(a.tabs) > 0 || a.form != nil || a.lessons != nil:
			return a, nil
		}
		// Nothing to look at, or a form that cannot go on: back to the
		// form, to fix what failed.
		return a, a.newForm(values)
	case shutdownMsg:
		// Every container has ended and been cleaned up; those still
		// running a moment ago end here, their recordings with them.
		for _, t := range a.tabs {
			if !t.ended {
				a.finish(t, t.c.Wait())
			}
		}
		return a, tea.Quit
	}

	if a.lessons != nil {
		if _, ok := msg.(tea.KeyPressMsg); ok || a.form == nil {
			var cmd tea.Cmd
			a.lessons, cmd = a.lessons.Update(msg)
			return a, cmd
		}
		// The form under the menu still gets its own messages (the end
		// of ctrl+r, huh's internal ones).
		return a.updateForm(msg)
	}
	if a.form != nil {
		if k, ok := msg.(tea.KeyPressMsg); ok && a.formPrefix(k) {
			return a, nil
		}
		return a.updateForm(msg)
	}
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		return a, a.handleKey(msg)
	case tea.MouseWheelMsg:
		t := a.current()
		switch {
		case t == nil:
		case a.logShown():
			t.log.Update(msg)
		case !t.ended:
			return a, a.updatePane(t.c.ID(), msg)
		}
	case tea.PasteMsg:
		if t := a.current(); t != nil && !t.ended {
			return a, a.updatePane(t.c.ID(), msg)
		}
	case tea.MouseClickMsg:
		if m := msg.Mouse(); m.Y == 0 {
			if i := tabAt(a.bar.ends, m.X); i >= 0 {
				a.switchTo(i)
			}
		}
	}
	return a, nil
}

func (a *App) updateForm(msg tea.Msg) (tea.Model, tea.Cmd) {
	var cmd tea.Cmd
	a.form, cmd = a.form.Update(msg)
	return a, cmd
}

// updatePane gives msg to the pane of container id.
func (a *App) updatePane(id string, msg tea.Msg) tea.Cmd {
	t := a.tabByID(id)
	if t == nil {
		return nil
	}
	var cmd tea.Cmd
	t.pane, cmd = t.pane.Update(msg)
	return cmd
}

// handleKey: in the container screen every key goes to the container,
// except the prefix and the key after it.
func (a *App) handleKey(msg tea.KeyPressMsg) tea.Cmd {
	t := a.current()
	if !a.confirmQuit {
		a.status = "" // an error stays until the next key
	}
	switch {
	case a.confirmQuit:
		a.confirmQuit = false
		a.status = ""
		if key.Matches(msg, a.keys.Confirm) {
			return a.shutdown()
		}
		return nil
	case a.prefix:
		a.prefix = false
		return a.prefixCommand(msg)
	case key.Matches(msg, a.keys.Prefix):
		a.prefix = true
		return nil
	case a.showHelp:
		a.showHelp = false // any key closes the help
		return nil
	case t == nil:
		return nil
	case t.ended:
		// An ended container takes no keys: r and x need no prefix.
		switch {
		case key.Matches(msg, a.keys.Restart):
			return a.restart(a.active)
		case key.Matches(msg, a.keys.Close):
			a.closeTab(a.active)
		}
		return nil
	}
	return a.updatePane(t.c.ID(), msg)
}

// prefixCommand runs the command of the key after ctrl+g.
func (a *App) prefixCommand(msg tea.KeyPressMsg) tea.Cmd {
	k := a.keys
	switch {
	case key.Matches(msg, k.Prefix):
		// ctrl+g twice sends one ctrl+g to the container.
		if t := a.current(); t != nil && !t.ended {
			return a.updatePane(t.c.ID(), msg)
		}
	case key.Matches(msg, k.Quit):
		if n := a.running(); n > 0 {
			a.confirmQuit = true
			a.status = fmt.Sprintf("Quit? %d running container(s) will be killed. y: quit, any other key: stay", n)
			return nil
		}
		return a.shutdown()
	case key.Matches(msg, k.New):
		return a.newForm(FormValues{Options: a.cfg.Options})
	case key.Matches(msg, k.Lessons):
		a.openLessonMenu()
	case key.Matches(msg, k.Compare):
		a.compare = !a.compare
	case key.Matches(msg, k.Log):
		a.showLog = !a.showLog
		if t := a.current(); t != nil {
			t.log.SetEntries(t.c.Log())
		}
	case key.Matches(msg, k.Kill):
		if t := a.current(); t != nil && !t.ended {
			go t.c.Kill() // endedMsg reports it
		}
	case key.Matches(msg, k.Next):
		if len(a.tabs) > 0 {
			a.switchTo((a.active + 1) % len(a.tabs))
		}
	case key.Matches(msg, k.Switch):
		a.switchTo(int(msg.String()[0] - '1'))
	case key.Matches(msg, k.Panels):
		a.showPanels = !a.showPanels
	case key.Matches(msg, k.Help):
		a.showHelp = true
	case key.Matches(msg, k.Restart):
		if t := a.current(); t != nil && t.ended {
			return a.restart(a.active)
		}
	case key.Matches(msg, k.Close):
		if t := a.current(); t != nil && t.ended {
			a.closeTab(a.active)
		}
	}
	return nil
}

// addTab shows a container that has just started.
func (a *App) addTab(msg startedMsg) tea.Cmd {
	cols, rows := a.paneSize()
	t := &tab{c: msg.c, plan: msg.plan,
		pane:   NewPane(msg.c.ID(), msg.c.Pty(), cols, rows, msg.c.Resize),
		panels: NewPanels(a.cfg.Host.Files(), a.cfg.Host.Version),
		log:    NewKernelLog()}
	t.log.SetEntries(t.c.Log())
	a.resizeTab(t)
	if path := msg.plan.Record; path != "" {
		if msg.replaceID != "" {
			// A restart records anew, and keeps the last run's file.
			path = freePath(path)
			a.status = "recording to " + path
		}
		var err error
		if t.rec, err = startRecording(path, time.Now()); err != nil {
			a.status = fmt.Sprintf("recording to %s: %v", path, err)
		}
	}
	if l := msg.plan.Lesson; l != nil && !a.isFull() && !a.compare {
		// No room for the lesson's text beside a small terminal (the
		// compare view has its own box for it).
		a.status = l.Title + ": " + l.Watch(a.cfg.Host.Files())
	}
	if i := slices.IndexFunc(a.tabs, func(x *tab) bool { return msg.replaceID != "" && x.c.ID() == msg.replaceID }); i >= 0 {
		a.tabs[i] = t
		a.active = i
	} else {
		a.tabs = append(a.tabs, t)
		a.active = len(a.tabs) - 1
	}
	return tea.Batch(t.pane.Init(), waitContainer(t.c), readStats(t.c))
}

// restart starts a new container with the settings of tab i, in its place.
func (a *App) restart(i int) tea.Cmd {
	t := a.tabs[i]
	if t.restarting {
		return nil // one new container per r
	}
	t.restarting = true
	t.pane.Close()
	t.c.Close()
	cols, rows := a.paneSize()
	return a.start(t.plan, cols, rows, t.c.ID())
}

func (a *App) closeTab(i int) {
	t := a.tabs[i]
	t.pane.Close()
	t.c.Close()
	a.endRecording(t)
	a.tabs = append(a.tabs[:i], a.tabs[i+1:]...)
	a.active = max(0, min(a.active, len(a.tabs)-1))
}

func (a *App) switchTo(i int) {
	if i >= 0 && i < len(a.tabs) {
		a.active = i
	}
}

func (a *App) current() *tab {
	if a.active < len(a.tabs) {
		return a.tabs[a.active]
	}
	return nil
}

func (a *App) tabByID(id string) *tab {
	for _, t := range a.tabs {
		if t.c.ID() == id {
			return t
		}
	}
	return nil
}

func (a *App) running() int {
	n := 0
	for _, t := range a.tabs {
		if !t.ended {
			n++
		}
	}
	return n
}

// stopping is the status line while shutdown waits for the containers.
const stopping = "stopping containers…"

// shutdown kills every container, waits until each is cleaned up (its
// processes, cgroup and overlay gone), then quits.
func (a *App) shutdown() tea.Cmd {
	a.status = stopping
	return func() tea.Msg {
		a.Shutdown()
		return shutdownMsg{}
	}
}

// Shutdown kills every container and waits for their cleanup. It is safe
// to call more than once, from any goroutine, and after the program has
// ended (main does, for the ways out that bypass the quit key).
func (a *App) Shutdown() {
	cs := a.all.list()
	for _, c := range cs {
		c.Kill()
	}
	for _, c := range cs {
		c.Wait()
		c.Close()
	}
}

// newForm shows a form holding v.
func (a *App) newForm(v FormValues) tea.Cmd {
	a.form = NewForm(v, a.cfg.Host.Files())
	a.resize()
	return a.form.Init()
}

// formPrefix handles ctrl+g in the form, where every other key is the
// form's: ctrl+g l opens the lessons from the start screen too. It tells
// whether it took the key.
func (a *App) formPrefix(msg tea.KeyPressMsg) bool {
	switch {
	case a.prefix:
		a.prefix = false
		if key.Matches(msg, a.keys.Lessons) {
			a.openLessonMenu()
		}
		return true
	case key.Matches(msg, a.keys.Prefix):
		a.prefix = true
		return true
	}
	return false
}

func (a *App) openLessonMenu() {
	a.lessons = NewLessonMenu(a.cfg.Host.Files())
	a.lessons.SetWidth(a.width)
}

// openLesson fills the lesson into the user's settings, and launches it,
// or shows it in the form to change first. Settings that do not pass the
// checks (a missing rootfs) go to the form too, with the error.
func (a *App) openLesson(msg LessonChosenMsg) tea.Cmd {
	a.lessons = nil
	// On top of what the form holds now, if it is open: a rootfs or a
	// user namespace just chosen there stays.
	v := FormValues{Options: a.cfg.Options, Lesson: msg.Lesson}
	if a.form != nil {
		v.Options = a.form.Values().Options
	}
	msg.Lesson.Fill(&v.Options)
	spec, err := v.Options.Spec()
	if msg.Edit || err != nil {
		if err != nil {
			a.status = err.Error()
		}
		return a.newForm(v)
	}
	a.form = nil
	return a.launch(plan{v, spec})
}

// launch starts the containers of a plan: one, or a lesson's several.
func (a *App) launch(p plan) tea.Cmd {
	twins, err := p.twins()
	if err != nil {
		a.status = err.Error()
		return nil
	}
	if p.Lesson != nil && p.Lesson.Compare {
		a.compare = true
	}
	cols, rows := a.paneSize()
	cmds := []tea.Cmd{a.start(p, cols, rows, "")}
	for _, t := range twins {
		cmds = append(cmds, a.start(t, cols, rows, ""))
	}
	return tea.Sequence(cmds...) // in order: the tabs too
}

// record writes a reading to the tab's recording, if it has one.
// take gives a reading to the tab's panels and recording, unless it is
// not newer than the last one: readings come from Cmds on goroutines of
// their own and, the final one, from the container's end, in any order.
func (a *App) take(t *tab, st cgroup.Stats) {
	if !st.Time.After(t.panels.last.Time) {
		return
	}
	t.panels.Push(st)
	if t.rec != nil {
		if err := t.rec.write(st); err != nil {
			a.status = err.Error()
		}
	}
}

// finish shows how a tab's container ended: its final reading, taken
// after its last process died, the end of its recording, its whole log.
func (a *App) finish(t *tab, r runtime.Result) {
	t.ended, t.result = true, r
	a.take(t, r.Stats)
	a.endRecording(t)
	t.log.SetEntries(t.c.Log())
}

func (a *App) endRecording(t *tab) {
	if t.rec == nil {
		return
	}
	if err := t.rec.close(); err != nil {
		a.status = err.Error()
	}
	t.rec = nil
}
