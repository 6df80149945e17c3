package ui

import (
	"fmt"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// The start screen, the first thing a class sees: a title line, the form
// in a box, the help of the field in focus (the kernel file it becomes on
// this host, what it takes, its default, what the original meant), what
// Enter will do (the `vme50-tui run` line that starts the same container
// and the kernel's first steps, both kept current as the form is typed),
// and the lessons. On a wide screen two columns, the form and its help on
// the left, Enter and the lessons on the right; on a small one a single
// column, the form scrolled to fit. The form for one more container
// (ctrl+g n) is the same screen, under the tab bar.

// Widths of the start screen.
const (
	startColumns   = 110 // from this width on, two columns
	startLeftMax   = 84  // the form's column
	startRightMax  = 110
	startSingleMax = 100 // the single column's box
)

// startGeometry is where the start screen's boxes go: the form's box (and
// in two columns the other's) and the margin that centres them.
type startGeometry struct {
	left, right int // widths; right 0: one column
	margin      int
}

func (a *App) startGeometry() startGeometry {
	w := a.width
	if w < startColumns {
		box := min(w, startSingleMax)
		return startGeometry{left: box, margin: (w - box) / 2}
	}
	left := min(startLeftMax, max(56, w*46/100))
	right := min(w-left-1, startRightMax)
	return startGeometry{left: left, right: right, margin: (w - left - 1 - right) / 2}
}

// formWidth is the width the form's fields are drawn in: its box's inside.
func (a *App) formWidth() int { return max(a.startGeometry().left-4, 20) }

// ---- the title line ----

var (
	startNameStyle  = lipgloss.NewStyle().Reverse(true).Bold(true).Padding(0, 1)
	startTitleStyle = lipgloss.NewStyle().Bold(true)
)

// titleLine says what vme50-tui is, in the tab bar's row while there are
// no tabs.
func (a *App) titleLine() string {
	host := "this host: " + a.cfg.Host.Version.String()
	w := a.width - ansi.StringWidth(startNameStyle.Render("vme50-tui")) - 1
	text := firstFit(w,
		"a teaching container runtime: fill in a container, press Enter, watch the kernel make its limits bite · "+host,
		"a teaching container runtime: set the limits, start it, watch them bite · "+host,
		"a teaching container runtime: set limits, watch them bite",
		"a teaching container runtime")
	return fitLine(startNameStyle.Render("vme50-tui")+" "+startTitleStyle.Render(text), a.width, "…")
}

// ---- the screen ----

// startKey is everything the start screen is drawn from: the size, and
// the form and how many messages it was given (App.formRev): the form
// changes only by what it is given (keys, its cursor's blink, its
// rootfs made), and its window's width, which w holds.
type startKey struct {
	w, h int
	form *Form
	rev  int
}

// startScreen draws the form's screen in the screen's width and h rows,
// or returns the last drawing: View runs at every message, the sampler's
// ticks too, and most leave the form as it was. The key costs nothing to
// make: drawing every field to compare them was most of an idle start
// screen's work.
func (a *App) startScreen(h int) string {
	k := startKey{a.width, h, a.form, a.formRev}
	return a.startView.get(k, func() string {
		a.startDraws++
		return a.drawStart(h)
	})
}

// drawStart draws the start screen.
func (a *App) drawStart(h int) string {
	g := a.startGeometry()
	var rows []string
	if g.right == 0 {
		rows = a.startSingle(g.left, h)
	} else {
		rows = sideBySide(a.startLeft(g.left, h), a.startRight(g.right, h), g.left, g.right)
	}
	pad := strings.Repeat(" ", g.margin)
	if spare := h - len(rows); spare > 0 {
		// Nearer the top than the middle, never stuck to the title.
		rows = append(make([]string, max(spare/3, 1)), rows...)
	}
	for i := range rows {
		if rows[i] != "" {
			rows[i] = pad + rows[i]
		}
	}
	return strings.Join(rows, "\n")
}

// sideBySide puts the right column beside the left, a space between.
func sideBySide(left, right []string, lw, rw int) []string {
	rows := make([]string, max(len(left), len(right)))
	for i := range rows {
		l, r := strings.Repeat(" ", lw), ""
		if i < len(left) {
			l = left[i]
		}
		if i < len(right) {
			r = right[i]
		}
		rows[i] = l + " " + fitLine(r, rw, "")
	}
	return rows
}

// startSingle is the one-column screen: every part in one box of width
// w, made shorter in turn until they fit h rows: the steps on a line each,
// fewer help lines and steps, the lessons as a list of names, the form
// scrolled, the lessons left to ctrl+g l.
func (a *App) startSingle(w, h int) []string {
	inner := w - 4
	help := a.helpRows(inner)
	enter := a.enterOf(inner)
	lessons := map[lessonsAs][]string{lessonsFull: a.lessonRows(inner, true), lessonsNames: a.lessonRows(inner, false)}
	fields := a.formFieldCount()
	all := len(enter.steps) + len(enter.err)
	plans := []struct {
		help, steps int
		wrap        bool
		lessons     lessonsAs
		fields      int // the fewest field lines this plan accepts
	}{
		{len(help), all, true, lessonsFull, fields},
		{len(help), all, false, lessonsFull, fields},
		{3, 5, false, lessonsFull, fields},
		{3, 5, false, lessonsNames, fields},
		{2, 4, false, lessonsNames, 7},
		{2, 4, false, lessonsNames, 5},
		{2, 4, false, lessonsLeftOut, 5},
		{2, 2, false, lessonsNames, 5},
		{2, 2, false, lessonsLeftOut, 5},
		{1, 1, false, lessonsLeftOut, 1},
	}
	for i, p := range plans {
		p.help = min(p.help, len(help))
		steps := enter.rows(inner, p.steps, p.wrap)
		rows := lessons[p.lessons]
		sections := 4 + boolInt(len(rows) > 0) + boolInt(a.form.Lesson() != nil)
		fixed := sections + 1 + a.lessonTextRows(inner) + p.help + len(enter.run) + len(steps) + len(rows)
		if h-fixed < min(fields, p.fields) && i < len(plans)-1 {
			continue
		}
		all := a.formCard(inner, h-fixed, p.help)
		all = append(all, enterCard(enter.run, steps)...)
		if len(rows) > 0 {
			all = append(all, lessonsSection(rows, p.lessons == lessonsFull))
		}
		return drawCard(w, all...)
	}
	return nil
}

// startLeft is the left column: the form and its help in h rows of a box
// w wide, the help shorter before the form scrolls.
func (a *App) startLeft(w, h int) []string {
	inner := w - 4
	help := len(a.helpRows(inner))
	fixed := 3 + boolInt(a.form.Lesson() != nil) + a.lessonTextRows(inner)
	for _, most := range []int{help, 4, 3, 2} {
		if h-fixed-min(help, most) >= min(a.formFieldCount(), 8) {
			help = min(help, most)
			break
		}
		if most == 2 {
			help = min(help, 2)
		}
	}
	return drawCard(w, a.formCard(inner, h-fixed-help, help)...)
}

// startRight is the right column: what Enter will do and the lessons, in
// h rows of a box w wide: each step on as many lines as it takes, or on
// one, the lessons as names, fewer steps.
func (a *App) startRight(w, h int) []string {
	inner := w - 4
	enter := a.enterOf(inner)
	all := len(enter.steps) + len(enter.err)
	for _, full := range []bool{true, false} {
		lessons := a.lessonRows(inner, full)
		spare := h - 4 - len(enter.run) - len(lessons) // four edges
		for _, wrap := range []bool{true, false} {
			if steps := enter.rows(inner, all, wrap); len(steps) <= spare {
				return drawCard(w, append(enterCard(enter.run, steps), lessonsSection(lessons, full))...)
			}
		}
	}
	lessons := a.lessonRows(inner, false)
	steps := enter.rows(inner, max(h-4-len(enter.run)-len(lessons), 1), false)
	return drawCard(w, append(enterCard(enter.run, steps), lessonsSection(lessons, false))...)
}

// lessonsAs is how the one-column screen shows the lessons.
type lessonsAs int

const (
	lessonsFull    lessonsAs = iota // a line each: name, what it shows
	lessonsNames                    // their names, packed
	lessonsLeftOut                  // not at all: ctrl+g l
)

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// formFieldCount is how many lines the fields take, all of them shown.
func (a *App) formFieldCount() int {
	all, _, _ := a.form.lines()
	return len(all)
}

// formCard is the form's part of the box: the lesson's text (a lesson
// filled the form), the fields in at most fieldRows lines (scrolled when
// they need more) and helpRows lines of the focused field's help.
func (a *App) formCard(inner, fieldRows, helpRows int) []cardSection {
	var out []cardSection
	title := "New container"
	if l := a.form.Lesson(); l != nil {
		out = append(out, cardSection{title: "Lesson: " + l.Title, rows: a.lessonText(inner)})
		title = "New container, the lesson's settings"
	}
	rows, above, below := a.form.Rows(max(fieldRows, 1))
	form := cardSection{title: title, rows: rows}
	if above > 0 {
		form.above = fmt.Sprintf("↑ %d more", above)
	}
	if below > 0 {
		form.below = fmt.Sprintf("↓ %d more", below)
	}
	help := helpFor(a.form.Focused(), a.cfg.Host.Files())
	lines := a.helpRows(inner)
	return append(out, form, cardSection{title: help.title(), rows: lines[:min(helpRows, len(lines))]})
}

// lessonTextRows is the height of the lesson's text over the form, if a
// lesson filled it.
func (a *App) lessonTextRows(inner int) int {
	if a.form.Lesson() == nil {
		return 0
	}
	return len(a.lessonText(inner))
}

// lessonText is what the form's lesson shows, at most three lines.
func (a *App) lessonText(inner int) []string {
	l := a.form.Lesson()
	lines := wrapText(l.Watch(a.cfg.Host.Files()), inner)
	if len(lines) > 3 {
		lines = lines[:3]
		lines[2] = fitLine(lines[2], inner-1, "") + "…"
	}
	return lines
}

// helpRows is the focused field's help in lines of inner cells, whole
// paragraphs, the most needed first.
func (a *App) helpRows(inner int) []string {
	var rows []string
	for _, p := range helpFor(a.form.Focused(), a.cfg.Host.Files()).lines() {
		rows = append(rows, wrapText(p, max(inner, 10))...)
	}
	return rows
}

// ---- what Enter will do ----

// runLineStyle sets the run line apart from the steps under it.
var runLineStyle = lipgloss.NewStyle().Bold(true)

// enterView is what Enter will do: the run line, wrapped between its
// words with a backslash so that each piece pastes into a shell, and the
// kernel's first steps, or why Enter would stop.
type enterView struct {
	run   []string
	steps []kernelStep
	err   []string
}

func (a *App) enterOf(inner int) enterView {
	v := a.form.Values()
	var e enterView
	for _, l := range wrapShell(runPieces(v), inner) {
		e.run = append(e.run, runLineStyle.Render(l))
	}
	steps, err := kernelSteps(a.cfg.Host, v)
	if err != nil {
		for _, l := range wrapText("✗ Enter stops here: "+err.Error(), max(inner, 10)) {
			e.err = append(e.err, formErrorStyle.Render(l))
		}
	}
	e.steps = steps
	return e
}

// rows are at most n steps (the key ones first), each on one line, cut
// to the width, or wrapped, the rest of a step indented under it; or
// why Enter would stop.
func (e enterView) rows(inner, n int, wrap bool) []string {
	if e.err != nil {
		return e.err[:min(max(n, 1), len(e.err))]
	}
	var rows []string
	for _, s := range someSteps(e.steps, n) {
		if !wrap {
			rows = append(rows, s.text)
			continue
		}
		rows = append(rows, wrapStep(s.text, inner)...)
	}
	return rows
}

// wrapStep puts a step on lines of w cells, the rest indented under its
// first line. It breaks between words, or after a | or a comma (clone's
// flags, mount's options), never inside a path: one too long for a line
// is cut there, where it ends in "…".
func wrapStep(text string, w int) []string {
	var pieces []string
	piece := ""
	for _, r := range text {
		switch {
		case r == ' ':
			pieces = append(pieces, piece+" ")
			piece = ""
		case r == '|' || r == ',':
			pieces = append(pieces, piece+string(r))
			piece = ""
		default:
			piece += string(r)
		}
	}
	pieces = append(pieces, piece)
	var lines []string
	line := ""
	for _, p := range pieces {
		// A piece that fits on no line stays where it is, and is cut.
		if line != "" && strings.TrimSpace(line) != "" &&
			ansi.StringWidth(strings.TrimRight(line+p, " ")) > w && ansi.StringWidth(p)+2 <= w {
			lines = append(lines, strings.TrimRight(line, " "))
			line = "  "
		}
		line += p
	}
	return append(lines, strings.TrimRight(line, " "))
}

// enterCard is what Enter will do, as two sections.
func enterCard(run, steps []string) []cardSection {
	return []cardSection{
		{title: "What Enter will do (from the last field)", rows: run},
		{title: "the kernel's first steps, in the kernel log's words", rows: steps},
	}
}

// wrapShell puts pieces on lines of at most w cells, each line but the
// last ending in " \" and the next indented: a shell takes the lines as
// one command. A piece wider than a line has a line of its own.
func wrapShell(pieces []string, w int) []string {
	var lines []string
	line := ""
	for _, p := range pieces {
		switch {
		case line == "":
			line = p
		case ansi.StringWidth(line)+1+ansi.StringWidth(p)+2 <= w:
			line += " " + p
		default:
			lines = append(lines, line+" \\")
			line = "  " + p
		}
	}
	return append(lines, line)
}

// ---- the lessons ----

var (
	lessonNumberStyle = lipgloss.NewStyle().Bold(true)
	lessonWhyStyle    = lipgloss.NewStyle().Faint(true)
)

// lessonsSection is the lessons' part of the screen. Where they are
// names alone (not full), its title says what ✗ means; the menu says why.
func lessonsSection(rows []string, full bool) cardSection {
	title := "Lessons: ctrl+g l, or ctrl+g 1-9"
	if !full && strings.Contains(strings.Join(rows, "\n"), "✗") {
		title += " (✗ not on this host)"
	}
	return cardSection{title: title, rows: rows}
}

// lessonRows are the lessons in lines of inner cells: full, one line a
// lesson (its number, its name, what it shows, or why this host cannot
// run it); else their names packed into as few lines as they take, never
// broken inside a name, ✗ marking those this host cannot run.
func (a *App) lessonRows(inner int, full bool) []string {
	host := a.lessonHost(a.form.Values().Options.Rootfs)
	files := a.cfg.Host.Files()
	if full {
		rows := make([]string, len(Lessons))
		for i, l := range Lessons {
			name := lessonNumberStyle.Render(fmt.Sprintf("%d", i+1)) + " " + l.Title
			what := l.Shows(files)
			if why := l.why(host); why != "" {
				// As much of the reason as fits: its first words say it.
				short, _, _ := strings.Cut(why, ":")
				what = firstFit(inner-ansi.StringWidth(name)-2, "✗ not on this host: "+why, "✗ "+why, "✗ "+short)
			}
			rows[i] = fitLine(name+"  "+lessonWhyStyle.Render(what), inner, "…")
		}
		return rows
	}
	var rows []string
	line := ""
	for i, l := range Lessons {
		item := fmt.Sprintf("%d %s", i+1, l.Short)
		if l.why(host) != "" {
			item += " ✗"
		}
		switch {
		case line == "":
			line = item
		case ansi.StringWidth(line)+3+ansi.StringWidth(item) <= inner:
			line += " · " + item
		default:
			rows = append(rows, line)
			line = item
		}
	}
	return append(rows, line)
}

// lessonHost is what the lessons need of this host, with rootfs the
// rootfs they would run on, looked up once per rootfs.
func (a *App) lessonHost(rootfs string) LessonHost {
	if a.lessonsOn == nil || a.lessonsOn.Rootfs != rootfs {
		h := a.hostForLessons(rootfs)
		a.lessonsOn = &h
	}
	return *a.lessonsOn
}
