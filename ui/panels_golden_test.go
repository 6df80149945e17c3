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
func pushClimb(p *Panels, last cgroup.Stats, n int) {
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
