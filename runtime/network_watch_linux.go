package runtime

import (
	"bufio"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/google/nftables"
	"github.com/vishvananda/netlink"
)

// The tables can vanish under running containers: a firewall's reload
// (`nft flush ruleset`, what nftables.service and most firewalls start
// with) deletes every table of the host, ours too. The containers would
// lose their published ports and masquerading, and worse, the guard rules,
// while route_localnet stays on: a container could reach the host's
// 127.0.0.1 services again. So every process with a container on the
// bridge listens to nftables' changes (the kernel tells them, as netlink
// messages, to every socket that joins the NFNLGRP_NFTABLES group: what
// `nft monitor` prints) and, when ours are gone or emptied, makes them
// again with the rules of every live container on the bridge.

// tableCheckEvery is how often the tables are looked at even without an
// event: the kernel drops events for a socket whose buffer is full.
const tableCheckEvery = 5 * time.Second

// tableWatch is this process's watcher, shared by its containers on the
// bridge: running while there is one.
var tableWatch struct {
	mu    sync.Mutex
	users map[*Container]bool
	stop  chan struct{}
}

// watchTables counts c among the containers the watcher serves; the first
// starts it.
func (c *Container) watchTables() {
	tableWatch.mu.Lock()
	defer tableWatch.mu.Unlock()
	if tableWatch.users == nil {
		tableWatch.users = map[*Container]bool{}
	}
	tableWatch.users[c] = true
	if tableWatch.stop == nil {
		tableWatch.stop = make(chan struct{})
		go watchLoop(tableWatch.stop)
	}
}

// unwatchTables takes c off; the last stops the watcher.
func (c *Container) unwatchTables() {
	tableWatch.mu.Lock()
	defer tableWatch.mu.Unlock()
	if !tableWatch.users[c] {
		return
	}
	delete(tableWatch.users, c)
	if len(tableWatch.users) == 0 && tableWatch.stop != nil {
		close(tableWatch.stop)
		tableWatch.stop = nil
	}
}

// watchLogf writes to the kernel log of every container the watcher
// serves: a rebuilt table is all of theirs.
func watchLogf(format string, args ...any) {
	tableWatch.mu.Lock()
	users := make([]*Container, 0, len(tableWatch.users))
	for c := range tableWatch.users {
		users = append(users, c)
	}
	tableWatch.mu.Unlock()
	for _, c := range users {
		c.logf(FromParent, format, args...)
	}
}

// watchLoop checks the tables on every deletion nftables reports, and
// every tableCheckEvery, until stop is closed.
func watchLoop(stop chan struct{}) {
	changed := make(chan struct{}, 1)
	go listenDeletions(stop, changed)
	tick := time.NewTicker(tableCheckEvery)
	defer tick.Stop()
	for {
		select {
		case <-stop:
			return
		case <-changed:
		case <-tick.C:
		}
		if err := repairTables(watchLogf); err != nil {
			watchLogf("# the nftables tables of the bridge could not be made again: %v", err)
		}
	}
}

// listenDeletions says on changed (coalesced) whenever nftables reports
// something deleted, until stop; a broken monitor is opened again.
func listenDeletions(stop chan struct{}, changed chan<- struct{}) {
	for {
		mon := nftables.NewMonitor(nftables.WithMonitorAction(nftables.MonitorActionDel),
			nftables.WithMonitorObject(nftables.MonitorObjectAny), nftables.WithMonitorEventBuffer(64))
		var events chan *nftables.MonitorEvent
		if c, err := nftConn(); err == nil {
			events, _ = c.AddMonitor(mon)
		}
		for open := events != nil; open; {
			select {
			case <-stop:
				mon.Close()
				return
			case _, open = <-events:
				select {
				case changed <- struct{}{}:
				default:
				}
			}
		}
		mon.Close()
		select { // the ticker checks meanwhile
		case <-stop:
			return
		case <-time.After(time.Second):
		}
	}
}

// repairTables makes the tables again, under the network lock, if the
// bridge is there but they are not whole.
func repairTables(logf func(string, ...any)) error {
	if ok, err := tablesWhole(); err != nil || ok {
		return err
	}
	lock, err := lockNetwork()
	if err != nil {
		return err
	}
	br, err := netlink.LinkByName(BridgeName)
	if err != nil {
		// Torn down meanwhile: the lock file goes too, if nobody is left.
		live, lerr := liveAttached("")
		lock.unlock(lerr == nil && len(live) == 0)
		return nil
	}
	defer lock.unlock(false)
	subnet, err := bridgeSubnet(br)
	if err != nil {
		return err
	}
	return repairLocked(subnet, logf)
}

// tablesWhole tells whether both tables are there with their rules: a
// deleted table, or one flushed of its rules (`nft flush table`), is not.
func tablesWhole() (bool, error) {
	c, err := nftConn()
	if err != nil {
		return false, err
	}
	for _, t := range []*nftables.Table{nftTable, nftBridgeTable} {
		if ok, err := familyTableExists(c, t.Family); err != nil || !ok {
			return false, err
		}
	}
	guard, err := c.GetRules(nftTable, &nftables.Chain{Table: nftTable, Name: chainGuard})
	if err != nil || len(guard) == 0 {
		return false, nil
	}
	if _, err := c.ListChain(nftBridgeTable, chainPorts); err != nil {
		return false, nil
	}
	return true, nil
}

// repairLocked, under the network lock, makes the tables again unless
// they are whole: the shared rules, then each live container's published
// ports and port rules, and the uplinks set from its file. route_localnet
// is off on the bridge meanwhile: without the guard rules it would let
// the containers reach the host's loopback.
func repairLocked(subnet netip.Prefix, logf func(string, ...any)) error {
	if ok, err := tablesWhole(); err != nil || ok {
		return err
	}
	logf("# the nftables tables of %s are gone or emptied (a firewall's reload: nft flush ruleset?): made again", BridgeName)
	if err := setConf(BridgeName, "route_localnet", "0", "while the guard rules are missing", logf); err != nil {
		return err
	}
	if err := deleteTable(logf); err != nil { // what is left of them
		return err
	}
	if err := makeTable(subnet, logf); err != nil {
		return err
	}
	atts, err := attachments()
	if err != nil {
		return err
	}
	for id, a := range atts {
		addr, err := netip.ParsePrefix(a.Address)
		if err != nil || !ownerAlive(filepath.Join(StateDir, id)) {
			continue // a dead owner's: the next sweep's
		}
		if err := holdPort(id, a.Veth, addr.Addr(), logf); err != nil {
			return err
		}
		if err := publish(id, addr.Addr(), a.Ports, logf); err != nil {
			return err
		}
	}
	uplinks, err := readUplinks()
	if err != nil {
		return err
	}
	if err := addUplinks(uplinks, logf); err != nil {
		return err
	}
	return setConf(BridgeName, "route_localnet", "1", "127.0.0.1:PORT of the host may be sent to a container", logf)
}

// The interfaces whose forwarding vme50 switched on are also written in a
// file beside the lock: the uplinks set goes with a deleted table, and
// without its names the last container could not switch them off again.

// uplinksPath is that file.
func uplinksPath() string { return filepath.Join(filepath.Dir(StateDir), "network.uplinks") }

// recordUplink adds name to the file, synced before forwarding goes on.
func recordUplink(name string) error {
	names, err := readUplinks()
	if err != nil || slices.Contains(names, name) {
		return err
	}
	f, err := os.OpenFile(uplinksPath(), os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(f, name)
	if err == nil {
		err = f.Sync()
	}
	return errors.Join(err, f.Close())
}

// readUplinks reads the file (none: no name).
func readUplinks() ([]string, error) {
	f, err := os.Open(uplinksPath())
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var names []string
	for s := bufio.NewScanner(f); s.Scan(); {
		if name := strings.TrimSpace(s.Text()); name != "" && !slices.Contains(names, name) {
			names = append(names, name)
		}
	}
	return names, nil
}
