package ui

import (
	"slices"
	"strings"
	"testing"
	"vme50-tui/runtime"

	tea "charm.land/bubbletea/v2"
)

// The form starts from the runtime's defaults and shows them: a network
// namespace of the container's own (none, only lo) and pids.max 1024.
// Enter through launches exactly that.
func TestFormDefaultsNetworkNoneAndPidsLimit(t *testing.T) {
	a, launches := newTestApp(t, prefilled(t))
	drive(a, a.Init())
	drive(a, tea.WindowSizeMsg{Width: 80, Height: 24})
	screen := plain(a)
	if !strings.Contains(screen, "none (only lo)") || !strings.Contains(screen, "> 1024") {
		t.Errorf("the form does not show the defaults:\n%s", screen)
	}
	for i := 0; i < 20 && len(*launches) == 0; i++ {
		drive(a, enter())
	}
	if len(*launches) != 1 {
		t.Fatalf("no launch:\n%s", plain(a))
	}
	s := (*launches)[0].Spec
	if s.Network != "none" || s.Limits.PidsMax != 1024 {
		t.Errorf("network %q pids.max %d, want none and 1024", s.Network, s.Limits.PidsMax)
	}
}

// The host's network is one key away on the Network field; chosen, the
// command loses CAP_NET_RAW as with `run --network host`.
func TestFormChoosesHostNetwork(t *testing.T) {
	a, launches := newTestApp(t, prefilled(t))
	drive(a, a.Init())
	drive(a, tea.WindowSizeMsg{Width: 80, Height: 24})
	for range 11 { // rootfs, memory, memory high, memory+swap, weight, quota, processes, disk, read and write bps, hostname
		drive(a, enter())
	}
	drive(a, press(tea.KeyRight, 0))
	if !strings.Contains(plain(a), "host (the host's interfaces)") {
		t.Fatalf("the Network field did not switch to host:\n%s", plain(a))
	}
	for i := 0; i < 20 && len(*launches) == 0; i++ {
		drive(a, enter())
	}
	if len(*launches) != 1 {
		t.Fatalf("no launch:\n%s", plain(a))
	}
	s := (*launches)[0].Spec
	netRaw, _ := runtime.ParseCapability("NET_RAW")
	if s.Network != "host" || slices.Contains(s.Capabilities, netRaw) {
		t.Errorf("network %q capabilities %v, want host without CAP_NET_RAW", s.Network, s.Capabilities)
	}
}
