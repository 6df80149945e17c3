package e2e

import (
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/nftables"
	"github.com/google/nftables/expr"
	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"

	"vme50-tui/runtime"
)

// A firewall's reload (`nft flush ruleset`) deletes every table of the
// host, ours too, under running containers; `nft flush table` or `flush
// chain` empties one. Either way the tables come back within moments,
// whole: the guard rules, the published port, the container's port
// chain, the uplinks set; within a second, so by nftables' events, not
// by the slow look (an attack review found the watcher deaf to them). A
// rule someone inserts into our chains goes as fast (an accept in a
// container's port chain would let it spoof; it lived until the slow
// look once that was a minute). route_localnet is never on, and 127.0.0.1:PORT answers all the
// while (vme50-tui serves it itself). The test deletes and flushes only
// vme50's own tables.
func TestBridgeTablesMadeAgain(t *testing.T) {
	clean(t)
	port := freePort(t)
	pub := startBridged(t, "bridge-again", []string{"-v", "-p", fmt.Sprintf("%d:80", port)}, serveCmd(serveMark+"-again"))
	ipTable := &nftables.Table{Family: nftables.TableFamilyIPv4, Name: "vme50"}
	portTable := &nftables.Table{Family: nftables.TableFamilyNetdev, Name: "vme50"}
	veth := runtime.VethName(pub.id)
	before := uplinksSet(t)
	for _, how := range []struct {
		name string
		do   func(c *nftables.Conn)
	}{
		{"both tables deleted", func(c *nftables.Conn) { c.DelTable(ipTable); c.DelTable(portTable) }},
		{"table ip vme50 flushed", func(c *nftables.Conn) { c.FlushTable(ipTable) }},
		{"table netdev vme50 deleted", func(c *nftables.Conn) { c.DelTable(portTable) }},
		{"the container's port chain flushed", func(c *nftables.Conn) {
			c.FlushChain(&nftables.Chain{Table: portTable, Name: veth})
		}},
		{"an accept inserted in the container's port chain", func(c *nftables.Conn) {
			c.InsertRule(&nftables.Rule{Table: portTable, Chain: &nftables.Chain{Table: portTable, Name: veth},
				Exprs: []expr.Any{&expr.Verdict{Kind: expr.VerdictAccept}}})
		}},
	} {
		c, err := nftables.New()
		if err != nil {
			t.Fatal(err)
		}
		how.do(c)
		if err := c.Flush(); err != nil {
			t.Fatalf("%s: %v", how.name, err)
		}
		deleted := time.Now()
		body, err := httpGet(fmt.Sprintf("127.0.0.1:%d", port), 5*time.Second)
		if !strings.Contains(body, serveMark+"-again") {
			t.Errorf("%s: 127.0.0.1:%d does not answer: %q %v", how.name, port, body, err)
		}
		var s netState
		whole := func() bool {
			s = takeNetState(t)
			published := 0
			for _, r := range s.rules {
				if r == "container "+pub.id {
					published++
				}
			}
			return s.table && s.portsT && published == 1 && portRules(t, veth) == 6 && guardRules(t) == 4 &&
				slices.Equal(uplinksSet(t), before)
		}
		for !whole() {
			if time.Since(deleted) > 2*time.Second {
				t.Fatalf("%s: the tables were not made again whole within 2 s: %+v, guard rules %d, port rules %d, uplinks %v (before %v)",
					how.name, s, guardRules(t), portRules(t, veth), uplinksSet(t), before)
			}
			time.Sleep(20 * time.Millisecond)
		}
		if localnet, _ := os.ReadFile("/proc/sys/net/ipv4/conf/" + runtime.BridgeName + "/route_localnet"); strings.TrimSpace(string(localnet)) != "0" {
			t.Errorf("%s: route_localnet is %q on %s: the host's loopback is open to the containers", how.name, localnet, runtime.BridgeName)
		}
		body, err = httpGet(fmt.Sprintf("127.0.0.1:%d", port), 5*time.Second)
		if !strings.Contains(body, serveMark+"-again") {
			t.Errorf("%s: the published port does not answer again: %q %v", how.name, body, err)
		}
	}
	pub.end(t)
	// The container's own vme50-tui did it, as its kernel log says (not
	// another's start, which makes missing tables too).
	log := pub.cmd.Stderr.(fmt.Stringer).String()
	if n := strings.Count(log, "made again"); n < 5 {
		t.Errorf("the kernel log tells the tables made again %d times, not 5:\n%s", n, log)
	}
	wantNetGone(t, pub.id)
}

// portRules counts the rules of a container's chain in table netdev vme50.
func portRules(t *testing.T, veth string) int {
	t.Helper()
	c, err := nftables.New()
	if err != nil {
		t.Fatal(err)
	}
	table := &nftables.Table{Family: nftables.TableFamilyNetdev, Name: "vme50"}
	rules, err := c.GetRules(table, &nftables.Chain{Table: table, Name: veth})
	if err != nil {
		return 0
	}
	return len(rules)
}

// guardRules counts the rules of table ip vme50's guard chain.
func guardRules(t *testing.T) int {
	t.Helper()
	c, err := nftables.New()
	if err != nil {
		t.Fatal(err)
	}
	table := &nftables.Table{Family: nftables.TableFamilyIPv4, Name: "vme50"}
	rules, err := c.GetRules(table, &nftables.Chain{Table: table, Name: "guard"})
	if err != nil {
		return 0
	}
	return len(rules)
}

// uplinksSet lists table ip vme50's uplinks set, sorted (nil without it).
func uplinksSet(t *testing.T) []string {
	t.Helper()
	c, err := nftables.New()
	if err != nil {
		t.Fatal(err)
	}
	table := &nftables.Table{Family: nftables.TableFamilyIPv4, Name: "vme50"}
	set, err := c.GetSetByName(table, "uplinks")
	if err != nil {
		return nil
	}
	elems, err := c.GetSetElements(set)
	if err != nil {
		return nil
	}
	names := []string{}
	for _, e := range elems {
		names = append(names, strings.TrimRight(string(e.Key), "\x00"))
	}
	slices.Sort(names)
	return names
}

// A container cannot tell a sibling that a third container's address is
// at its own MAC (ARP poisoning between containers, which the bridge
// forwards without the ip table seeing it): the frame never enters the
// bridge.
func TestBridgeARPForSiblingRefused(t *testing.T) {
	clean(t)
	a := startBridged(t, "arp-a", nil, "sleep 1000")
	b := startBridged(t, "arp-b", nil, "sleep 1000")
	c := startBridged(t, "arp-c", nil, "sleep 1000")
	bMAC, cMAC := macOf(t, "arp-b"), macOf(t, "arp-c")
	// c has an entry for b, older than the kernel's locktime (1 s), so an
	// ARP reply would replace it.
	r := execIn(t, "arp-c", "/bin/sh", "-c", "ping -c 1 -W 2 "+b.addr.String()+" >/dev/null && sleep 1.5 && ip neigh show "+b.addr.String())
	if !strings.Contains(r.stdout, bMAC.String()) {
		t.Fatalf("c has no entry for b (%s at %s): %q %q", b.addr, bMAC, r.stdout, r.stderr)
	}
	pid := procsIn(leafDir(t, a.id, "pids"))[0]
	inNetNSOf(t, pid, func() error { return sendARPReply(b.addr, c.addr, cMAC) })
	time.Sleep(300 * time.Millisecond)
	r = execIn(t, "arp-c", "/bin/sh", "-c", "ip neigh show "+b.addr.String())
	if !strings.Contains(r.stdout, bMAC.String()) {
		t.Errorf("a's ARP reply moved c's entry for b (%s, at %s): %q", b.addr, bMAC, r.stdout)
	}
	a.end(t)
	b.end(t)
	c.end(t)
	wantNetGone(t, a.id, b.id, c.id)
}

// sendARPReply sends on eth0 an ARP reply saying claimed is at eth0's
// MAC, to the host at to/toMAC.
func sendARPReply(claimed, to netip.Addr, toMAC net.HardwareAddr) error {
	eth0, err := net.InterfaceByName("eth0")
	if err != nil {
		return err
	}
	proto := uint16(unix.ETH_P_ARP&0xff)<<8 | uint16(unix.ETH_P_ARP>>8) // network byte order
	fd, err := unix.Socket(unix.AF_PACKET, unix.SOCK_RAW|unix.SOCK_CLOEXEC, int(proto))
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	ll := &unix.SockaddrLinklayer{Protocol: proto, Ifindex: eth0.Index, Halen: 6}
	copy(ll.Addr[:], toMAC)
	spa, tpa := claimed.As4(), to.As4()
	arp := make([]byte, 28)
	binary.BigEndian.PutUint16(arp[0:], 1)             // Ethernet
	binary.BigEndian.PutUint16(arp[2:], unix.ETH_P_IP) // IPv4
	arp[4], arp[5] = 6, 4
	binary.BigEndian.PutUint16(arp[6:], 2) // a reply
	copy(arp[8:], eth0.HardwareAddr)
	copy(arp[14:], spa[:])
	copy(arp[18:], toMAC)
	copy(arp[24:], tpa[:])
	frame := append(append(append(append([]byte{}, toMAC...), eth0.HardwareAddr...), 0x08, 0x06), arp...)
	return unix.Sendto(fd, frame, 0, ll)
}

// localhost:PORT is the container's over IPv6 too (::1, which many
// clients try first: a local user listening there would get them); and
// the port can be published again at once after a container that had a
// connection open ends (its TIME-WAIT once refused the next start).
func TestBridgeLocalhostBothWaysAndAgain(t *testing.T) {
	clean(t)
	port := freePort(t)
	pub := startBridged(t, "bridge-lo6", []string{"-p", fmt.Sprintf("%d:80", port)}, serveCmd(serveMark+"-lo6"))
	if l, err := net.Listen("tcp6", fmt.Sprintf("[::1]:%d", port)); err == nil {
		l.Close()
		t.Errorf("[::1]:%d could be taken beside the published port", port)
	}
	if _, err := os.Stat("/proc/net/if_inet6"); err == nil {
		body, err := httpGet6(fmt.Sprintf("[::1]:%d", port))
		if !strings.Contains(body, serveMark+"-lo6") {
			t.Errorf("[::1]:%d does not reach the container: %q %v", port, body, err)
		}
	}
	idle, err := net.Dial("tcp4", fmt.Sprintf("127.0.0.1:%d", port))
	if err != nil {
		t.Fatal(err)
	}
	defer idle.Close()
	time.Sleep(200 * time.Millisecond)
	pub.end(t)
	r := run(t, "--network", "bridge", "-p", fmt.Sprintf("%d:80", port), "/bin/true")
	if r.code != 0 {
		t.Errorf("-p %d again right after: status %d, stderr %q", port, r.code, r.stderr)
	}
	wantNetGone(t, pub.id)
}

// A live container whose veth is gone (deleted by hand, or its network
// namespace ending before its owner noticed) cannot have its chain made
// again: the watchers must not try for ever (an attack review saw them
// make the tables 57 times in 3 s).
func TestBridgeRepairEndsWithoutVeth(t *testing.T) {
	clean(t)
	c := startBridged(t, "bridge-noveth", []string{"-v"}, "sleep 1000")
	l, err := netlink.LinkByName(runtime.VethName(c.id))
	if err != nil {
		t.Fatal(err)
	}
	if err := netlink.LinkDel(l); err != nil {
		t.Fatal(err)
	}
	conn, err := nftables.New()
	if err != nil {
		t.Fatal(err)
	}
	conn.DelTable(&nftables.Table{Family: nftables.TableFamilyNetdev, Name: "vme50"})
	if err := conn.Flush(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(2 * time.Second)
	c.end(t)
	if n := strings.Count(c.cmd.Stderr.(fmt.Stringer).String(), "made again"); n > 2 {
		t.Errorf("the tables were made again %d times in 2 s", n)
	}
	wantNetGone(t, c.id)
}

// httpGet6 asks for / over IPv6 and returns the answer.
func httpGet6(addr string) (string, error) {
	conn, err := net.DialTimeout("tcp6", addr, 5*time.Second)
	if err != nil {
		return "", err
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.WriteString(conn, "GET / HTTP/1.0\r\n\r\n"); err != nil {
		return "", err
	}
	body, err := io.ReadAll(conn)
	return string(body), err
}
