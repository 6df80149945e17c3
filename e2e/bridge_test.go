package e2e

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	goruntime "runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/nftables"
	"github.com/google/nftables/userdata"
	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"
	"golang.org/x/sys/unix"

	"vme50-tui/runtime"
)

// --network bridge: Docker's default network, built by vme50-tui. These
// tests look at the kernel's objects themselves (links, addresses, the
// nftables table), never at vme50's word for them, and every packet they
// send stays on this host: in containers, on the bridge, on loopback, or
// in a network namespace a test made to play "the outside".
//
// Others' containers may share the bridge while these run (the default
// network is the bridge): what a test checks is its own container's, and
// "the bridge is gone" only when no container but its own was there.

const serveMark = "vme50-bridge-served"

// serveCmd serves MARK over HTTP on port 80 of the container, in the
// foreground (httpd is PID 1's exec: the container lives while it does).
func serveCmd(mark string) string {
	return "echo " + mark + " > /tmp/index.html && exec httpd -f -p 80 -h /tmp"
}

// startBridged starts a container on the bridge (flags, then a shell
// command) and returns it with the address of its eth0, once its command
// runs. It is found by its hostname: others' containers may start meanwhile
// (the default network is the bridge), so a new cgroup could be theirs.
func startBridged(t *testing.T, name string, flags []string, command string) (b bridged) {
	t.Helper()
	args := append(append([]string{"run", "--rootfs", rootfsOK, "--network", "bridge", "--hostname", name}, flags...),
		"/bin/sh", "-c", command)
	b.cmd = vme50Cmd(t, args...)
	if err := b.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if b.cmd.ProcessState == nil {
			b.cmd.Process.Kill()
			b.cmd.Wait()
		}
	})
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if f, err := runtime.Find(name); err == nil && f.Init.PID != 0 {
			b.id = f.ID
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("container %s never ran its command", name)
		}
	}
	b.addr = eth0Addr(t, name)
	return b
}

// bridged is a container on the bridge, started by startBridged.
type bridged struct {
	cmd  *exec.Cmd
	id   string
	addr netip.Addr
}

func (b bridged) end(t *testing.T) {
	t.Helper()
	endContainer(t, b.cmd, b.id)
}

var inetRE = regexp.MustCompile(`inet (\d+\.\d+\.\d+\.\d+)/(\d+)`)

// eth0Addr asks the container (by exec) for its eth0's IPv4 address.
func eth0Addr(t *testing.T, name string) netip.Addr {
	t.Helper()
	r := execIn(t, name, "/bin/sh", "-c", "ip -4 -o addr show dev eth0")
	wantCode(t, r, 0)
	m := inetRE.FindStringSubmatch(r.stdout)
	if m == nil {
		t.Fatalf("container %s: no IPv4 address on eth0: %q", name, r.stdout)
	}
	return netip.MustParseAddr(m[1])
}

// gatewayOf asks the container for its default route's gateway.
func gatewayIn(t *testing.T, name string) netip.Addr {
	t.Helper()
	r := execIn(t, name, "/bin/sh", "-c", "ip route show default")
	m := regexp.MustCompile(`default via (\S+)`).FindStringSubmatch(r.stdout)
	if m == nil {
		t.Fatalf("container %s: no default route: %q", name, r.stdout)
	}
	return netip.MustParseAddr(m[1])
}

// httpGet fetches / from addr ("ip:port") and returns the body, retrying
// for a few seconds while nothing answers yet (httpd starting).
func httpGet(addr string, wait time.Duration) (string, error) {
	var err error
	for deadline := time.Now().Add(wait); ; time.Sleep(50 * time.Millisecond) {
		var conn net.Conn
		if conn, err = net.DialTimeout("tcp4", addr, 2*time.Second); err == nil {
			conn.SetDeadline(time.Now().Add(3 * time.Second))
			fmt.Fprintf(conn, "GET / HTTP/1.0\r\n\r\n")
			var body []byte
			body, err = io.ReadAll(conn)
			conn.Close()
			if err == nil {
				return string(body), nil
			}
		}
		if time.Now().After(deadline) {
			return "", err
		}
	}
}

// fetchIn fetches http://addr/ from inside container name with nc.
func fetchIn(t *testing.T, name, host string, port int) result {
	t.Helper()
	return execIn(t, name, "/bin/sh", "-c",
		fmt.Sprintf(`for i in 1 2 3 4 5 6 7 8 9 10; do printf 'GET / HTTP/1.0\r\n\r\n' | nc -w 3 %s %d && exit 0; sleep 0.3; done; exit 1`, host, port))
}

// freePort is a TCP port nothing listens on now.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp4", "0.0.0.0:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// netState is what the bridge network has on the host.
type netState struct {
	bridge  bool
	table   bool // table ip vme50
	portsT  bool // table netdev vme50
	lock    bool
	uplinks bool     // the file naming the interfaces whose forwarding vme50 switched on
	veths   []string // host ends of containers' veth pairs
	rules   []string // comments of the published chain's rules
	ports   []string // the chains of table netdev vme50: one per container's veth
}

func takeNetState(t *testing.T) netState {
	t.Helper()
	var s netState
	links, err := netlink.LinkList()
	for errors.Is(err, netlink.ErrDumpInterrupted) {
		links, err = netlink.LinkList()
	}
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range links {
		name := l.Attrs().Name
		switch {
		case name == runtime.BridgeName:
			s.bridge = true
		case strings.HasPrefix(name, "vme50"):
			s.veths = append(s.veths, name)
		}
	}
	c, err := nftables.New()
	if err != nil {
		t.Fatal(err)
	}
	table := &nftables.Table{Family: nftables.TableFamilyIPv4, Name: "vme50"}
	if _, err := c.ListTableOfFamily("vme50", nftables.TableFamilyIPv4); err == nil {
		s.table = true
		rules, err := c.GetRules(table, &nftables.Chain{Table: table, Name: "published"})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rules {
			comment, _ := userdata.GetString(r.UserData, userdata.TypeComment)
			s.rules = append(s.rules, comment)
		}
	}
	if _, err := c.ListTableOfFamily("vme50", nftables.TableFamilyNetdev); err == nil {
		s.portsT = true
		chains, err := c.ListChainsOfTableFamily(nftables.TableFamilyNetdev)
		if err != nil {
			t.Fatal(err)
		}
		for _, ch := range chains {
			if ch.Table.Name == "vme50" {
				s.ports = append(s.ports, ch.Name)
			}
		}
	}
	_, err = os.Stat(filepath.Join(filepath.Dir(runtime.StateDir), "network.lock"))
	s.lock = err == nil
	_, err = os.Stat(filepath.Join(filepath.Dir(runtime.StateDir), "network.uplinks"))
	s.uplinks = err == nil
	return s
}

// othersRunning tells whether a container other than ids has a state
// directory: someone else's test may hold the bridge.
func othersRunning(ids ...string) bool {
	entries, _ := os.ReadDir(runtime.StateDir)
	for _, e := range entries {
		if !slices.Contains(ids, e.Name()) {
			return true
		}
	}
	return false
}

// wantNetGone checks, within a few seconds, that nothing of container
// ids is left on the bridge network, and, when no other container is on
// the host, that the bridge, the table and the lock file are gone too.
func wantNetGone(t *testing.T, ids ...string) {
	t.Helper()
	var s netState
	ok := func() bool {
		s = takeNetState(t)
		for _, id := range ids {
			if slices.Contains(s.veths, "vme50"+id[:10]) || slices.Contains(s.rules, "container "+id) || slices.Contains(s.ports, "vme50"+id[:10]) {
				return false
			}
		}
		return othersRunning(ids...) || !s.bridge && !s.table && !s.portsT && !s.lock && !s.uplinks && len(s.veths) == 0
	}
	for deadline := time.Now().Add(5 * time.Second); !ok(); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Errorf("left behind on the bridge network by %v: %+v (other containers: %v)", ids, s, othersRunning(ids...))
			return
		}
	}
}

// Two containers on the bridge reach each other by address, over TCP
// and ping; each sees lo and eth0 alone; each has an address of its own
// in the bridge's subnet, and its veth's host end is a port of vme50br0.
// The host side's counters (Found.NetStats, for the TUI's network line)
// count what passed.
func TestBridgeTwoContainersReachEachOther(t *testing.T) {
	clean(t)
	a := startBridged(t, "bridge-a", nil, serveCmd(serveMark+"-a"))
	b := startBridged(t, "bridge-b", nil, "sleep 1000")
	idA, addrA, idB, addrB := a.id, a.addr, b.id, b.addr
	if addrA == addrB {
		t.Fatalf("both containers have %s", addrA)
	}
	r := fetchIn(t, "bridge-b", addrA.String(), 80)
	if !strings.Contains(r.stdout, serveMark+"-a") {
		t.Errorf("bridge-b could not fetch from bridge-a at %s: %q %q", addrA, r.stdout, r.stderr)
	}
	r = execIn(t, "bridge-b", "/bin/ping", "-c", "1", "-W", "3", addrA.String())
	if r.code != 0 || !strings.Contains(r.stdout, "1 packets received") {
		t.Errorf("bridge-b could not ping bridge-a at %s: %q %q", addrA, r.stdout, r.stderr)
	}
	for _, name := range []string{"bridge-a", "bridge-b"} {
		r = execIn(t, name, "/bin/sh", "-c", "ls /sys/class/net")
		if got := strings.Fields(r.stdout); !slices.Equal(got, []string{"eth0", "lo"}) {
			t.Errorf("%s sees interfaces %q, want eth0 and lo", name, got)
		}
	}
	br, err := netlink.LinkByName(runtime.BridgeName)
	if err != nil {
		t.Fatal(err)
	}
	gwAddrs, _ := netlink.AddrList(br, netlink.FAMILY_V4)
	if len(gwAddrs) != 1 {
		t.Fatalf("%s has addresses %v", runtime.BridgeName, gwAddrs)
	}
	ones, _ := gwAddrs[0].Mask.Size()
	subnet := netip.PrefixFrom(netip.MustParseAddr(gwAddrs[0].IP.String()), ones).Masked()
	for _, c := range []struct {
		id   string
		addr netip.Addr
	}{{idA, addrA}, {idB, addrB}} {
		if !subnet.Contains(c.addr) {
			t.Errorf("container %s has %s, outside %s's %s", c.id, c.addr, runtime.BridgeName, subnet)
		}
		veth, err := netlink.LinkByName("vme50" + c.id[:10])
		if err != nil || veth.Attrs().MasterIndex != br.Attrs().Index || veth.Type() != "veth" {
			t.Errorf("container %s: its veth's host end: %v (err %v), want a port of %s", c.id, veth, err, runtime.BridgeName)
		}
	}
	found, err := runtime.Find("bridge-a")
	if err != nil {
		t.Fatal(err)
	}
	if rx, tx, err := found.NetStats(); err != nil || rx < 200 || tx < 200 {
		t.Errorf("bridge-a's NetStats after a fetch and a ping: rx %d tx %d, %v", rx, tx, err)
	}
	if got := found.Address(); got != netip.PrefixFrom(addrA, subnet.Bits()).String() {
		t.Errorf("bridge-a's Address() = %q, want %s/%d", got, addrA, subnet.Bits())
	}
	a.end(t)
	b.end(t)
	wantNetGone(t, idA, idB)
}

// -p HOST:CONTAINER publishes a container's port on the host: the host
// reaches it on 127.0.0.1 (what `curl localhost:8080` tries) and on its
// other addresses, another container reaches it through the host's
// address, a port in use (by a host service or another container) is
// refused with status 125, and once the container has ended the port
// is the host's again.
func TestBridgePublishedPort(t *testing.T) {
	clean(t)
	port := freePort(t)
	pub := startBridged(t, "bridge-pub", []string{"-p", fmt.Sprintf("%d:80", port)}, serveCmd(serveMark+"-pub"))
	client := startBridged(t, "bridge-client", nil, "sleep 1000")
	gw := gatewayIn(t, "bridge-pub")
	for _, host := range []string{"127.0.0.1", gw.String()} {
		body, err := httpGet(net.JoinHostPort(host, strconv.Itoa(port)), 5*time.Second)
		if !strings.Contains(body, serveMark+"-pub") {
			t.Errorf("the host could not reach the published port at %s:%d: %q %v", host, port, body, err)
		}
	}
	r := fetchIn(t, "bridge-client", gw.String(), port)
	if !strings.Contains(r.stdout, serveMark+"-pub") {
		t.Errorf("another container could not reach the published port at %s:%d: %q %q", gw, port, r.stdout, r.stderr)
	}

	// The port is taken: by the container, then by a host service.
	r = run(t, "--network", "bridge", "-p", fmt.Sprintf("%d:81", port), "/bin/true")
	if r.code != 125 || !strings.Contains(r.stderr, fmt.Sprintf("port %d is in use", port)) {
		t.Errorf("a second -p %d: status %d, stderr %q; want 125 saying the port is in use", port, r.code, r.stderr)
	}
	hostSvc, err := net.Listen("tcp4", "0.0.0.0:0")
	if err != nil {
		t.Fatal(err)
	}
	defer hostSvc.Close()
	taken := hostSvc.Addr().(*net.TCPAddr).Port
	r = run(t, "--network", "bridge", "-p", fmt.Sprintf("%d:80", taken), "/bin/true")
	if r.code != 125 || !strings.Contains(r.stderr, fmt.Sprintf("port %d is in use", taken)) {
		t.Errorf("-p on the host service's port %d: status %d, stderr %q", taken, r.code, r.stderr)
	}
	for _, bad := range [][]string{{"--network", "none", "-p", "8080:80"}, {"--network", "host", "-p", "8080:80"},
		{"-p", "8080"}, {"-p", "8080:80/udp"}, {"-p", "0:80"}, {"-p", "8080:80", "-p", "8080:81"}} {
		r = run(t, append(bad, "/bin/true")...)
		if r.code != 125 || !strings.Contains(r.stderr, "--publish") {
			t.Errorf("%v: status %d, stderr %q; want 125 naming --publish", bad, r.code, r.stderr)
		}
	}

	pub.end(t)
	client.end(t)
	wantNetGone(t, pub.id, client.id)
	if body, err := httpGet(fmt.Sprintf("127.0.0.1:%d", port), 0); err == nil {
		t.Errorf("the port %d still answers after the container ended: %q", port, body)
	}
}

// A container reaches the host's services through its gateway, the
// host's address on the bridge, as on Docker's.
func TestBridgeReachesHostSide(t *testing.T) {
	clean(t)
	l, err := net.Listen("tcp4", "0.0.0.0:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		for {
			conn, err := l.Accept()
			if err != nil {
				return
			}
			conn.Write([]byte("host-side\n"))
			conn.Close()
		}
	}()
	port := l.Addr().(*net.TCPAddr).Port
	c := startBridged(t, "bridge-tohost", nil, "sleep 1000")
	gw := gatewayIn(t, "bridge-tohost")
	r := execIn(t, "bridge-tohost", "/bin/sh", "-c", fmt.Sprintf("nc -w 3 %s %d </dev/null", gw, port))
	if !strings.Contains(r.stdout, "host-side") {
		t.Errorf("the container could not reach the host's service at %s:%d: %q %q", gw, port, r.stdout, r.stderr)
	}
	c.end(t)
	wantNetGone(t, c.id)
}

// The host's services that listen on 127.0.0.1 alone stay out of reach:
// by 127.0.0.1 (the container's own lo), by the gateway's address, and by
// a packet crafted on the container's eth0 for the host's 127.0.0.1,
// which route_localnet (on the bridge, for published ports) would let in
// but for the table's guard rule (Kubernetes' CVE-2020-8558). The same
// crafted packet sent to the gateway's address is answered: the probe
// works.
func TestBridgeHostLoopbackOutOfReach(t *testing.T) {
	clean(t)
	svc := listenHostOnly(t)
	open, err := net.Listen("tcp4", "0.0.0.0:0")
	if err != nil {
		t.Fatal(err)
	}
	defer open.Close()
	c := startBridged(t, "bridge-lo", nil, "sleep 1000")
	id, addr := c.id, c.addr
	gw := gatewayIn(t, "bridge-lo")
	for _, host := range []string{"127.0.0.1", gw.String()} {
		r := execIn(t, "bridge-lo", "/bin/sh", "-c", fmt.Sprintf("nc -w 2 %s %s </dev/null && echo CONNECTED", host, svc.port()))
		if strings.Contains(r.stdout, "host-secret") || strings.Contains(r.stdout, "CONNECTED") {
			t.Errorf("the container reached the host's 127.0.0.1:%s through %s: %q", svc.port(), host, r.stdout)
		}
	}
	svcPort, _ := strconv.Atoi(svc.port())
	openPort := open.Addr().(*net.TCPAddr).Port
	pids := procsIn(leafDir(t, id, "pids"))
	if len(pids) == 0 {
		t.Fatalf("no process in container %s", id)
	}
	pid := pids[0] // any: all are in the container's network namespace
	if !synAnswered(t, pid, addr, gw, uint16(openPort)) {
		t.Fatalf("the probe's SYN to %s:%d got no SYN-ACK: the probe does not work", gw, openPort)
	}
	if synAnswered(t, pid, addr, netip.MustParseAddr("127.0.0.1"), uint16(svcPort)) {
		t.Errorf("a SYN crafted on the container's eth0 for the host's 127.0.0.1:%d was answered", svcPort)
	}
	if svc.count("tcp") != 0 {
		t.Errorf("the host's 127.0.0.1 service accepted %d connections from the container", svc.count("tcp"))
	}
	c.end(t)
	wantNetGone(t, c.id)
}

// synAnswered sends, from the network namespace of process pid, a TCP SYN
// from src to dst:port as a raw Ethernet frame to the bridge's MAC on
// eth0 (what a container's root may do with CAP_NET_RAW), and tells
// whether a SYN-ACK came back within a second.
func synAnswered(t *testing.T, pid int, src, dst netip.Addr, port uint16) bool {
	t.Helper()
	var ok bool
	mac := bridgeMAC(t)
	inNetNSOf(t, pid, func() (err error) {
		ok, err = sendSYN(src, dst, port, mac)
		return err
	})
	return ok
}

// bridgeMAC is the MAC of the host's bridge: where a container's raw
// frames for the host go.
func bridgeMAC(t *testing.T) net.HardwareAddr {
	t.Helper()
	data, err := os.ReadFile("/sys/class/net/" + runtime.BridgeName + "/address")
	if err != nil {
		t.Fatal(err)
	}
	mac, err := net.ParseMAC(strings.TrimSpace(string(data)))
	if err != nil {
		t.Fatal(err)
	}
	return mac
}

// inNetNSOf runs fn on a thread in the network namespace of process pid
// (a container's): what its root could do there. The thread is never
// given back: it ends with its goroutine.
func inNetNSOf(t *testing.T, pid int, fn func() error) {
	t.Helper()
	done := make(chan error, 1)
	go func() {
		goruntime.LockOSThread()
		ns, err := netns.GetFromPid(pid)
		if err == nil {
			err = netns.Set(ns)
			ns.Close()
		}
		if err == nil {
			err = fn()
		}
		done <- err
	}()
	if err := <-done; err != nil {
		t.Fatalf("in the network namespace of %d: %v", pid, err)
	}
}

func sendSYN(src, dst netip.Addr, port uint16, dstMAC net.HardwareAddr) (bool, error) {
	eth0, err := net.InterfaceByName("eth0")
	if err != nil {
		return false, err
	}
	proto := uint16(unix.ETH_P_IP&0xff)<<8 | uint16(unix.ETH_P_IP>>8) // network byte order
	fd, err := unix.Socket(unix.AF_PACKET, unix.SOCK_RAW|unix.SOCK_CLOEXEC, int(proto))
	if err != nil {
		return false, err
	}
	defer unix.Close(fd)
	ll := &unix.SockaddrLinklayer{Protocol: proto, Ifindex: eth0.Index, Halen: 6}
	copy(ll.Addr[:], dstMAC)
	if err := unix.Bind(fd, &unix.SockaddrLinklayer{Protocol: proto, Ifindex: eth0.Index}); err != nil {
		return false, err
	}
	const srcPort = 40123
	frame := synFrame(eth0.HardwareAddr, dstMAC, src, dst, srcPort, port)
	if err := unix.Sendto(fd, frame, 0, ll); err != nil {
		return false, err
	}
	tv := unix.NsecToTimeval((200 * time.Millisecond).Nanoseconds())
	unix.SetsockoptTimeval(fd, unix.SOL_SOCKET, unix.SO_RCVTIMEO, &tv)
	buf := make([]byte, 2048)
	for deadline := time.Now().Add(time.Second); time.Now().Before(deadline); {
		n, _, err := unix.Recvfrom(fd, buf, 0)
		if err != nil || n < 14+20+20 {
			continue
		}
		ip := buf[14:n]
		ihl := int(ip[0]&0x0f) * 4
		if ip[9] != unix.IPPROTO_TCP || len(ip) < ihl+20 || netip.AddrFrom4([4]byte(ip[12:16])) != dst {
			continue
		}
		tcp := ip[ihl:]
		if binary.BigEndian.Uint16(tcp[0:2]) == port && binary.BigEndian.Uint16(tcp[2:4]) == srcPort && tcp[13]&0x12 == 0x12 {
			return true, nil
		}
	}
	return false, nil
}

// synFrame is an Ethernet frame holding an IPv4 TCP SYN.
func synFrame(srcMAC, dstMAC net.HardwareAddr, src, dst netip.Addr, sport, dport uint16) []byte {
	s, d := src.As4(), dst.As4()
	tcp := make([]byte, 20)
	binary.BigEndian.PutUint16(tcp[0:], sport)
	binary.BigEndian.PutUint16(tcp[2:], dport)
	binary.BigEndian.PutUint32(tcp[4:], 1000) // sequence number
	tcp[12] = 5 << 4                          // data offset: 5 words
	tcp[13] = 0x02                            // SYN
	binary.BigEndian.PutUint16(tcp[14:], 64240)
	pseudo := append(append(append([]byte{}, s[:]...), d[:]...), 0, unix.IPPROTO_TCP, 0, 20)
	binary.BigEndian.PutUint16(tcp[16:], checksum(append(pseudo, tcp...)))
	ip := make([]byte, 20)
	ip[0] = 0x45
	binary.BigEndian.PutUint16(ip[2:], 40)
	ip[8] = 64 // TTL
	ip[9] = unix.IPPROTO_TCP
	copy(ip[12:], s[:])
	copy(ip[16:], d[:])
	binary.BigEndian.PutUint16(ip[10:], checksum(ip))
	eth := append(append(append([]byte{}, dstMAC...), srcMAC...), 0x08, 0x00)
	return append(append(eth, ip...), tcp...)
}

func checksum(b []byte) uint16 {
	var sum uint32
	for i := 0; i+1 < len(b); i += 2 {
		sum += uint32(binary.BigEndian.Uint16(b[i:]))
	}
	if len(b)%2 == 1 {
		sum += uint32(b[len(b)-1]) << 8
	}
	for sum > 0xffff {
		sum = sum>>16 + sum&0xffff
	}
	return ^uint16(sum)
}

// outside is a network namespace playing the world beyond the host: a
// veth pair from the host to it (198.51.100.1 on the host's side,
// 198.51.100.2 on its own), and a TCP service that tells each client
// the address it came from. Nothing routes there but the host.
type outside struct {
	hostIf   string
	addr     netip.Addr
	port     int
	mu       sync.Mutex
	accepted []string // the clients' addresses
}

func makeOutside(t *testing.T) *outside {
	t.Helper()
	o := &outside{hostIf: fmt.Sprintf("v50out%d", os.Getpid()%1000000), addr: netip.MustParseAddr("198.51.100.2")}
	type made struct {
		ns  netns.NsHandle
		ln  net.Listener
		err error
	}
	ch := make(chan made, 1)
	go func() {
		// Never unlocked: the thread that moved into the new namespace
		// ends with this goroutine; the namespace stays, held by the
		// listener and the handle.
		goruntime.LockOSThread()
		ns, err := netns.New()
		if err != nil {
			ch <- made{err: err}
			return
		}
		lo, err := netlink.LinkByName("lo")
		if err == nil {
			err = netlink.LinkSetUp(lo)
		}
		var ln net.Listener
		if err == nil {
			ln, err = net.Listen("tcp4", "0.0.0.0:0")
		}
		ch <- made{ns, ln, err}
	}()
	m := <-ch
	if m.err != nil {
		t.Fatalf("the outside's network namespace: %v", m.err)
	}
	t.Cleanup(func() { m.ln.Close(); m.ns.Close() })
	o.port = m.ln.Addr().(*net.TCPAddr).Port
	la := netlink.NewLinkAttrs()
	la.Name = o.hostIf
	if err := netlink.LinkAdd(&netlink.Veth{LinkAttrs: la, PeerName: "world0", PeerNamespace: netlink.NsFd(m.ns)}); err != nil {
		t.Fatalf("ip link add %s type veth: %v", o.hostIf, err)
	}
	t.Cleanup(func() {
		if l, err := netlink.LinkByName(o.hostIf); err == nil {
			netlink.LinkDel(l)
		}
	})
	host, err := netlink.LinkByName(o.hostIf)
	if err != nil {
		t.Fatal(err)
	}
	if err := netlink.AddrAdd(host, mustAddr("198.51.100.1/24")); err != nil {
		t.Fatal(err)
	}
	if err := netlink.LinkSetUp(host); err != nil {
		t.Fatal(err)
	}
	h, err := netlink.NewHandleAt(m.ns, unix.NETLINK_ROUTE)
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	world, err := h.LinkByName("world0")
	if err == nil {
		err = h.AddrAdd(world, mustAddr("198.51.100.2/24"))
	}
	if err == nil {
		err = h.LinkSetUp(world)
	}
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		for {
			conn, err := m.ln.Accept()
			if err != nil {
				return
			}
			from := conn.RemoteAddr().(*net.TCPAddr).IP.String()
			o.mu.Lock()
			o.accepted = append(o.accepted, from)
			o.mu.Unlock()
			fmt.Fprintf(conn, "outside saw %s\n", from)
			conn.Close()
		}
	}()
	return o
}

func mustAddr(s string) *netlink.Addr {
	a, err := netlink.ParseAddr(s)
	if err != nil {
		panic(err)
	}
	return a
}

// A container's connection to "the outside" (a network namespace behind
// the host, the only route to it through the host) leaves with the
// host's address: the outside sees 198.51.100.1, never the container's
// own address, and answers. Forwarding is switched on for the way back
// (the outside's interface) and off again with the bridge.
func TestBridgeMasqueradesToOutside(t *testing.T) {
	clean(t)
	o := makeOutside(t)
	c := startBridged(t, "bridge-out", nil, "sleep 1000")
	addr := c.addr
	r := execIn(t, "bridge-out", "/bin/sh", "-c", fmt.Sprintf("nc -w 3 %s %d </dev/null", o.addr, o.port))
	if !strings.Contains(r.stdout, "outside saw 198.51.100.1") {
		t.Errorf("the container's connection to the outside %s:%d: %q %q (outside accepted from %v; the container is %s)",
			o.addr, o.port, r.stdout, r.stderr, o.accepted, addr)
	}
	o.mu.Lock()
	if slices.Contains(o.accepted, addr.String()) {
		t.Errorf("the outside saw the container's own address %s: not masqueraded", addr)
	}
	o.mu.Unlock()
	fwd := func() string {
		data, _ := os.ReadFile("/proc/sys/net/ipv4/conf/" + o.hostIf + "/forwarding")
		return strings.TrimSpace(string(data))
	}
	if fwd() != "1" {
		t.Errorf("forwarding on %s (the way back from the outside) is %q while a container is on the bridge", o.hostIf, fwd())
	}
	c.end(t)
	wantNetGone(t, c.id)
	global, _ := os.ReadFile("/proc/sys/net/ipv4/ip_forward")
	if !othersRunning() && strings.TrimSpace(string(global)) == "0" && fwd() != "0" {
		t.Errorf("forwarding on %s is still %q after the last container left", o.hostIf, fwd())
	}
}

// The container's /etc/resolv.conf names the host's name servers that
// it can reach (not a 127.0.0.x stub), and is the container's own: the
// rootfs gets no file, with the overlay or without it; a rootfs file is
// bound over, never written.
func TestBridgeResolvConf(t *testing.T) {
	clean(t)
	want := hostNameServers(t)
	r := run(t, "--network", "bridge", "/bin/cat", "/etc/resolv.conf")
	wantCode(t, r, 0)
	if got := nameServers(r.stdout); !slices.Equal(got, want) {
		t.Errorf("the container's name servers %q, want the host's reachable ones %q\n%s", got, want, r.stdout)
	}
	if len(want) == 0 && !strings.Contains(r.stdout, "names will not resolve") {
		t.Errorf("no reachable name server, and the file does not say so:\n%s", r.stdout)
	}
	if _, err := os.Lstat(filepath.Join(rootfsOK, "etc/resolv.conf")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the rootfs got an /etc/resolv.conf: %v", err)
	}
	r = run(t, "--network", "none", "/bin/sh", "-c", "cat /etc/resolv.conf || echo NONE")
	if !strings.Contains(r.stdout, "NONE") {
		t.Errorf("--network none got a resolv.conf: %q", r.stdout)
	}

	root := filepath.Join(t.TempDir(), "rootfs")
	copyRootfs(t, root)
	// --userns: the container's root may not make a file in the rootfs's
	// /etc, so only a rootfs that has one gets it (this one has none).
	r = run(t, "--network", "bridge", "--userns", "--verbose", "/bin/sh", "-c", "cat /etc/resolv.conf || echo NONE")
	if !strings.Contains(r.stdout, "NONE") || !strings.Contains(r.stderr, "no /etc/resolv.conf for the container") {
		t.Errorf("--userns on a rootfs without /etc/resolv.conf: %q\n%s", r.stdout, r.stderr)
	}

	r = vme50(t, "run", "--rootfs", root, "--overlay=false", "--network", "bridge", "/bin/sh", "-c", "cat /etc/resolv.conf || echo NONE")
	if !strings.Contains(r.stdout, "NONE") {
		t.Errorf("--overlay=false on a rootfs without /etc/resolv.conf: %q", r.stdout)
	}
	if _, err := os.Lstat(filepath.Join(root, "etc/resolv.conf")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("--overlay=false: vme50 made /etc/resolv.conf in the rootfs: %v", err)
	}
	const own = "nameserver 192.0.2.99\n"
	if err := os.WriteFile(filepath.Join(root, "etc/resolv.conf"), []byte(own), 0o644); err != nil {
		t.Fatal(err)
	}
	r = vme50(t, "run", "--rootfs", root, "--overlay=false", "--network", "bridge", "/bin/sh", "-c",
		"cat /etc/resolv.conf; echo 'nameserver 192.0.2.1' >> /etc/resolv.conf")
	wantCode(t, r, 0)
	if got := nameServers(r.stdout); !slices.Equal(got, want) {
		t.Errorf("--overlay=false over the rootfs's file: name servers %q, want %q", got, want)
	}
	if data, _ := os.ReadFile(filepath.Join(root, "etc/resolv.conf")); string(data) != own {
		t.Errorf("the rootfs's /etc/resolv.conf changed: %q", data)
	}
}

// hostNameServers are the host's IPv4 name servers not on loopback, or,
// when those are all on loopback, systemd-resolved's upstream servers.
func hostNameServers(t *testing.T) []string {
	t.Helper()
	data, _ := os.ReadFile("/etc/resolv.conf")
	servers, loop := []string{}, false
	for _, s := range nameServerLines(string(data)) {
		a, err := netip.ParseAddr(s)
		switch {
		case err != nil:
		case a.IsLoopback() || !a.Is4():
			loop = true
		default:
			servers = append(servers, s)
		}
	}
	if len(servers) == 0 && loop {
		data, _ := os.ReadFile("/run/systemd/resolve/resolv.conf")
		for _, s := range nameServerLines(string(data)) {
			if a, err := netip.ParseAddr(s); err == nil && a.Is4() && !a.IsLoopback() {
				servers = append(servers, s)
			}
		}
	}
	return servers
}

func nameServerLines(conf string) []string {
	var out []string
	sc := bufio.NewScanner(strings.NewReader(conf))
	for sc.Scan() {
		if f := strings.Fields(sc.Text()); len(f) >= 2 && f[0] == "nameserver" {
			out = append(out, f[1])
		}
	}
	return out
}

func nameServers(conf string) []string {
	s := nameServerLines(conf)
	if s == nil {
		s = []string{}
	}
	return s
}

// --verbose shows the network's steps in the words of ip and nft: the
// veth pair, eth0's address and route, the published port's rule, and
// their removal.
func TestBridgeKernelLog(t *testing.T) {
	clean(t)
	port := freePort(t)
	r := run(t, "--verbose", "--network", "bridge", "-p", fmt.Sprintf("%d:80", port), "/bin/true")
	wantCode(t, r, 0)
	for _, re := range []string{
		`ip link add vme50[0-9a-f]{10} type veth peer name eth0 .*netns \d+`,
		`ip link set vme50[0-9a-f]{10} master vme50br0 up`,
		`nsenter --net=/proc/\d+/ns/net ip addr add \d+\.\d+\.\d+\.\d+/\d+ dev eth0`,
		`nsenter --net=/proc/\d+/ns/net ip route add default via \d+\.\d+\.\d+\.\d+ dev eth0`,
		fmt.Sprintf(`nft add rule ip vme50 published tcp dport %d counter dnat to \d+\.\d+\.\d+\.\d+:80 comment "container [0-9a-f]{12}"`, port),
		`nft delete rule ip vme50 published handle \d+ \(container [0-9a-f]{12}\)`,
		`mount --bind \S+/layer/resolv.conf \S+/merged/etc/resolv.conf`,
	} {
		if !regexp.MustCompile(re).MatchString(r.stderr) {
			t.Errorf("the kernel log has no line like %q:\n%s", re, r.stderr)
		}
	}
	// The bridge and the table are made by the first container on the
	// bridge: this one, unless someone else's runs.
	if strings.Contains(r.stderr, "ip link add vme50br0") {
		for _, want := range []string{"ip addr add", "dev vme50br0", "nft add table ip vme50", "masquerade",
			"nft delete table ip vme50", "ip link del vme50br0"} {
			if !strings.Contains(r.stderr, want) {
				t.Errorf("the kernel log made the bridge but has no %q:\n%s", want, r.stderr)
			}
		}
	} else if !othersRunning() {
		t.Errorf("no other container, yet the kernel log does not make the bridge:\n%s", r.stderr)
	}
}

// Whatever ends a container, nothing of it is left on the bridge network;
// when its owner is killed with -9 (no cleanup at all), its veth goes with
// its network namespace and the next start sweeps its published
// port's rule and, with no container left, the bridge, the table and the
// lock file.
func TestBridgeSweptAfterOwnerKilled(t *testing.T) {
	clean(t)
	port := freePort(t)
	cmd, id := startContainer(t, "--network", "bridge", "-p", fmt.Sprintf("%d:80", port), "/bin/sleep", "1000")
	for deadline := time.Now().Add(5 * time.Second); !slices.Contains(takeNetState(t).rules, "container "+id); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("no published rule for container %s: %+v", id, takeNetState(t))
		}
	}
	signal(t, cmd, syscall.SIGKILL)
	cmd.Wait()
	// Nothing cleaned up: the rule outlives its owner.
	if s := takeNetState(t); !slices.Contains(s.rules, "container "+id) {
		t.Fatalf("the rule of container %s went with its owner's kill -9, before any sweep: %+v", id, s)
	}
	// The next start sweeps, whatever its network.
	wantCode(t, run(t, "--network", "none", "/bin/true"), 0)
	wantNetGone(t, id)
	if _, err := os.Stat(filepath.Join(runtime.StateDir, id)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the state directory of container %s is still there: %v", id, err)
	}
	// The next start on the bridge works as ever.
	r := run(t, "--network", "bridge", "-p", fmt.Sprintf("%d:80", port), "/bin/true")
	wantCode(t, r, 0)
	wantNetGone(t)
}

// Containers started at once, by separate processes (two TUIs, many
// runs), share the one bridge: each gets an address of its own, and the
// last one out removes it.
func TestBridgeConcurrentStarts(t *testing.T) {
	clean(t)
	const n = 6
	results := make(chan result, n)
	for i := range n {
		go func() {
			cmd := vme50Cmd(t, "run", "--rootfs", rootfsOK, "--network", "bridge", "--hostname", fmt.Sprintf("bridge-many-%d", i),
				"/bin/sh", "-c", "ip -4 -o addr show dev eth0; sleep 1")
			results <- finish(t, cmd, cmd.Run())
		}()
	}
	seen := map[string]bool{}
	for range n {
		r := <-results
		if r.code != 0 {
			t.Errorf("a concurrent start: status %d\nstdout: %s\nstderr: %s", r.code, r.stdout, r.stderr)
			continue
		}
		m := inetRE.FindStringSubmatch(r.stdout)
		if m == nil {
			t.Errorf("a concurrent start has no address: %q", r.stdout)
			continue
		}
		if seen[m[1]] {
			t.Errorf("two containers running at once both had %s", m[1])
		}
		seen[m[1]] = true
	}
	wantNetGone(t)
}
