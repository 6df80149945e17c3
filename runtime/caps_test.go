package runtime

import (
	"errors"
	"slices"
	"testing"

	"golang.org/x/sys/unix"
)

func TestParseCapability(t *testing.T) {
	for _, s := range []string{"NET_ADMIN", "net_admin", "CAP_NET_ADMIN", " cap_Net_Admin "} {
		if c, err := ParseCapability(s); err != nil || c != unix.CAP_NET_ADMIN {
			t.Errorf("%q: %v %v", s, c, err)
		}
	}
	for _, s := range []string{"", "NET", "CAP_", "ALL", "12"} {
		if _, err := ParseCapability(s); err == nil {
			t.Errorf("%q accepted", s)
		}
	}
	if got := Capability(unix.CAP_SYS_ADMIN).String(); got != "CAP_SYS_ADMIN" {
		t.Errorf("String %q", got)
	}
}

func TestCapabilities(t *testing.T) {
	def, err := Capabilities(nil, nil)
	if err != nil || len(def) != 14 || !slices.IsSorted(def) {
		t.Fatalf("default %v %v", def, err)
	}
	for _, c := range []Capability{unix.CAP_SYS_ADMIN, unix.CAP_SYS_MODULE, unix.CAP_SYS_BOOT, unix.CAP_SYS_PTRACE, unix.CAP_NET_ADMIN} {
		if slices.Contains(def, c) {
			t.Errorf("the default set has %s", c)
		}
	}
	got, _ := Capabilities([]string{"SYS_PTRACE", "chown"}, []string{"KILL"})
	if !slices.Contains(got, unix.CAP_SYS_PTRACE) || slices.Contains(got, unix.CAP_KILL) || len(got) != 14 {
		t.Errorf("add/drop: %v", got)
	}
	if got, _ := Capabilities(nil, []string{"all"}); got == nil || len(got) != 0 {
		t.Errorf("drop ALL left %v", got)
	}
	if got, _ := Capabilities([]string{"CHOWN"}, []string{"ALL"}); !slices.Equal(got, []Capability{unix.CAP_CHOWN}) {
		t.Errorf("drop ALL, add CHOWN: %v", got)
	}
	if got, _ := Capabilities([]string{"ALL"}, []string{"SYS_ADMIN"}); len(got) != len(capabilityNames)-1 {
		t.Errorf("add ALL, drop one: %d", len(got))
	}
	o := Options{Rootfs: t.TempDir(), Network: "host", Args: []string{"sh"}, CapDrop: []string{"NOPE"}}
	var fe *FieldError
	if _, err := o.Spec(); !errors.As(err, &fe) || fe.Field != "cap-drop" || fe.Value != "NOPE" {
		t.Errorf("Spec: %v", err)
	}
	o.CapDrop, o.CapAdd = nil, []string{"NET_ADMIN"}
	if s, err := o.Spec(); err != nil || !slices.Contains(s.Capabilities, unix.CAP_NET_ADMIN) {
		t.Errorf("Spec: %v %v", s.Capabilities, err)
	}
}
