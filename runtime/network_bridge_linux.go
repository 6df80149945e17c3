package runtime

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	goruntime "runtime"
	"slices"
	"strings"

	"github.com/google/nftables"
	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"
	"golang.org/x/sys/unix"
)

// The parent's side of --network bridge: the bridge, a veth pair per
// container, its address and route, its published ports (the packet
// rules are in network_nft_linux.go), and their removal. Every step is
// asked of the kernel over netlink (github.com/vishvananda/netlink, what
// `ip` speaks) and logged in the words of `ip`, `sysctl` and `nft`.
//
// The bridge is the host's and shared: every vme50-tui process on the
// host attaches its containers to the one vme50br0. So every change to it
// happens under one lock (networkLock, a flock), the addresses in use are
// read from the containers' state directories under that lock, and the
// last container to leave removes the bridge, the table and the lock file.

// networkLockPath is the lock every change to the bridge network is made
// under, beside the state directories.
func networkLockPath() string { return filepath.Join(filepath.Dir(StateDir), "network.lock") }

type networkLock struct {
	f    *os.File
	path string
}

// lockNetwork takes the lock, waiting for another vme50-tui that holds it.
// The last one out removes the file while holding it, so a lock taken on
// a file since removed is no lock: then it tries again with the new file.
func lockNetwork() (*networkLock, error) {
	path := networkLockPath()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, err
	}
	for {
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
		if err != nil {
			return nil, err
		}
		if err := unix.Flock(int(f.Fd()), unix.LOCK_EX); err != nil {
			f.Close()
			return nil, fmt.Errorf("flock %s: %w", path, err)
		}
		var held, named unix.Stat_t
		if unix.Fstat(int(f.Fd()), &held) == nil && unix.Stat(path, &named) == nil &&
			held.Dev == named.Dev && held.Ino == named.Ino {
			return &networkLock{f: f, path: path}, nil
		}
		f.Close()
	}
}

// unlock lets go of the lock; remove first removes the file (the last
// container has left).
func (l *networkLock) unlock(remove bool) {
	if remove {
		os.Remove(l.path)
	}
	l.f.Close()
}

// connectNetwork puts a container whose init has just been cloned (and
// waits for its config) on the bridge: before its command runs, its eth0
// has an address and a default route, and its ports are published.
func (c *Container) connectNetwork(cfg *initConfig) error {
	if c.spec.Network != NetworkBridge {
		return nil
	}
	logf := func(format string, args ...any) { c.logf(FromParent, format, args...) }
	lock, err := lockNetwork()
	if err != nil {
		return runtimeError(fmt.Errorf("--network bridge: %w", err))
	}
	defer lock.unlock(false)
	// From here on disconnectNetwork undoes what was made, if this fails.
	c.bridge = &bridgeLink{}
	// A dead owner's published port would win over ours: its rules go first.
	if err := unpublish(func(id string) bool { return !attachedAlive(id) }, logf); err != nil {
		return runtimeError(err)
	}
	br, subnet, err := ensureBridge(logf)
	if err != nil {
		return runtimeError(err)
	}
	if err := c.attach(br, subnet, logf); err != nil {
		return runtimeError(err)
	}
	c.watchTables()
	conf, note := containerResolvConf()
	cfg.ResolvConf = conf
	if note != "" {
		logf("# /etc/resolv.conf of the container: %s", note)
	}
	return nil
}

// attach gives the container an address and its veth pair, and publishes
// its ports, under the lock.
func (c *Container) attach(br netlink.Link, subnet netip.Prefix, logf func(string, ...any)) error {
	used, err := addressesInUse()
	if err != nil {
		return err
	}
	addr, err := freeAddr(subnet, used)
	if err != nil {
		return err
	}
	gw := gatewayOf(subnet)
	b := c.bridge
	b.att = attachment{Bridge: BridgeName, Veth: VethName(c.id), Address: netip.PrefixFrom(addr, subnet.Bits()).String(),
		Gateway: gw.String(), Ports: c.spec.Ports}
	// Written first: the next container's address avoids it, and a sweep
	// finds what to remove if we die now.
	if err := writeAttachment(c.dir, b.att); err != nil {
		return err
	}
	for _, p := range c.spec.Ports {
		held, err := reservePort(p)
		b.reserved = append(b.reserved, held...)
		if err != nil {
			return err
		}
	}
	pid := c.init.Pid
	la := netlink.NewLinkAttrs()
	la.Name = b.att.Veth
	veth := &netlink.Veth{LinkAttrs: la, PeerName: "eth0", PeerHardwareAddr: macFor(addr), PeerNamespace: netlink.NsPid(pid), PeerTxQLen: -1}
	if err := netlink.LinkAdd(veth); err != nil {
		return fmt.Errorf("ip link add %s type veth peer name eth0 netns %d: %w", la.Name, pid, err)
	}
	logf("ip link add %s type veth peer name eth0 address %s netns %d (the container's network namespace)",
		la.Name, net.HardwareAddr(macFor(addr)), pid)
	host, err := netlink.LinkByName(la.Name)
	if err != nil {
		return err
	}
	if err := netlink.LinkSetMaster(host, br); err != nil {
		return fmt.Errorf("ip link set %s master %s: %w", la.Name, BridgeName, err)
	}
	if err := pinPort(host, br, addr, logf); err != nil {
		return err
	}
	// The host's end carries no IPv6 either: a router advertisement
	// must find no stack to configure.
	if err := noIPv6(la.Name, "", logf); err != nil {
		return err
	}
	if err := holdPort(la.Name, addr, logf); err != nil {
		return err
	}
	if err := netlink.LinkSetUp(host); err != nil {
		return fmt.Errorf("ip link set %s up: %w", la.Name, err)
	}
	logf("ip link set %s master %s up", la.Name, BridgeName)
	if err := configureEth0(pid, addr, subnet, gw, logf); err != nil {
		return err
	}
	if err := publish(c.id, addr, c.spec.Ports, logf); err != nil {
		return err
	}
	for _, h := range b.reserved {
		pp, err := servePort(h.f, addr.AsSlice(), h.p, logf)
		if err != nil {
			return err
		}
		b.stopProxies = append(b.stopProxies, pp.stop)
	}
	return nil
}

// pinPort ties the container's address and MAC to its own bridge port, so
// that no other container can take them: an attack review had one
// container answer ARP for another's address and receive its published
// port's connections, and tell the other container that it was the
// gateway. The host's neighbour entry for the address is permanent (an
// ARP reply changes it no more), and the bridge learns no MAC from the
// port: the container's MAC reaches it alone, by a static entry.
func pinPort(port, br netlink.Link, addr netip.Addr, logf func(string, ...any)) error {
	mac := net.HardwareAddr(macFor(addr))
	name := port.Attrs().Name
	if err := netlink.LinkSetLearning(port, false); err != nil {
		return fmt.Errorf("bridge link set dev %s learning off: %w", name, err)
	}
	fdb := &netlink.Neigh{LinkIndex: port.Attrs().Index, Family: unix.AF_BRIDGE, Flags: netlink.NTF_MASTER,
		State: netlink.NUD_NOARP, HardwareAddr: mac}
	if err := netlink.NeighSet(fdb); err != nil {
		return fmt.Errorf("bridge fdb replace %s dev %s master static: %w", mac, name, err)
	}
	logf("bridge link set dev %s learning off; bridge fdb replace %s dev %s master static", name, mac, name)
	// The MAC follows from the address (macFor): an entry left by a
	// container gone is right for the next one given its address.
	neigh := &netlink.Neigh{LinkIndex: br.Attrs().Index, Family: unix.AF_INET, State: netlink.NUD_PERMANENT,
		IP: addr.AsSlice(), HardwareAddr: mac}
	if err := netlink.NeighSet(neigh); err != nil {
		return fmt.Errorf("ip neigh replace %s lladdr %s dev %s nud permanent: %w", addr, mac, BridgeName, err)
	}
	logf("ip neigh replace %s lladdr %s dev %s nud permanent", addr, mac, BridgeName)
	return nil
}

// inNetNS runs fn on a thread of its own in the network namespace ns: a
// thread's /proc/sys/net is its namespace's. The thread goes back to ours
// after, or, if it cannot, ends with its goroutine.
func inNetNS(ns netns.NsHandle, fn func() error) error {
	errc := make(chan error, 1)
	go func() {
		goruntime.LockOSThread()
		ours, err := netns.Get()
		if err != nil {
			errc <- err
			return
		}
		defer ours.Close()
		if err := netns.Set(ns); err != nil {
			errc <- err
			return
		}
		err = fn()
		if netns.Set(ours) == nil {
			goruntime.UnlockOSThread()
		}
		errc <- err
	}()
	return <-errc
}

// noIPv6 switches IPv6 off where it would route the containers: we offer
// none, and a router advertisement sent by a container made the host
// (through the bridge) and the other containers route their IPv6 through
// it (an attack review's finding). dev is "vme50br0" on the host, or
// all, default and eth0 in a container. A kernel without IPv6 has no such
// file: nothing to do.
func noIPv6(dev, in string, logf func(string, ...any)) error {
	file := "/proc/sys/net/ipv6/conf/" + dev + "/disable_ipv6"
	if _, err := os.Stat(file); err != nil {
		return nil
	}
	if err := os.WriteFile(file, []byte("1"), 0o644); err != nil {
		return fmt.Errorf("%ssysctl -w net.ipv6.conf.%s.disable_ipv6=1: %w", in, dev, err)
	}
	logf("%ssysctl -w net.ipv6.conf.%s.disable_ipv6=1 (no IPv6 here: a container's router advertisement would route it)", in, dev)
	return nil
}

// configureEth0 gives the container's eth0 its address and the default
// route through the host, from a netlink socket made in the container's
// network namespace (the kernel keeps a socket in the namespace it was
// made in).
func configureEth0(pid int, addr netip.Addr, subnet netip.Prefix, gw netip.Addr, logf func(string, ...any)) error {
	ns, err := netns.GetFromPid(pid)
	if err != nil {
		return fmt.Errorf("open /proc/%d/ns/net: %w", pid, err)
	}
	defer ns.Close()
	h, err := netlink.NewHandleAt(ns, unix.NETLINK_ROUTE)
	if err != nil {
		return fmt.Errorf("netlink in /proc/%d/ns/net: %w", pid, err)
	}
	defer h.Close()
	in := fmt.Sprintf("nsenter --net=/proc/%d/ns/net", pid)
	eth0, err := h.LinkByName("eth0")
	if err != nil {
		return fmt.Errorf("%s ip link show eth0: %w", in, err)
	}
	ipnet := &net.IPNet{IP: addr.AsSlice(), Mask: net.CIDRMask(subnet.Bits(), 32)}
	if err := h.AddrAdd(eth0, &netlink.Addr{IPNet: ipnet}); err != nil {
		return fmt.Errorf("%s ip addr add %s dev eth0: %w", in, ipnet, err)
	}
	logf("%s ip addr add %s dev eth0", in, ipnet)
	if err := h.LinkSetUp(eth0); err != nil {
		return fmt.Errorf("%s ip link set eth0 up: %w", in, err)
	}
	logf("%s ip link set eth0 up", in)
	if err := h.RouteAdd(&netlink.Route{LinkIndex: eth0.Attrs().Index, Gw: gw.AsSlice()}); err != nil {
		return fmt.Errorf("%s ip route add default via %s: %w", in, gw, err)
	}
	logf("%s ip route add default via %s dev eth0", in, gw)
	// The gateway's MAC, pinned: no other container's ARP reply moves it.
	gwMAC := net.HardwareAddr(macFor(gw))
	if err := h.NeighSet(&netlink.Neigh{LinkIndex: eth0.Attrs().Index, Family: unix.AF_INET, State: netlink.NUD_PERMANENT,
		IP: gw.AsSlice(), HardwareAddr: gwMAC}); err != nil {
		return fmt.Errorf("%s ip neigh replace %s lladdr %s dev eth0 nud permanent: %w", in, gw, gwMAC, err)
	}
	logf("%s ip neigh replace %s lladdr %s dev eth0 nud permanent", in, gw, gwMAC)
	return inNetNS(ns, func() error {
		for _, dev := range []string{"all", "default", "eth0"} {
			if err := noIPv6(dev, in+" ", logf); err != nil {
				return err
			}
		}
		return nil
	})
}

// reservePort takes the host's port p.Host on every address: a TCP socket
// listening on 0.0.0.0:PORT, and one on [::]:PORT (IPv6 only) where the
// host has IPv6, since a client may try localhost's ::1 first and a local
// user could otherwise listen there in the container's place (an attack
// review's finding). The port is then ours, and one in use already is an
// error, not a DNAT that silently steals a host service's connections.
// SO_REUSEADDR, as every server sets it, lets the port be taken again while
// the connections of the last container to hold it end (TIME-WAIT); a
// socket listening on it still refuses us.
func reservePort(p PortMapping) ([]heldPort, error) {
	var held []heldPort
	for _, family := range []int{unix.AF_INET, unix.AF_INET6} {
		f, err := listenPort(family, p)
		if family == unix.AF_INET6 && errors.Is(err, unix.EAFNOSUPPORT) {
			break // no IPv6 on this host: nothing can listen there
		}
		if err != nil {
			return held, err
		}
		held = append(held, heldPort{f: f, p: p})
	}
	return held, nil
}

// listenPort listens on port p.Host of family's every address.
func listenPort(family int, p PortMapping) (*os.File, error) {
	fd, err := unix.Socket(family, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, err
	}
	var sa unix.Sockaddr = &unix.SockaddrInet4{Port: int(p.Host)}
	name := fmt.Sprintf("tcp:0.0.0.0:%d", p.Host)
	if family == unix.AF_INET6 {
		sa, name = &unix.SockaddrInet6{Port: int(p.Host)}, fmt.Sprintf("tcp:[::]:%d", p.Host)
		err = unix.SetsockoptInt(fd, unix.IPPROTO_IPV6, unix.IPV6_V6ONLY, 1)
	}
	if err == nil {
		err = unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_REUSEADDR, 1)
	}
	if err == nil {
		err = unix.Bind(fd, sa)
	}
	if err == nil {
		err = unix.Listen(fd, 128)
	}
	if err != nil {
		unix.Close(fd)
		if errors.Is(err, unix.EADDRINUSE) {
			return nil, fmt.Errorf("-p %s: port %d is in use on the host (by a service of the host's, or another container's -p)", p, p.Host)
		}
		return nil, fmt.Errorf("-p %s: %s: %w", p, name, err)
	}
	return os.NewFile(uintptr(fd), name), nil
}

// ensureBridge finds the bridge, or makes it with its address, its
// sysctls and the table; either way it makes sure forwarding is on where
// the containers' traffic needs it.
func ensureBridge(logf func(string, ...any)) (netlink.Link, netip.Prefix, error) {
	br, err := netlink.LinkByName(BridgeName)
	if err == nil {
		subnet, err := bridgeSubnet(br)
		if err != nil {
			return nil, netip.Prefix{}, err
		}
		if want := os.Getenv(SubnetEnv); want != "" {
			if p, err := netip.ParsePrefix(want); err != nil || p.Masked() != subnet {
				return nil, netip.Prefix{}, fmt.Errorf("%s=%s, but %s (made by another vme50-tui, shared by all) is on %s: "+
					"unset it, or wait until the other containers have ended", SubnetEnv, want, BridgeName, subnet)
			}
		}
		// A bridge made by an older vme50-tui had route_localnet on.
		if v, err := getConf(BridgeName, "route_localnet"); err == nil && v != "0" {
			if err := setConf(BridgeName, "route_localnet", "0", "the host's loopback stays out of the containers' reach", logf); err != nil {
				return nil, netip.Prefix{}, err
			}
		}
		// The tables too: something may have flushed the ruleset since
		// (network_watch_linux.go).
		if err := repairLocked(subnet, logf); err != nil {
			return nil, netip.Prefix{}, err
		}
		return br, subnet, forwardUplinks(br, logf)
	}
	if !errors.As(err, &netlink.LinkNotFoundError{}) {
		return nil, netip.Prefix{}, fmt.Errorf("ip link show %s: %w", BridgeName, err)
	}
	routes, err := hostRoutes()
	if err != nil {
		return nil, netip.Prefix{}, err
	}
	subnet, err := pickSubnet(os.Getenv(SubnetEnv), routes)
	if err != nil {
		return nil, netip.Prefix{}, err
	}
	// A table left without its bridge holds rules for another subnet.
	if err := deleteTable(logf); err != nil {
		return nil, netip.Prefix{}, err
	}
	gw := gatewayOf(subnet)
	la := netlink.NewLinkAttrs()
	la.Name = BridgeName
	// A MAC of its own: a bridge without one takes the lowest of its
	// ports', which changes as containers come and go.
	la.HardwareAddr = macFor(gw)
	if err := netlink.LinkAdd(&netlink.Bridge{LinkAttrs: la}); err != nil {
		return nil, netip.Prefix{}, fmt.Errorf("ip link add %s type bridge: %w", BridgeName, err)
	}
	logf("ip link add %s address %s type bridge", BridgeName, la.HardwareAddr)
	if br, err = netlink.LinkByName(BridgeName); err != nil {
		return nil, netip.Prefix{}, err
	}
	gwNet := &net.IPNet{IP: gw.AsSlice(), Mask: net.CIDRMask(subnet.Bits(), 32)}
	if err := netlink.AddrAdd(br, &netlink.Addr{IPNet: gwNet}); err != nil {
		return nil, netip.Prefix{}, fmt.Errorf("ip addr add %s dev %s: %w", gwNet, BridgeName, err)
	}
	logf("ip addr add %s dev %s (the host, the containers' gateway)", gwNet, BridgeName)
	if err := noIPv6(BridgeName, "", logf); err != nil {
		return nil, netip.Prefix{}, err
	}
	// Forwarding for the bridge alone. (route_localnet stays off: the
	// host's 127.0.0.1:PORT is served by a proxy, network_proxy_linux.go.)
	if err := setConf(BridgeName, "forwarding", "1", "the containers' packets may be routed on", logf); err != nil {
		return nil, netip.Prefix{}, err
	}
	if err := netlink.LinkSetUp(br); err != nil {
		return nil, netip.Prefix{}, fmt.Errorf("ip link set %s up: %w", BridgeName, err)
	}
	logf("ip link set %s up", BridgeName)
	if err := makeTable(subnet, logf); err != nil {
		return nil, netip.Prefix{}, err
	}
	for _, ch := range foreignForwardDrops() {
		logf("# %s drops forwarded packets by policy: the containers' too, unless it accepts them (vme50 changes no table but its own)", ch)
	}
	return br, subnet, forwardUplinks(br, logf)
}

// bridgeSubnet reads the subnet from the bridge's address.
func bridgeSubnet(br netlink.Link) (netip.Prefix, error) {
	addrs, err := retryDump(func() ([]netlink.Addr, error) { return netlink.AddrList(br, netlink.FAMILY_V4) })
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("ip addr show %s: %w", BridgeName, err)
	}
	for _, a := range addrs {
		if ip, ok := netip.AddrFromSlice(a.IP.To4()); ok {
			bits, _ := a.Mask.Size()
			return netip.PrefixFrom(ip, bits).Masked(), nil
		}
	}
	return netip.Prefix{}, fmt.Errorf("%s has no IPv4 address: not vme50's? (ip link del %s removes it)", BridgeName, BridgeName)
}

// hostRoutes are the IPv4 destinations of every route of the host, in
// every table, that the bridge's subnet must not overlap.
func hostRoutes() ([]netip.Prefix, error) {
	routes, err := retryDump(func() ([]netlink.Route, error) {
		return netlink.RouteListFiltered(netlink.FAMILY_V4, &netlink.Route{Table: unix.RT_TABLE_UNSPEC}, netlink.RT_FILTER_TABLE)
	})
	if err != nil {
		return nil, fmt.Errorf("ip route show table all: %w", err)
	}
	var out []netip.Prefix
	for _, r := range routes {
		if r.Dst == nil {
			continue // a default route
		}
		if ip, ok := netip.AddrFromSlice(r.Dst.IP.To4()); ok {
			bits, _ := r.Dst.Mask.Size()
			out = append(out, netip.PrefixFrom(ip, bits).Masked())
		}
	}
	return out, nil
}

// forwardUplinks switches on forwarding where the containers' traffic
// comes back in. IPv4 decides whether to forward a packet by the
// interface it arrived on: the containers' go out through the bridge
// (switched on above), but the answers arrive on the host's other
// interfaces. Those whose forwarding is off are switched on and named in
// the table's uplinks set, whose rule lets them forward to the bridge
// only, and whose forwarding is switched off again with the bridge. (The
// global net.ipv4.ip_forward stays as it is.)
func forwardUplinks(br netlink.Link, logf func(string, ...any)) error {
	links, err := retryDump(netlink.LinkList)
	if err != nil {
		return fmt.Errorf("ip link show: %w", err)
	}
	for _, l := range links {
		a := l.Attrs()
		if a.Flags&net.FlagLoopback != 0 || a.Name == BridgeName || a.MasterIndex == br.Attrs().Index {
			continue
		}
		addrs, err := retryDump(func() ([]netlink.Addr, error) { return netlink.AddrList(l, netlink.FAMILY_V4) })
		if err != nil || len(addrs) == 0 {
			continue // no IPv4 address: nothing comes back to the containers here
		}
		if v, err := getConf(a.Name, "forwarding"); err != nil || v != "0" {
			continue
		}
		// Named in the file and the set first: killed between the two, we
		// leave an interface to switch off that is off, never one switched
		// on that no teardown knows of (an attack review's finding). The
		// file outlives a flushed ruleset, which takes the set with it.
		if err := recordUplink(a.Name); err != nil {
			return fmt.Errorf("%s: %w", uplinksPath(), err)
		}
		if err := addUplinks([]string{a.Name}, logf); err != nil {
			return err
		}
		if err := setConf(a.Name, "forwarding", "1", "answers to the containers arrive here", logf); err != nil {
			return err
		}
	}
	return nil
}

// confPath is a per-interface IPv4 sysctl's file.
func confPath(iface, key string) string {
	return filepath.Join("/proc/sys/net/ipv4/conf", iface, key)
}

// confName is how sysctl names it (slashes where the name holds a dot).
func confName(iface, key string) string {
	if strings.Contains(iface, ".") {
		return "net/ipv4/conf/" + iface + "/" + key
	}
	return "net.ipv4.conf." + iface + "." + key
}

func getConf(iface, key string) (string, error) {
	data, err := os.ReadFile(confPath(iface, key))
	return strings.TrimSpace(string(data)), err
}

func setConf(iface, key, value, why string, logf func(string, ...any)) error {
	if err := os.WriteFile(confPath(iface, key), []byte(value), 0o644); err != nil {
		return fmt.Errorf("sysctl -w %s=%s: %w", confName(iface, key), value, err)
	}
	logf("sysctl -w %s=%s (%s)", confName(iface, key), value, why)
	return nil
}

// retryDump retries a netlink dump the kernel interrupted because what it
// listed changed meanwhile (another container's veth came or went).
func retryDump[T any](dump func() ([]T, error)) ([]T, error) {
	for i := 0; ; i++ {
		out, err := dump()
		if !errors.Is(err, netlink.ErrDumpInterrupted) || i == 10 {
			return out, err
		}
	}
}

// attachments lists the state directories' attachments by container id.
func attachments() (map[string]attachment, error) {
	entries, err := os.ReadDir(StateDir)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	out := map[string]attachment{}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), tmpPrefix) {
			continue
		}
		if a, ok := readAttachment(filepath.Join(StateDir, e.Name())); ok {
			out[e.Name()] = a
		}
	}
	return out, nil
}

// addressesInUse are the addresses of every container on the bridge
// (a dead owner's too, until it is swept).
func addressesInUse() ([]netip.Addr, error) {
	atts, err := attachments()
	if err != nil {
		return nil, err
	}
	var used []netip.Addr
	for _, a := range atts {
		if p, err := netip.ParsePrefix(a.Address); err == nil {
			used = append(used, p.Addr())
		}
	}
	return used, nil
}

// attachedAlive tells whether container id is on the bridge and its owner
// runs.
func attachedAlive(id string) bool {
	dir := filepath.Join(StateDir, id)
	if _, ok := readAttachment(dir); !ok {
		return false
	}
	return ownerAlive(dir)
}

// liveAttached are the ids of the containers on the bridge whose owner
// runs, but except.
func liveAttached(except string) ([]string, error) {
	atts, err := attachments()
	if err != nil {
		return nil, err
	}
	var ids []string
	for id := range atts {
		if id != except && ownerAlive(filepath.Join(StateDir, id)) {
			ids = append(ids, id)
		}
	}
	return ids, nil
}

// disconnectNetwork takes the container off the bridge once it has ended:
// its rules, its veth (usually gone already, with its network namespace),
// its reserved ports; and, if it was the last container on the bridge,
// the bridge, the table and the forwarding it switched on.
func (c *Container) disconnectNetwork() error {
	b := c.bridge
	if b == nil || b.left {
		return nil
	}
	// Kept (Address still answers), marked: cleanup runs once, but this
	// must never undo another container's start.
	b.left = true
	c.unwatchTables()
	logf := func(format string, args ...any) { c.logf(FromParent, format, args...) }
	// The host ports are freed once their rules are gone, not before: a
	// host service that took a port meanwhile would get nothing.
	defer func() {
		for _, stop := range b.stopProxies {
			stop()
		}
		for _, h := range b.reserved {
			h.f.Close()
		}
		b.reserved, b.stopProxies = nil, nil
		b.counters.close()
	}()
	lock, err := lockNetwork()
	if err != nil {
		return err
	}
	var errs []error
	errs = append(errs, unpublish(func(id string) bool { return id == c.id }, logf))
	if gone, err := deleteVeth(VethName(c.id), logf); gone {
		logf("# %s is gone already, and eth0 with it: a veth pair goes with the network namespace of either end", VethName(c.id))
	} else {
		errs = append(errs, err)
	}
	errs = append(errs, releasePort(VethName(c.id), logf))
	// No longer holding an address.
	os.Remove(filepath.Join(c.dir, attachmentFile))
	others, err := liveAttached(c.id)
	errs = append(errs, err)
	last := err == nil && len(others) == 0
	if last {
		errs = append(errs, teardownBridge(logf))
	}
	lock.unlock(last)
	return errors.Join(errs...)
}

// deleteVeth deletes a host end of a veth pair if it is still there (the
// pair goes with the container's network namespace, when its last
// process has ended, but the kernel does that in the background: often
// after we look). gone: it was not there.
func deleteVeth(name string, logf func(string, ...any)) (gone bool, err error) {
	l, err := netlink.LinkByName(name)
	if errors.As(err, &netlink.LinkNotFoundError{}) {
		return true, nil
	}
	if err != nil {
		return false, err
	}
	if err := netlink.LinkDel(l); err != nil {
		if errors.As(err, &netlink.LinkNotFoundError{}) || errors.Is(err, unix.ENODEV) {
			return true, nil
		}
		return false, fmt.Errorf("ip link del %s: %w", name, err)
	}
	logf("ip link del %s (and its peer, the container's eth0)", name)
	return false, nil
}

// teardownBridge removes what the first container made: forwarding back
// off where vme50 switched it on, the table, the bridge.
func teardownBridge(logf func(string, ...any)) error {
	var errs []error
	uplinks, err := listUplinks()
	errs = append(errs, err)
	recorded, err := readUplinks()
	errs = append(errs, err)
	for _, name := range recorded {
		if !slices.Contains(uplinks, name) {
			uplinks = append(uplinks, name)
		}
	}
	// Someone who wants the host to route (net.ipv4.ip_forward=1, which
	// sets every interface's) since we switched them on keeps them on.
	if g, _ := os.ReadFile("/proc/sys/net/ipv4/ip_forward"); strings.TrimSpace(string(g)) == "0" {
		for _, name := range uplinks {
			if _, err := os.Stat(confPath(name, "forwarding")); err != nil {
				continue // the interface is gone
			}
			errs = append(errs, setConf(name, "forwarding", "0", "as it was before vme50's bridge", logf))
		}
	}
	errs = append(errs, deleteTable(logf))
	if err := errors.Join(errs...); err == nil {
		// Every interface is as it was: nothing is left to switch off.
		if err := os.Remove(uplinksPath()); err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	if br, err := netlink.LinkByName(BridgeName); err == nil {
		if err := netlink.LinkDel(br); err != nil {
			errs = append(errs, fmt.Errorf("ip link del %s: %w", BridgeName, err))
		} else {
			logf("ip link del %s (the last container on it has left)", BridgeName)
		}
	} else if !errors.As(err, &netlink.LinkNotFoundError{}) {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// sweepNetwork removes what containers whose owner died left on the bridge
// network: their published ports and veths, and, when no container on it
// is left, the bridge, the table and the lock file, as if the last
// container had left. Nothing is made when there is nothing to sweep.
func sweepNetwork() error {
	_, brErr := netlink.LinkByName(BridgeName)
	_, lockErr := os.Stat(networkLockPath())
	tableThere := false
	if c, err := nftConn(); err == nil {
		ip, _ := tableExists(c)
		ports, _ := familyTableExists(c, nftables.TableFamilyNetdev)
		legacy, _ := familyTableExists(c, nftables.TableFamilyBridge)
		tableThere = ip || ports || legacy
	}
	_, uplinksErr := os.Stat(uplinksPath())
	if brErr != nil && errors.Is(lockErr, os.ErrNotExist) && !tableThere && !anyVeth() && errors.Is(uplinksErr, os.ErrNotExist) {
		return nil
	}
	lock, err := lockNetwork()
	if err != nil {
		return err
	}
	quiet := func(string, ...any) {}
	live, err := liveAttached("")
	if err != nil {
		lock.unlock(false)
		return err
	}
	errs := []error{unpublish(func(id string) bool { return !slices.Contains(live, id) }, quiet)}
	links, err := retryDump(netlink.LinkList)
	errs = append(errs, err)
	isLive := func(veth string) bool {
		return slices.ContainsFunc(live, func(id string) bool { return VethName(id) == veth })
	}
	for _, l := range links {
		name := l.Attrs().Name
		if isVethName(name) && !isLive(name) {
			_, err := deleteVeth(name, quiet)
			errs = append(errs, err)
		}
	}
	errs = append(errs, releaseDeadPorts(isLive, quiet))
	last := len(live) == 0
	if last {
		errs = append(errs, teardownBridge(quiet))
	}
	lock.unlock(last)
	return errors.Join(errs...)
}

// anyVeth tells whether a host end of ours is there.
func anyVeth() bool {
	entries, _ := os.ReadDir("/sys/class/net")
	return slices.ContainsFunc(entries, func(e os.DirEntry) bool { return isVethName(e.Name()) })
}
