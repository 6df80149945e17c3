// Package ui is vme50-tui's terminal UI: a form to build a container, its
// terminal beside live cgroup panels, several containers in tabs. The root
// model, App (this file), only composes the components (Form, LessonMenu,
// Pane, Panels, KernelLog, Compare) and routes messages to them: its screen
// is an explicit state (app_screen.go), the containers' news go to their
// tabs (app_lifecycle.go), input to the screen on top (app_input.go), and
// View draws it (view.go). The containers themselves come from the runtime
// package, and their readings from its cgroup Stats.
package ui

import (
	"slices"
	"sync"
	"time"

	"charm.land/bubbles/v2/help"
	tea "charm.land/bubbletea/v2"

	"vme50-tui/cgroup"
	"vme50-tui/runtime"
)

// Config is what the app starts from.
type Config struct {
	Host     *cgroup.Host
	Options  runtime.Options // prefills the form
	Record   string          // prefills the first form's Record to (--record)
	Interval time.Duration   // between cgroup samples; 0 means 250 ms
	// Hosts reaches every vme50 container on the host, for the host view
	// and exec; nil: neither is offered.
	Hosts HostContainers
}

// App is the root model.
type App struct {
	cfg    Config
	width  int
	height int

	// The screen (app_screen.go): the mode, the overlay over it, and
	// how the containers are shown.
	mode    mode
	overlay overlay
	views   views

	form    *Form        // the form's model in modeForm, else nil
	lessons *LessonMenu  // the menu's model in overlayLessons, else nil
	limits  *LimitEditor // the limit editor's model in overlayLimits, else nil
	// The host view's model, kept once made: it keeps its order and
	// filter, and the readings it computes the cores from.
	host    *HostView
	listing bool        // a listing for the host view is under way
	prompt  *ExecPrompt // the exec's command line in overlayExec, else nil
	made    int         // exec and attached tabs made, to give each a key of its own
	tabs    []*tab
	active  int
	bar     tabBar            // the tab bar, and where each label ends, for clicks
	bottom  memoOf[bottomKey] // the help or status line
	// The help screen, drawn again only when the width changes: View
	// runs at every message.
	helpBox   memoOf[int]
	startView memoOf[startKey] // the start screen (start.go)
	// formRev counts the messages that may have reached the form (all
	// but the containers' news), for the start screen's memo; startDraws
	// counts its drawings, for the tests.
	formRev, startDraws int

	status string // one line: the last error or question

	// ticks counts the sampler's ticks; hidden tabs are read at every
	// tick a second's worth apart (nextTick).
	ticks int

	// pressureNote is why the panels have no pressure to show on this
	// host (Host.PressureNote), or "".
	pressureNote string

	keys keyMap
	help help.Model

	frame  memoOf[frameKey]  // the last screen, to skip composing an equal one
	frames int               // screens composed, for the tests
	side   memoOf[[2]string] // the last terminal+panels join
	cmp    Compare

	// hostForLessons tells what the lessons need of this host, for a
	// rootfs (HostForLessons; tests replace it); lessonsOn is the last
	// answer, for the start screen, which asks at every frame.
	hostForLessons func(rootfs string) LessonHost
	lessonsOn      *LessonHost

	// all holds every container ever started, running or not, so that
	// Shutdown finds even one whose start was still under way.
	all *registry
	// start starts a container (startContainer; tests replace it).
	start func(p plan, cols, rows int, replaceID string) tea.Cmd

	// Presenter mode (zoom.go, present.go): the panel zoomed, and the
	// frame the display holds while ctrl+g space holds it.
	zoomed panelKind
	still  stillFrame
	// now is the clock the OOM kills' news waits by (tests step it).
	now func() time.Time
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
	a := &App{cfg: cfg, mode: modeForm, keys: newKeyMap(), help: help.New(), all: &registry{},
		pressureNote: cfg.Host.PressureNote(), now: time.Now}
	a.start = func(p plan, cols, rows int, replaceID string) tea.Cmd {
		return startContainer(startOn(cfg.Host), a.all, p, cols, rows, replaceID)
	}
	a.hostForLessons = func(rootfs string) LessonHost { return HostForLessons(cfg.Host, rootfs) }
	// Only the first form: a second container recording into the first's
	// file would overwrite it.
	a.form = NewForm(FormValues{Options: cfg.Options, Record: cfg.Record}, cfg.Host.Files())
	return a
}

func (a *App) Init() tea.Cmd {
	return tea.Batch(a.form.Init(), sampleEvery(a.cfg.Interval, nil, nil))
}

// Update routes each message, as list.Update does by its state: the
// window's size to every component, the end of the form or the menu to a
// change of screen, the containers' news to their tabs, and input to the
// handler of the screen on top.
func (a *App) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		return a, a.setSize(msg)
	case FormSubmitMsg, FormCancelMsg, LessonChosenMsg, LessonMenuClosedMsg:
		return a, a.screenDone(msg)
	case LimitsChosenMsg, LimitEditorClosedMsg:
		return a, a.limitsDone(msg)
	case limitsWrittenMsg:
		return a, a.limitsWritten(msg)
	case frozenMsg:
		return a, a.frozen(msg)
	case HostOpenMsg, HostExecMsg, HostStopMsg, HostViewClosedMsg, hostListedMsg, hostStoppedMsg:
		return a, a.hostDone(msg)
	case ExecChosenMsg, ExecPromptClosedMsg:
		return a, a.execDone(msg)
	case startedMsg, attachedMsg, execStartedMsg, endedMsg, statsMsg, statsBatchMsg, sampleTickMsg, PaneOutputMsg, PaneClosedMsg,
		errMsg, shutdownMsg:
		return a, tea.Batch(a.lifecycle(msg), a.afterNews(msg))
	case procsMsg:
		a.procsRead(msg)
		return a, nil
	}
	a.formRev++ // it may go to the form
	return a, a.input(msg)
}

// afterNews follows up the containers' news: a kill of the OOM killer
// told in the status, and the process list read at the readings' pace.
func (a *App) afterNews(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case sampleTickMsg:
		a.noteOOMKills()
		return a.readShownProcs(false)
	case statsBatchMsg:
		a.noteOOMKills()
		if msg.tick {
			return a.readShownProcs(false)
		}
	case statsMsg:
		a.noteOOMKills()
	case endedMsg:
		a.noteOOMKills()
		a.procsEnded(msg.id)
	}
	return nil
}

// setSize fits the screen to the window.
func (a *App) setSize(msg tea.WindowSizeMsg) tea.Cmd {
	a.width, a.height = msg.Width, msg.Height
	a.resize()
	if a.mode == modeForm {
		return a.updateForm(msg) // huh sizes its own fields
	}
	return nil
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

func (a *App) tabByKey(key string) *tab {
	for _, t := range a.tabs {
		if t.key == key {
			return t
		}
	}
	return nil
}

// running counts the tabs of kind whose container or exec runs.
func (a *App) running(kind tabKind) int {
	n := 0
	for _, t := range a.tabs {
		if !t.ended && t.kind == kind {
			n++
		}
	}
	return n
}
