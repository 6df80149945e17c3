package ui

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"vme50-tui/cgroup"
	"vme50-tui/runtime"
)

// cgroup v2's own ideas in the app (issue 15): the panels of both versions,
// the form's and the editor's fields. The freezer: app_freeze_test.go; the
// lessons: lessons_test.go.

// newTestAppOn is newTestApp on a fake host of version v.
func newTestAppOn(t *testing.T, v cgroup.Version, opts runtime.Options) (*App, *[]launch) {
	t.Helper()
	a, launches := newTestApp(t, opts)
	a.cfg.Host = cgroup.NewHost(v, t.TempDir(), nil)
	a.pressureNote = a.cfg.Host.PressureNote()
	a.form = NewForm(FormValues{Options: opts}, a.cfg.Host.Files())
	return a, launches
}

// onContainerScreenOn is onContainerScreen on a fake host of version v.
func onContainerScreenOn(t *testing.T, v cgroup.Version, w, h int) *App {
	t.Helper()
	a, _ := newTestAppOn(t, v, prefilled(t))
	drive(a, tea.WindowSizeMsg{Width: w, Height: h})
	a.leaveForm()
	return a
}

// twoReadings gives the tab two readings a second apart, the second of
// them changed by change: the rates need two.
func twoReadings(a *App, f *fakeContainer, change func(s *cgroup.Stats)) {
	st, _ := f.Stats()
	st.Time = st.Time.Add(time.Second)
	change(&st)
	f.setStats(st)
	drive(a, sampleTickMsg{})
	st.Time = st.Time.Add(time.Second)
	st.IO.ReadBytes += 2 << 20
	st.Memory.Events.High += 40
	if p := st.Pressure; p != nil {
		q := *p
		q.Memory.Some.Total += 400_000 // 40% of the second
		st.Pressure = &q
	}
	f.setStats(st)
	drive(a, sampleTickMsg{})
}

// On v1 the pressure is one line that says why there is none, never a
// blank; I/O is blkio's, by its file's name, against its limit; there
// is no memory.high.
func TestPanelsV1InApp(t *testing.T) {
	for _, size := range [][2]int{{120, 40}, {160, 50}} {
		a := onContainerScreenOn(t, cgroup.V1, size[0], size[1])
		f := withTab(t, a)
		twoReadings(a, f, func(s *cgroup.Stats) {
			s.IO.ReadBpsMax, s.IO.WriteBpsMax = 2<<20, cgroup.Unlimited
		})
		s := plain(a)
		wantContains(t, s, "pressure: cgroup v2 only", "blkio.throttle.io_service_bytes",
			"read 2.0/2.0 MiB/s 100%", "memory.oom_control oom_kill 0")
		wantLacks(t, s, "memory.high", "memory.events", "cpu.pressure")
	}
}

// On v2 the panels show memory.high as a second line with the throttling
// in memory.events high, the I/O against io.max, and the pressure of the
// three resources; a kernel without PSI says so in one line.
func TestPanelsV2InApp(t *testing.T) {
	a := onContainerScreenOn(t, cgroup.V2, 160, 50)
	f := withTab(t, a)
	twoReadings(a, f, func(s *cgroup.Stats) {
		s.Memory.High = 8 << 20
		s.IO.ReadBpsMax, s.IO.WriteBpsMax = 2<<20, cgroup.Unlimited
		s.Pressure = &cgroup.Pressure{Memory: cgroup.PSI{Some: cgroup.PSILine{Avg10: 38.5}, Full: cgroup.PSILine{Avg10: 30.25}}}
	})
	s := plain(a)
	wantContains(t, s,
		"┄ memory.max 48.0 MiB ╌ memory.high 8.0 MiB",  // the graph's two lines
		"memory.high 8.0 MiB (150% of it) · throttled", // the line over it
		"memory.events high 40 max 0 oom 0 oom_kill 0",
		"io.stat / io.max", "read 2.0/2.0 MiB/s 100%", "┄ io.max rbps 2.0 MiB/s",
		"cpu/memory/io.pressure · avg10", "memory.pressure some  38.5% full  30.2%", "cpu.pressure    some   0.0%",
		"some: % of each reading stalled")
	wantLacks(t, s, "pressure: ")

	// No PSI in this kernel: one line says so.
	b := onContainerScreenOn(t, cgroup.V2, 160, 50)
	b.pressureNote = "pressure: not enabled in this kernel (psi=1)"
	withTab(t, b)
	wantContains(t, plain(b), "pressure: not enabled in this kernel (psi=1)")
}

// Swap shows where the group may swap or does: v2 memory.swap.current
// against memory.swap.max, v1 memsw less the memory.
func TestPanelsSwap(t *testing.T) {
	for _, tc := range []struct {
		v    cgroup.Version
		want string
	}{
		{cgroup.V2, "memory.swap.current 3.0/16.0 MiB"},
		{cgroup.V1, "swap 3.0/16.0 MiB (memory.memsw.usage_in_bytes − usage)"},
	} {
		p, _ := newTestPanels(tc.v)
		p.SetSize(64, 40)
		s := panelSample(0)
		s.Memory.Swap, s.Memory.SwapMax = 3<<20, 16<<20
		p.Push(s)
		wantContains(t, stripANSI(p.View()), tc.want)
		s.Time, s.Memory.Swap, s.Memory.SwapMax = s.Time.Add(time.Second), 0, 0 // no swap: no line
		p.Push(s)
		wantLacks(t, stripANSI(p.View()), "swap")
	}
}

// The form's memory.high, memory+swap and device fields reach the Spec,
// checked as run's flags are.
func TestFormV2Fields(t *testing.T) {
	o := prefilled(t)
	o.MemoryHigh, o.MemorySwap = "24M", "96M"
	o.DeviceReadBps, o.DeviceWriteBps = []string{"8:0:2m"}, []string{"8:0:1m"}
	a, launches := newTestAppOn(t, cgroup.V2, o)
	drive(a, a.Init())
	drive(a, tea.WindowSizeMsg{Width: 120, Height: 40}) // every field in sight
	wantContains(t, plain(a), "Memory high", "Memory+swap", "Disk read bps     > 8:0:2m", "Disk write bps    > 8:0:1m")
	for i := 0; i < 20 && len(*launches) == 0; i++ {
		drive(a, enter())
	}
	if len(*launches) != 1 {
		t.Fatalf("no launch:\n%s", plain(a))
	}
	s := (*launches)[0].Spec
	if s.Limits.MemoryHigh != 24<<20 || s.Limits.MemorySwap != 96<<20 || len(s.IO) != 1 ||
		s.IO[0] != (cgroup.IOLimit{Major: 8, Minor: 0, ReadBps: 2 << 20, WriteBps: 1 << 20}) {
		t.Errorf("limits %+v io %+v", s.Limits, s.IO)
	}
}

// A bad value in a new field stops at its field, with the parser's words.
func TestFormV2FieldsRefused(t *testing.T) {
	for _, tc := range []struct {
		v      cgroup.Version
		change func(o *runtime.Options)
		want   string
	}{
		{cgroup.V1, func(o *runtime.Options) { o.MemoryHigh = "24M" }, "memory.high is cgroup v2 only"},
		{cgroup.V2, func(o *runtime.Options) { o.MemorySwap = "16M" }, "below --memory-limit 48.0 MiB"},
		{cgroup.V2, func(o *runtime.Options) { o.DeviceReadBps = []string{"/etc/passwd:1m"} }, "is not a block device"},
		{cgroup.V2, func(o *runtime.Options) { o.DeviceWriteBps = []string{"sda"} }, `--device-write-bps "sda": want DEVICE:RATE`},
	} {
		o := prefilled(t)
		tc.change(&o)
		a, launches := newTestAppOn(t, tc.v, o)
		drive(a, a.Init())
		drive(a, tea.WindowSizeMsg{Width: 120, Height: 40})
		for range 20 {
			drive(a, enter())
		}
		if s := plain(a); len(*launches) != 0 || !strings.Contains(s, tc.want) {
			t.Errorf("%s: %d launches; screen:\n%s", tc.want, len(*launches), s)
		}
	}
	// v1's memory.high field says so before anything is typed.
	a, _ := newTestAppOn(t, cgroup.V1, prefilled(t))
	drive(a, a.Init())
	drive(a, tea.WindowSizeMsg{Width: 120, Height: 40})
	wantContains(t, plain(a), "Memory high       > cgroup v2 only (this host: v1)")
}

// The editor writes memory.high, and memory+swap with the memory limit
// it is counted from; on v1 memory.high is a line that says why not, and
// the focus passes it by.
func TestLimitEditorV2Fields(t *testing.T) {
	a := onContainerScreenOn(t, cgroup.V2, 160, 40)
	f := withTab(t, a)
	prefix(a, text("u"))
	drive(a, tabKey())
	retype(a, "24M")
	drive(a, tabKey())
	retype(a, "-1")
	drive(a, enter())
	want := cgroup.Limits{MemoryMax: 48 << 20, MemoryHigh: 24 << 20, MemorySwap: cgroup.Unlimited}
	if w := f.writes(); len(w) != 1 || w[0] != want {
		t.Errorf("written %+v, want %+v", w, want)
	}
	screenIs(t, a, "written", modeContainers, noOverlay, "memory.max <- 48.0 MiB, memory.high <- 24.0 MiB, memory.swap.max <- max")

	b := onContainerScreenOn(t, cgroup.V1, 160, 40)
	g := withTab(t, b)
	prefix(b, text("u"))
	wantContains(t, plain(b), "memory.high                  cgroup v2 only")
	drive(b, tabKey()) // past memory.high: memory+swap
	retype(b, "96M")
	drive(b, enter())
	if w := g.writes(); len(w) != 1 || w[0] != (cgroup.Limits{MemoryMax: 48 << 20, MemorySwap: 96 << 20}) {
		t.Errorf("v1 written %+v", w)
	}
	screenIs(t, b, "v1 written", modeContainers, noOverlay, "memory.memsw.limit_in_bytes <- 96.0 MiB")
}
