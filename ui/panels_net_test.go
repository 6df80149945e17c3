package ui

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"vme50-tui/cgroup"
	"vme50-tui/runtime"
)

// The network line (issue 17): eth0's bytes per second, over the last
// second, from the veth's counters; a container off the bridge says so in
// a faint line; a container whose network is not known has none.
func TestPanelsNetworkLine(t *testing.T) {
	p, _ := newTestPanels(cgroup.V2)
	p.SetSize(50, 40)
	p.SetNetwork(runtime.NetworkBridge, "10.88.0.2/16")
	p.Push(panelSample(0))
	p.PushNet(netSample{time: panelsT0, rx: 1000, tx: 500, ok: true})
	wantContains(t, stripANSI(p.View()), "eth0 10.88.0.2/16 · rx – · tx –")
	// Four readings a quarter of a second apart: 4 KiB in, 1 KiB out over
	// the second, whatever burst came in which reading.
	for i, rx := range []uint64{1000, 1000 + 4096, 1000 + 4096, 1000 + 4096} {
		at := time.Duration(i+1) * 250 * time.Millisecond
		p.Push(panelSample(at))
		p.PushNet(netSample{time: panelsT0.Add(at), rx: rx, tx: 500 + uint64(i+1)*256, ok: true})
	}
	view := stripANSI(p.View())
	wantContains(t, view, "eth0 10.88.0.2/16 · rx 4.0 KiB/s · tx 1.0 KiB/s")
	if i, j := strings.Index(view, "io.stat"), strings.Index(view, "eth0"); i < 0 || j < i {
		t.Errorf("the network line is not under the I/O panel:\n%s", view)
	}
	// The veth gone (the container ended): no rate, not a stale one.
	p.PushNet(netSample{time: panelsT0.Add(2 * time.Second)})
	wantContains(t, stripANSI(p.View()), "eth0 10.88.0.2/16 · rx – · tx –")

	for _, tc := range []struct {
		network runtime.Network
		want    string
	}{
		{runtime.NetworkNone, "network: none, only lo: no eth0 to count"},
		{runtime.NetworkHost, "network: the host's, not counted per container"},
	} {
		q, _ := newTestPanels(cgroup.V2)
		q.SetSize(50, 40)
		q.SetNetwork(tc.network, "")
		q.Push(panelSample(0))
		view := q.View()
		if i := slicesIndex(strings.Split(view, "\n"), tc.want); i < 0 ||
			!strings.HasPrefix(strings.Split(view, "\n")[i], "\x1b[2m") {
			t.Errorf("%s: no faint line %q:\n%q", tc.network, tc.want, view)
		}
	}
	q, _ := newTestPanels(cgroup.V2)
	q.SetSize(50, 40)
	q.Push(panelSample(0))
	wantLacks(t, stripANSI(q.View()), "eth0", "network:")
}

// In the app the tab's container gives the line its address and
// counters; the summary on a small screen has them where they fit.
func TestNetworkLineInApp(t *testing.T) {
	a, _ := onContainerScreen(t, 160, 40)
	spec := runtime.Spec{Rootfs: testRootfs(t), Args: []string{"/bin/sh"}, Hostname: "web", Network: runtime.NetworkBridge}
	f := newFakeContainer(t, "5e5e5e5e5e5e", spec)
	f.setNet("10.88.0.7/16", 0, 0)
	st := cgroup.Stats{Time: time.Unix(1000, 0), Memory: cgroup.MemoryStats{Max: cgroup.Unlimited},
		CPU: cgroup.CPUStats{QuotaUsec: cgroup.Unlimited, PeriodUsec: 100000}, Pids: cgroup.PidsStats{Max: cgroup.Unlimited}}
	f.setStats(st)
	drive(a, startedMsg{c: f, plan: plan{Spec: spec}})
	t.Cleanup(a.tabs[0].pane.Close)
	drive(a, sampleTickMsg{})
	st.Time = st.Time.Add(time.Second)
	f.setStats(st)
	f.setNet("10.88.0.7/16", 2<<20, 64<<10)
	drive(a, sampleTickMsg{})
	wantContains(t, plain(a), "eth0 10.88.0.7/16 · rx 2.0 MiB/s · tx 64.0 KiB/s")
	drive(a, tea100x24()) // the summary under the terminal
	wantContains(t, plain(a), "net rx 2.0 MiB/s tx 64.0 KiB/s")
}

func tea100x24() tea.WindowSizeMsg { return tea.WindowSizeMsg{Width: 100, Height: 24} }

// A narrow panel keeps the rates: the address shorter, then left out.
func TestNetworkLineNarrow(t *testing.T) {
	p, _ := newTestPanels(cgroup.V2)
	p.SetNetwork(runtime.NetworkBridge, "10.88.0.2/16")
	p.r.net = netRates{ok: true, rx: 123.4 * 1024, tx: 567.8 * 1024}
	for _, tc := range []struct {
		w    int
		want string
	}{
		{60, "eth0 10.88.0.2/16 · rx 123.4 KiB/s · tx 567.8 KiB/s"},
		{48, "eth0 10.88.0.2 · rx 123.4 KiB/s · tx 567.8 KiB/s"},
		{40, "eth0 · rx 123.4 KiB/s · tx 567.8 KiB/s"},
	} {
		if got := p.netText(tc.w); got != tc.want {
			t.Errorf("%d cells: %q, want %q", tc.w, got, tc.want)
		}
	}
	p.SetNetwork(runtime.NetworkBridge, "")
	if got := p.netText(60); got != "eth0 · rx 123.4 KiB/s · tx 567.8 KiB/s" {
		t.Errorf("no address: %q", got)
	}
}

// slicesIndex is the index of the first line containing s, or -1.
func slicesIndex(lines []string, s string) int {
	for i, l := range lines {
		if strings.Contains(l, s) {
			return i
		}
	}
	return -1
}
