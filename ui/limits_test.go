package ui

import (
	"strings"
	"testing"
	"time"

	"vme50-tui/cgroup"
)

// A reading whose limits differ from the one before is an EventLimit per
// file, in the host's names; the first reading is only a baseline.
func TestReadingsLimitChangeIsEvent(t *testing.T) {
	var r Readings
	r.SetFiles(cgroup.NewHost(cgroup.V1, "", nil).Files())
	s := panelSample(0)
	pushAt(&r, s)
	s.Time = s.Time.Add(time.Second)
	pushAt(&r, s)
	if n := len(r.Events()); n != 0 {
		t.Fatalf("%d events without a change: %v", n, r.Events())
	}
	s.Time = s.Time.Add(time.Second)
	s.Memory.Max, s.CPU.QuotaUsec, s.Pids.Max = 48<<20, cgroup.Unlimited, 10
	pushAt(&r, s)
	var got []string
	for _, e := range r.Events() {
		if e.Kind != EventLimit || !e.Time.Equal(s.Time) {
			t.Errorf("event %+v: want an EventLimit at %v", e, s.Time)
		}
		got = append(got, e.Text)
	}
	want := []string{"memory.limit_in_bytes 48.0 MiB", "cpu.cfs_quota_us max", "pids.max 10"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("events %q, want %q", got, want)
	}
}

// With each sample's own limit the line steps where the limit changed,
// the top is the highest limit shown, and the change's column carries a
// marker with the new value.
func TestChartLimitSteps(t *testing.T) {
	c := Chart{Width: 6, Height: 4, Kind: Blocks, Max: 50, LimitLabel: func(v float64) string { return "50" }}
	c.Limits = []float64{100, 100, 100, 50, 50, 50}
	checkChartRows(t, c.Rows(make([]float64, 6)),
		"┄┄┄▼50",
		"      ",
		"   ┄┄┄",
		"      ",
	)
	// Near the right edge the label goes left of the arrow.
	c.Limits = []float64{100, 100, 100, 100, 100, 50}
	checkChartRows(t, c.Rows(make([]float64, 6)),
		"┄┄┄50▼",
		"      ",
		"     ┄",
		"      ",
	)
	// The same limit throughout: no marker, as with Limit alone.
	c.Limits = []float64{50, 50, 50, 50, 50, 50}
	c2 := Chart{Width: 6, Height: 4, Kind: Blocks, Max: 50, Limit: 50}
	checkChartRows(t, c.Rows(make([]float64, 6)), c2.Rows(make([]float64, 6))...)
}

// The panels draw a lowered memory.max as a marker on the memory graph,
// and the gauge against the new limit.
func TestPanelsMarkLimitChange(t *testing.T) {
	p, clk := newTestPanels(cgroup.V2)
	p.SetSize(50, 28)
	for i := range 20 {
		s := panelSample(time.Duration(i) * 250 * time.Millisecond)
		s.CPU.UsageUsec += uint64(i) * 100_000
		if i >= 12 {
			s.Memory.Max = 28 << 20
		}
		clk.t = s.Time
		p.Push(s)
	}
	view := stripANSI(p.View())
	wantContains(t, view, "▼28M", "memory.max 28.0 MiB")
	if n := len(p.Readings().Events()); n != 1 {
		t.Errorf("%d events, want the one limit change: %v", n, p.Readings().Events())
	}
}

// The nudges: memory by 3/4 and 4/3 in whole MiB, down to 8 MiB; from
// no limit, - sets one at 4/3 of the memory in use.
func TestMemoryStep(t *testing.T) {
	cases := []struct {
		max, current uint64
		up           bool
		want         uint64 // 0: refused
	}{
		{64 << 20, 0, false, 48 << 20},
		{48 << 20, 0, true, 64 << 20},
		{200 << 20, 0, false, 150 << 20},
		{10 << 20, 0, false, 8 << 20}, // the floor
		{8 << 20, 0, false, 0},        // at the floor: nothing written
		{cgroup.Unlimited, 30 << 20, false, 40 << 20},
		{cgroup.Unlimited, 1 << 20, false, 8 << 20},
		{cgroup.Unlimited, 30 << 20, true, 0}, // no limit to raise
	}
	for _, tc := range cases {
		lim, err := memoryStep(cgroup.MemoryStats{Max: tc.max, Current: tc.current}, tc.up)
		if lim.MemoryMax != tc.want || (err != nil) != (tc.want == 0) {
			t.Errorf("memory.max %d (using %d) up=%v: %d, %v; want %d", tc.max, tc.current, tc.up, lim.MemoryMax, err, tc.want)
		}
	}
}

// The nudges: the quota by a tenth of a core, down to one tenth; from no
// quota, [ starts at every CPU; ] past them lifts it.
func TestQuotaStep(t *testing.T) {
	const p = 100_000
	cases := []struct {
		quota uint64
		up    bool
		want  uint64 // 0: refused
	}{
		{50_000, false, 40_000},
		{50_000, true, 60_000},
		{25_000, false, 20_000}, // onto the grid of tenths
		{25_000, true, 30_000},
		{20_000, false, 10_000},
		{10_000, false, 0}, // the floor
		{cgroup.Unlimited, false, 4 * p},
		{4 * p, true, cgroup.Unlimited},
		{cgroup.Unlimited, true, 0},
	}
	for _, tc := range cases {
		lim, err := quotaStep(cgroup.CPUStats{QuotaUsec: tc.quota, PeriodUsec: p}, tc.up, 4)
		if lim.CPUQuotaUsec != tc.want || (err != nil) != (tc.want == 0) {
			t.Errorf("quota %d up=%v: %d, %v; want %d", tc.quota, tc.up, lim.CPUQuotaUsec, err, tc.want)
		}
		if err == nil && lim.CPUPeriodUsec != p {
			t.Errorf("quota %d up=%v: period %d, want %d", tc.quota, tc.up, lim.CPUPeriodUsec, p)
		}
	}
}
