package runtime

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"net/netip"

	"github.com/google/nftables"
	"github.com/google/nftables/expr"
	"golang.org/x/sys/unix"
)

// Each container's port speaks only for its own address. The bridge
// forwards a frame between two containers without routing it, so the ip
// table never sees it: a container could send with a sibling's address
// as its source, or answer ARP for it, and take the sibling's traffic
// from the others (an attack review's finding). So every frame a
// container sends is checked as it arrives on the host's end of its
// veth, before the bridge sees it, by a chain of its own at that
// interface's ingress hook (the netdev family):
//
//	table netdev vme50 {
//		chain vme503f2a9c1d0b {          # type filter hook ingress device "vme503f2a9c1d0b" priority filter
//			ether saddr != 02:76:0a:58:00:02 drop
//			ether daddr & ff:ff:ff:ff:ff:f0 == 01:80:c2:00:00:00 drop
//			ether type != ip ether type != arp drop
//			meta protocol ip ip saddr != 10.88.0.2 drop
//			meta protocol arp arp saddr ip != 10.88.0.2 drop
//			meta protocol arp arp saddr ether != 02:76:0a:58:00:02 drop
//		}
//	}
//
// A hook of the bridge family would not do: the bridge hands frames for
// 802.1D's link-local group (01:80:c2:00:00:0X, meant for STP and LLDP)
// to the port's own stack without its hooks, and an attack review sent
// IPv4 with any source, IPv6 router advertisements and ARP that way.

// ingressPriority is the chains' priority, nft's "filter".
var ingressPriority = nftables.ChainPriorityFilter

var nftPortTable = &nftables.Table{Family: nftables.TableFamilyNetdev, Name: nftTableName}

// addPortTable adds, to the batch c, table netdev vme50.
func addPortTable(c *nftables.Conn, logf func(string, ...any)) {
	c.AddTable(nftPortTable)
	logf("nft add table netdev %s", nftTableName)
}

// portRules are the rules that hold the frames a container sends to its
// own address and MAC.
func portRules(addr netip.Addr, mac net.HardwareAddr) []nftRule {
	ethIP := binary.BigEndian.AppendUint16(nil, unix.ETH_P_IP)
	ethARP := binary.BigEndian.AppendUint16(nil, unix.ETH_P_ARP)
	a := addr.As4()
	// payloadIs compares the bytes at offset of a header with want.
	payloadIs := func(base expr.PayloadBase, offset uint32, want []byte, equal bool) []expr.Any {
		return []expr.Any{&expr.Payload{DestRegister: 1, Base: base, Offset: offset, Len: uint32(len(want))},
			&expr.Cmp{Op: cmpOp(equal), Register: 1, Data: want}}
	}
	protocolIs := func(want []byte, equal bool) []expr.Any {
		return []expr.Any{&expr.Meta{Key: expr.MetaKeyPROTOCOL, Register: 1}, &expr.Cmp{Op: cmpOp(equal), Register: 1, Data: want}}
	}
	linkLocal := []expr.Any{
		&expr.Payload{DestRegister: 1, Base: expr.PayloadBaseLLHeader, Offset: 0, Len: 6},
		&expr.Bitwise{SourceRegister: 1, DestRegister: 1, Len: 6,
			Mask: []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xf0}, Xor: make([]byte, 6)},
		&expr.Cmp{Op: expr.CmpOpEq, Register: 1, Data: []byte{0x01, 0x80, 0xc2, 0, 0, 0}},
	}
	return []nftRule{
		// Frames with another's MAC as source: the bridge learns no MAC
		// from a port, but a sibling would believe it.
		{"", "ether saddr != " + mac.String() + " drop",
			join(payloadIs(expr.PayloadBaseLLHeader, 6, mac, false), drop())},
		// Nothing for the bridge's link-local group: the bridge would
		// pass it to this port's own stack, past every other rule.
		{"", "ether daddr & ff:ff:ff:ff:ff:f0 == 01:80:c2:00:00:00 drop", join(linkLocal, drop())},
		// IPv4 and ARP only: the containers have no IPv6, and nothing
		// else is theirs to send. The frame's own type field, not the
		// packet's protocol: the kernel takes a VLAN tag off before this
		// hook (and the protocol is then the one inside), while nft's
		// view of the Ethernet header puts it back, so a tagged frame is
		// 8021q here and dropped.
		{"", "ether type != ip ether type != arp drop",
			join(payloadIs(expr.PayloadBaseLLHeader, 12, ethIP, false), payloadIs(expr.PayloadBaseLLHeader, 12, ethARP, false), drop())},
		{"", "meta protocol ip ip saddr != " + addr.String() + " drop",
			join(protocolIs(ethIP, true), payloadIs(expr.PayloadBaseNetworkHeader, 12, a[:], false), drop())},
		// ARP: the sender's address and MAC (offsets 14 and 8 of the ARP
		// header) are what a neighbour cache believes.
		{"", "meta protocol arp arp saddr ip != " + addr.String() + " drop",
			join(protocolIs(ethARP, true), payloadIs(expr.PayloadBaseNetworkHeader, 14, a[:], false), drop())},
		{"", "meta protocol arp arp saddr ether != " + mac.String() + " drop",
			join(protocolIs(ethARP, true), payloadIs(expr.PayloadBaseNetworkHeader, 8, mac, false), drop())},
	}
}

// numPortRules is how many rules a whole port chain has.
var numPortRules = len(portRules(netip.IPv4Unspecified(), make(net.HardwareAddr, 6)))

func cmpOp(equal bool) expr.CmpOp {
	if equal {
		return expr.CmpOpEq
	}
	return expr.CmpOpNeq
}

// holdPort adds the chain of veth, in one transaction, before veth is up:
// no frame of it ever enters the bridge unchecked.
func holdPort(veth string, addr netip.Addr, logf func(string, ...any)) error {
	c, err := nftConn()
	if err != nil {
		return err
	}
	addPortChain(c, veth, addr, logf)
	if err := c.Flush(); err != nil {
		return fmt.Errorf("nft add chain netdev %s %s: %w", nftTableName, veth, err)
	}
	return nil
}

// addPortChain adds veth's chain and rules to the batch c.
func addPortChain(c *nftables.Conn, veth string, addr netip.Addr, logf func(string, ...any)) {
	accept := nftables.ChainPolicyAccept
	chain := c.AddChain(&nftables.Chain{Table: nftPortTable, Name: veth, Type: nftables.ChainTypeFilter,
		Hooknum: nftables.ChainHookIngress, Priority: ingressPriority, Device: veth, Policy: &accept})
	logf(`nft add chain netdev %s %s '{ type filter hook ingress device "%s" priority filter; policy accept; }'`, nftTableName, veth, veth)
	for _, r := range portRules(addr, net.HardwareAddr(macFor(addr))) {
		c.AddRule(&nftables.Rule{Table: nftPortTable, Chain: chain, Exprs: r.exprs})
		logf("nft add rule netdev %s %s %s", nftTableName, veth, r.words)
	}
}

// releasePort deletes veth's chain, if it is there: the kernel may have
// taken it with the interface already.
func releasePort(veth string, logf func(string, ...any)) error {
	c, err := nftConn()
	if err != nil {
		return err
	}
	if _, err := c.ListChain(nftPortTable, veth); err != nil {
		return nil // no table, or no such chain
	}
	c.DelChain(&nftables.Chain{Table: nftPortTable, Name: veth})
	if err := c.Flush(); err != nil && !errors.Is(err, unix.ENOENT) {
		return fmt.Errorf("nft delete chain netdev %s %s: %w", nftTableName, veth, err)
	}
	logf("nft delete chain netdev %s %s", nftTableName, veth)
	return nil
}

// portChainWhole tells whether veth's chain is there with all its rules.
func portChainWhole(c *nftables.Conn, veth string) bool {
	rules, err := c.GetRules(nftPortTable, &nftables.Chain{Table: nftPortTable, Name: veth})
	return err == nil && len(rules) == numPortRules
}

// releaseDeadPorts deletes the chains of the veths for which live says
// false: a dead owner's containers'.
func releaseDeadPorts(live func(veth string) bool, logf func(string, ...any)) error {
	c, err := nftConn()
	if err != nil {
		return err
	}
	if ok, err := familyTableExists(c, nftables.TableFamilyNetdev); !ok || err != nil {
		return err
	}
	chains, err := c.ListChainsOfTableFamily(nftables.TableFamilyNetdev)
	if err != nil {
		return err
	}
	var errs []error
	for _, ch := range chains {
		if ch.Table.Name == nftTableName && isVethName(ch.Name) && !live(ch.Name) {
			errs = append(errs, releasePort(ch.Name, logf))
		}
	}
	return errors.Join(errs...)
}
