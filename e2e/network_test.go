package e2e

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// hostOnlyService listens on the host's 127.0.0.1 and on a host abstract
// unix socket, each reachable only from the host's network namespace, and
// counts the connections each took.
type hostOnlyService struct {
	tcp, unix net.Listener
	mu        sync.Mutex
	accepted  map[string]int // by "tcp" or "unix"
}

func listenHostOnly(t *testing.T) *hostOnlyService {
	t.Helper()
	s := &hostOnlyService{accepted: map[string]int{}}
	var err error
	if s.tcp, err = net.Listen("tcp4", "127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	// A name starting with "@" is in the abstract namespace: no file,
	// and like a port it belongs to the network namespace.
	name := fmt.Sprintf("@vme50-e2e-%d-%d", os.Getpid(), time.Now().UnixNano())
	if s.unix, err = net.Listen("unix", name); err != nil {
		t.Fatal(err)
	}
	for kind, l := range map[string]net.Listener{"tcp": s.tcp, "unix": s.unix} {
		t.Cleanup(func() { l.Close() })
		go func() {
			for {
				conn, err := l.Accept()
				if err != nil {
					return
				}
				s.mu.Lock()
				s.accepted[kind]++
				s.mu.Unlock()
				conn.Write([]byte("host-secret\n"))
				conn.Close()
			}
		}()
	}
	return s
}

func (s *hostOnlyService) port() string {
	return strconv.Itoa(s.tcp.Addr().(*net.TCPAddr).Port)
}

func (s *hostOnlyService) unixName() string { return strings.TrimPrefix(s.unix.Addr().String(), "@") }

func (s *hostOnlyService) count(kind string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.accepted[kind]
}

// A default container (on the bridge) has a network of its own: a TCP
// service and an abstract unix socket that listen only on the host's side
// are out of reach, and it sees no interface of the host, only lo and its
// own eth0; with --network none, lo alone. With --network host, asked for,
// the same service answers.
func TestDefaultNetworkIsolated(t *testing.T) {
	clean(t)
	svc := listenHostOnly(t)
	root := rootfsWithEscape(t)
	connect := "nc 127.0.0.1 " + svc.port() + " </dev/null && echo CONNECTED"

	r := vme50(t, "run", "--rootfs", root, "/bin/sh", "-c", connect)
	if strings.Contains(r.stdout, "host-secret") || strings.Contains(r.stdout, "CONNECTED") || svc.count("tcp") != 0 {
		t.Errorf("a default container reached the host's 127.0.0.1:%s: %q %q", svc.port(), r.stdout, r.stderr)
	}
	r = vme50(t, "run", "--rootfs", root, "/"+escapeName, "unix", svc.unixName())
	wantCode(t, r, 0)
	if !strings.Contains(r.stdout, "unix: connect: connection refused") || svc.count("unix") != 0 {
		t.Errorf("a default container and the host's abstract socket @%s: %q", svc.unixName(), r.stdout)
	}
	interfaces := "cut -d: -f1 /proc/net/dev | tail -n +3; ls /sys/class/net"
	r = vme50(t, "run", "--rootfs", root, "/bin/sh", "-c", interfaces)
	wantCode(t, r, 0)
	got := strings.Fields(r.stdout)
	slices.Sort(got)
	if !slices.Equal(got, []string{"eth0", "eth0", "lo", "lo"}) {
		t.Errorf("a default container sees interfaces %q, want its eth0 and lo", got)
	}
	r = vme50(t, "run", "--rootfs", root, "--network", "none", "/bin/sh", "-c", interfaces)
	wantCode(t, r, 0)
	if got := strings.Fields(r.stdout); !slices.Equal(got, []string{"lo", "lo"}) {
		t.Errorf("--network none sees interfaces %q, want lo alone", got)
	}

	// The control: on request the host's network is there.
	r = vme50(t, "run", "--rootfs", root, "--network", "host", "/bin/sh", "-c", connect)
	wantCode(t, r, 0)
	if !strings.Contains(r.stdout, "host-secret") || svc.count("tcp") != 1 {
		t.Errorf("--network host did not reach 127.0.0.1:%s: %q %q", svc.port(), r.stdout, r.stderr)
	}
	r = vme50(t, "run", "--rootfs", root, "--network", "host", "/"+escapeName, "unix", svc.unixName())
	if !strings.Contains(r.stdout, "unix: host-secret") {
		t.Errorf("--network host did not reach @%s: %q", svc.unixName(), r.stdout)
	}
	r = vme50(t, "run", "--rootfs", root, "--network", "host", "/bin/sh", "-c", "cut -d: -f1 /proc/net/dev | tail -n +3")
	if len(strings.Fields(r.stdout)) < 2 {
		t.Errorf("--network host sees interfaces %q, want the host's", r.stdout)
	}
}

// A default container keeps CAP_NET_RAW, but its packet socket sees only
// its own network namespace: its own packets on its lo, never the host's.
// On the host's network the command has no CAP_NET_RAW at all; given it
// back with --cap-add, the same probe sees the host's packet (which shows
// the probe works).
func TestDefaultNetworkCannotSniffHost(t *testing.T) {
	clean(t)
	root := rootfsWithEscape(t)
	marker := fmt.Sprintf("vme50-sniff-%d", time.Now().UnixNano())
	stop := sendOnHostLoopback(t, marker)
	defer stop()

	r := vme50(t, "run", "--rootfs", root, "/"+escapeName, "sniff", marker)
	wantCode(t, r, 0)
	if !strings.Contains(r.stdout, "sniff: saw its own packet") || strings.Contains(r.stdout, "saw the host's packet") {
		t.Errorf("default network: %q %q", r.stdout, r.stderr)
	}
	r = vme50(t, "run", "--rootfs", root, "--network", "host", "/"+escapeName, "sniff", marker)
	wantCode(t, r, 0)
	if !strings.Contains(r.stdout, "sniff: socket: operation not permitted") {
		t.Errorf("--network host: a packet socket without CAP_NET_RAW: %q %q", r.stdout, r.stderr)
	}
	r = vme50(t, "run", "--rootfs", root, "--network", "host", "--cap-add", "NET_RAW", "/"+escapeName, "sniff", marker)
	wantCode(t, r, 0)
	if !strings.Contains(r.stdout, "sniff: saw the host's packet") {
		t.Errorf("--network host --cap-add NET_RAW: the probe saw nothing: %q %q", r.stdout, r.stderr)
	}
}

// sendOnHostLoopback sends marker in a UDP datagram to the host's
// 127.0.0.1 every 20 ms until stopped.
func sendOnHostLoopback(t *testing.T, marker string) (stop func()) {
	t.Helper()
	conn, err := net.Dial("udp4", "127.0.0.1:9") // discard: nobody need listen
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		for {
			select {
			case <-done:
				return
			case <-time.After(20 * time.Millisecond):
				conn.Write([]byte(marker))
			}
		}
	}()
	return func() {
		close(done)
		conn.Close()
	}
}

// Under --network host the command's effective set lacks CAP_NET_RAW
// (bit 13), and the kernel log says why; --cap-add NET_RAW or ALL gives
// it back. The default network keeps Docker's set, NET_RAW included.
func TestHostNetworkDropsNetRaw(t *testing.T) {
	clean(t)
	capEff := func(args ...string) (uint64, result) {
		t.Helper()
		r := run(t, append(args, "/bin/grep", "CapEff", "/proc/self/status")...)
		wantCode(t, r, 0)
		m := regexp.MustCompile(`CapEff:\s+([0-9a-f]+)`).FindStringSubmatch(r.stdout)
		if m == nil {
			t.Fatalf("no CapEff in %q", r.stdout)
		}
		eff, _ := strconv.ParseUint(m[1], 16, 64)
		return eff, r
	}
	const netRaw = 1 << unix.CAP_NET_RAW
	if eff, r := capEff("--verbose", "--network", "host"); eff&netRaw != 0 || !strings.Contains(r.stderr, "--network host: the command gets no CAP_NET_RAW") {
		t.Errorf("--network host: CapEff %016x, kernel log:\n%s", eff, r.stderr)
	}
	for _, add := range []string{"NET_RAW", "ALL"} {
		if eff, r := capEff("--verbose", "--network", "host", "--cap-add", add); eff&netRaw == 0 || strings.Contains(r.stderr, "no CAP_NET_RAW") {
			t.Errorf("--network host --cap-add %s: CapEff %016x", add, eff)
		}
	}
	if eff, _ := capEff(); eff&netRaw == 0 {
		t.Errorf("the default network lost CAP_NET_RAW: CapEff %016x", eff)
	}
}

// netProbeMain runs inside a container (probeMain): "sniff MARKER" opens
// a packet socket on every interface of its network namespace and reports
// whether it saw the host's datagram carrying MARKER, or its own sent to
// its own lo; "unix NAME" connects to the abstract socket @NAME.
func netProbeMain(what string, args []string) int {
	switch what {
	case "sniff":
		sniff(args[0])
	case "unix":
		conn, err := net.Dial("unix", "@"+args[0])
		if err != nil {
			var errno syscall.Errno
			errors.As(err, &errno) // "connection refused", not the whole address
			fmt.Println("unix: connect:", errno)
			return 0
		}
		defer conn.Close()
		buf := make([]byte, 64)
		n, _ := conn.Read(buf)
		fmt.Printf("unix: %s", buf[:n])
	}
	return 0
}

// sniff listens for 2 s on an AF_PACKET socket (what tcpdump uses), while
// sending its own datagram to 127.0.0.1 now and then.
func sniff(marker string) {
	// ETH_P_ALL in network byte order: every protocol.
	proto := int(uint16(unix.ETH_P_ALL)<<8 | uint16(unix.ETH_P_ALL)>>8)
	fd, err := unix.Socket(unix.AF_PACKET, unix.SOCK_RAW, proto)
	if err != nil {
		fmt.Println("sniff: socket:", err)
		return
	}
	defer unix.Close(fd)
	tv := unix.NsecToTimeval((100 * time.Millisecond).Nanoseconds())
	unix.SetsockoptTimeval(fd, unix.SOL_SOCKET, unix.SO_RCVTIMEO, &tv)
	own := "own-" + marker
	self, _ := net.Dial("udp4", "127.0.0.1:9")
	var sawOwn, sawHost bool
	buf := make([]byte, 65536)
	for deadline := time.Now().Add(2 * time.Second); time.Now().Before(deadline) && !(sawOwn && sawHost); {
		if self != nil {
			self.Write([]byte(own))
		}
		n, _, err := unix.Recvfrom(fd, buf, 0)
		if err != nil {
			continue // the timeout: send again
		}
		sawOwn = sawOwn || bytes.Contains(buf[:n], []byte(own))
		sawHost = sawHost || bytes.Contains(buf[:n], []byte(marker)) && !bytes.Contains(buf[:n], []byte(own))
	}
	if sawOwn {
		fmt.Println("sniff: saw its own packet")
	}
	if sawHost {
		fmt.Println("sniff: saw the host's packet")
	}
}
