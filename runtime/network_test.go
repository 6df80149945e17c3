package runtime

import (
	"net/netip"
	"slices"
	"strings"
	"testing"
)

func TestParsePublish(t *testing.T) {
	got, err := ParsePublish([]string{"8080:80", " 2222:22/tcp ", "80:80/TCP"})
	want := []PortMapping{{8080, 80}, {2222, 22}, {80, 80}}
	if err != nil || !slices.Equal(got, want) {
		t.Errorf("ParsePublish = %v, %v; want %v", got, err, want)
	}
	if got, err := ParsePublish(nil); err != nil || got != nil {
		t.Errorf("no -p: %v %v", got, err)
	}
	for in, why := range map[string]string{
		"8080":          "HOST:CONTAINER",
		"1.2.3.4:80:80": "HOST:CONTAINER",
		"8080:80/udp":   "only tcp",
		"0:80":          "not a port",
		"8080:65536":    "not a port",
		"x:80":          "not a port",
		"8080:":         "not a port",
	} {
		if _, err := ParsePublish([]string{in}); err == nil || !strings.Contains(err.Error(), why) {
			t.Errorf("ParsePublish(%q) = %v, want an error saying %q", in, err, why)
		}
	}
	if _, err := ParsePublish([]string{"8080:80", "8080:81"}); err == nil || !strings.Contains(err.Error(), "twice") {
		t.Errorf("a host port given twice: %v", err)
	}
}

func TestPublishNeedsBridge(t *testing.T) {
	o := DefaultOptions()
	o.Rootfs, o.Args, o.Publish = t.TempDir(), []string{"sh"}, []string{"8080:80"}
	for _, n := range []string{"none", "host"} {
		o.Network = n
		if _, err := o.Spec(); err == nil || !strings.Contains(err.Error(), "--publish") || !strings.Contains(err.Error(), "bridge") {
			t.Errorf("--network %s -p 8080:80: %v", n, err)
		}
	}
	o.Network = "bridge"
	if s, err := o.Spec(); err != nil || !slices.Equal(s.Ports, []PortMapping{{8080, 80}}) {
		t.Errorf("--network bridge -p 8080:80: %v %v", s.Ports, err)
	}
}

func TestPickSubnet(t *testing.T) {
	p := netip.MustParsePrefix
	host := []netip.Prefix{p("0.0.0.0/0"), p("192.168.1.0/24"), p("127.0.0.0/8")}
	if got, err := pickSubnet("", host); err != nil || got != p(DefaultSubnet) {
		t.Errorf("no overlap: %v %v, want %s (a default route overlaps everything and counts for nothing)", got, err, DefaultSubnet)
	}
	// A VPN's 10.0.0.0/8 overlaps every 10.x candidate.
	if got, err := pickSubnet("", append(host, p("10.0.0.0/8"))); err != nil || got != p("172.30.0.0/16") {
		t.Errorf("10/8 routed: %v %v, want 172.30.0.0/16", got, err)
	}
	if got, err := pickSubnet("", append(host, p("10.88.3.0/24"))); err != nil || got != p("10.89.0.0/16") {
		t.Errorf("10.88.3.0/24 routed: %v %v, want 10.89.0.0/16", got, err)
	}
	if got, err := pickSubnet("192.168.77.9/24", host); err != nil || got != p("192.168.77.0/24") {
		t.Errorf("%s=192.168.77.9/24: %v %v", SubnetEnv, got, err)
	}
	for want, why := range map[string]string{"192.168.1.128/25": "overlaps the host's route to 192.168.1.0/24",
		"10.88.0.0": "IPv4 subnet", "fd00::/64": "IPv4 subnet", "10.0.0.0/30": "IPv4 subnet", "10.0.0.0/7": "IPv4 subnet"} {
		if _, err := pickSubnet(want, host); err == nil || !strings.Contains(err.Error(), why) {
			t.Errorf("%s=%s: %v, want %q", SubnetEnv, want, err, why)
		}
	}
	var all []netip.Prefix
	for _, c := range subnetCandidates {
		all = append(all, p(c))
	}
	if _, err := pickSubnet("", all); err == nil || !strings.Contains(err.Error(), SubnetEnv) {
		t.Errorf("every candidate routed: %v", err)
	}
}

func TestFreeAddr(t *testing.T) {
	a := netip.MustParseAddr
	subnet := netip.MustParsePrefix("10.88.0.0/16")
	if got := gatewayOf(subnet); got != a("10.88.0.1") {
		t.Errorf("gateway %s", got)
	}
	if got, err := freeAddr(subnet, nil); err != nil || got != a("10.88.0.2") {
		t.Errorf("first address %s %v", got, err)
	}
	if got, _ := freeAddr(subnet, []netip.Addr{a("10.88.0.2"), a("10.88.0.4")}); got != a("10.88.0.3") {
		t.Errorf("the lowest free address: %s", got)
	}
	small := netip.MustParsePrefix("192.168.5.0/29") // .1 gateway, .2-.6, .7 broadcast
	used := []netip.Addr{a("192.168.5.2"), a("192.168.5.3"), a("192.168.5.4"), a("192.168.5.5")}
	if got, _ := freeAddr(small, used); got != a("192.168.5.6") {
		t.Errorf("the last address: %s", got)
	}
	if got, err := freeAddr(small, append(used, a("192.168.5.6"))); err == nil {
		t.Errorf("a full subnet gave %s (the broadcast address?)", got)
	}
	if got := lastAddr(subnet); got != a("10.88.255.255") {
		t.Errorf("broadcast %s", got)
	}
	if mac := macFor(a("10.88.0.2")); string(mac) != "\x02\x76\x0a\x58\x00\x02" {
		t.Errorf("MAC % x", mac)
	}
}

func TestVethName(t *testing.T) {
	name := VethName("3f2a9c1d0b7e")
	if name != "vme503f2a9c1d0b" || len(name) > 15 || !isVethName(name) {
		t.Errorf("vethName = %q", name)
	}
	for _, n := range []string{BridgeName, "vme50", "eth0", "vme503f2a9c1d0", "vme503f2a9c1d0bx", "vme50out1234567"} {
		if isVethName(n) {
			t.Errorf("%q taken for a container's veth", n)
		}
	}
}

func TestBuildResolvConf(t *testing.T) {
	host := []byte("# comment\nsearch example.org lan\nnameserver 192.0.2.53\nnameserver 2001:db8::53\nnameserver 127.0.0.53\noptions ndots:2 edns0\n")
	conf, note := buildResolvConf(host, nil)
	for _, want := range []string{"search example.org lan\n", "options ndots:2 edns0\n", "nameserver 192.0.2.53\n"} {
		if !strings.Contains(conf, want) {
			t.Errorf("no %q in\n%s", want, conf)
		}
	}
	if strings.Contains(conf, "127.0.0.53") || strings.Contains(conf, "2001:db8") || !strings.Contains(note, "127.0.0.53") {
		t.Errorf("loopback and IPv6 servers kept, or not said:\n%s\nnote %q", conf, note)
	}
	// systemd-resolved's stub alone: its upstream servers instead.
	stub := []byte("nameserver 127.0.0.53\noptions edns0 trust-ad\nsearch lan\n")
	upstream := []byte("nameserver 192.0.2.1\nnameserver 192.0.2.2\nsearch lan\n")
	conf, note = buildResolvConf(stub, upstream)
	if !strings.Contains(conf, "nameserver 192.0.2.1\nnameserver 192.0.2.2\n") || strings.Contains(conf, "127.0.0.53") ||
		!strings.Contains(note, "systemd-resolved") {
		t.Errorf("the stub's upstream servers:\n%s\nnote %q", conf, note)
	}
	conf, note = buildResolvConf(stub, nil)
	if strings.Contains(conf, "nameserver") || !strings.Contains(conf, "names will not resolve") || note == "" {
		t.Errorf("no reachable server:\n%s\nnote %q", conf, note)
	}
	if conf, note = buildResolvConf(nil, nil); !strings.Contains(conf, "names will not resolve") || note == "" {
		t.Errorf("no host file:\n%s\nnote %q", conf, note)
	}
}
