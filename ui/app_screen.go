package ui

import tea "charm.land/bubbletea/v2"

// The app's screen is a mode and, over it, at most one overlay. The mode
// is what the user came to do: fill in the form, or work in the
// containers. An overlay is a short visit on top of it (the key after
// ctrl+g, the quit question, the help, the lessons menu); leaving it
// shows the mode again as it was. Update picks the handler of a key from
// the overlay, or else from the mode, as bubbles' list.Update picks its
// handler from its filter state.

// mode is what fills the screen under any overlay.
type mode int

const (
	// modeForm: the form, on the start screen (with the lessons line
	// under it) or for one more container (ctrl+g n). Every key is the
	// form's but ctrl+g, after which only l (lessons) counts.
	modeForm mode = iota
	// modeContainers: the current container in the view that views
	// chooses; "starting…" until the first one has started. Every key
	// is the container's but ctrl+g.
	modeContainers
)

// overlay is what covers the mode for a moment.
type overlay int

const (
	noOverlay overlay = iota
	// overlayPrefix: ctrl+g was pressed, the next key is a command. Only
	// the bottom line shows it; the next key closes it.
	overlayPrefix
	// overlayQuit: ctrl+g q asked "Quit?" while containers run, in the
	// bottom line; y quits, any other key stays.
	overlayQuit
	// overlayHelp: every key (ctrl+g ?) in place of the containers; any
	// key closes it (ctrl+g also starts a command).
	overlayHelp
	// overlayLessons: the lessons menu (ctrl+g l), over the form or the
	// containers; esc goes back, a lesson launches or fills the form.
	overlayLessons
	// overlayLimits: the limit editor (ctrl+g u) in the current running
	// container's panels' place; every key is the editor's, enter writes,
	// esc goes back. Its container's end closes it.
	overlayLimits
	// overlayHost: every container on the host (ctrl+g h), over the form
	// or the containers, in their place; every key is the host view's but
	// ctrl+g; esc goes back, enter opens a container in a tab.
	overlayHost
	// overlayExec: the command to exec into a container (ctrl+g e), in
	// the bottom line over the containers; enter runs it in a new tab,
	// esc goes back.
	overlayExec
)

// views are the containers mode's ways to show them, each switched on and
// off by its key after ctrl+g and kept while the form or an overlay
// covers them. They are independent, as their keys are: the log switched
// on under the compare view shows once compare is off, and p on a big
// screen, where the panels stand beside the terminal anyway, waits for a
// small one.
type views struct {
	compare bool // c: every container on one screen
	log     bool // j: the kernel log in the panels' place
	panels  bool // p: on a small screen, the panels in the terminal's place
	procs   bool // t: the processes in the terminal's place (procs_app.go)
	zoom    bool // z: one panel on the whole screen, larger (zoom.go)
}

// view is what the containers mode draws, one of views' combinations.
type view int

const (
	viewStarting view = iota // no container yet: "starting…"
	viewCompare              // every container on one screen
	viewTerminal             // the terminal, the panels beside it (or their summary below)
	viewLog                  // the terminal, the kernel log beside it (small screens: the log alone)
	viewPanels               // small screens: the panels alone
	viewProcs                // the processes in the terminal's place (small screens: alone)
	viewZoom                 // one panel on the whole screen
)

// shown is what the containers mode draws now: compare before the zoom
// before the processes before the log before the panels. On a big screen
// the processes take the terminal's place and the log still stands
// beside them.
func (a *App) shown() view {
	switch {
	case len(a.tabs) == 0:
		return viewStarting
	case a.views.compare:
		return viewCompare
	case a.views.zoom:
		return viewZoom
	case a.views.procs:
		return viewProcs
	case a.views.log:
		return viewLog
	case a.views.panels && !a.isFull():
		return viewPanels
	}
	return viewTerminal
}

// logShown tells whether the kernel log is on screen (so the mouse wheel
// scrolls it): the help and the menu cover it, the bottom line's
// overlays do not.
func (a *App) logShown() bool {
	return a.mode == modeContainers && a.overlay != overlayHelp && a.overlay != overlayLessons &&
		a.overlay != overlayLimits && a.overlay != overlayHost &&
		(a.shown() == viewLog || a.shown() == viewProcs && a.views.log && a.isFull())
}

// showForm puts a form holding v on screen. The help and the quit
// question belong to the containers and close; the lessons menu stays on
// top (an error while it is open leaves it there).
func (a *App) showForm(v FormValues) tea.Cmd {
	a.form = NewForm(v, a.cfg.Host.Files())
	a.mode = modeForm
	if a.overlay == overlayHelp || a.overlay == overlayQuit || a.overlay == overlayExec {
		a.overlay = noOverlay
	}
	a.resize()
	return a.form.Init()
}

// leaveForm goes from the form to the containers.
func (a *App) leaveForm() {
	a.form = nil
	a.mode = modeContainers
}

// screenDone changes the screen when the form or the menu is done.
func (a *App) screenDone(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case FormSubmitMsg:
		a.leaveForm()
		a.status = ""
		a.cfg.Options = msg.Options
		return a.launch(plan(msg))
	case FormCancelMsg:
		a.leaveForm()
		if len(a.tabs) == 0 {
			return a.shutdown() // esc on the start screen quits
		}
	case LessonChosenMsg:
		return a.openLesson(msg)
	case LessonMenuClosedMsg:
		a.closeLessons()
		if a.mode == modeContainers && len(a.tabs) == 0 {
			// Nothing to go back to: the form.
			return a.showForm(FormValues{Options: a.cfg.Options})
		}
	}
	return nil
}

// openLessons puts the lessons menu over whatever is on screen.
func (a *App) openLessons() {
	rootfs := a.cfg.Options.Rootfs
	if a.mode == modeForm {
		rootfs = a.form.Values().Options.Rootfs // as typed so far
	}
	a.lessons = NewLessonMenu(a.cfg.Host.Files(), a.hostForLessons(rootfs))
	a.lessons.SetWidth(a.width)
	a.overlay = overlayLessons
}

// closeLessons takes the menu away, back to the mode under it.
func (a *App) closeLessons() {
	a.lessons = nil
	a.overlay = noOverlay
}

// openLesson fills the lesson into the user's settings, and launches it,
// or shows it in the form to change first. Settings that do not pass the
// checks (a missing rootfs) go to the form too, with the error.
func (a *App) openLesson(msg LessonChosenMsg) tea.Cmd {
	a.closeLessons()
	// On top of what the form holds now, if it is open: a rootfs or a
	// user namespace just chosen there stays.
	v := FormValues{Options: a.cfg.Options, Lesson: msg.Lesson}
	if a.mode == modeForm {
		v.Options = a.form.Values().Options
	}
	msg.Lesson.Fill(&v.Options)
	spec, err := v.Options.Spec()
	if msg.Edit || err != nil {
		if err != nil {
			a.status = err.Error()
		}
		return a.showForm(v)
	}
	a.leaveForm()
	return a.launch(plan{v, spec})
}
