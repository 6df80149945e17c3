package ui

import (
	"strings"
	"time"

	"vme50-tui/runtime"
)

// The network line: the bytes a container's eth0 received and sent per
// second, from the counters of the host's end of its veth pair
// (/sys/class/net/vme50ID/statistics, runtime's NetStats), over the last
// second as the I/O panel's rates. It is no cgroup file: the readings get
// it beside the Stats. A container with --network none or host has no
// eth0 of its own to count, and the line says so.
//
//	eth0 10.88.0.2/16 · rx 1.2 KiB/s · tx 340 B/s

// netSample is one reading of the veth's counters; ok false when it could
// not be read (the container ended, its veth is gone).
type netSample struct {
	time   time.Time
	rx, tx uint64
	ok     bool
}

// netWindowSpan is the time the network's rates are taken over: a ping a
// second is a burst in one reading of four.
const netWindowSpan = time.Second

// netRates are the network's bytes per second over the last second.
type netRates struct {
	ok     bool // two readings at least
	rx, tx float64
}

// PushNet takes the latest reading of the container's eth0.
func (r *Readings) PushNet(s netSample) {
	if !s.ok {
		r.netWindow = nil
		r.setNet(netRates{})
		return
	}
	if n := len(r.netWindow); n > 0 && !s.time.After(r.netWindow[n-1].time) {
		return // not newer
	}
	var secs float64
	r.netWindow, secs = slide(r.netWindow, s, func(s netSample) time.Time { return s.time }, netWindowSpan)
	if secs <= 0 {
		return
	}
	first := r.netWindow[0]
	r.setNet(netRates{ok: true, rx: float64(counterIncrease(first.rx, s.rx)) / secs,
		tx: float64(counterIncrease(first.tx, s.tx)) / secs})
}

// setNet keeps the rates, and counts a change a view would draw.
func (r *Readings) setNet(n netRates) {
	if n != r.net {
		r.net = n
		r.rev++
	}
}

// Net is the network's rates over the last second.
func (r *Readings) Net() netRates { return r.net }

// SetNetwork says which network the container is on (runtime's bridge,
// none or host; "" not known: no line) and its address on the bridge.
func (p *Panels) SetNetwork(network runtime.Network, address string) {
	p.network, p.address = string(network), address
}

// netPanel is the network's line in w cells, or false where there is
// none to draw.
func (p *Panels) netPanel(w int) (metricPanel, bool) {
	switch runtime.Network(p.network) {
	case runtime.NetworkNone:
		return metricPanel{bare: true, faint: true, lines: []panelLine{{text: "network: none, only lo: no eth0 to count"}}}, true
	case runtime.NetworkHost:
		return metricPanel{bare: true, faint: true,
			lines: []panelLine{{text: "network: the host's, not counted per container"}}}, true
	case runtime.NetworkBridge:
		return metricPanel{bare: true, lines: []panelLine{{text: p.netText(w - 1)}}}, true
	}
	return metricPanel{}, false
}

// netText is "eth0 10.88.0.2/16 · rx 1.2 KiB/s · tx 340 B/s" in w cells:
// the address shorter, or left out, where the rates need its room.
func (p *Panels) netText(w int) string {
	rates := " · rx – · tx –"
	if n := p.r.Net(); n.ok {
		rates = " · rx " + rateText(n.rx) + " · tx " + rateText(n.tx)
	}
	if p.address == "" {
		return "eth0" + rates
	}
	addr, _, _ := strings.Cut(p.address, "/")
	return firstFit(w, "eth0 "+p.address+rates, "eth0 "+addr+rates, "eth0"+rates)
}

// compactNet is "net rx 1.2 KiB/s tx 340 B/s" where eth0 moved bytes in
// the last second; nil otherwise.
func (p *Panels) compactNet() []string {
	n := p.r.Net()
	if runtime.Network(p.network) != runtime.NetworkBridge || !n.ok || n.rx+n.tx < 1 {
		return nil
	}
	return []string{"net", "rx " + rateText(n.rx), "tx " + rateText(n.tx)}
}
