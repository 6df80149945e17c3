package e2e

import (
	"crypto/rand"
	"encoding/hex"
	"os"
	"os/exec"
	"testing"
	"time"
)

// A start sweeps the bridge network only when something of a dead
// container may be left on it (the full look costs 1-2 ms of every start),
// and runs the sweep beside the start: a host end of ours that no live
// owner claims (here a veth pair whose host end is named as ours are) is still gone
// once run has exited.
func TestLeanSweepRemovesOwnerlessVeth(t *testing.T) {
	clean(t)
	b := make([]byte, 5)
	rand.Read(b)
	name := "vme50" + hex.EncodeToString(b)
	peer := "vme50-p" + hex.EncodeToString(b[:3]) // not a name of ours
	if out, err := exec.Command("ip", "link", "add", name, "type", "veth", "peer", "name", peer).CombinedOutput(); err != nil {
		t.Fatalf("ip link add %s type veth: %v\n%s", name, err, out)
	}
	t.Cleanup(func() { exec.Command("ip", "link", "del", name).Run() })
	start := time.Now()
	wantCode(t, run(t, "--network", "none", "/bin/true"), 0)
	if _, err := os.Stat("/sys/class/net/" + name); err == nil {
		t.Fatalf("%s, a veth name without a live owner, is still there after a start (%v)", name, time.Since(start))
	}
}
