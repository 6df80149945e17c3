package runtime

import (
	"errors"
	"os"
	"slices"
)

// networkLeftovers tells whether the bridge network may hold something of
// a dead container, so that a sweep runs sweepNetwork only then: that one
// takes the network lock, asks nftables and lists every link (1-2 ms of
// every start while the bridge exists, most of the sweep). It is cheap:
// one directory read and two stats.
//
// Something may be left when the sweep found a dead owner (its veth, its
// published ports), when a host end of ours belongs to no live owner (a
// dead owner whose state directory an earlier sweep removed), or when the
// network's pieces (the bridge, its lock file, the record of uplinks) are
// there and no veth at all is: the last container left and the teardown
// did not finish. While a container on the bridge is being set up, its
// owner is alive and its veth not yet made: the third case then sends the
// sweep to sweepNetwork, which looks under the lock as it always did.
func networkLeftovers(deadOwner bool, liveIDs []string) bool {
	if deadOwner {
		return true
	}
	entries, err := os.ReadDir("/sys/class/net")
	if err != nil {
		return true // cannot tell: look the long way
	}
	links := make([]string, len(entries))
	for i, e := range entries {
		links[i] = e.Name()
	}
	return leftoversIn(links, liveIDs, func() bool {
		_, lockErr := os.Stat(networkLockPath())
		_, uplinksErr := os.Stat(uplinksPath())
		return !errors.Is(lockErr, os.ErrNotExist) || !errors.Is(uplinksErr, os.ErrNotExist)
	})
}

// leftoversIn is networkLeftovers' look at the host's links: a veth of
// ours whose container has no live owner, or no veth at all while the
// bridge or another piece of the network (piecesThere) is still there.
func leftoversIn(links, liveIDs []string, piecesThere func() bool) bool {
	veths, bridge := 0, false
	for _, name := range links {
		if name == BridgeName {
			bridge = true
		}
		if !isVethName(name) {
			continue
		}
		veths++
		if !slices.ContainsFunc(liveIDs, func(id string) bool { return VethName(id) == name }) {
			return true
		}
	}
	return veths == 0 && (bridge || piecesThere())
}
