package ui

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"vme50-tui/cgroup"
)

// go test ./ui/ -run PanelsGolden -update-panels rewrites the golden files.
// (Not -update: teatest's golden package already defines that flag.)
var updatePanels = flag.Bool("update-panels", false, "rewrite ui/testdata/panels-*.golden")

// TestPanelsGolden draws both versions at 50x28 from the real dumps in
// cgroup/testdata, after a minute of memory climbing to the limit and a
// busy loop held to its quota.
func TestPanelsGolden(t *testing.T) {
	for _, tc := range []struct {
		version cgroup.Version
		golden  string
	}{
		{cgroup.V2, "testdata/panels-v2-50x28.golden"},
		{cgroup.V1, "testdata/panels-v1-50x28.golden"},
	} {
		p, _ := newTestPanels(tc.version)
		p.SetSize(50, 28)
		pushClimb(p, dumpStats(tc.version), HistoryLen)
		view := p.View()
		checkViewSize(t, view, 50, 28)
		comparePanelsGolden(t, tc.golden, stripANSI(view)+"\n")
	}
}

// TestPanelsGoldenV2Ideas draws the panels at 48x38, their size on a
// 120x40 screen, while cgroup v2's own ideas bite: memory pinned at
// memory.high (24M, under memory.max) with memory.events high climbing,
// reads held to an io.max of 2 MiB/s, memory.pressure rising, the group
// frozen at the end. On v1 the same readings show what v1 has of them:
// blkio's limit, the freezer, and one line for the pressure.
func TestPanelsGoldenV2Ideas(t *testing.T) {
	for _, tc := range []struct {
		version cgroup.Version
		note    string
		golden  string
	}{
		{cgroup.V2, "", "testdata/panels-v2ideas-v2-48x38.golden"},
		{cgroup.V1, "pressure: cgroup v2 only", "testdata/panels-v2ideas-v1-48x38.golden"},
	} {
		p, _ := newTestPanels(tc.version)
		p.SetPressureNote(tc.note)
		p.SetSize(48, 38)
		last := dumpStats(tc.version)
		last.Memory.Max = 128 << 20
		var held cgroup.CPUStats // frozen: the CPU counters stand still
		pushClimb(p, last, HistoryLen, func(i int, s *cgroup.Stats) {
			biteV2(tc.version, i, s)
			if i == HistoryLen-5 {
				held = s.CPU
			}
			if s.Frozen {
				s.CPU = held
			}
		})
		view := p.View()
		checkViewSize(t, view, 48, 38)
		comparePanelsGolden(t, tc.golden, stripANSI(view)+"\n")
	}
}

// biteV2 makes sample i of pushClimb a reading under memory.high 24M (v2)
// with reads at 2 MiB/s under an io.max of 2 MiB/s, memory.pressure
// growing (v2), and the group frozen for the last few samples.
func biteV2(v cgroup.Version, i int, s *cgroup.Stats) {
	s.IO = cgroup.IOStats{ReadBytes: uint64(i) * 512 << 10, ReadBpsMax: 2 << 20, WriteBpsMax: cgroup.Unlimited}
	s.Frozen = i >= HistoryLen-4
	if v == cgroup.V1 {
		return
	}
	s.Memory.High = 24 << 20
	s.Memory.Current = min(uint64(i)*2<<20, 25<<20)
	s.Memory.Events.High = uint64(i) * 37
	pr := *s.Pressure
	pr.Memory.Some = cgroup.PSILine{Avg10: 41.5, Avg60: 20.3, Total: uint64(i) * 110_000}
	pr.Memory.Full = cgroup.PSILine{Avg10: 38.9, Avg60: 18.2, Total: uint64(i) * 100_000}
	pr.IO.Some = cgroup.PSILine{Avg10: 2.1, Total: uint64(i) * 5_000}
	s.Pressure = &pr
}

func comparePanelsGolden(t *testing.T, path, got string) {
	t.Helper()
	if *updatePanels {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./ui/ -run PanelsGolden -update-panels)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs:\n--- got\n%s--- want\n%s", path, got, want)
	}
}

// pushClimb pushes n samples 250 ms apart whose limits and memory events
// are last's: memory climbs in a sawtooth to the limit and ends at last's
// value; the last sample brings one more OOM kill. CPU counters grow from
// last's: an idle shell (0.05 cores), then, for the last 40 samples, a
// busy loop held to 0.5 cores and throttled every other sample.
//
// Each sample is given to the more functions, with its index, before it
// is pushed.
func pushClimb(p *Panels, last cgroup.Stats, n int, more ...func(i int, s *cgroup.Stats)) {
	limit := last.Memory.Max
	if !isLimited(limit) {
		limit = 64 << 20
	}
	cpu := last.CPU
	for i := range n {
		s := last
		s.Time = panelsT0.Add(time.Duration(i) * 250 * time.Millisecond)
		s.Memory.Current = limit / 100 * uint64(20+(i*3)%81) // 20%..100%
		busy := n-1-i < 40
		switch {
		case i == 0:
		case busy:
			cpu.UsageUsec += 125_000
			if (n-1-i)%2 == 0 {
				cpu.NrThrottled++
				cpu.ThrottledUsec += 50_000
			}
		default:
			cpu.UsageUsec += 12_500
		}
		s.CPU = cpu
		if i < n-1 {
			s.Memory.Events.OOM = last.Memory.Events.OOM - 1
			s.Memory.Events.OOMKill = last.Memory.Events.OOMKill - 1
		} else {
			s.Memory.Current = last.Memory.Current
		}
		for _, f := range more {
			f(i, &s)
		}
		p.Push(s)
	}
}

// dumpStats reads the sample leaf dumped from a real kernel (see
// cgroup/testdata/README.md) through the cgroup package: the dump is
// unpacked into a fake tree and read with a Manager, as the sampler does.
func dumpStats(v cgroup.Version) cgroup.Stats {
	dump := "../cgroup/testdata/v2-kernel-6.1-leaf.txt"
	if v == cgroup.V1 {
		dump = "../cgroup/testdata/v1-hybrid-kernel-6.18-leaf.txt"
	}
	root, err := os.MkdirTemp("", "panels")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(root)
	roots := map[string]string{}
	for name, content := range readCgroupDump(dump) {
		dir := filepath.Join(root, cgroup.Parent, "sample")
		if controller, file, ok := strings.Cut(name, "/"); ok { // v1: memory/memory.stat
			roots[controller] = filepath.Join(root, controller)
			dir, name = filepath.Join(root, controller, cgroup.Parent, "sample"), file
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			panic(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			panic(err)
		}
	}
	s, err := cgroup.NewHost(v, root, roots).Open("sample").Stats()
	if err != nil {
		panic(err)
	}
	return s
}

// readCgroupDump returns a dump's leaf files, name -> content: "=== NAME" starts
// a file, "=== END" ends the dump, mountinfo sections ("=== /proc/...")
// and unreadable files ("head: error ...") are left out.
func readCgroupDump(path string) map[string]string {
	data, err := os.ReadFile(path)
	if err != nil {
		panic(err)
	}
	files := map[string]string{}
	name := ""
	for panelLine := range strings.Lines(string(data)) {
		if title, ok := strings.CutPrefix(panelLine, "=== "); ok {
			name = strings.TrimSpace(title)
			if name == "END" || strings.HasPrefix(name, "/") {
				name = ""
			}
			continue
		}
		if name != "" && !strings.HasPrefix(panelLine, "head: ") {
			files[name] += panelLine
		}
	}
	return files
}

// BenchmarkPanelsPushView is the cost of one sample on screen: Push and a
// full redraw at the usual size.
func BenchmarkPanelsPushView(b *testing.B) {
	p, _ := newTestPanels(cgroup.V2)
	p.SetSize(50, 28)
	pushClimb(p, panelSample(0), HistoryLen)
	s := panelSample(0)
	for i := 0; b.Loop(); i++ {
		s.Time = s.Time.Add(250 * time.Millisecond)
		s.CPU.UsageUsec += 100_000
		p.Push(s)
		_ = p.View()
	}
}

// BenchmarkPanelsViewCached is View between samples: what every key press
// and every burst of terminal output costs the panels.
func BenchmarkPanelsViewCached(b *testing.B) {
	p, _ := newTestPanels(cgroup.V2)
	p.SetSize(50, 28)
	pushClimb(p, panelSample(0), HistoryLen)
	p.View()
	for b.Loop() {
		_ = p.View()
	}
}
