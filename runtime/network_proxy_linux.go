package runtime

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"sync"
	"time"
)

// The host's own 127.0.0.1:PORT of a published port. A packet from
// 127.0.0.1 may leave through the bridge only with route_localnet on,
// and route_localnet would also let a container's packets reach the
// host's loopback services whenever the guard rule is missing (a
// firewall's reload flushes it: an attack review sent a thousand
// datagrams to 127.0.0.1 in the second before the table came back). So
// vme50-tui serves localhost:PORT itself, as Docker's docker-proxy does:
// the sockets that hold the host's port (0.0.0.0 and [::]) listen, and
// each connection to them is copied to the container's port over the
// bridge. Connections to the host's other IPv4 addresses are DNAT'ed by
// the kernel and never reach these sockets; with the table flushed, they
// do, so the port keeps answering.

// maxProxyConns bounds the connections served at once per socket: each
// costs two descriptors, so a local user who opens many can take this
// port's localhost (as docker-proxy's), never the process's descriptors.
const maxProxyConns = 256

// portProxy serves one published port's listening socket.
type portProxy struct {
	l     net.Listener
	to    string // the container's address and port
	mu    sync.Mutex
	conns map[net.Conn]bool // open on either side, to close at the end
	done  sync.WaitGroup
	logf  func(string, ...any)
}

// servePort serves the listening socket f of port p for the container at
// addr.
func servePort(f *os.File, addr net.IP, p PortMapping, logf func(string, ...any)) (*portProxy, error) {
	l, err := net.FileListener(f) // a copy of the descriptor: f stays the reservation
	if err != nil {
		return nil, err
	}
	pp := &portProxy{l: l, to: net.JoinHostPort(addr.String(), fmt.Sprint(p.Container)), conns: map[net.Conn]bool{}, logf: logf}
	logf("# %s is served by vme50-tui itself, copied to %s (route_localnet stays off)", f.Name(), pp.to)
	pp.done.Add(1)
	go pp.accept()
	return pp, nil
}

// accept serves connections until the listener is closed. Any other
// error (no descriptor left: EMFILE) is waited out, as net/http does: a
// proxy that gave up would leave the port listening and never answering.
func (pp *portProxy) accept() {
	defer pp.done.Done()
	slots := make(chan struct{}, maxProxyConns)
	var wait time.Duration
	var full time.Time // when a refusal was last logged
	for {
		in, err := pp.l.Accept()
		if errors.Is(err, net.ErrClosed) {
			return
		}
		if err != nil {
			wait = min(max(2*wait, 5*time.Millisecond), time.Second)
			time.Sleep(wait)
			continue
		}
		wait = 0
		select {
		case slots <- struct{}{}:
		default:
			in.Close()
			if time.Since(full) > time.Minute {
				full = time.Now()
				pp.logf("# %s: %d connections open already: another refused", pp.l.Addr(), maxProxyConns)
			}
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
		// Through a buffer, hiding the sockets' ReadFrom and WriteTo: Go
		// would splice, which costs a pipe (two more descriptors) each way.
		buf := make([]byte, 32<<10)
		io.CopyBuffer(struct{ io.Writer }{dst}, struct{ io.Reader }{src}, buf)
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
