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
	"sync/atomic"
	"time"

	"github.com/google/nftables"
	"github.com/google/nftables/userdata"
	"github.com/vishvananda/netlink"
)

// The tables can vanish under running containers: a firewall's reload
// (`nft flush ruleset`, what nftables.service and most firewalls start
// with) deletes every table of the host, ours too. The containers would
// lose their published ports, their masquerading and their ports' rules
// (a container could then take a sibling's address). So every process
// with a container on the bridge listens to nftables' changes (the kernel
// tells them, as netlink messages, to every socket that joins the
// NFNLGRP_NFTABLES group: what `nft monitor` prints) and, when ours are
// gone or not whole, makes them again, in one transaction, with the rules
// of every live container on the bridge. (The host's loopback stays out
// of reach meanwhile: route_localnet is off, network_proxy_linux.go.)

// tableCheckEvery is how often the tables are looked at even without an
// event while nftables' monitor cannot be opened; tableCheckListening
// while it can. A monitor whose socket overflowed (the kernel drops
// events then) reports an error, and is opened again and the tables
// looked at (listenDeletions), so the slow check is only a last resort:
// a look costs ~4 ms of netlink dumps, for each container, and at 5 s it
// was a tenth of an idle TUI's CPU (issue 13).
const (
	tableCheckEvery     = 5 * time.Second
	tableCheckListening = time.Minute
)

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
	var listening atomic.Bool
	go listenDeletions(stop, changed, &listening)
	tick := time.NewTicker(tableCheckEvery)
	defer tick.Stop()
	var looked time.Time
	for {
		select {
		case <-stop:
			return
		case <-changed:
		case <-tick.C:
			if listening.Load() && time.Since(looked) < tableCheckListening {
				continue
			}
		}
		looked = time.Now()
		if err := repairTables(watchLogf); err != nil {
			watchLogf("# the nftables tables of the bridge could not be made again: %v", err)
		}
	}
}

// listenDeletions says on changed (coalesced) whenever nftables reports
// something deleted, until stop; a broken monitor is opened again.
// listening says whether a monitor is open.
func listenDeletions(stop chan struct{}, changed chan<- struct{}, listening *atomic.Bool) {
	said := false
	for {
		// Every action, sorted here: google/nftables v0.3.0's monitor
		// for deletions alone receives nothing (an attack review found
		// the watcher deaf; TestBridgeTablesMadeAgain times it now).
		mon := nftables.NewMonitor(nftables.WithMonitorEventBuffer(64))
		var events chan *nftables.MonitorEvent
		c, err := nftConn()
		if err == nil {
			events, err = c.AddMonitor(mon)
		}
		if err != nil && !said {
			watchLogf("# nft monitor: %v: the tables are looked at every %s instead", err, tableCheckEvery)
			said = true
		}
		listening.Store(err == nil)
		if err == nil {
			// A deletion before we listened went unheard: look now.
			select {
			case changed <- struct{}{}:
			default:
			}
		}
		for open := events != nil; open; {
			var ev *nftables.MonitorEvent
			select {
			case <-stop:
				mon.Close()
				return
			case ev, open = <-events:
			}
			if open && !isDeletion(ev.Type) && !addsToOurs(ev) {
				continue
			}
			select {
			case changed <- struct{}{}:
			default:
			}
		}
		mon.Close()
		listening.Store(false)
		select { // the ticker checks meanwhile
		case <-stop:
			return
		case <-time.After(time.Second):
		}
	}
}

// isDeletion tells the events that can leave our tables less than whole;
// an out-of-band one is an error of the monitor's, after which an event
// may have been lost.
func isDeletion(t nftables.MonitorEventType) bool {
	switch t {
	case nftables.MonitorEventTypeDelTable, nftables.MonitorEventTypeDelChain, nftables.MonitorEventTypeDelRule,
		nftables.MonitorEventTypeDelSet, nftables.MonitorEventTypeDelSetElem, nftables.MonitorEventTypeOOB:
		return true
	}
	return false
}

// addsToOurs tells a table, chain, rule or set added to a vme50 table:
// an `nft insert rule ... accept` would open what a chain closes (an
// attack review's, which lived until the next slow check). Our own
// starts and repairs add too, and cost one look each. (Set elements do
// not name their table; the slow check covers them.)
func addsToOurs(ev *nftables.MonitorEvent) bool {
	var t *nftables.Table
	switch d := ev.Data.(type) {
	case *nftables.Table:
		t = d
	case *nftables.Chain:
		t = d.Table
	case *nftables.Rule:
		t = d.Table
	case *nftables.Set:
		t = d.Table
	}
	// Ours are ip and netdev; an arp or inet table of the same name is
	// someone else's, and its churn would cost a look each.
	return t != nil && t.Name == nftTableName &&
		(t.Family == nftables.TableFamilyIPv4 || t.Family == nftables.TableFamilyNetdev)
}

// repairTables makes the tables again, under the network lock, if the
// bridge is there but they are not whole.
func repairTables(logf func(string, ...any)) error {
	if ok, err := tablesWhole(liveAttachments()); err != nil || ok {
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

// liveAttachments are the attachments of the containers on the bridge
// whose owner runs.
func liveAttachments() map[string]attachment {
	atts, _ := attachments()
	for id := range atts {
		if !ownerAlive(filepath.Join(StateDir, id)) {
			delete(atts, id)
		}
	}
	return atts
}

// tablesWhole tells whether both tables are there with every rule they
// should have for the live containers: a deleted table, one flushed of
// its rules (`nft flush table`, `nft flush chain`), a container's chain
// or published port missing, an uplink missing from the set, is not.
func tablesWhole(live map[string]attachment) (bool, error) {
	c, err := nftConn()
	if err != nil {
		return false, err
	}
	for _, t := range []*nftables.Table{nftTable, nftPortTable} {
		if ok, err := familyTableExists(c, t.Family); err != nil || !ok {
			return false, err
		}
	}
	shared := map[string]int{}
	for _, r := range tableRules(netip.MustParsePrefix(DefaultSubnet), &nftables.Set{}) { // only counted
		shared[r.chain]++
	}
	for chain, n := range shared {
		rules, err := c.GetRules(nftTable, &nftables.Chain{Table: nftTable, Name: chain})
		if err != nil || len(rules) != n {
			return false, nil
		}
	}
	published, err := c.GetRules(nftTable, &nftables.Chain{Table: nftTable, Name: chainPublish})
	if err != nil {
		return false, nil
	}
	rulesOf := map[string]int{} // published rules by their comment
	for _, r := range published {
		comment, _ := userdata.GetString(r.UserData, userdata.TypeComment)
		rulesOf[comment]++
	}
	for id, a := range live {
		if _, err := netlink.LinkByName(a.Veth); err != nil {
			// Ending: no chain can hook an interface that is gone, so
			// no repair could make it whole (an attack review had the
			// watchers make the tables again and again).
			continue
		}
		if !portChainWhole(c, a.Veth) || rulesOf[commentPrefix+id] != len(a.Ports) {
			return false, nil
		}
	}
	uplinks, err := listUplinks()
	if err != nil {
		return false, nil
	}
	recorded, err := readUplinks()
	if err != nil {
		return false, err
	}
	for _, name := range recorded {
		if !slices.Contains(uplinks, name) {
			return false, nil
		}
	}
	return true, nil
}

// repairLocked, under the network lock, makes the tables again unless
// they are whole: in one transaction, what is left of them deleted, the
// shared rules, each live container's port chain and published ports,
// and the uplinks set from its file. A repair cut short leaves the old
// tables, never half of the new.
func repairLocked(subnet netip.Prefix, logf func(string, ...any)) error {
	live := liveAttachments()
	if ok, err := tablesWhole(live); err != nil || ok {
		return err
	}
	logf("# the nftables tables of %s are gone or not whole (a firewall's reload: nft flush ruleset?): made again", BridgeName)
	c, err := nftConn()
	if err != nil {
		return err
	}
	for _, t := range []*nftables.Table{nftTable, nftPortTable} {
		if ok, err := familyTableExists(c, t.Family); err != nil {
			return err
		} else if ok {
			c.DelTable(t)
			logf("nft delete table %s %s", familyWord(t.Family), nftTableName)
		}
	}
	if err := addTables(c, subnet, logf); err != nil {
		return err
	}
	for id, a := range live {
		addr, err := netip.ParsePrefix(a.Address)
		if err != nil {
			continue
		}
		if _, err := netlink.LinkByName(a.Veth); err != nil {
			continue // ending: its chain could not hook an interface that is gone
		}
		addPortChain(c, a.Veth, addr.Addr(), logf)
		addPublished(c, id, addr.Addr(), a.Ports, logf)
	}
	uplinks, err := readUplinks()
	if err != nil {
		return err
	}
	if len(uplinks) > 0 {
		var elems []nftables.SetElement
		for _, n := range uplinks {
			elems = append(elems, nftables.SetElement{Key: ifnameBytes(n)})
		}
		if err := c.SetAddElements(&nftables.Set{Table: nftTable, Name: setUplinks, KeyType: nftables.TypeIFName}, elems); err != nil {
			return err
		}
		logf(`nft add element ip %s %s '{ "%s" }'`, nftTableName, setUplinks, strings.Join(uplinks, `", "`))
	}
	if err := c.Flush(); err != nil {
		return fmt.Errorf("nft: making the tables again: %w", err)
	}
	return nil
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
