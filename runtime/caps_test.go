package runtime

import (
	"errors"
	"slices"
	"testing"
)

func TestParseCapability(t *testing.T) {
	for _, s := range []string{"NET_ADMIN", "net_admin", "CAP_NET_ADMIN", " cap_Net_Admin "} {
		if c, err := ParseCapability(s); err != nil || c != capNamed("NET_ADMIN") {
			t.Errorf("%q: %v %v", s, c, err)
		}
	}
	for _, s := range []string{"", "NET", "CAP_", "ALL", "12"} {
		if _, err := ParseCapability(s); err == nil {
			t.Errorf("%q accepted", s)
		}
	}
	if got := Capability(capNamed("SYS_ADMIN")).String(); got != "CAP_SYS_ADMIN" {
		t.Errorf("String %q", got)
	}
}

func TestCapabilities(t *testing.T) {
	def, err := Capabilities(NetworkNone, nil, nil)
	if err != nil || len(def) != 14 || !slices.IsSorted(def) {
		t.Fatalf("default %v %v", def, err)
	}
	for _, c := range []Capability{capNamed("SYS_ADMIN"), capNamed("SYS_MODULE"), capNamed("SYS_BOOT"), capNamed("SYS_PTRACE"), capNamed("NET_ADMIN")} {
		if slices.Contains(def, c) {
			t.Errorf("the default set has %s", c)
		}
	}
	got, _ := Capabilities(NetworkNone, []string{"SYS_PTRACE", "chown"}, []string{"KILL"})
	if !slices.Contains(got, capNamed("SYS_PTRACE")) || slices.Contains(got, capNamed("KILL")) || len(got) != 14 {
		t.Errorf("add/drop: %v", got)
	}
	if got, _ := Capabilities(NetworkNone, nil, []string{"all"}); got == nil || len(got) != 0 {
		t.Errorf("drop ALL left %v", got)
	}
	if got, _ := Capabilities(NetworkNone, []string{"CHOWN"}, []string{"ALL"}); !slices.Equal(got, []Capability{capNamed("CHOWN")}) {
		t.Errorf("drop ALL, add CHOWN: %v", got)
	}
	if got, _ := Capabilities(NetworkNone, []string{"ALL"}, []string{"SYS_ADMIN"}); len(got) != len(allCapabilities())-1 {
		t.Errorf("add ALL, drop one: %d", len(got))
	}
	o := Options{Rootfs: t.TempDir(), Network: "host", Args: []string{"sh"}, CapDrop: []string{"NOPE"}}
	var fe *FieldError
	if _, err := o.Spec(); !errors.As(err, &fe) || fe.Field != "cap-drop" || fe.Value != "NOPE" {
		t.Errorf("Spec: %v", err)
	}
	o.CapDrop, o.CapAdd = nil, []string{"NET_ADMIN"}
	if s, err := o.Spec(); err != nil || !slices.Contains(s.Capabilities, capNamed("NET_ADMIN")) {
		t.Errorf("Spec: %v %v", s.Capabilities, err)
	}
}

// On the host's network the command gets no CAP_NET_RAW, unless
// --cap-add gives it back by name or with ALL; in a network namespace of
// its own it keeps Docker's whole set.
func TestCapabilitiesHostNetworkDropsNetRaw(t *testing.T) {
	netRaw := func(n Network, add ...string) bool {
		t.Helper()
		set, err := Capabilities(n, add, nil)
		if err != nil {
			t.Fatal(err)
		}
		return slices.Contains(set, capNamed("NET_RAW"))
	}
	if netRaw(NetworkHost) || netRaw(NetworkHost, "CHOWN") {
		t.Error("--network host kept CAP_NET_RAW")
	}
	if !netRaw(NetworkHost, "net_raw") || !netRaw(NetworkHost, "ALL") {
		t.Error("--network host --cap-add NET_RAW (or ALL) did not give it back")
	}
	if !netRaw(NetworkNone) {
		t.Error("--network none lost CAP_NET_RAW")
	}
	// The Spec built from the options, and a Spec's nil default.
	o := Options{Rootfs: t.TempDir(), Network: "host", Args: []string{"sh"}}
	if s, err := o.Spec(); err != nil || slices.Contains(s.Capabilities, capNamed("NET_RAW")) {
		t.Errorf("Spec on host: %v %v", s.Capabilities, err)
	}
	if slices.Contains(DefaultCapabilitiesFor(NetworkHost), capNamed("NET_RAW")) ||
		!slices.Equal(DefaultCapabilitiesFor(NetworkNone), DefaultCapabilities) {
		t.Errorf("DefaultCapabilitiesFor: host %v, none %v", DefaultCapabilitiesFor(NetworkHost), DefaultCapabilitiesFor(NetworkNone))
	}
	// It is not dropped from the shared default list itself.
	if !slices.Contains(DefaultCapabilities, capNamed("NET_RAW")) {
		t.Error("DefaultCapabilities lost CAP_NET_RAW")
	}
	// The kernel log says why, only when it happens.
	if netRawNote(NetworkHost, DefaultCapabilitiesFor(NetworkHost)) == "" ||
		netRawNote(NetworkHost, DefaultCapabilities) != "" || netRawNote(NetworkNone, nil) != "" {
		t.Error("netRawNote")
	}
}
