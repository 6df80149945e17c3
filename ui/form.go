package ui

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"
	"charm.land/lipgloss/v2"

	"vme50-tui/cgroup"
	"vme50-tui/runtime"
	"vme50-tui/runtime/rootfs"
)

// Form collects a new container's settings: a huh form whose fields are
// bound to a runtime.Options and checked, as the user leaves each field,
// by the same parsers as `vme50-tui run`'s flags. Enter moves to the next
// field; Enter on the last one launches, so a prefilled form launches with
// repeated Enter.
//
// huh handles the keys; the form draws its fields itself (Rows), one line
// each, the same way for a text, a choice and a yes/no: huh's own view
// puts a choice's title and value on two lines, scrolls the focused field
// to the top, and marks a yes/no's answer by its colour alone.
type Form struct {
	form    *huh.Form
	opts    runtime.Options
	command string // the command field: one line, split like a shell
	record  string // the recording's path, or ""
	// The device limits, as typed: DEV:RATE, several separated by spaces
	// or commas (the flags are repeated instead). The published ports the
	// same way: HOST:CONTAINER.
	readBps, writeBps, publish string
	lesson                     *Lesson
	files                      cgroup.Files
	width                      int

	fields      []formField // in the form's order
	rootfsField *lineField
	creating    bool // rootfs.CreateBusybox is running (ctrl+r)
	ended       bool // the form was submitted or cancelled: it takes nothing more
	top         int  // the first row Rows shows when the fields do not fit
}

// A formField is one of the form's fields: its huh field, and what the
// start screen says about it (formhelp.go).
type formField struct {
	key   fieldKey
	field huh.Field
	shown func() bool // nil: always; else a field skipped while false
}

// fieldKey names a field, for its help.
type fieldKey int

const (
	fieldRootfs fieldKey = iota
	fieldMemory
	fieldMemoryHigh
	fieldMemorySwap
	fieldCPUWeight
	fieldCPUQuota
	fieldPids
	fieldDisk
	fieldReadBps
	fieldWriteBps
	fieldHostname
	fieldNetwork
	fieldPublish
	fieldOverlay
	fieldUserNS
	fieldCommand
	fieldRecord
)

// titleWidth is the width of every field's title: the values line up.
const titleWidth = 18

func fieldTitle(s string) string { return fmt.Sprintf("%-*s", titleWidth, s) }

// FormValues are what a form holds: the container's settings, where to
// record its readings, and the lesson they come from, if any.
type FormValues struct {
	Options runtime.Options
	Record  string // a CSV file, as `run --record`; "": no recording
	Lesson  *Lesson
}

// FormSubmitMsg carries the checked settings of a filled-in form.
type FormSubmitMsg struct {
	FormValues
	Spec runtime.Spec
}

// FormCancelMsg says the user left the form with esc.
type FormCancelMsg struct{}

// The network choices, the default first, as `run` takes them.
var networkChoices = []struct{ value, text string }{
	{string(runtime.NetworkBridge), "bridge: eth0 on " + runtime.BridgeName},
	{string(runtime.NetworkNone), "none: only lo"},
	{string(runtime.NetworkHost), "host: the host's interfaces"},
}

// NewForm returns a form prefilled with v; files names the host's cgroup
// files, shown beside the limits they set.
func NewForm(v FormValues, files cgroup.Files) *Form {
	opts := v.Options
	if opts.Network == "" {
		opts.Network = string(runtime.NetworkBridge) // run's default
	}
	f := &Form{opts: opts, command: joinWords(opts.Args), record: v.Record, lesson: v.Lesson, files: files,
		readBps:  strings.Join(opts.DeviceReadBps, " "),
		writeBps: strings.Join(opts.DeviceWriteBps, " "),
		publish:  strings.Join(opts.Publish, " ")}
	if f.command == "" {
		f.command = "/bin/sh"
	}
	// The placeholder says what to type; the help beside the form says
	// the rest (the file, the forms, the default).
	input := func(title, hint string, value *string, check func(string) error) *lineField {
		return &lineField{title: title, value: value, placeholder: hint,
			Field: huh.NewInput().Title(fieldTitle(title)).Inline(true).Placeholder(hint).Value(value).Validate(check)}
	}
	f.rootfsField = input("Root filesystem", "a directory: its /", &f.opts.Rootfs, f.checkRootfs)
	networkOptions := make([]huh.Option[string], len(networkChoices))
	for i, c := range networkChoices {
		networkOptions[i] = huh.NewOption(c.text, c.value)
	}
	onBridge := func() bool { return f.opts.Network == string(runtime.NetworkBridge) }
	f.fields = []formField{
		{key: fieldRootfs, field: f.rootfsField},
		{key: fieldMemory, field: input("Memory limit", "e.g. 64M, 1.5G; empty: none", &f.opts.MemoryLimit,
			func(s string) error { _, err := cgroup.ParseSize(s); return err })},
		{key: fieldMemoryHigh, field: f.memoryHighField(input)},
		{key: fieldMemorySwap, field: input("Memory+swap", "empty: no swap; -1: any", &f.opts.MemorySwap, f.checkSwap)},
		{key: fieldCPUWeight, field: input("CPU weight", "1..10000; empty: 100", &f.opts.CPUShares,
			func(s string) error { _, err := runtime.ParseCPUShares(s); return err })},
		{key: fieldCPUQuota, field: input("CPU quota (cores)", "e.g. 0.5; empty: none", &f.opts.CPUs,
			func(s string) error { _, _, err := runtime.ParseCPUs(s); return err })},
		{key: fieldPids, field: input("Process limit", fmt.Sprintf("empty: %d; max: none", runtime.DefaultPidsLimit), &f.opts.PidsLimit,
			func(s string) error { _, err := runtime.ParsePidsLimit(s); return err })},
		{key: fieldDisk, field: input("Disk limit", "empty: "+runtime.DefaultDiskLimit+"; max: half the RAM", &f.opts.DiskLimit,
			func(s string) error { _, err := runtime.ParseDiskLimit(s); return err })},
		{key: fieldReadBps, field: input("Disk read bps", "DEV:RATE, e.g. /dev/sda:2m", &f.readBps,
			func(s string) error { _, err := runtime.ParseDeviceRates(splitList(s), nil); return err })},
		{key: fieldWriteBps, field: input("Disk write bps", "DEV:RATE, e.g. /dev/sda:2m", &f.writeBps,
			func(s string) error { _, err := runtime.ParseDeviceRates(nil, splitList(s)); return err })},
		{key: fieldHostname, field: input("Hostname", "empty: the container's id", &f.opts.Hostname, runtime.ValidateHostname)},
		{key: fieldNetwork, field: &lineField{title: "Network", hint: "←/→",
			Field: huh.NewSelect[string]().Inline(true).Options(networkOptions...).Value(&f.opts.Network),
			text:  func() string { return choiceText(f.opts.Network) }}},
		{key: fieldPublish, shown: onBridge, field: f.skipped(input("Publish (-p)", "HOST:CONTAINER, e.g. 8080:80", &f.publish,
			func(s string) error { _, err := runtime.ParsePublish(splitList(s)); return err }), onBridge)},
		{key: fieldOverlay, field: &lineField{title: "Overlay", hint: "←/→ y/n",
			Field: huh.NewConfirm().Inline(true).Value(&f.opts.Overlay),
			text: func() string {
				return yesNo(f.opts.Overlay, "yes: a throw-away layer", "no: write into the rootfs itself")
			}}},
		{key: fieldUserNS, field: &lineField{title: "User namespace", hint: "←/→ y/n",
			Field: huh.NewConfirm().Inline(true).Value(&f.opts.UserNS),
			text: func() string {
				return yesNo(f.opts.UserNS, "yes: root is an ordinary uid outside", "no: root is the host's root")
			}}},
		{key: fieldCommand, field: input("Command", "PID 1; quoted as in a shell", &f.command, f.checkCommand)},
		{key: fieldRecord, field: input("Record to", "a CSV file; empty: none", &f.record, CheckRecordPath)},
	}
	huhFields := make([]huh.Field, len(f.fields))
	for i, ff := range f.fields {
		huhFields[i] = ff.field
	}
	f.form = huh.NewForm(huh.NewGroup(huhFields...)).
		WithShowHelp(false).WithShowErrors(false).WithKeyMap(formKeyMap()).WithTheme(huh.ThemeFunc(formTheme))
	return f
}

// skipped makes l a field that Enter passes by unless shown says so.
func (f *Form) skipped(l *lineField, shown func() bool) *lineField {
	l.skip = func() bool { return !shown() }
	return l
}

// choiceText is a network's choice in words.
func choiceText(network string) string {
	for _, c := range networkChoices {
		if c.value == network {
			return c.text
		}
	}
	return network
}

func yesNo(v bool, yes, no string) string {
	if v {
		return yes
	}
	return no
}

// memoryHighField is the soft limit's field. cgroup v1 has no memory.high:
// there it says so, and refuses a value at once rather than at the start.
func (f *Form) memoryHighField(input func(title, hint string, value *string, check func(string) error) *lineField) *lineField {
	if f.files.MemoryHigh == "" {
		return input("Memory high", "cgroup v2 only (this host: v1)", &f.opts.MemoryHigh, func(s string) error {
			if _, err := cgroup.ParseSize(s); err != nil || strings.TrimSpace(s) == "" {
				return err
			}
			return errors.New("memory.high is cgroup v2 only: this host runs cgroup v1 (empty the field)")
		})
	}
	return input("Memory high", "e.g. 48M; empty: none", &f.opts.MemoryHigh,
		func(s string) error { _, err := cgroup.ParseSize(s); return err })
}

// checkSwap checks memory+swap against the memory limit typed above it,
// as --memory-swap against --memory-limit.
func (f *Form) checkSwap(s string) error {
	memory, err := cgroup.ParseSize(f.opts.MemoryLimit)
	if err != nil {
		return nil // the memory field says what is wrong
	}
	_, err = runtime.ParseMemorySwap(s, memory)
	return err
}

// swapLimitFile is the file memory+swap goes to: v2 memory.swap.max (less
// the memory), v1 memory.memsw.limit_in_bytes.
func swapLimitFile(files cgroup.Files) string {
	if files.MemoryHigh == "" {
		return strings.Replace(files.MemorySwap, "usage_in_bytes", "limit_in_bytes", 1)
	}
	return strings.Replace(files.MemorySwap, ".current", ".max", 1)
}

// writeBpsFile is the file write limits go to: v2's io.max has both, v1 a
// file a direction.
func writeBpsFile(files cgroup.Files) string {
	return strings.Replace(files.IOMax, "read", "write", 1)
}

// splitList splits a field of several values (devices, ports) into the
// flags' values: spaces or commas between them.
func splitList(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == ',' || r == '\t' })
}

// KeyBinds are the keys of the field in focus, for the app's bottom line
// (the form leaves its own help line out, to fit 80x24).
func (f *Form) KeyBinds() []key.Binding { return f.form.KeyBinds() }

// formTheme is huh's Base16 (the terminal's own colours) with no blank
// line between the fields, and nothing said by colour alone, for a
// monochrome terminal or a projector: the focused field's title is bold
// beside huh's bar, a placeholder is faint.
func formTheme(isDark bool) *huh.Styles {
	t := huh.ThemeBase16(isDark)
	t.FieldSeparator = lipgloss.NewStyle().SetString("\n")
	t.Focused.Title = t.Focused.Title.Bold(true)
	t.Focused.TextInput.Placeholder = t.Focused.TextInput.Placeholder.Faint(true)
	t.Blurred.TextInput.Placeholder = t.Blurred.TextInput.Placeholder.Faint(true)
	return t
}

// formKeyMap is huh's, with esc (not ctrl+c, which a container may want
// later) leaving the form.
func formKeyMap() *huh.KeyMap {
	km := huh.NewDefaultKeyMap()
	km.Quit = key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel"))
	return km
}

// createRootfsKey makes the default rootfs when it is missing, as it is on
// a fresh machine; the rootfs field's error offers it.
var createRootfsKey = key.NewBinding(key.WithKeys("ctrl+r"))

// rootfsCreatedMsg is the end of rootfs.CreateBusybox started by ctrl+r.
type rootfsCreatedMsg struct{ err error }

// checkRootfs checks that the directory exists and holds the command
// typed so far.
func (f *Form) checkRootfs(dir string) error {
	if _, err := runtime.CheckRootfs(dir); err != nil {
		if dir == rootfs.DefaultBusybox && errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("%s is missing: press ctrl+r to create it", dir)
		}
		return err
	}
	if words, err := splitWords(f.command); err == nil && len(words) > 0 {
		return runtime.FindCommand(dir, words[0])
	}
	return nil
}

func (f *Form) checkCommand(line string) error {
	words, err := splitWords(line)
	if err != nil {
		return err
	}
	if len(words) == 0 {
		return errors.New("type a command, e.g. /bin/sh")
	}
	return runtime.FindCommand(f.opts.Rootfs, words[0])
}

func (f *Form) Init() tea.Cmd { return f.form.Init() }

// Update passes msg to the huh form and reports its end, once: a key
// typed after the last Enter, before the app has taken the form away
// (the end's message comes from a Cmd), would otherwise report it again,
// and launch a second container.
func (f *Form) Update(msg tea.Msg) (*Form, tea.Cmd) {
	if f.ended {
		return f, nil
	}
	var create tea.Cmd
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		// The key goes on to huh too, which clears the field's error.
		if key.Matches(msg, createRootfsKey) {
			create = f.createDefaultRootfs()
		}
	case rootfsCreatedMsg:
		return f, f.rootfsCreated(msg.err)
	}
	m, cmd := f.form.Update(msg)
	cmd = tea.Batch(cmd, create)
	f.form = m.(*huh.Form)
	switch f.form.State {
	case huh.StateAborted:
		f.ended = true
		return f, func() tea.Msg { return FormCancelMsg{} }
	case huh.StateCompleted:
		f.ended = true
		return f, f.submit
	}
	return f, cmd
}

// createDefaultRootfs makes the default rootfs, if that is the field's
// value and it is missing, in the background.
func (f *Form) createDefaultRootfs() tea.Cmd {
	if f.creating || f.opts.Rootfs != rootfs.DefaultBusybox {
		return nil
	}
	if _, err := runtime.ValidateRootfs(f.opts.Rootfs); !errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	f.creating = true
	return func() tea.Msg {
		return rootfsCreatedMsg{rootfs.CreateBusybox(rootfs.DefaultBusybox, false)}
	}
}

// rootfsCreated checks the rootfs field again, and moves on from it, as
// Enter would have, if it is now right.
func (f *Form) rootfsCreated(err error) tea.Cmd {
	f.creating = false
	if err == nil {
		err = f.checkRootfs(f.opts.Rootfs)
	}
	if err != nil {
		return func() tea.Msg { return errMsg{err} }
	}
	if f.form.GetFocusedField() == f.rootfsField {
		return f.form.NextField()
	}
	return nil
}

// Submitted tells whether the form was filled in to the end.
func (f *Form) Submitted() bool { return f.form.State == huh.StateCompleted }

// Values are the settings as typed, the command split into words.
func (f *Form) Values() FormValues {
	opts := f.opts
	opts.Args, _ = splitWords(f.command)
	opts.DeviceReadBps, opts.DeviceWriteBps = splitList(f.readBps), splitList(f.writeBps)
	opts.Publish = nil
	if opts.Network == string(runtime.NetworkBridge) {
		opts.Publish = splitList(f.publish) // the field is hidden off the bridge
	}
	return FormValues{Options: opts, Record: strings.TrimSpace(f.record), Lesson: f.lesson}
}

// CheckRecordPath checks that a recording could be made there: the file
// is created (or emptied) when the container starts.
func CheckRecordPath(path string) error {
	path = strings.TrimSpace(path)
	if path == "" {
		return nil
	}
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return fmt.Errorf("%s is a directory: name a file in it", path)
	}
	if st, err := os.Stat(filepath.Dir(path)); err != nil || !st.IsDir() {
		return fmt.Errorf("no directory %s to record into", filepath.Dir(path))
	}
	return nil
}

// submit builds the Spec. The fields were checked one by one; Spec checks
// them all again, together, exactly as `run` does.
func (f *Form) submit() tea.Msg {
	v := f.Values()
	spec, err := v.Options.Spec()
	if err != nil {
		return errMsg{err}
	}
	return FormSubmitMsg{FormValues: v, Spec: spec}
}

// errMsg carries an error to show on the status line.
type errMsg struct{ err error }
