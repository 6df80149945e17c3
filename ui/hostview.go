package ui

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"vme50-tui/cgroup"
	"vme50-tui/runtime"
)

// HostView lists every vme50 container on the host (ctrl+g h), whoever
// started it: this TUI, another one, a `run` in another terminal. One row
// each: its memory against its limit, the cores it used since the last
// listing against its quota, its pids against their limit, its state, age
// and owner. s cycles the order (memory, CPU, pids, age: the most first),
// / filters by typing, enter opens the container in a tab, e a shell in
// it, k stops it after a y. It knows nothing of the kernel: the app lists
// the containers in a Cmd at every reading interval and gives the rows to
// SetRows; it answers with HostOpenMsg, HostExecMsg, HostStopMsg and
// HostViewClosedMsg.
type HostView struct {
	rows   []HostRow // as last listed
	listed bool      // a listing has arrived
	err    string    // the last listing's error

	// What a single reading cannot tell: the cores used, from the growth
	// of cpu usage between two listings (readings.go's cpuBetween).
	prev  map[string]cgroup.Stats
	cores map[string]cpuRate

	sort      hostSort
	filter    textinput.Model
	filtering bool   // the filter line takes the keys
	selected  string // the id under the cursor, kept through re-sorts
	offset    int    // the first row on screen
	confirm   string // the id k asks about, until the next key

	self          int // our pid: our own containers say "this TUI"
	now           func() time.Time
	keys          HostViewKeyMap
	width, height int
	rev           int // counts the changes a drawing would show
	view          memoOf[[3]int]
}

// hostSort is the order of the rows: the most memory, CPU or pids first,
// or the oldest first.
type hostSort int

const (
	sortMemory hostSort = iota
	sortCPU
	sortPids
	sortAge
	sortCount
)

func (s hostSort) String() string {
	return [...]string{"memory", "CPU", "pids", "age"}[s]
}

// Messages the host view answers with; the app does what they ask.
type (
	// HostOpenMsg: enter, open the container in a tab.
	HostOpenMsg struct{ ID, Name string }
	// HostExecMsg: e, a shell into the container.
	HostExecMsg struct{ ID, Name string }
	// HostStopMsg: k and y, stop the container.
	HostStopMsg struct{ ID, Name string }
	// HostViewClosedMsg: esc, back to what was under it.
	HostViewClosedMsg struct{}
)

// HostViewKeyMap is the host view's keys.
type HostViewKeyMap struct {
	Up, Down, PageUp, PageDown, Open, Exec, Stop, Sort, Filter, Back key.Binding
	// While the filter line takes the keys:
	FilterDone, FilterClear key.Binding
	// While k waits for an answer:
	Confirm key.Binding
}

func newHostViewKeyMap() HostViewKeyMap {
	return HostViewKeyMap{
		Up:          key.NewBinding(key.WithKeys("up"), key.WithHelp("↑/↓", "select")),
		Down:        key.NewBinding(key.WithKeys("down")),
		PageUp:      key.NewBinding(key.WithKeys("pgup", "home")),
		PageDown:    key.NewBinding(key.WithKeys("pgdown", "end")),
		Open:        key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open")),
		Exec:        key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "exec shell")),
		Stop:        key.NewBinding(key.WithKeys("k"), key.WithHelp("k", "stop")),
		Sort:        key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "sort")),
		Filter:      key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "filter")),
		Back:        key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
		FilterDone:  key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "keep the filter")),
		FilterClear: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear it")),
		Confirm:     key.NewBinding(key.WithKeys("y", "Y"), key.WithHelp("y", "stop it")),
	}
}

func (k HostViewKeyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Up, k.Open, k.Exec, k.Stop, k.Sort, k.Filter, k.Back}
}

func (k HostViewKeyMap) FullHelp() [][]key.Binding { return [][]key.Binding{k.ShortHelp()} }

// hostFilterKeys are the keys while the filter line is open.
type hostFilterKeys struct{ k HostViewKeyMap }

func (f hostFilterKeys) ShortHelp() []key.Binding {
	return []key.Binding{f.k.Up, f.k.FilterDone, f.k.FilterClear}
}

func (f hostFilterKeys) FullHelp() [][]key.Binding { return [][]key.Binding{f.ShortHelp()} }

// NewHostView returns an empty host view; self is this process's pid.
func NewHostView(self int) *HostView {
	in := textinput.New()
	in.Prompt = "/"
	in.Placeholder = "id, hostname, command, state or owner"
	in.CharLimit = 64
	s := in.Styles()
	s.Cursor.Blink = false // no timer Cmds: the listing redraws it anyway
	in.SetStyles(s)
	return &HostView{prev: map[string]cgroup.Stats{}, cores: map[string]cpuRate{},
		filter: in, self: self, now: time.Now, keys: newHostViewKeyMap()}
}

// KeyMap is what the bottom line shows: the filter's keys while it is
// open, the view's otherwise.
func (h *HostView) KeyMap() help.KeyMap {
	if h.filtering {
		return hostFilterKeys{h.keys}
	}
	return h.keys
}

// Question is the question k asks, or "".
func (h *HostView) Question() string {
	if h.confirm == "" {
		return ""
	}
	return fmt.Sprintf("Stop %s? SIGTERM to its PID 1, SIGKILL 10s later. y: stop, any other key: keep it",
		h.nameOf(h.confirm))
}

// SetSize sets the size View draws in.
func (h *HostView) SetSize(w, hgt int) {
	h.width, h.height = w, hgt
	h.filter.SetWidth(max(w-2, 10))
}

// SetClock sets the clock the ages are told by (tests).
func (h *HostView) SetClock(now func() time.Time) { h.now = now; h.rev++ }

// SetRows takes a listing: the rows, or why there are none.
func (h *HostView) SetRows(rows []HostRow, err error) {
	h.listed = true
	h.rev++
	h.err = ""
	if err != nil {
		h.err = err.Error()
		return
	}
	seen := map[string]bool{}
	for _, r := range rows {
		seen[r.ID] = true
		st := r.Stats
		if st.Time.IsZero() {
			continue
		}
		if prev, ok := h.prev[r.ID]; ok && st.Time.After(prev.Time) {
			h.cores[r.ID] = cpuBetween(prev, st)
		}
		if prev, ok := h.prev[r.ID]; !ok || st.Time.After(prev.Time) {
			h.prev[r.ID] = st
		}
	}
	for id := range h.prev {
		if !seen[id] {
			delete(h.prev, id)
			delete(h.cores, id)
		}
	}
	h.rows = rows
	if h.confirm != "" && !seen[h.confirm] {
		h.confirm = "" // it ended meanwhile: nothing to ask
	}
	h.keepSelection()
}

// Rows are the rows on screen, in their order: filtered and sorted.
func (h *HostView) Rows() []HostRow {
	var out []HostRow
	words := strings.Fields(strings.ToLower(h.filter.Value()))
	for _, r := range h.rows {
		if h.matches(r, words) {
			out = append(out, r)
		}
	}
	slices.SortStableFunc(out, h.compare)
	return out
}

// matches tells whether every word of the filter is in one of the row's
// texts.
func (h *HostView) matches(r HostRow, words []string) bool {
	text := strings.ToLower(strings.Join([]string{r.ID, r.Hostname, joinWords(r.Args), r.State, h.owner(r)}, " "))
	for _, w := range words {
		if !strings.Contains(text, w) {
			return false
		}
	}
	return true
}

// compare orders two rows by the sort key, the most first, then by id.
func (h *HostView) compare(a, b HostRow) int {
	var c int
	switch h.sort {
	case sortMemory:
		c = cmpDesc(a.Stats.Memory.Current, b.Stats.Memory.Current)
	case sortCPU:
		c = cmpDesc(h.cores[a.ID].cores, h.cores[b.ID].cores)
	case sortPids:
		c = cmpDesc(a.Stats.Pids.Current, b.Stats.Pids.Current)
	case sortAge:
		c = a.Created.Compare(b.Created) // the oldest first
	}
	if c != 0 {
		return c
	}
	return strings.Compare(a.ID, b.ID)
}

func cmpDesc[T int | uint64 | float64](a, b T) int {
	switch {
	case a > b:
		return -1
	case a < b:
		return 1
	}
	return 0
}

// Row is container id's row in the last listing, if it has one.
func (h *HostView) Row(id string) (HostRow, bool) {
	i := slices.IndexFunc(h.rows, func(r HostRow) bool { return r.ID == id })
	if i < 0 {
		return HostRow{}, false
	}
	return h.rows[i], true
}

// Selected is the row under the cursor, if any.
func (h *HostView) Selected() (HostRow, bool) {
	rows := h.Rows()
	i := slices.IndexFunc(rows, func(r HostRow) bool { return r.ID == h.selected })
	if i < 0 {
		return HostRow{}, false
	}
	return rows[i], true
}

// keepSelection keeps the cursor on a row shown: the same container if
// it still is, else the first.
func (h *HostView) keepSelection() {
	rows := h.Rows()
	if !slices.ContainsFunc(rows, func(r HostRow) bool { return r.ID == h.selected }) {
		h.selected = ""
		if len(rows) > 0 {
			h.selected = rows[0].ID
		}
	}
}

// move moves the cursor by n rows, stopping at the ends.
func (h *HostView) move(n int) {
	rows := h.Rows()
	if len(rows) == 0 {
		return
	}
	i := slices.IndexFunc(rows, func(r HostRow) bool { return r.ID == h.selected })
	h.selected = rows[max(0, min(len(rows)-1, i+n))].ID
}

// Update takes a key: the answer to k's question, the filter line's, or
// one of the view's.
func (h *HostView) Update(msg tea.Msg) (*HostView, tea.Cmd) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return h, nil
	}
	h.rev++
	if h.confirm != "" {
		id := h.confirm
		h.confirm = ""
		if key.Matches(k, h.keys.Confirm) {
			return h, msgCmd(HostStopMsg{ID: id, Name: h.nameOf(id)})
		}
		return h, nil
	}
	if h.filtering {
		return h, h.filterKey(k)
	}
	row, ok := h.Selected()
	switch {
	case key.Matches(k, h.keys.Up):
		h.move(-1)
	case key.Matches(k, h.keys.Down):
		h.move(1)
	case key.Matches(k, h.keys.PageUp):
		h.move(-max(h.listRows(), 1))
	case key.Matches(k, h.keys.PageDown):
		h.move(max(h.listRows(), 1))
	case key.Matches(k, h.keys.Sort):
		h.sort = (h.sort + 1) % sortCount
	case key.Matches(k, h.keys.Filter):
		h.filtering = true
		return h, h.filter.Focus()
	case key.Matches(k, h.keys.Back):
		if h.filter.Value() != "" {
			h.filter.SetValue("")
			h.keepSelection()
			return h, nil
		}
		return h, msgCmd(HostViewClosedMsg{})
	case !ok:
	case key.Matches(k, h.keys.Open):
		return h, msgCmd(HostOpenMsg{ID: row.ID, Name: h.nameOf(row.ID)})
	case key.Matches(k, h.keys.Exec):
		return h, msgCmd(HostExecMsg{ID: row.ID, Name: h.nameOf(row.ID)})
	case key.Matches(k, h.keys.Stop):
		h.confirm = row.ID
	}
	return h, nil
}

// filterKey edits the filter line: enter keeps the filter and gives the
// keys back to the list, esc clears it; the arrows still move the cursor.
func (h *HostView) filterKey(k tea.KeyPressMsg) tea.Cmd {
	switch {
	case key.Matches(k, h.keys.FilterDone):
		h.filtering = false
		h.filter.Blur()
		return nil
	case key.Matches(k, h.keys.FilterClear):
		h.filtering = false
		h.filter.Blur()
		h.filter.SetValue("")
	case key.Matches(k, h.keys.Up):
		h.move(-1)
		return nil
	case key.Matches(k, h.keys.Down):
		h.move(1)
		return nil
	default:
		var cmd tea.Cmd
		h.filter, cmd = h.filter.Update(k)
		h.keepSelection()
		return cmd
	}
	h.keepSelection()
	return nil
}

// Filtering tells whether the filter line takes the keys.
func (h *HostView) Filtering() bool { return h.filtering }

// nameOf is a container's name as its tab says it: its hostname, or the
// short id when it has none of its own.
func (h *HostView) nameOf(id string) string {
	for _, r := range h.rows {
		if r.ID == id {
			return rowName(r)
		}
	}
	return shortID(id)
}

func rowName(r HostRow) string {
	if r.Hostname == "" || r.Hostname == r.ID {
		return shortID(r.ID)
	}
	return r.Hostname
}

// ours counts the containers this TUI started.
func (h *HostView) ours() int {
	n := 0
	for _, r := range h.rows {
		if r.OwnerPID == h.self {
			n++
		}
	}
	return n
}

// owner says who started a container: this TUI, or another process.
func (h *HostView) owner(r HostRow) string {
	if r.OwnerPID == h.self {
		return "this TUI"
	}
	return fmt.Sprintf("pid %d", r.OwnerPID)
}

// ---- drawing ----

var hostStyle = struct {
	title, header, cursor, faint lipgloss.Style
}{
	title:  formTitle,
	header: lipgloss.NewStyle().Bold(true).Underline(true),
	cursor: lipgloss.NewStyle().Reverse(true).Bold(true),
	faint:  lipgloss.NewStyle().Faint(true),
}

// listRows is how many rows of containers fit: the screen minus the
// title, the header and the line under the list.
func (h *HostView) listRows() int { return h.height - 3 }

// View draws the view in exactly the size SetSize gave. The ages move
// with the clock: the drawing is kept for a second at most.
func (h *HostView) View() string {
	sec := int(h.now().Unix())
	return h.view.get([3]int{h.rev, h.width*10000 + h.height, sec}, h.render)
}

func (h *HostView) render() string {
	w := h.width
	rows := h.Rows()
	title := fmt.Sprintf("Containers on this host: %d", len(h.rows))
	if n := h.ours(); n > 0 {
		title += fmt.Sprintf(", %d of this TUI", n)
	}
	if v := strings.TrimSpace(h.filter.Value()); v != "" {
		title += fmt.Sprintf(" · filter %s: %d shown", v, len(rows))
	}
	title += " · sorted by " + h.sort.String()
	lines := []string{hostStyle.title.Render(ansi.Truncate(title, w, "…"))}
	switch {
	case h.err != "":
		lines = append(lines, "", statusStyle.Render(h.err))
	case !h.listed:
		lines = append(lines, "", "reading the containers…")
	case len(h.rows) == 0:
		lines = append(lines, "", "no vme50 container runs on this host: ctrl+g n starts one, and `vme50-tui run` in another terminal too")
	case len(rows) == 0:
		lines = append(lines, "", "no container matches the filter")
	default:
		lines = append(lines, h.table(rows, w)...)
	}
	out := make([]string, max(h.height, 1))
	for i := range out {
		if i < len(lines) {
			out[i] = lines[i]
		}
	}
	if len(out) > 1 && h.filtering {
		out[len(out)-1] = h.filter.View()
	}
	for i := range out {
		out[i] = fitLine(out[i], w, "…")
	}
	return strings.Join(out, "\n")
}

// A hostColumn is one column of the table: its title, its cells, and
// how readily it gives way on a narrow screen.
type hostColumn struct {
	title string
	cells []string
	right bool // numbers: aligned right
	keep  int  // the lower, the longer it stays on a narrow screen
	most  int  // the widest it gets (0: as wide as its cells)
}

// table is the header and the rows that fit, scrolled to the cursor.
func (h *HostView) table(rows []HostRow, w int) []string {
	arrow := func(s hostSort, title string) string {
		if h.sort == s {
			return title + "▼"
		}
		return title
	}
	cols := []hostColumn{
		{title: "ID", keep: 0},
		{title: "HOSTNAME", keep: 1, most: 20},
		{title: "STATE", keep: 5},
		{title: arrow(sortAge, "UPTIME"), right: true, keep: 6},
		{title: arrow(sortMemory, "MEMORY"), right: true, keep: 2},
		{title: arrow(sortCPU, "CORES"), right: true, keep: 3},
		{title: arrow(sortPids, "PIDS"), right: true, keep: 4},
		{title: "OWNER", keep: 7},
		{title: "COMMAND", keep: 8},
	}
	now := h.now()
	for _, r := range rows {
		cells := []string{shortID(r.ID), rowName(r), r.State, runtime.FormatUptime(now.Sub(r.Created)),
			memoryCell(r.Stats), h.coresCell(r), pidsCell(r.Stats), h.owner(r), runtime.Printable(joinWords(r.Args))}
		for i := range cols {
			cols[i].cells = append(cols[i].cells, cells[i])
		}
	}
	shown := fitColumns(cols, w-2) // the cursor's mark takes 2
	header := "  " + drawRow(shown, -1)
	out := []string{hostStyle.header.Render(ansi.Truncate(header, w, ""))}

	// Scroll so that the cursor is on screen.
	n := max(h.listRows(), 1)
	cur := max(slices.IndexFunc(rows, func(r HostRow) bool { return r.ID == h.selected }), 0)
	h.offset = max(0, min(h.offset, len(rows)-n))
	if cur < h.offset {
		h.offset = cur
	}
	if cur >= h.offset+n {
		h.offset = cur - n + 1
	}
	for i := h.offset; i < min(len(rows), h.offset+n); i++ {
		line := drawRow(shown, i)
		if i == cur {
			out = append(out, hostStyle.cursor.Render("> "+fitLine(line, w-2, "…")))
			continue
		}
		if rows[i].OwnerPID == h.self {
			line = hostStyle.faint.Render(line) // ours: their tabs are here already
		}
		out = append(out, "  "+line)
	}
	return out
}

// fitColumns sizes each column to its widest cell and, while they do not
// fit in w, drops the one most ready to give way; the last column shown
// takes what is left, cut.
func fitColumns(cols []hostColumn, w int) []hostColumn {
	for i := range cols {
		c := &cols[i]
		width := ansi.StringWidth(c.title)
		for _, s := range c.cells {
			width = max(width, ansi.StringWidth(s))
		}
		if c.most > 0 {
			width = min(width, c.most)
		}
		c.most = width // from here on: its width
	}
	total := func(cs []hostColumn) int {
		t := 0
		for _, c := range cs {
			t += c.most + 2
		}
		return t - 2
	}
	for len(cols) > 1 && total(cols) > w {
		// The command may be cut rather than dropped while it keeps 8.
		last := &cols[len(cols)-1]
		if last.title == "COMMAND" && total(cols)-last.most+8 <= w {
			last.most = w - (total(cols) - last.most)
			break
		}
		drop := 0
		for i, c := range cols {
			if c.keep > cols[drop].keep {
				drop = i
			}
		}
		cols = slices.Delete(slices.Clone(cols), drop, drop+1)
	}
	return cols
}

// drawRow draws row i of the columns (-1: their titles).
func drawRow(cols []hostColumn, i int) string {
	var b strings.Builder
	for j, c := range cols {
		s := c.title
		if i >= 0 {
			s = c.cells[i]
		}
		s = ansi.Truncate(s, c.most, "…")
		pad := strings.Repeat(" ", max(c.most-ansi.StringWidth(s), 0))
		if j > 0 {
			b.WriteString("  ")
		}
		if c.right {
			b.WriteString(pad + s)
		} else if j < len(cols)-1 {
			b.WriteString(s + pad)
		} else {
			b.WriteString(s)
		}
	}
	return b.String()
}

// memoryCell is memory in use against its limit: "23.1/48.0 MiB",
// "1.2 MiB/max".
func memoryCell(st cgroup.Stats) string {
	if st.Time.IsZero() {
		return "–"
	}
	if !isLimited(st.Memory.Max) {
		return cgroup.FormatSize(st.Memory.Current) + "/max"
	}
	return sizePair(st.Memory.Current, st.Memory.Max)
}

// coresCell is the cores used since the last listing against the quota:
// "0.48/0.50", "1.02/max"; "–" until two readings.
func (h *HostView) coresCell(r HostRow) string {
	used := "–"
	if c, ok := h.cores[r.ID]; ok && c.ok {
		used = fmt.Sprintf("%.2f", c.cores)
	}
	if r.Stats.Time.IsZero() {
		return used
	}
	quota := "max"
	if q, ok := quotaCores(r.Stats.CPU); ok {
		quota = fmt.Sprintf("%.2f", q)
	}
	return used + "/" + quota
}

// pidsCell is pids.current against pids.max: "3/40", "1/max".
func pidsCell(st cgroup.Stats) string {
	if st.Time.IsZero() {
		return "–"
	}
	return fmt.Sprintf("%d/%s", st.Pids.Current, limitCount(st.Pids.Max))
}
