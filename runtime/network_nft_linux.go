package runtime

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net/netip"
	"strings"

	"github.com/google/nftables"
	"github.com/google/nftables/binaryutil"
	"github.com/google/nftables/expr"
	"github.com/google/nftables/userdata"
	"golang.org/x/sys/unix"
)

// The bridge network's packet rules: one nftables table of our own, `table
// ip vme50`, made with the bridge and deleted with it, and a second one
// for the containers' ports (`table netdev vme50`, network_ports_linux.go).
// No other table, and no rule of anyone else's, is ever touched: nftables
// lets every program keep its own table at the same hooks (a packet must
// pass all of them). Each rule is built from nftables' expressions
// (github.com/google/nftables, which speaks the kernel's netlink protocol
// as nft does) and logged in the words nft takes:
//
//	table ip vme50 {
//		set uplinks { type ifname; }     # interfaces whose forwarding we switched on
//		chain guard {                    # type filter hook prerouting priority raw
//			iifname "vme50br0" ip daddr 127.0.0.0/8 drop
//			iifname "vme50br0" ip saddr != 10.88.0.0/16 drop
//			iifname != "vme50br0" iifname != "lo" ip daddr 10.88.0.0/16 drop
//			iifname "vme50*" iifname != "vme50br0" drop
//		}
//		chain prerouting {               # type nat hook prerouting priority dstnat
//			fib daddr type local jump published
//		}
//		chain output {                   # type nat hook output priority -100
//			ip daddr != 127.0.0.0/8 fib daddr type local jump published
//		}
//		chain published {                # one rule per -p, named by its container
//			tcp dport 8080 counter dnat to 10.88.0.2:80 comment "container 3f2a9c1d0b7e"
//		}
//		chain postrouting {              # type nat hook postrouting priority srcnat
//			ip saddr 10.88.0.0/16 oifname != "vme50br0" counter masquerade
//			oifname "vme50br0" ip saddr 10.88.0.0/16 ct status dnat masquerade
//		}
//		chain forward {                  # type filter hook forward priority filter
//			iifname @uplinks oifname != "vme50br0" drop
//			iifname != "vme50br0" oifname "vme50br0" ct state new ct status ! dnat drop
//		}
//	}

const (
	nftTableName  = "vme50"
	chainGuard    = "guard"
	chainPre      = "prerouting"
	chainOutput   = "output"
	chainPublish  = "published"
	chainPost     = "postrouting"
	chainForward  = "forward"
	setUplinks    = "uplinks"
	commentPrefix = "container "
)

var nftTable = &nftables.Table{Family: nftables.TableFamilyIPv4, Name: nftTableName}

// nftRule is a rule and the words nft takes for it.
type nftRule struct {
	chain string
	words string
	exprs []expr.Any
}

// nftConn opens a netlink connection to nftables.
func nftConn() (*nftables.Conn, error) {
	c, err := nftables.New()
	if err != nil {
		return nil, fmt.Errorf("nftables: %w", err)
	}
	return c, nil
}

// tableExists tells whether table ip vme50 is there.
func tableExists(c *nftables.Conn) (bool, error) {
	return familyTableExists(c, nftables.TableFamilyIPv4)
}

// familyTableExists tells whether the vme50 table of family is there.
func familyTableExists(c *nftables.Conn, family nftables.TableFamily) (bool, error) {
	_, err := c.ListTableOfFamily(nftTableName, family)
	if errors.Is(err, unix.ENOENT) {
		return false, nil
	}
	return err == nil, err
}

// makeTable makes table ip vme50 for the bridge's subnet, all at once:
// nftables applies a batch as one transaction, so no other vme50-tui (nor
// a packet) ever sees half of it.
func makeTable(subnet netip.Prefix, logf func(string, ...any)) error {
	c, err := nftConn()
	if err != nil {
		return err
	}
	if err := addTables(c, subnet, logf); err != nil {
		return err
	}
	if err := c.Flush(); err != nil {
		return fmt.Errorf("nft add table ip %s: %w", nftTableName, err)
	}
	return nil
}

// addTables adds to the batch c table ip vme50, with its set, chains and
// shared rules, and table netdev vme50 for the ports' chains.
func addTables(c *nftables.Conn, subnet netip.Prefix, logf func(string, ...any)) error {
	t := c.AddTable(nftTable)
	logf("nft add table ip %s", nftTableName)
	uplinks := &nftables.Set{Table: t, Name: setUplinks, KeyType: nftables.TypeIFName, KeyByteOrder: binaryutil.NativeEndian}
	if err := c.AddSet(uplinks, nil); err != nil {
		return fmt.Errorf("nft add set: %w", err)
	}
	logf("nft add set ip %s %s '{ type ifname; }' (the interfaces whose forwarding vme50 switched on)", nftTableName, setUplinks)
	chains := []struct {
		name, words string
		typ         nftables.ChainType
		hook        *nftables.ChainHook
		prio        *nftables.ChainPriority
	}{
		{chainGuard, "type filter hook prerouting priority raw", nftables.ChainTypeFilter, nftables.ChainHookPrerouting, nftables.ChainPriorityRaw},
		{chainPre, "type nat hook prerouting priority dstnat", nftables.ChainTypeNAT, nftables.ChainHookPrerouting, nftables.ChainPriorityNATDest},
		{chainOutput, "type nat hook output priority -100", nftables.ChainTypeNAT, nftables.ChainHookOutput, nftables.ChainPriorityNATDest},
		{chainPublish, "", "", nil, nil},
		{chainPost, "type nat hook postrouting priority srcnat", nftables.ChainTypeNAT, nftables.ChainHookPostrouting, nftables.ChainPriorityNATSource},
		{chainForward, "type filter hook forward priority filter", nftables.ChainTypeFilter, nftables.ChainHookForward, nftables.ChainPriorityFilter},
	}
	byName := map[string]*nftables.Chain{}
	for _, ch := range chains {
		chain := &nftables.Chain{Table: t, Name: ch.name, Type: ch.typ, Hooknum: ch.hook, Priority: ch.prio}
		if ch.hook != nil {
			accept := nftables.ChainPolicyAccept
			chain.Policy = &accept
			logf("nft add chain ip %s %s '{ %s; policy accept; }'", nftTableName, ch.name, ch.words)
		} else {
			logf("nft add chain ip %s %s", nftTableName, ch.name)
		}
		byName[ch.name] = c.AddChain(chain)
	}
	for _, r := range tableRules(subnet, uplinks) {
		c.AddRule(&nftables.Rule{Table: t, Chain: byName[r.chain], Exprs: r.exprs})
		logf("nft add rule ip %s %s %s", nftTableName, r.chain, r.words)
	}
	addPortTable(c, logf)
	return nil
}

// tableRules are the rules every container on the bridge shares.
func tableRules(subnet netip.Prefix, uplinks *nftables.Set) []nftRule {
	loopback := netip.MustParsePrefix("127.0.0.0/8")
	br := BridgeName
	return []nftRule{
		// A container's packet addressed to 127.0.0.1 must never reach
		// the host's loopback services (Kubernetes' CVE-2020-8558, where
		// route_localnet let it). The kernel drops it as a martian, since
		// route_localnet stays off; this says it in a rule too.
		{chainGuard, fmt.Sprintf(`iifname "%s" ip daddr %s drop`, br, loopback),
			join(ifname(expr.MetaKeyIIFNAME, true, br), ipMatch(16, loopback), drop())},
		// A container's packets come from its subnet: one with another
		// source (127.0.0.2; a host of the LAN's) impersonates someone
		// (an attack review's finding).
		{chainGuard, fmt.Sprintf(`iifname "%s" ip saddr != %s drop`, br, subnet),
			join(ifname(expr.MetaKeyIIFNAME, true, br), ipMatchOp(12, subnet, false), drop())},
		// Nothing from outside is addressed to a container's own address:
		// a published port is addressed to the host's (DNAT comes after
		// this hook), an answer to a masqueraded connection too. Without
		// this, packets conntrack calls invalid (a FIN, a RST) reached
		// unpublished ports, and scanned them (an attack review's
		// finding; Docker 28 has the same rule).
		{chainGuard, fmt.Sprintf(`iifname != "%s" iifname != "lo" ip daddr %s drop`, br, subnet),
			join(ifname(expr.MetaKeyIIFNAME, false, br), ifname(expr.MetaKeyIIFNAME, false, "lo"), ipMatch(16, subnet), drop())},
		// A bridge port hands the host's stack nothing but frames for
		// the bridge's link-local group, which the port's own chain
		// drops (network_ports_linux.go); a packet arriving on a veth
		// is one of those all the same.
		{chainGuard, fmt.Sprintf(`iifname "%s*" iifname != "%s" drop`, vethPrefix, br),
			join(ifnamePrefix(expr.MetaKeyIIFNAME, vethPrefix), ifname(expr.MetaKeyIIFNAME, false, br), drop())},
		// Published ports: whatever is addressed to one of the host's own
		// addresses, from outside (prerouting) or from the host itself
		// (output), goes through the published chain. Not 127.0.0.1: a
		// packet from it could leave through the bridge only with
		// route_localnet on, which opens the host's loopback to the
		// containers; vme50-tui itself serves 127.0.0.1:PORT, as
		// Docker's docker-proxy does (network_proxy_linux.go).
		{chainPre, "fib daddr type local jump " + chainPublish, join(fibDaddrLocal(), jump(chainPublish))},
		{chainOutput, fmt.Sprintf("ip daddr != %s fib daddr type local jump %s", loopback, chainPublish),
			join(ipMatchOp(16, loopback, false), fibDaddrLocal(), jump(chainPublish))},
		// Outbound: the containers' packets leave with the host's address.
		{chainPost, fmt.Sprintf(`ip saddr %s oifname != "%s" counter masquerade`, subnet, br),
			join(ipMatch(12, subnet), ifname(expr.MetaKeyOIFNAME, false, br), counter(), &expr.Masq{})},
		// A container reaching a published port through the host's
		// address: the answer must come back through the host too.
		{chainPost, fmt.Sprintf(`oifname "%s" ip saddr %s ct status dnat masquerade`, br, subnet),
			join(ifname(expr.MetaKeyOIFNAME, true, br), ipMatch(12, subnet), ctBits(expr.CtKeySTATUS, ipsDstNAT, true), &expr.Masq{})},
		// Forwarding that vme50 switched on serves the bridge only.
		{chainForward, fmt.Sprintf(`iifname @%s oifname != "%s" drop`, setUplinks, br),
			join(inSet(expr.MetaKeyIIFNAME, uplinks), ifname(expr.MetaKeyOIFNAME, false, br), drop())},
		// From outside, only published ports: no new connection is
		// routed straight to a container's address (as Docker 28).
		{chainForward, fmt.Sprintf(`iifname != "%s" oifname "%s" ct state new ct status ! dnat drop`, br, br),
			join(ifname(expr.MetaKeyIIFNAME, false, br), ifname(expr.MetaKeyOIFNAME, true, br),
				ctBits(expr.CtKeySTATE, expr.CtStateBitNEW, true), ctBits(expr.CtKeySTATUS, ipsDstNAT, false), drop())},
	}
}

// ipsDstNAT is IPS_DST_NAT of a connection's status: it was DNAT'ed.
const ipsDstNAT = 1 << 5

func join(parts ...any) []expr.Any {
	var out []expr.Any
	for _, p := range parts {
		switch p := p.(type) {
		case []expr.Any:
			out = append(out, p...)
		case expr.Any:
			out = append(out, p)
		}
	}
	return out
}

// ifnameBytes is an interface name as nftables compares it: IFNAMSIZ
// bytes, NUL-padded.
func ifnameBytes(name string) []byte {
	b := make([]byte, unix.IFNAMSIZ)
	copy(b, name)
	return b
}

// ifname matches iifname or oifname equal (or not) to name.
// ifnamePrefix matches an interface whose name starts with prefix (nft's
// "name*"): the comparison takes only the prefix's bytes.
func ifnamePrefix(key expr.MetaKey, prefix string) []expr.Any {
	return []expr.Any{&expr.Meta{Key: key, Register: 1}, &expr.Cmp{Op: expr.CmpOpEq, Register: 1, Data: []byte(prefix)}}
}

func ifname(key expr.MetaKey, equal bool, name string) []expr.Any {
	op := expr.CmpOpEq
	if !equal {
		op = expr.CmpOpNeq
	}
	return []expr.Any{&expr.Meta{Key: key, Register: 1}, &expr.Cmp{Op: op, Register: 1, Data: ifnameBytes(name)}}
}

// inSet matches iifname (or oifname) in the set s.
func inSet(key expr.MetaKey, s *nftables.Set) []expr.Any {
	return []expr.Any{&expr.Meta{Key: key, Register: 1}, &expr.Lookup{SourceRegister: 1, SetName: s.Name, SetID: s.ID}}
}

// ipMatch matches the IPv4 address at offset (12 saddr, 16 daddr) of
// the IP header in prefix p.
func ipMatch(offset uint32, p netip.Prefix) []expr.Any { return ipMatchOp(offset, p, true) }

// ipMatchOp matches the address in p (in true) or outside it.
func ipMatchOp(offset uint32, p netip.Prefix, in bool) []expr.Any {
	op := expr.CmpOpEq
	if !in {
		op = expr.CmpOpNeq
	}
	mask := make([]byte, 4)
	binary.BigEndian.PutUint32(mask, ^uint32(0)<<(32-p.Bits()))
	addr := p.Masked().Addr().As4()
	return []expr.Any{
		&expr.Payload{DestRegister: 1, Base: expr.PayloadBaseNetworkHeader, Offset: offset, Len: 4},
		&expr.Bitwise{SourceRegister: 1, DestRegister: 1, Len: 4, Mask: mask, Xor: make([]byte, 4)},
		&expr.Cmp{Op: op, Register: 1, Data: addr[:]},
	}
}

// ctBits matches a conntrack key (state, status) having the bits (set
// true) or none of them (set false).
func ctBits(key expr.CtKey, bits uint32, set bool) []expr.Any {
	op := expr.CmpOpNeq
	if !set {
		op = expr.CmpOpEq
	}
	mask := make([]byte, 4)
	binary.NativeEndian.PutUint32(mask, bits)
	return []expr.Any{
		&expr.Ct{Register: 1, Key: key},
		&expr.Bitwise{SourceRegister: 1, DestRegister: 1, Len: 4, Mask: mask, Xor: make([]byte, 4)},
		&expr.Cmp{Op: op, Register: 1, Data: make([]byte, 4)},
	}
}

// fibDaddrLocal matches packets addressed to one of the host's own
// addresses (fib daddr type local).
func fibDaddrLocal() []expr.Any {
	local := make([]byte, 4)
	binary.NativeEndian.PutUint32(local, unix.RTN_LOCAL)
	return []expr.Any{
		&expr.Fib{Register: 1, FlagDADDR: true, ResultADDRTYPE: true},
		&expr.Cmp{Op: expr.CmpOpEq, Register: 1, Data: local},
	}
}

func jump(chain string) expr.Any { return &expr.Verdict{Kind: expr.VerdictJump, Chain: chain} }
func drop() expr.Any             { return &expr.Verdict{Kind: expr.VerdictDrop} }
func counter() expr.Any          { return &expr.Counter{} }

// dnatRule is tcp dport HOST counter dnat to ADDR:CONTAINER.
func dnatRule(addr netip.Addr, p PortMapping) nftRule {
	port := func(n uint16) []byte { return binary.BigEndian.AppendUint16(nil, n) }
	a := addr.As4()
	return nftRule{chainPublish, fmt.Sprintf("tcp dport %d counter dnat to %s:%d", p.Host, addr, p.Container), []expr.Any{
		&expr.Meta{Key: expr.MetaKeyL4PROTO, Register: 1},
		&expr.Cmp{Op: expr.CmpOpEq, Register: 1, Data: []byte{unix.IPPROTO_TCP}},
		&expr.Payload{DestRegister: 1, Base: expr.PayloadBaseTransportHeader, Offset: 2, Len: 2},
		&expr.Cmp{Op: expr.CmpOpEq, Register: 1, Data: port(p.Host)},
		counter(),
		&expr.Immediate{Register: 1, Data: a[:]},
		&expr.Immediate{Register: 2, Data: port(p.Container)},
		&expr.NAT{Type: expr.NATTypeDestNAT, Family: unix.NFPROTO_IPV4, RegAddrMin: 1, RegProtoMin: 2, Specified: true},
	}}
}

// publish adds container id's published ports, each rule carrying the
// comment "container ID" by which it is found again.
func publish(id string, addr netip.Addr, ports []PortMapping, logf func(string, ...any)) error {
	if len(ports) == 0 {
		return nil
	}
	c, err := nftConn()
	if err != nil {
		return err
	}
	addPublished(c, id, addr, ports, logf)
	if err := c.Flush(); err != nil {
		return fmt.Errorf("nft add rule ip %s %s: %w", nftTableName, chainPublish, err)
	}
	return nil
}

// addPublished adds container id's published ports to the batch c.
func addPublished(c *nftables.Conn, id string, addr netip.Addr, ports []PortMapping, logf func(string, ...any)) {
	chain := &nftables.Chain{Table: nftTable, Name: chainPublish}
	comment := commentPrefix + id
	for _, p := range ports {
		r := dnatRule(addr, p)
		c.AddRule(&nftables.Rule{Table: nftTable, Chain: chain, Exprs: r.exprs,
			UserData: userdata.AppendString(nil, userdata.TypeComment, comment)})
		logf(`nft add rule ip %s %s %s comment "%s"`, nftTableName, chainPublish, r.words, comment)
	}
}

// unpublish deletes the published ports of every container for which
// gone says true, each rule found by its comment "container ID".
func unpublish(gone func(id string) bool, logf func(string, ...any)) error {
	c, err := nftConn()
	if err != nil {
		return err
	}
	n := 0
	for _, where := range []struct {
		table *nftables.Table
		chain string
		fam   string
	}{{nftTable, chainPublish, "ip"}} {
		if ok, err := familyTableExists(c, where.table.Family); !ok || err != nil {
			if err != nil {
				return err
			}
			continue
		}
		chain := &nftables.Chain{Table: where.table, Name: where.chain}
		rules, err := c.GetRules(where.table, chain)
		if err != nil {
			return fmt.Errorf("nft list chain %s %s %s: %w", where.fam, nftTableName, where.chain, err)
		}
		for _, r := range rules {
			comment, _ := userdata.GetString(r.UserData, userdata.TypeComment)
			id, ok := strings.CutPrefix(comment, commentPrefix)
			if !ok || !gone(id) {
				continue
			}
			r.Table, r.Chain = where.table, chain
			if err := c.DelRule(r); err != nil {
				return err
			}
			logf("nft delete rule %s %s %s handle %d (%s)", where.fam, nftTableName, where.chain, r.Handle, comment)
			n++
		}
	}
	if n == 0 {
		return nil
	}
	if err := c.Flush(); err != nil {
		return fmt.Errorf("nft delete rule: %w", err)
	}
	return nil
}

// addUplinks puts names into the uplinks set.
func addUplinks(names []string, logf func(string, ...any)) error {
	if len(names) == 0 {
		return nil
	}
	c, err := nftConn()
	if err != nil {
		return err
	}
	s := &nftables.Set{Table: nftTable, Name: setUplinks, KeyType: nftables.TypeIFName}
	var elems []nftables.SetElement
	for _, n := range names {
		elems = append(elems, nftables.SetElement{Key: ifnameBytes(n)})
	}
	if err := c.SetAddElements(s, elems); err != nil {
		return err
	}
	if err := c.Flush(); err != nil {
		return fmt.Errorf("nft add element ip %s %s: %w", nftTableName, setUplinks, err)
	}
	logf(`nft add element ip %s %s '{ "%s" }'`, nftTableName, setUplinks, strings.Join(names, `", "`))
	return nil
}

// listUplinks reads the uplinks set: the interfaces whose forwarding vme50
// switched on, to switch off again.
func listUplinks() ([]string, error) {
	c, err := nftConn()
	if err != nil {
		return nil, err
	}
	if ok, err := tableExists(c); !ok || err != nil {
		return nil, err
	}
	s, err := c.GetSetByName(nftTable, setUplinks)
	if err != nil {
		return nil, err
	}
	elems, err := c.GetSetElements(s)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range elems {
		names = append(names, strings.TrimRight(string(e.Key), "\x00"))
	}
	return names, nil
}

// deleteTable deletes table ip vme50 and table netdev vme50, their
// chains, rules and set with them.
func deleteTable(logf func(string, ...any)) error {
	c, err := nftConn()
	if err != nil {
		return err
	}
	var gone []string
	for _, t := range []*nftables.Table{nftTable, nftPortTable, legacyBridgeTable} {
		if ok, err := familyTableExists(c, t.Family); err != nil {
			return err
		} else if ok {
			c.DelTable(t)
			gone = append(gone, fmt.Sprintf("nft delete table %s %s", familyWord(t.Family), nftTableName))
		}
	}
	if len(gone) == 0 {
		return nil
	}
	if err := c.Flush(); err != nil {
		return fmt.Errorf("nft delete table %s: %w", nftTableName, err)
	}
	for _, g := range gone {
		logf("%s", g)
	}
	return nil
}

// legacyBridgeTable is where a version of vme50-tui of December 2026
// kept the ports' rules: deleted with the others, so that an upgrade
// leaves nothing behind.
var legacyBridgeTable = &nftables.Table{Family: nftables.TableFamilyBridge, Name: nftTableName}

// familyWord is how nft names a table's family.
func familyWord(f nftables.TableFamily) string {
	switch f {
	case nftables.TableFamilyNetdev:
		return "netdev"
	case nftables.TableFamilyBridge:
		return "bridge"
	}
	return "ip"
}

// foreignForwardDrops names the base chains of other tables (a firewall's,
// Docker's) that drop forwarded packets by policy: they drop the
// containers' too, whatever our table accepts, and vme50 changes no table
// but its own. Only said, in the kernel log.
func foreignForwardDrops() []string {
	c, err := nftConn()
	if err != nil {
		return nil
	}
	chains, err := c.ListChains()
	if err != nil {
		return nil
	}
	var out []string
	for _, ch := range chains {
		if ch.Hooknum == nil || *ch.Hooknum != *nftables.ChainHookForward || ch.Policy == nil || *ch.Policy != nftables.ChainPolicyDrop {
			continue
		}
		if ch.Table.Name == nftTableName && ch.Table.Family == nftables.TableFamilyIPv4 {
			continue
		}
		if ch.Table.Family != nftables.TableFamilyIPv4 && ch.Table.Family != nftables.TableFamilyINet {
			continue
		}
		fam := "ip"
		if ch.Table.Family == nftables.TableFamilyINet {
			fam = "inet"
		}
		out = append(out, fmt.Sprintf("table %s %s chain %s", fam, ch.Table.Name, ch.Name))
	}
	return out
}
