package runtime

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"net/netip"

	"github.com/google/nftables"
	"github.com/google/nftables/expr"
	"github.com/google/nftables/userdata"
	"golang.org/x/sys/unix"
)

// Each container's bridge port speaks only for its own address. The
// bridge forwards a frame between two containers without routing it, so
// the ip table never sees it: a container could send with a sibling's
// address as its source, or answer ARP for it, and take the sibling's
// traffic from the others (an attack review's finding). A second table,
// of the bridge family, sees every frame as it enters the bridge, by the
// port it came in on:
//
//	table bridge vme50 {
//		chain ports {                    # type filter hook prerouting priority filter
//			iifname "vme503f2a9c1d0b" ether saddr != 02:42:0a:58:00:02 drop
//			iifname "vme503f2a9c1d0b" meta protocol != ip meta protocol != arp drop
//			iifname "vme503f2a9c1d0b" meta protocol ip ip saddr != 10.88.0.2 drop
//			iifname "vme503f2a9c1d0b" meta protocol arp arp saddr ip != 10.88.0.2 drop
//			iifname "vme503f2a9c1d0b" meta protocol arp arp saddr ether != 02:42:0a:58:00:02 drop
//		}
//	}
//
// Its rules carry the comment "container ID", as the published ports do,
// and go with the container.

const chainPorts = "ports"

var nftBridgeTable = &nftables.Table{Family: nftables.TableFamilyBridge, Name: nftTableName}

// addBridgeTable adds, to the batch c, table bridge vme50 and its chain.
func addBridgeTable(c *nftables.Conn, logf func(string, ...any)) {
	t := c.AddTable(nftBridgeTable)
	accept := nftables.ChainPolicyAccept
	c.AddChain(&nftables.Chain{Table: t, Name: chainPorts, Type: nftables.ChainTypeFilter,
		Hooknum: nftables.ChainHookPrerouting, Priority: nftables.ChainPriorityFilter, Policy: &accept})
	logf("nft add table bridge %s", nftTableName)
	logf("nft add chain bridge %s %s '{ type filter hook prerouting priority filter; policy accept; }'", nftTableName, chainPorts)
}

// portRules are the rules that hold the frames entering the bridge from
// veth to the container's own address and MAC.
func portRules(veth string, addr netip.Addr, mac net.HardwareAddr) []nftRule {
	ethIP := binary.BigEndian.AppendUint16(nil, unix.ETH_P_IP)
	ethARP := binary.BigEndian.AppendUint16(nil, unix.ETH_P_ARP)
	a := addr.As4()
	port := ifname(expr.MetaKeyIIFNAME, true, veth)
	// payload is the bytes at offset of a header, compared with want.
	payloadIs := func(base expr.PayloadBase, offset uint32, want []byte, equal bool) []expr.Any {
		op := expr.CmpOpEq
		if !equal {
			op = expr.CmpOpNeq
		}
		return []expr.Any{&expr.Payload{DestRegister: 1, Base: base, Offset: offset, Len: uint32(len(want))},
			&expr.Cmp{Op: op, Register: 1, Data: want}}
	}
	protocolIs := func(want []byte, equal bool) []expr.Any {
		op := expr.CmpOpEq
		if !equal {
			op = expr.CmpOpNeq
		}
		return []expr.Any{&expr.Meta{Key: expr.MetaKeyPROTOCOL, Register: 1}, &expr.Cmp{Op: op, Register: 1, Data: want}}
	}
	in := fmt.Sprintf(`iifname "%s" `, veth)
	return []nftRule{
		// Frames with another's MAC as source: the bridge would learn it
		// nowhere (learning is off), but a sibling would believe it.
		{chainPorts, in + "ether saddr != " + mac.String() + " drop",
			join(port, payloadIs(expr.PayloadBaseLLHeader, 6, mac, false), drop())},
		// IPv4 and ARP only: the containers have no IPv6, and nothing
		// else is theirs to send.
		{chainPorts, in + "meta protocol != ip meta protocol != arp drop",
			join(port, protocolIs(ethIP, false), protocolIs(ethARP, false), drop())},
		{chainPorts, in + "meta protocol ip ip saddr != " + addr.String() + " drop",
			join(port, protocolIs(ethIP, true), payloadIs(expr.PayloadBaseNetworkHeader, 12, a[:], false), drop())},
		// ARP: the sender's address and MAC (offsets 14 and 8 of the ARP
		// header) are what a neighbour cache believes.
		{chainPorts, in + "meta protocol arp arp saddr ip != " + addr.String() + " drop",
			join(port, protocolIs(ethARP, true), payloadIs(expr.PayloadBaseNetworkHeader, 14, a[:], false), drop())},
		{chainPorts, in + "meta protocol arp arp saddr ether != " + mac.String() + " drop",
			join(port, protocolIs(ethARP, true), payloadIs(expr.PayloadBaseNetworkHeader, 8, mac, false), drop())},
	}
}

// holdPort adds container id's port rules, in one transaction, before
// its veth is up: no frame of it ever enters the bridge unchecked.
func holdPort(id, veth string, addr netip.Addr, logf func(string, ...any)) error {
	c, err := nftConn()
	if err != nil {
		return err
	}
	addPortRules(c, id, veth, addr, logf)
	if err := c.Flush(); err != nil {
		if errors.Is(err, unix.ENOENT) {
			// The kernel's meta of the bridge family is a module of its
			// own on Debian's kernels, loaded when first asked for.
			return fmt.Errorf("nft add rule bridge %s %s: %w (meta in the bridge family: is the module nft_meta_bridge there? modprobe nft_meta_bridge)", nftTableName, chainPorts, err)
		}
		return fmt.Errorf("nft add rule bridge %s %s: %w", nftTableName, chainPorts, err)
	}
	return nil
}

// addPortRules adds the rules of portRules to the batch c.
func addPortRules(c *nftables.Conn, id, veth string, addr netip.Addr, logf func(string, ...any)) {
	chain := &nftables.Chain{Table: nftBridgeTable, Name: chainPorts}
	comment := commentPrefix + id
	for _, r := range portRules(veth, addr, net.HardwareAddr(macFor(addr))) {
		c.AddRule(&nftables.Rule{Table: nftBridgeTable, Chain: chain, Exprs: r.exprs,
			UserData: userdata.AppendString(nil, userdata.TypeComment, comment)})
		logf(`nft add rule bridge %s %s %s comment "%s"`, nftTableName, chainPorts, r.words, comment)
	}
}
