package runtime

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// The bridge network (--network bridge, the default), as Docker's default
// network is made: a bridge on the host with a private subnet, the host
// its gateway; per container a veth pair, one end on the bridge, the
// other the container's eth0; masquerading out, published ports in, both
// in an nftables table of our own. This file holds what needs no kernel:
// the names, the parsers and the choices; network_bridge_linux.go and
// network_nft_linux.go ask the kernel.

// BridgeName is the bridge every vme50-tui process on the host attaches
// its containers to.
const BridgeName = "vme50br0"

// DefaultSubnet is the bridge's subnet unless it overlaps a route of the
// host (then the next of subnetCandidates) or VME50_SUBNET says another.
const DefaultSubnet = "10.88.0.0/16"

// SubnetEnv names the environment variable that chooses the bridge's
// subnet, e.g. VME50_SUBNET=192.168.77.0/24. It counts when the bridge is
// made: a bridge already there (another vme50-tui's) keeps its own.
const SubnetEnv = "VME50_SUBNET"

// subnetCandidates are tried in order when no subnet is asked for.
var subnetCandidates = []string{DefaultSubnet,
	"10.89.0.0/16", "10.90.0.0/16", "10.91.0.0/16", "10.92.0.0/16", "10.93.0.0/16",
	"172.30.0.0/16", "172.31.0.0/16", "192.168.188.0/24"}

// vethPrefix starts the name of every host end of a container's veth pair:
// vme50 and the first ten hex digits of the container's id, 15
// characters, the most an interface name may have (IFNAMSIZ is 16 with
// the NUL).
const vethPrefix = "vme50"

// VethName is the host end of container id's veth pair, whose counters
// in /sys/class/net/NAME/statistics are NetStats' (the TUI's network line
// may name them).
func VethName(id string) string {
	if len(id) > 10 {
		id = id[:10]
	}
	return vethPrefix + id
}

// isVethName tells a host end of ours (vme50 and ten hex digits) from
// every other interface, the bridge included.
func isVethName(name string) bool {
	rest, ok := strings.CutPrefix(name, vethPrefix)
	if !ok || len(rest) != 10 {
		return false
	}
	for _, c := range []byte(rest) {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// attachmentFile, in a container's state directory, says what it holds of
// the bridge network: what the next container's address must avoid, and
// what a sweep removes when its owner died.
const attachmentFile = "network.json"

type attachment struct {
	Bridge  string        `json:"bridge"`
	Veth    string        `json:"veth"`
	Address string        `json:"address"` // 10.88.0.2/16
	Gateway string        `json:"gateway"`
	Ports   []PortMapping `json:"ports,omitempty"`
}

// heldPort is a socket holding the host's port of a -p.
type heldPort struct {
	f *os.File
	p PortMapping
}

// bridgeLink is what a container holds on the bridge while it runs.
type bridgeLink struct {
	att attachment
	// reserved holds each published host port: the sockets listening on
	// it (IPv4, and IPv6 where the host has it), so that no host service
	// and no other container can take the port while the DNAT rule sends
	// its connections here; they serve the host's localhost:PORT.
	reserved []heldPort
	// stopProxies stop the servers of localhost:PORT, one per socket.
	stopProxies []func()
	left        bool // disconnectNetwork has run
	// counters are its veth's statistics files, kept open for NetStats.
	counters vethCounters
}

// Address is the container's address on the bridge with its prefix
// length (10.88.0.2/16), "" when it is not on the bridge (or its start
// failed before it got one).
func (c *Container) Address() string {
	if c.bridge == nil {
		return ""
	}
	return c.bridge.att.Address
}

// Address is Container.Address for a container found on the host, from
// its state directory.
func (f Found) Address() string {
	a, _ := readAttachment(filepath.Join(StateDir, f.ID))
	return a.Address
}

func writeAttachment(dir string, a attachment) error {
	data, err := json.Marshal(a)
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, attachmentFile), append(data, '\n'), 0o600)
}

func readAttachment(dir string) (attachment, bool) {
	var a attachment
	data, err := os.ReadFile(filepath.Join(dir, attachmentFile))
	return a, err == nil && json.Unmarshal(data, &a) == nil
}

// PortMapping publishes the container's TCP port Container on the host's
// port Host (-p HOST:CONTAINER).
type PortMapping struct {
	Host      uint16 `json:"host"`
	Container uint16 `json:"container"`
}

func (p PortMapping) String() string { return fmt.Sprintf("%d:%d", p.Host, p.Container) }

// ParsePublish reads -p/--publish values: HOST:CONTAINER, or
// HOST:CONTAINER/tcp, as Docker writes them. Only TCP, on every address
// of the host; a host port given twice is refused.
func ParsePublish(values []string) ([]PortMapping, error) {
	var ports []PortMapping
	for _, v := range values {
		spec, proto, hasProto := strings.Cut(strings.TrimSpace(v), "/")
		if hasProto && !strings.EqualFold(proto, "tcp") {
			return nil, fmt.Errorf("%q: only tcp ports can be published", v)
		}
		parts := strings.Split(spec, ":")
		if len(parts) != 2 {
			return nil, fmt.Errorf("%q: give HOST:CONTAINER, two port numbers, e.g. 8080:80", v)
		}
		var p PortMapping
		for i, dst := range []*uint16{&p.Host, &p.Container} {
			n, err := strconv.ParseUint(parts[i], 10, 16)
			if err != nil || n == 0 {
				return nil, fmt.Errorf("%q: %q is not a port (1 to 65535)", v, parts[i])
			}
			*dst = uint16(n)
		}
		if slices.ContainsFunc(ports, func(q PortMapping) bool { return q.Host == p.Host }) {
			return nil, fmt.Errorf("%q: host port %d is published twice", v, p.Host)
		}
		ports = append(ports, p)
	}
	return ports, nil
}

// pickSubnet chooses the bridge's subnet: want (VME50_SUBNET) if given,
// else the first candidate that overlaps none of the host's routes. A
// wanted subnet that overlaps one is an error naming the route.
func pickSubnet(want string, routes []netip.Prefix) (netip.Prefix, error) {
	overlapping := func(p netip.Prefix) (netip.Prefix, bool) {
		for _, r := range routes {
			if r.Bits() > 0 && r.Overlaps(p) {
				return r, true
			}
		}
		return netip.Prefix{}, false
	}
	if want != "" {
		p, err := netip.ParsePrefix(strings.TrimSpace(want))
		if err != nil || !p.Addr().Is4() || p.Bits() < 8 || p.Bits() > 28 {
			return netip.Prefix{}, fmt.Errorf("%s=%q: give an IPv4 subnet from /8 to /28, e.g. 10.88.0.0/16", SubnetEnv, want)
		}
		p = p.Masked()
		if r, ok := overlapping(p); ok {
			return netip.Prefix{}, fmt.Errorf("%s=%s overlaps the host's route to %s", SubnetEnv, p, r)
		}
		return p, nil
	}
	for _, c := range subnetCandidates {
		p := netip.MustParsePrefix(c)
		if _, ok := overlapping(p); !ok {
			return p, nil
		}
	}
	return netip.Prefix{}, fmt.Errorf("every subnet vme50 tries (%s) overlaps a route of this host: choose one with %s=CIDR",
		strings.Join(subnetCandidates, ", "), SubnetEnv)
}

// gatewayOf is the host's address on the bridge: the subnet's first.
func gatewayOf(subnet netip.Prefix) netip.Addr { return subnet.Addr().Next() }

// lastAddr is the subnet's broadcast address.
func lastAddr(subnet netip.Prefix) netip.Addr {
	a := subnet.Addr().As4()
	hostBits := 32 - subnet.Bits()
	v := uint32(a[0])<<24 | uint32(a[1])<<16 | uint32(a[2])<<8 | uint32(a[3])
	v |= 1<<hostBits - 1
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
}

// freeAddr is the lowest address of subnet after the gateway that is not
// in used and not the broadcast address.
func freeAddr(subnet netip.Prefix, used []netip.Addr) (netip.Addr, error) {
	last := lastAddr(subnet)
	for a := gatewayOf(subnet).Next(); a.IsValid() && a.Less(last); a = a.Next() {
		if !slices.Contains(used, a) {
			return a, nil
		}
	}
	return netip.Addr{}, fmt.Errorf("no free address left in %s (%d containers on %s)", subnet, len(used), BridgeName)
}

// macFor is the MAC address of a container's eth0 (and of the bridge, for
// the gateway): 02:76 and the four bytes of its IPv4 address, as Docker
// makes them (02:42:...), so that an address given again after a
// container ended comes back with the same MAC, and no neighbour keeps a
// stale one.
func macFor(a netip.Addr) []byte {
	b := a.As4()
	return []byte{0x02, 0x76, b[0], b[1], b[2], b[3]}
}

// Host resolver files: /etc/resolv.conf, and systemd-resolved's list of
// the upstream servers behind its 127.0.0.53 stub.
var (
	hostResolvConf     = "/etc/resolv.conf"
	resolvedResolvConf = "/run/systemd/resolve/resolv.conf"
)

// containerResolvConf is the /etc/resolv.conf of a container on the
// bridge, from the host's, as Docker makes it: its search and options
// lines, and its IPv4 name servers but those on a loopback address (a
// 127.0.0.x stub resolver listens in the host's network namespace, out of
// the container's reach): then systemd-resolved's upstream servers
// instead, if it runs. note says what was changed, for the kernel log.
func containerResolvConf() (conf, note string) {
	host, err := os.ReadFile(hostResolvConf)
	if err != nil {
		host = nil
	}
	resolved, _ := os.ReadFile(resolvedResolvConf)
	return buildResolvConf(host, resolved)
}

// buildResolvConf is containerResolvConf on the files' contents.
func buildResolvConf(host, resolved []byte) (conf, note string) {
	servers, other, dropped := parseResolvConf(host)
	var notes []string
	if len(dropped) > 0 {
		notes = append(notes, fmt.Sprintf("left out %s: not reachable from the container's network namespace", strings.Join(dropped, ", ")))
	}
	if len(servers) == 0 && len(dropped) > 0 && resolved != nil {
		servers, _, _ = parseResolvConf(resolved)
		if len(servers) > 0 {
			notes = append(notes, "took systemd-resolved's upstream servers from "+resolvedResolvConf)
		}
	}
	var b strings.Builder
	b.WriteString("# Made by vme50-tui from the host's " + hostResolvConf + "\n")
	if len(servers) == 0 {
		b.WriteString("# The host names no name server the container can reach: names will not resolve.\n")
		notes = append(notes, "no name server the container can reach")
	}
	for _, l := range other {
		b.WriteString(l + "\n")
	}
	for _, s := range servers {
		b.WriteString("nameserver " + s + "\n")
	}
	return b.String(), strings.Join(notes, "; ")
}

// parseResolvConf splits a resolv.conf into its reachable IPv4 name
// servers, its search and options lines, and the servers left out.
func parseResolvConf(data []byte) (servers, other, dropped []string) {
	lines := bufio.NewScanner(bytes.NewReader(data))
	for lines.Scan() {
		f := strings.Fields(lines.Text())
		if len(f) == 0 || strings.HasPrefix(f[0], "#") || strings.HasPrefix(f[0], ";") {
			continue
		}
		switch f[0] {
		case "nameserver":
			if len(f) < 2 {
				continue
			}
			a, err := netip.ParseAddr(f[1])
			switch {
			case err != nil:
			case a.IsLoopback() || !a.Is4():
				// IPv6 too: the container has no IPv6 address.
				dropped = append(dropped, f[1])
			default:
				servers = append(servers, a.String())
			}
		case "search", "domain", "options":
			other = append(other, strings.Join(f, " "))
		}
	}
	return servers, other, dropped
}

// ErrNoBridge: the container is not on the bridge network (--network none
// or host), so it has no veth whose bytes could be counted.
var ErrNoBridge = errors.New("not on the bridge network: no eth0 to count")

// NetStats reads the bytes the container's eth0 received (rx) and sent
// (tx) since it started, from the counters of the host's end of its veth
// pair (/sys/class/net/vme50ID/statistics: what the host end sends, the
// container receives). ErrNoBridge for --network none and host; an error
// once it has ended.
func (c *Container) NetStats() (rx, tx uint64, err error) {
	if c.spec.Network != NetworkBridge {
		return 0, 0, ErrNoBridge
	}
	select {
	case <-c.done:
		return 0, 0, fmt.Errorf("container %s has ended", c.id)
	default:
	}
	if c.bridge == nil {
		return 0, 0, ErrNoBridge
	}
	return c.bridge.counters.read(c.id)
}

// NetStats is Container.NetStats for a container found on the host,
// whoever started it.
func (f Found) NetStats() (rx, tx uint64, err error) {
	if f.Network != NetworkBridge {
		return 0, 0, ErrNoBridge
	}
	return vethStats(f.ID)
}

// vethStats reads the counters of container id's veth, as the container
// sees them.
func vethStats(id string) (rx, tx uint64, err error) {
	var v vethCounters
	defer v.close()
	return v.read(id)
}

// vethCounters are the two statistics files of a veth, opened on the
// first read and kept open: the panels read them at every tick, and a
// sysfs file read again from offset 0 is read afresh.
type vethCounters struct {
	mu     sync.Mutex
	files  [2]*os.File // tx_bytes (what the container receives), rx_bytes
	closed bool
}

func (v *vethCounters) read(id string) (rx, tx uint64, err error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.closed {
		return 0, 0, fmt.Errorf("container %s has left the bridge", id)
	}
	var n [2]uint64
	for i, name := range [2]string{"tx_bytes", "rx_bytes"} {
		if v.files[i] == nil {
			f, err := os.Open(filepath.Join("/sys/class/net", VethName(id), "statistics", name))
			if err != nil {
				return 0, 0, err
			}
			v.files[i] = f
		}
		var buf [32]byte
		m, err := v.files[i].ReadAt(buf[:], 0)
		if err != nil && !errors.Is(err, io.EOF) {
			return 0, 0, err
		}
		if n[i], err = strconv.ParseUint(strings.TrimSpace(string(buf[:m])), 10, 64); err != nil {
			return 0, 0, fmt.Errorf("%s: %w", v.files[i].Name(), err)
		}
	}
	return n[0], n[1], nil
}

// close closes the files; later reads fail.
func (v *vethCounters) close() {
	v.mu.Lock()
	defer v.mu.Unlock()
	for i, f := range v.files {
		if f != nil {
			f.Close()
			v.files[i] = nil
		}
	}
	v.closed = true
}
