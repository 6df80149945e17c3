package ui

import (
	"slices"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"vme50-tui/cgroup"
	"vme50-tui/runtime"
)

// The form starts from the runtime's defaults and shows them: run's
// network, the bridge (eth0 on vme50br0), and pids.max 1024. Enter
// through launches exactly that.
func TestFormDefaultsBridgeAndPidsLimit(t *testing.T) {
	a, launches := newTestApp(t, prefilled(t))
	drive(a, a.Init())
	drive(a, tea.WindowSizeMsg{Width: 120, Height: 40})
	screen := plain(a)
	if !strings.Contains(screen, "Network           > bridge: eth0 on vme50br0") || !strings.Contains(screen, "> 1024") {
		t.Errorf("the form does not show the defaults:\n%s", screen)
	}
	for i := 0; i < 20 && len(*launches) == 0; i++ {
		drive(a, enter())
	}
	if len(*launches) != 1 {
		t.Fatalf("no launch:\n%s", plain(a))
	}
	s := (*launches)[0].Spec
	if s.Network != runtime.NetworkBridge || s.Limits.PidsMax != 1024 || len(s.Ports) != 0 {
		t.Errorf("network %q pids.max %d ports %v, want bridge, 1024, none", s.Network, s.Limits.PidsMax, s.Ports)
	}
}

// toNetwork Enters down to the Network field: rootfs, memory, memory
// high, memory+swap, weight, quota, processes, disk, read and write bps,
// hostname.
func toNetwork(a *App) {
	for range 11 {
		drive(a, enter())
	}
}

// The network is a choice on one line: right once none, twice the host's.
// Off the bridge the published ports' field is gone, and Enter passes it
// by. The host's network costs the command CAP_NET_RAW, as with `run
// --network host`.
func TestFormChoosesNetwork(t *testing.T) {
	for _, tc := range []struct {
		rights int
		want   runtime.Network
		line   string
	}{
		{1, runtime.NetworkNone, "Network           > none: only lo"},
		{2, runtime.NetworkHost, "Network           > host: the host's interfaces"},
	} {
		a, launches := newTestApp(t, prefilled(t))
		drive(a, a.Init())
		drive(a, tea.WindowSizeMsg{Width: 120, Height: 40})
		toNetwork(a)
		if !strings.Contains(plain(a), "Publish (-p)") {
			t.Errorf("no published ports' field on the bridge:\n%s", plain(a))
		}
		for range tc.rights {
			drive(a, press(tea.KeyRight, 0))
		}
		if s := plain(a); !strings.Contains(s, tc.line) || strings.Contains(s, "Publish (-p)") ||
			!strings.Contains(s, "--network "+string(tc.want)) {
			t.Fatalf("the Network field did not switch to %s, or the ports' field stayed:\n%s", tc.want, s)
		}
		drive(a, enter())
		if k := a.form.Focused(); k != fieldOverlay {
			t.Errorf("Enter from the network went to field %d, not past the ports to the overlay", k)
		}
		for i := 0; i < 20 && len(*launches) == 0; i++ {
			drive(a, enter())
		}
		if len(*launches) != 1 {
			t.Fatalf("no launch:\n%s", plain(a))
		}
		s := (*launches)[0].Spec
		netRaw, _ := runtime.ParseCapability("NET_RAW")
		if s.Network != tc.want || slices.Contains(s.Capabilities, netRaw) != (tc.want == runtime.NetworkNone) {
			t.Errorf("network %q capabilities %v, want %s (CAP_NET_RAW only in a namespace of its own)", s.Network, s.Capabilities, tc.want)
		}
	}
}

// On the bridge the published ports are typed as -p takes them, several
// at once; a bad one stops at its field, in ParsePublish's words; ports
// typed and then left by a change of network are not published.
func TestFormPublishesPorts(t *testing.T) {
	type result struct {
		ports []runtime.PortMapping
		shown string
	}
	run := func(t *testing.T, typed string, network int) (result, *App) {
		a, launches := newTestApp(t, prefilled(t))
		drive(a, a.Init())
		drive(a, tea.WindowSizeMsg{Width: 120, Height: 40})
		toNetwork(a)
		drive(a, enter()) // the bridge, the default
		for _, r := range typed {
			drive(a, text(string(r)))
		}
		for range network {
			drive(a, tea.KeyPressMsg{Code: tea.KeyTab, Mod: tea.ModShift}) // back to the network
			drive(a, press(tea.KeyRight, 0))
		}
		for i := 0; i < 20 && len(*launches) == 0; i++ {
			drive(a, enter())
		}
		if len(*launches) == 0 {
			return result{shown: plain(a)}, a
		}
		return result{(*launches)[0].Spec.Ports, plain(a)}, a
	}
	r, _ := run(t, "8080:80, 9090:90/tcp", 0)
	if want := []runtime.PortMapping{{Host: 8080, Container: 80}, {Host: 9090, Container: 90}}; !slices.Equal(r.ports, want) {
		t.Errorf("published %v, want %v", r.ports, want)
	}
	r, a := run(t, "80", 0)
	if r.ports != nil || !strings.Contains(r.shown, `"80": give HOST:CONTAINER`) || a.form.Focused() != fieldPublish {
		t.Errorf("a bad port launched, or the error is not beside its field:\n%s", r.shown)
	}
	if r, _ := run(t, "8080:80", 1); r.ports != nil {
		t.Errorf("ports published off the bridge: %v\n%s", r.ports, r.shown)
	}
}

// Enter after the last field's Enter, before the app has taken the form
// away (its end comes back from a Cmd, later on a slow machine), does not
// submit it again: one form, one container (seen in the cgroup v2 VM,
// whose emulated CPU left 150 ms between two Enters too short).
func TestFormSubmitsOnce(t *testing.T) {
	f := NewForm(FormValues{Options: prefilled(t)}, cgroup.NewHost(cgroup.V2, t.TempDir(), nil).Files())
	f.Init()
	// As Bubble Tea would, but every form's message back to it before the
	// next key, and the ends kept to count them.
	var submits int
	for range 25 {
		queue := []tea.Msg{enter()}
		for len(queue) > 0 {
			var cmd tea.Cmd
			f, cmd = f.Update(queue[0])
			queue = queue[1:]
			for _, msg := range runAll(nil, cmd) {
				switch msg.(type) {
				case FormSubmitMsg:
					submits++
				case errMsg:
					t.Fatalf("the form did not pass its checks: %v", msg)
				default:
					queue = append(queue, msg)
				}
			}
		}
	}
	if submits != 1 {
		t.Errorf("%d submits from one form", submits)
	}
}

// --record prefills the first form's Record to, and only the first: a
// second container would record over the first's file.
func TestRecordFlagPrefillsTheFirstForm(t *testing.T) {
	host := cgroup.NewHost(cgroup.V2, t.TempDir(), nil)
	a := New(Config{Host: host, Options: prefilled(t), Record: "hog.csv"})
	if got := a.form.Values().Record; got != "hog.csv" {
		t.Errorf("the first form records to %q, want hog.csv", got)
	}
	drive(a, tea.WindowSizeMsg{Width: 120, Height: 40})
	a.leaveForm()
	withTab(t, a)
	prefix(a, text("n"))
	if a.form == nil || a.form.Values().Record != "" {
		t.Errorf("ctrl+g n: the next form records to %q, want nothing", a.form.Values().Record)
	}
}
