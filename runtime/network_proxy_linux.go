package runtime

import (
	"fmt"
	"io"
	"net"
	"os"
	"sync"
	"time"

	"golang.org/x/sys/unix"
)

// The host's own 127.0.0.1:PORT of a published port. A packet from
// 127.0.0.1 may leave through the bridge only with route_localnet on,
// and route_localnet would also let a container's packets reach the
// host's loopback services whenever the guard rule is missing (a
// firewall's reload flushes it: an attack review sent a thousand
// datagrams to 127.0.0.1 in the second before the table came back). So
// vme50-tui serves 127.0.0.1:PORT itself, as Docker's docker-proxy
// does: the socket that holds the host's port listens, and each
// connection to it is copied to the container's port over the bridge.
// Connections to the host's other addresses are DNAT'ed by the kernel
// and never reach this socket; with the table flushed, they do, so the
// port keeps answering.

// maxProxyConns bounds the connections served at once per port, so that
// no client of the host can spend the process's file descriptors.
const maxProxyConns = 256

// portProxy serves one published port's listening socket.
type portProxy struct {
	l     net.Listener
	to    string // the container's address and port
	mu    sync.Mutex
	conns map[net.Conn]bool // open on either side, to close at the end
	done  sync.WaitGroup
}

// servePort makes the reserved socket f of port p listen and serves it
// for the container at addr.
func servePort(f *os.File, addr net.IP, p PortMapping, logf func(string, ...any)) (*portProxy, error) {
	if err := unix.Listen(int(f.Fd()), 128); err != nil {
		return nil, fmt.Errorf("-p %s: listen on port %d: %w", p, p.Host, err)
	}
	l, err := net.FileListener(f) // a copy of the descriptor: f stays the reservation
	if err != nil {
		return nil, err
	}
	pp := &portProxy{l: l, to: net.JoinHostPort(addr.String(), fmt.Sprint(p.Container)), conns: map[net.Conn]bool{}}
	logf("# 127.0.0.1:%d is served by vme50-tui itself, copied to %s (route_localnet stays off)", p.Host, pp.to)
	pp.done.Add(1)
	go pp.accept()
	return pp, nil
}

func (pp *portProxy) accept() {
	defer pp.done.Done()
	slots := make(chan struct{}, maxProxyConns)
	for {
		in, err := pp.l.Accept()
		if err != nil {
			return // closed
		}
		select {
		case slots <- struct{}{}:
		default:
			in.Close()
			continue
		}
		pp.done.Add(1)
		go func() {
			defer pp.done.Done()
			defer func() { <-slots }()
			pp.relay(in)
		}()
	}
}

// relay copies in to the container and back, each way until its end.
func (pp *portProxy) relay(in net.Conn) {
	if !pp.track(in) {
		return
	}
	defer pp.untrack(in)
	out, err := net.DialTimeout("tcp4", pp.to, 5*time.Second)
	if err != nil {
		return
	}
	if !pp.track(out) {
		return
	}
	defer pp.untrack(out)
	var both sync.WaitGroup
	both.Add(2)
	copyHalf := func(dst, src net.Conn) {
		defer both.Done()
		io.Copy(dst, src)
		dst.(*net.TCPConn).CloseWrite() // the other way may still have more to say
	}
	go copyHalf(out, in)
	go copyHalf(in, out)
	both.Wait()
}

// track counts c among the open connections; false once the proxy has
// stopped (c is closed then).
func (pp *portProxy) track(c net.Conn) bool {
	pp.mu.Lock()
	defer pp.mu.Unlock()
	if pp.conns == nil {
		c.Close()
		return false
	}
	pp.conns[c] = true
	return true
}

func (pp *portProxy) untrack(c net.Conn) {
	c.Close()
	pp.mu.Lock()
	defer pp.mu.Unlock()
	delete(pp.conns, c)
}

// stop closes the listener and every connection, and waits for the
// goroutines to end.
func (pp *portProxy) stop() {
	pp.l.Close()
	pp.mu.Lock()
	for c := range pp.conns {
		c.Close()
	}
	pp.conns = nil
	pp.mu.Unlock()
	pp.done.Wait()
}
