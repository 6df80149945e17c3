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
type Form struct {
	form    *huh.Form
	opts    runtime.Options
	command string // the command field: one line, split like a shell
	record  string // the recording's path, or ""
	// The device limits, as typed: DEV:RATE, several separated by spaces
	// or commas (the flags are repeated instead).
	readBps, writeBps string
	lesson            *Lesson
	files             cgroup.Files
	width             int

	rootfsField *huh.Input
	creating    bool // rootfs.CreateBusybox is running (ctrl+r)
}

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

// NewForm returns a form prefilled with v; files names the host's cgroup
// files, shown beside the limits they set.
func NewForm(v FormValues, files cgroup.Files) *Form {
	opts := v.Options
	f := &Form{opts: opts, command: joinWords(opts.Args), record: v.Record, lesson: v.Lesson, files: files,
		readBps: strings.Join(opts.DeviceReadBps, " "), writeBps: strings.Join(opts.DeviceWriteBps, " ")}
	if f.command == "" {
		f.command = "/bin/sh"
	}
	// One line per field, so the form fits an 80x24 screen: the title
	// names the cgroup file the value goes to, the placeholder says what
	// to type.
	input := func(title, hint string, value *string, check func(string) error) *huh.Input {
		return huh.NewInput().Title(fmt.Sprintf("%-18s", title)).Inline(true).Placeholder(hint).Value(value).Validate(check)
	}
	f.rootfsField = input("Root filesystem", "a directory holding the container's /", &f.opts.Rootfs, f.checkRootfs)
	f.form = huh.NewForm(huh.NewGroup(
		f.rootfsField,
		input("Memory limit", "e.g. 64M, 1.5G; empty: none → "+files.MemoryMax, &f.opts.MemoryLimit,
			func(s string) error { _, err := cgroup.ParseSize(s); return err }),
		f.memoryHighField(input),
		input("Memory+swap", "empty: no swap; -1: any → "+swapLimitFile(files), &f.opts.MemorySwap, f.checkSwap),
		input("CPU weight", "1..10000, default 100 → "+files.CPUWeight, &f.opts.CPUShares,
			func(s string) error { _, err := runtime.ParseCPUShares(s); return err }),
		input("CPU quota (cores)", "e.g. 0.5; empty: none → "+files.CPUMax, &f.opts.CPUs,
			func(s string) error { _, _, err := runtime.ParseCPUs(s); return err }),
		input("Process limit", fmt.Sprintf("empty: %d; max: none → %s", runtime.DefaultPidsLimit, files.PidsMax), &f.opts.PidsLimit,
			func(s string) error { _, err := runtime.ParsePidsLimit(s); return err }),
		input("Disk limit", "empty: "+runtime.DefaultDiskLimit+"; / and /tmp, a tmpfs in its memory", &f.opts.DiskLimit,
			func(s string) error { _, err := runtime.ParseDiskLimit(s); return err }),
		input("Disk read bps", "DEV:RATE, e.g. /dev/sda:2m → "+files.IOMax, &f.readBps,
			func(s string) error { _, err := runtime.ParseDeviceRates(deviceRates(s), nil); return err }),
		input("Disk write bps", "DEV:RATE, e.g. /dev/sda:2m → "+writeBpsFile(files), &f.writeBps,
			func(s string) error { _, err := runtime.ParseDeviceRates(nil, deviceRates(s)); return err }),
		input("Hostname", "empty: the container's id", &f.opts.Hostname, runtime.ValidateHostname),
		huh.NewSelect[string]().Title(fmt.Sprintf("%-18s", "Network")).Inline(true).
			Options(huh.NewOption("none (only lo)", "none"), huh.NewOption("host (the host's interfaces)", "host")).
			Value(&f.opts.Network),
		huh.NewConfirm().Title(fmt.Sprintf("%-18s", "Overlay")).Affirmative("yes").Negative("no (write into the rootfs)").
			Inline(true).Value(&f.opts.Overlay),
		huh.NewConfirm().Title(fmt.Sprintf("%-18s", "User namespace")).Affirmative("yes (root is an ordinary uid outside)").
			Negative("no").Inline(true).Value(&f.opts.UserNS),
		input("Command", "run as PID 1; quotes work as in a shell", &f.command, f.checkCommand),
		input("Record to", "a CSV file of every reading; empty: none", &f.record, checkRecordPath),
	)).WithShowHelp(false).WithKeyMap(formKeyMap()).WithTheme(huh.ThemeFunc(formTheme))
	return f
}

// memoryHighField is the soft limit's field. cgroup v1 has no memory.high:
// there it says so, and refuses a value at once rather than at the start.
func (f *Form) memoryHighField(input func(title, hint string, value *string, check func(string) error) *huh.Input) *huh.Input {
	if f.files.MemoryHigh == "" {
		return input("Memory high", "cgroup v2 only (this host runs v1)", &f.opts.MemoryHigh, func(s string) error {
			if _, err := cgroup.ParseSize(s); err != nil || strings.TrimSpace(s) == "" {
				return err
			}
			return errors.New("memory.high is cgroup v2 only: this host runs cgroup v1 (empty the field)")
		})
	}
	return input("Memory high", "soft limit, throttles, never kills → "+f.files.MemoryHigh, &f.opts.MemoryHigh,
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

// deviceRates splits the device field into the flags' values.
func deviceRates(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == ',' || r == '\t' })
}

// KeyBinds are the keys of the field in focus, for the app's bottom line
// (the form leaves its own help line out, to fit 80x24).
func (f *Form) KeyBinds() []key.Binding { return f.form.KeyBinds() }

// formTheme is huh's Base16 (the terminal's own colours) with no blank
// line between the fields, so that the form and its errors fit 80x24.
func formTheme(isDark bool) *huh.Styles {
	t := huh.ThemeBase16(isDark)
	t.FieldSeparator = lipgloss.NewStyle().SetString("\n")
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

// Update passes msg to the huh form and reports its end.
func (f *Form) Update(msg tea.Msg) (*Form, tea.Cmd) {
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
		return f, func() tea.Msg { return FormCancelMsg{} }
	case huh.StateCompleted:
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
	opts.DeviceReadBps, opts.DeviceWriteBps = deviceRates(f.readBps), deviceRates(f.writeBps)
	return FormValues{Options: opts, Record: strings.TrimSpace(f.record), Lesson: f.lesson}
}

// checkRecordPath checks that a recording could be made there: the file
// is created (or emptied) when the container starts.
func checkRecordPath(path string) error {
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

// SetWidth fits the form into a screen width.
func (f *Form) SetWidth(w int) {
	f.width = min(w, 90)
	f.form = f.form.WithWidth(f.width - 4)
}

var formTitle = lipgloss.NewStyle().Bold(true).Padding(0, 1)

func (f *Form) View() string {
	title := formTitle.Render("New container")
	if f.lesson != nil {
		title = formTitle.Render("Lesson: "+f.lesson.Title) + "\n" +
			lipgloss.NewStyle().Padding(0, 2).Width(f.width).Render(f.lesson.Watch(f.files))
	}
	return title + "\n" + lipgloss.NewStyle().Padding(0, 2).Render(strings.TrimRight(f.form.View(), "\n"))
}

// errMsg carries an error to show on the status line.
type errMsg struct{ err error }
