package runtime

import "testing"

// A sweep goes the long way (sweepNetwork) only when the links say that a
// dead container may have left something on the bridge network.
func TestLeftoversIn(t *testing.T) {
	live, dead := "0123456789abcdef", "fedcba9876543210"
	none := func() bool { return false }
	some := func() bool { return true }
	for _, c := range []struct {
		name   string
		links  []string
		live   []string
		pieces func() bool
		want   bool
	}{
		{"no network at all", []string{"lo", "eth0"}, nil, none, false},
		{"every veth has a live owner", []string{"lo", BridgeName, VethName(live)}, []string{live}, none, false},
		{"a veth without a live owner", []string{"lo", BridgeName, VethName(live), VethName(dead)}, []string{live}, none, true},
		{"a veth, no live owner at all", []string{VethName(dead)}, nil, none, true},
		{"the bridge without any veth", []string{"lo", BridgeName}, []string{live}, none, true},
		{"the lock file without bridge or veth", []string{"lo"}, nil, some, true},
		{"another interface named like ours", []string{"lo", "vme50x"}, nil, none, false},
	} {
		if got := leftoversIn(c.links, c.live, c.pieces); got != c.want {
			t.Errorf("%s: leftoversIn(%v, %v) = %v, want %v", c.name, c.links, c.live, got, c.want)
		}
	}
	if !networkLeftovers(true, nil) {
		t.Error("a dead owner found by the sweep does not send it to sweepNetwork")
	}
}
