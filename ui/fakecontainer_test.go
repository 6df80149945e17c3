package ui

import (
	"errors"
	"fmt"
	"os"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"
	"golang.org/x/term"

	"vme50-tui/cgroup"
	"vme50-tui/runtime"
)

// fakeContainer behaves like a container for the UI's tests, without a
// kernel or root. Its terminal is a real pty pair: the UI reads and writes
// the master side, as with a runtime.Container, and the test plays the
// program on the other side (program, expectInput). It has the readings
// the test gives it (setStats, setDisk), and ends the way the test says:
// exit, oomKill, or Kill from the UI. Like a real one, it closes its
// terminal when it ends (the pane reads EOF), and then Wait returns.
type fakeContainer struct {
	id    string
	spec  runtime.Spec
	pty   *os.File     // master: the UI's side
	noPty bool         // Pty says there is none: a container attached from elsewhere
	tty   *os.File     // the program's side, raw: bytes pass unchanged
	input lockedBuffer // what the program read: keys, pastes, replies

	mu       sync.Mutex // guards what follows
	stats    *cgroup.Stats
	disk     *diskReading
	net      *netSample // eth0's counters (only the bytes count)
	address  string
	signals  []os.Signal     // what Signal sent, in order
	updates  []cgroup.Limits // what Update wrote, in order
	freezes  []bool          // what Freeze was asked, in order
	failing  error           // what Update answers instead, if set
	procs    []runtime.Process
	victims  []runtime.OOMKill
	size     [2]uint16 // rows, cols: the last Resize
	result   runtime.Result
	ended    bool
	done     chan struct{}
	closePty sync.Once
}

var _ Container = (*fakeContainer)(nil)

// newFakeContainer makes a running fake; the test's end kills it.
func newFakeContainer(t *testing.T, id string, spec runtime.Spec) *fakeContainer {
	t.Helper()
	master, tty, err := pty.Open()
	if err != nil {
		t.Fatalf("pty: %v", err)
	}
	if err := makeRaw(tty); err != nil {
		t.Fatalf("raw pty: %v", err)
	}
	if spec.Hostname == "" {
		spec.Hostname = id // as runtime.New does
	}
	f := &fakeContainer{id: id, spec: spec, pty: master, tty: tty, done: make(chan struct{})}
	go f.readInput()
	t.Cleanup(func() {
		f.Kill()
		f.Close()
	})
	return f
}

// makeRaw turns off the line discipline (echo, line editing, ^C as a
// signal, CR/LF changes), as full-screen programs do. Through the file's
// SyscallConn, not Fd: Fd would make reads block in the kernel, and then
// closing the tty could not interrupt readInput.
func makeRaw(f *os.File) error {
	rc, err := f.SyscallConn()
	if err != nil {
		return err
	}
	var rawErr error
	err = rc.Control(func(fd uintptr) { _, rawErr = term.MakeRaw(int(fd)) })
	return errors.Join(err, rawErr)
}

// readInput is the program reading its terminal, until it ends.
func (f *fakeContainer) readInput() {
	buf := make([]byte, 1024)
	for {
		n, err := f.tty.Read(buf)
		f.input.Write(buf[:n])
		if err != nil {
			return
		}
	}
}

// program prints s on the container's terminal.
func (f *fakeContainer) program(t *testing.T, s string) {
	t.Helper()
	writeOutput(t, f.tty, s)
}

// expectInput waits until the program has read exactly want.
func (f *fakeContainer) expectInput(t *testing.T, want string) {
	t.Helper()
	expectRead(t, &f.input, want)
}

// setStats is the reading Stats returns from now on; before the first,
// Stats fails, as a container's does before its cgroup exists.
func (f *fakeContainer) setStats(st cgroup.Stats) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.stats = &st
}

// setDisk is what DiskUsage returns from now on; before, it fails.
func (f *fakeContainer) setDisk(used, size uint64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.disk = &diskReading{used: used, size: size, ok: true}
}

// setFailing makes Update and Freeze answer err from now on (nil: they
// work again).
func (f *fakeContainer) setFailing(err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.failing = err
}

// exit ends the container as its command exiting with code would.
func (f *fakeContainer) exit(code int) {
	f.end(runtime.Result{ExitCode: code})
}

// oomKill ends the container as the kernel's OOM killer does: SIGKILL to
// the command, one oom_kill in memory.events.
func (f *fakeContainer) oomKill() {
	f.end(runtime.Result{ExitCode: 128 + int(syscall.SIGKILL), Signal: syscall.SIGKILL,
		OOMKills: 1, OOMKilled: true})
}

// end ends the container with r, the last reading in r.Stats unless set.
// Its processes are gone first, and with them their terminal: the pane
// reads EOF before Wait returns, as with a real container.
func (f *fakeContainer) end(r runtime.Result) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.ended {
		return
	}
	f.ended = true
	f.tty.Close()
	if r.Stats.Time.IsZero() && f.stats != nil {
		r.Stats = *f.stats
	}
	r.Stats.Memory.Events.OOMKill = r.OOMKills
	f.result = r
	close(f.done)
}

func (f *fakeContainer) ID() string         { return f.id }
func (f *fakeContainer) Spec() runtime.Spec { return f.spec }

func (f *fakeContainer) Stats() (cgroup.Stats, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	switch {
	case f.ended:
		return f.result.Stats, nil
	case f.stats == nil:
		return cgroup.Stats{}, fmt.Errorf("container %s: no reading yet", f.id)
	}
	return *f.stats, nil
}

func (f *fakeContainer) DiskUsage() (used, size uint64, err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.ended || f.disk == nil {
		return 0, 0, fmt.Errorf("container %s: no disk reading", f.id)
	}
	return f.disk.used, f.disk.size, nil
}

// setNet gives the next readings of eth0 these counters, at the address.
func (f *fakeContainer) setNet(address string, rx, tx uint64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.address, f.net = address, &netSample{rx: rx, tx: tx, ok: true}
}

func (f *fakeContainer) NetStats() (rx, tx uint64, err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.ended || f.net == nil || f.spec.Network != runtime.NetworkBridge {
		return 0, 0, fmt.Errorf("container %s: no eth0 to count", f.id)
	}
	return f.net.rx, f.net.tx, nil
}

func (f *fakeContainer) Address() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.address
}

// Update records the write (or answers failing, if set), and, as the
// kernel would, the next reading shows the new limits.
func (f *fakeContainer) Update(lim cgroup.Limits) error {
	return f.change(func(st *cgroup.Stats) {
		f.updates = append(f.updates, lim)
		if lim.MemoryMax != 0 {
			st.Memory.Max = lim.MemoryMax
		}
		if lim.CPUWeight != 0 {
			st.CPU.Weight = lim.CPUWeight
		}
		if lim.CPUQuotaUsec != 0 {
			st.CPU.QuotaUsec, st.CPU.PeriodUsec = lim.CPUQuotaUsec, lim.CPUPeriodUsec
			if lim.CPUPeriodUsec == 0 {
				st.CPU.PeriodUsec = 100000 // the kernel's default
			}
		}
		if lim.PidsMax != 0 {
			st.Pids.Max = lim.PidsMax
		}
		if lim.MemoryHigh != 0 {
			st.Memory.High = lim.MemoryHigh
		}
		if lim.MemorySwap == cgroup.Unlimited {
			st.Memory.SwapMax = cgroup.Unlimited
		} else if lim.MemorySwap != 0 {
			st.Memory.SwapMax = lim.MemorySwap - st.Memory.Max
		}
	})
}

// Freeze records the request and, as the kernel would, the next reading
// says Frozen (the test stops the CPU counters itself).
func (f *fakeContainer) Freeze(frozen bool) error {
	return f.change(func(st *cgroup.Stats) {
		f.freezes = append(f.freezes, frozen)
		st.Frozen = frozen
		st.Time = st.Time.Add(time.Millisecond) // a new reading
	})
}

// change is a write into the running container: an error once it has
// ended, or failing if set; else do records it and changes the reading
// (a zero one before the first).
func (f *fakeContainer) change(do func(st *cgroup.Stats)) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.ended {
		return fmt.Errorf("container %s has ended", f.id)
	}
	if f.failing != nil {
		return f.failing
	}
	var st cgroup.Stats
	if f.stats != nil {
		st = *f.stats
	}
	do(&st)
	if f.stats != nil {
		f.stats = &st
	}
	return nil
}

// Files are the names of a v2 host's files.
func (f *fakeContainer) Files() cgroup.Files {
	return cgroup.NewHost(cgroup.V2, "/sys/fs/cgroup", nil).Files()
}

func (f *fakeContainer) Log() []runtime.LogEntry { return nil }

// setProcesses sets what Processes lists; addVictim adds a kernel's
// report of an OOM kill.
func (f *fakeContainer) setProcesses(procs []runtime.Process) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.procs = append([]runtime.Process(nil), procs...)
}

func (f *fakeContainer) addVictim(k runtime.OOMKill) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.victims = append(f.victims, k)
}

func (f *fakeContainer) Processes() ([]runtime.Process, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]runtime.Process(nil), f.procs...), nil
}

func (f *fakeContainer) OOMVictims() []runtime.OOMKill {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]runtime.OOMKill(nil), f.victims...)
}

func (f *fakeContainer) Done() <-chan struct{} { return f.done }

func (f *fakeContainer) Wait() runtime.Result {
	<-f.done
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.result
}

// Signal records sig. The command is a shell that, as PID 1, ignores
// every signal it has no handler for: only SIGKILL ends it.
func (f *fakeContainer) Signal(sig os.Signal) error {
	f.mu.Lock()
	ended := f.ended
	f.signals = append(f.signals, sig)
	f.mu.Unlock()
	if ended {
		return fmt.Errorf("container %s has ended", f.id)
	}
	if sig == syscall.SIGKILL {
		f.Kill()
	}
	return nil
}

// Kill ends the container as killed by SIGKILL (nothing once it ended).
func (f *fakeContainer) Kill() error {
	f.end(runtime.Result{ExitCode: 128 + int(syscall.SIGKILL), Signal: syscall.SIGKILL})
	return nil
}

func (f *fakeContainer) Pty() *os.File {
	if f.noPty {
		return nil
	}
	return f.pty
}

func (f *fakeContainer) Resize(rows, cols uint16) error {
	f.mu.Lock()
	f.size = [2]uint16{rows, cols}
	f.mu.Unlock()
	return pty.Setsize(f.pty, &pty.Winsize{Rows: rows, Cols: cols})
}

// Close releases the master side, as the runtime's does.
func (f *fakeContainer) Close() error {
	var err error
	f.closePty.Do(func() { err = f.pty.Close() })
	return err
}
