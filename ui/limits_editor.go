package ui

import (
	"errors"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"vme50-tui/cgroup"
	"vme50-tui/runtime"
)

// LimitEditor changes a running container's limits (ctrl+g u): one text
// field per limit, prefilled from its latest reading. Enter checks every
// field with the parsers of run's flags and sends the ones changed in a
// LimitsChosenMsg; the app writes them in a Cmd. A value that does not
// parse stays on screen with the parser's words, and nothing is written.
// Esc sends LimitEditorClosedMsg: nothing written.
type LimitEditor struct {
	id     string       // the container's tab's key
	name   string       // its hostname, as its tab says it
	now    cgroup.Stats // the reading the fields were filled from
	fields []limitField
	focus  int
	err    string // the last value refused
	keys   LimitEditorKeyMap
	width  int
}

// A limitField is one limit: its file's name, its text as prefilled, and
// how its text becomes a limit.
type limitField struct {
	file    string
	initial string
	// off says why the field cannot be set here (v1's memory.high): it
	// shows in the input's place, and the focus passes it by.
	off   string
	input textinput.Model
	// set puts the parsed text into lim, unless it is the value of the
	// reading now: then changed is false and lim stays as it was.
	set func(text string, now cgroup.Stats, lim *cgroup.Limits) (changed bool, err error)
}

// LimitsChosenMsg: enter, with the limits to write (only the changed ones
// are not zero).
type LimitsChosenMsg struct {
	ID     string
	Limits cgroup.Limits
}

// LimitEditorClosedMsg: esc, or enter with nothing changed.
type LimitEditorClosedMsg struct{ Unchanged bool }

// LimitEditorKeyMap is the editor's keys.
type LimitEditorKeyMap struct {
	Next, Prev, Write, Cancel key.Binding
}

func (k LimitEditorKeyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Write, k.Next, k.Prev, k.Cancel}
}

func (k LimitEditorKeyMap) FullHelp() [][]key.Binding { return [][]key.Binding{k.ShortHelp()} }

func newLimitEditorKeyMap() LimitEditorKeyMap {
	return LimitEditorKeyMap{
		Next:   key.NewBinding(key.WithKeys("tab", "down"), key.WithHelp("tab/↓", "next")),
		Prev:   key.NewBinding(key.WithKeys("shift+tab", "up"), key.WithHelp("shift+tab/↑", "previous")),
		Write:  key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "write the changed limits")),
		Cancel: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "leave them as they are")),
	}
}

// NewLimitEditor edits the limits of container id, called name, as the
// reading now has them, named by files.
func NewLimitEditor(id, name string, now cgroup.Stats, files cgroup.Files, v cgroup.Version) *LimitEditor {
	e := &LimitEditor{id: id, name: name, now: now, keys: newLimitEditorKeyMap()}
	weightFile := files.CPUWeight
	if v == cgroup.V1 {
		weightFile += " (as a v2 weight)" // the field holds the weight; v1 writes weight×1024/100
	}
	high := newLimitField(files.MemoryHigh, limitSizeText(now.Memory.High), setMemoryHigh)
	if files.MemoryHigh == "" {
		high = limitField{file: "memory.high", off: "cgroup v2 only"}
	}
	e.fields = []limitField{
		newLimitField(files.MemoryMax, limitSizeText(now.Memory.Max), setMemory),
		high,
		newLimitField("memory+swap", swapText(now.Memory), setSwap),
		newLimitField(weightFile, weightText(now.CPU.Weight), setWeight),
		newLimitField(files.CPUMax+" (cores)", quotaCoresText(now.CPU), setQuota),
		newLimitField(files.PidsMax, limitCount(now.Pids.Max), setPids),
	}
	e.fields[0].input.Focus()
	return e
}

func newLimitField(file, initial string, set func(string, cgroup.Stats, *cgroup.Limits) (bool, error)) limitField {
	in := textinput.New()
	in.Prompt = ""
	in.CharLimit = 32
	in.SetWidth(14)
	s := in.Styles()
	s.Cursor.Blink = false // no timer Cmds: the app redraws on every sample anyway
	in.SetStyles(s)
	in.SetValue(initial)
	return limitField{file: file, initial: initial, input: in, set: set}
}

// KeyMap is the editor's keys, for the app's bottom line.
func (e *LimitEditor) KeyMap() LimitEditorKeyMap { return e.keys }

// ID is the key of the tab whose container's limits are edited.
func (e *LimitEditor) ID() string { return e.id }

// SetWidth sets the width View draws in.
func (e *LimitEditor) SetWidth(w int) { e.width = w }

// Update takes a key: moves between fields, writes, cancels, or edits
// the field in focus.
func (e *LimitEditor) Update(msg tea.Msg) (*LimitEditor, tea.Cmd) {
	k, ok := msg.(tea.KeyPressMsg)
	switch {
	case !ok:
	case key.Matches(k, e.keys.Cancel):
		return e, msgCmd(LimitEditorClosedMsg{})
	case key.Matches(k, e.keys.Write):
		return e, e.write()
	case key.Matches(k, e.keys.Next):
		e.focusOn(e.focus + 1)
		return e, nil
	case key.Matches(k, e.keys.Prev):
		e.focusOn(e.focus - 1)
		return e, nil
	}
	var cmd tea.Cmd
	e.fields[e.focus].input, cmd = e.fields[e.focus].input.Update(msg)
	return e, cmd
}

// focusOn moves the focus to field i, or past it in the direction of
// the move (from the focus) when it is off.
func (e *LimitEditor) focusOn(i int) {
	e.fields[e.focus].input.Blur()
	step := 1
	if i < e.focus {
		step = -1
	}
	n := len(e.fields)
	i = (i + n) % n
	for range n {
		if e.fields[i].off == "" {
			break
		}
		i = (i + step + n) % n
	}
	e.focus = i
	e.fields[e.focus].input.Focus()
}

// write checks every field; all must parse before anything is written.
func (e *LimitEditor) write() tea.Cmd {
	lim, changed, err := e.Limits()
	switch {
	case err != nil:
		e.err = err.Error()
		return nil
	case !changed:
		return msgCmd(LimitEditorClosedMsg{Unchanged: true})
	}
	return msgCmd(LimitsChosenMsg{ID: e.id, Limits: lim})
}

// Limits are the fields' values that differ from the reading, and
// whether there are any. A field left as prefilled, or emptied, changes
// nothing.
func (e *LimitEditor) Limits() (lim cgroup.Limits, changed bool, err error) {
	for i, f := range e.fields {
		text := strings.TrimSpace(f.input.Value())
		if f.off != "" || text == "" || text == f.initial {
			continue
		}
		c, ferr := f.set(text, e.now, &lim)
		if ferr != nil {
			e.focusOn(i)
			return cgroup.Limits{}, false, errors.New(f.file + ": " + ferr.Error())
		}
		changed = changed || c
	}
	return lim, changed, nil
}

func msgCmd(msg tea.Msg) tea.Cmd { return func() tea.Msg { return msg } }

// ---- the fields' parsers: run's, and max lifts a limit ----

func setMemory(text string, now cgroup.Stats, lim *cgroup.Limits) (bool, error) {
	v, err := cgroup.ParseSize(text)
	if err != nil {
		return false, err
	}
	v = runtime.Lifted(v) // ParseSize reads max as 0
	if v == now.Memory.Max {
		return false, nil
	}
	lim.MemoryMax = v
	return true, nil
}

func setMemoryHigh(text string, now cgroup.Stats, lim *cgroup.Limits) (bool, error) {
	v, err := cgroup.ParseSize(text)
	if err != nil {
		return false, err
	}
	v = runtime.Lifted(v) // max lifts it
	if v == now.Memory.High {
		return false, nil
	}
	lim.MemoryHigh = v
	return true, nil
}

// setSwap takes Docker's memory+swap, as --memory-swap, against the
// memory limit: the one typed above it, else the reading's. The kernel
// needs both in one write, so the memory limit is written with it.
func setSwap(text string, now cgroup.Stats, lim *cgroup.Limits) (bool, error) {
	memory := lim.MemoryMax
	if memory == 0 {
		memory = now.Memory.Max
	}
	if !isLimited(memory) {
		memory = 0 // ParseMemorySwap's "no memory limit"
	}
	v, err := runtime.ParseMemorySwap(text, memory)
	if err != nil {
		return false, err
	}
	if lim.MemoryMax == 0 && v == memoryPlusSwap(now.Memory) {
		return false, nil
	}
	lim.MemoryMax, lim.MemorySwap = memory, v
	return true, nil
}

// memoryPlusSwap is Docker's memory+swap of a reading: the memory limit
// and the room for swap (Unlimited: any swap); 0 without a memory limit.
func memoryPlusSwap(m cgroup.MemoryStats) uint64 {
	switch {
	case !isLimited(m.Max):
		return 0
	case m.SwapMax == cgroup.Unlimited:
		return cgroup.Unlimited
	}
	return m.Max + m.SwapMax
}

func setWeight(text string, now cgroup.Stats, lim *cgroup.Limits) (bool, error) {
	v, err := runtime.ParseCPUShares(text)
	if err != nil || v == now.CPU.Weight {
		return false, err
	}
	lim.CPUWeight = v
	return true, nil
}

func setQuota(text string, now cgroup.Stats, lim *cgroup.Limits) (bool, error) {
	quota, period, err := runtime.ParseCPUs(text)
	if err != nil {
		return false, err
	}
	quota = runtime.Lifted(quota) // ParseCPUs reads max and 0 as 0
	if quota == cgroup.Unlimited {
		period = now.CPU.PeriodUsec // lifting keeps the period
	}
	if quota == now.CPU.QuotaUsec && period == now.CPU.PeriodUsec {
		return false, nil
	}
	lim.CPUQuotaUsec, lim.CPUPeriodUsec = quota, period
	return true, nil
}

func setPids(text string, now cgroup.Stats, lim *cgroup.Limits) (bool, error) {
	v, err := runtime.ParsePidsLimit(text)
	if err != nil {
		return false, err
	}
	v = runtime.Lifted(v) // ParsePidsLimit reads max as 0
	if v == now.Pids.Max {
		return false, nil
	}
	lim.PidsMax = v
	return true, nil
}

// ---- the fields' texts, as the parsers read them back ----

// limitSizeText writes a memory limit exactly: "200M" where it is whole
// MiB (as the flags give them), else bytes; max without a limit.
func limitSizeText(v uint64) string {
	switch {
	case !isLimited(v):
		return "max"
	case v%mib == 0:
		return strconv.FormatUint(v/mib, 10) + "M"
	}
	return strconv.FormatUint(v, 10)
}

// swapText is memory+swap as --memory-swap takes it: "128M", -1 for any
// swap, "" without a memory limit (nothing to count it from).
func swapText(m cgroup.MemoryStats) string {
	switch v := memoryPlusSwap(m); v {
	case 0:
		return ""
	case cgroup.Unlimited:
		return "-1"
	default:
		return limitSizeText(v)
	}
}

func weightText(w uint64) string {
	if w == 0 {
		return "" // not read (no cpu controller): the field changes nothing
	}
	return strconv.FormatUint(w, 10)
}

// quotaCoresText is the quota as --cpus takes it: "0.5", or max.
func quotaCoresText(c cgroup.CPUStats) string {
	q, ok := quotaCores(c)
	if !ok {
		return "max"
	}
	return strconv.FormatFloat(q, 'f', -1, 64)
}

// ---- drawing ----

// limitsHelp is what the kernel does with a new limit: the class should
// know before pressing enter.
const limitsHelp = "max lifts a limit; an empty field leaves it. " +
	"memory.high throttles and reclaims above it, and kills nothing; memory+swap -1 allows any swap. " +
	"Memory below what the container uses: cgroup v1 reclaims what it can, " +
	"then refuses the write (EBUSY); v2 reclaims the page cache, then the OOM killer kills. " +
	"pids.max below pids.current kills nothing: new forks fail."

var editorStyle = struct{ label, err lipgloss.Style }{
	label: lipgloss.NewStyle().Bold(true),
	err:   lipgloss.NewStyle().Foreground(lipgloss.Color("1")).Bold(true),
}

// View draws the editor as a box of its width.
func (e *LimitEditor) View() string {
	w := max(e.width, minBoxWidth)
	inner := w - 4
	labelW := 0
	for _, f := range e.fields {
		labelW = max(labelW, ansi.StringWidth(f.file))
	}
	var body []string
	for i, f := range e.fields {
		mark := "  "
		if i == e.focus {
			mark = "> "
		}
		value := f.input.View()
		if f.off != "" {
			value = panelStyle.faint.Render(f.off)
		}
		body = append(body, mark+editorStyle.label.Render(fitLine(f.file, labelW, ""))+"  "+value)
	}
	body = append(body, "")
	if e.err != "" {
		body = append(body, wrapText(editorStyle.err.Render(e.err), inner)...)
		body = append(body, "")
	}
	body = append(body, wrapText(limitsHelp, inner)...)
	return strings.Join(drawBox("Limits of "+e.name, body, w), "\n")
}

// wrapText breaks text into lines of at most w cells.
func wrapText(text string, w int) []string {
	return strings.Split(lipgloss.NewStyle().Width(w).Render(text), "\n")
}
