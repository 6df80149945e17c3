package runtime

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
)

// oomWatch reads the kernel's log, /dev/kmsg, from the moment it opens it
// (never the lines already there: those are other containers' past) and
// hands each OOM kill in a vme50 cgroup to the container it belongs to.
// One reader serves every container of this process.
type oomWatch struct {
	mu   sync.Mutex
	subs map[string]func(OOMKill) // by container id
	err  error                    // why the log cannot be read
}

var oomWatcher = sync.OnceValue(func() *oomWatch {
	w := &oomWatch{subs: map[string]func(OOMKill){}}
	// Non-blocking, so that Go's poller waits for the next record instead
	// of a thread blocked in read.
	f, err := os.OpenFile("/dev/kmsg", os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err == nil {
		// The end: past every record already in the buffer.
		_, err = f.Seek(0, io.SeekEnd)
	}
	if err != nil {
		w.err = fmt.Errorf("the kernel's log (/dev/kmsg) cannot be read: %w", err)
		if f != nil {
			f.Close()
		}
		return w
	}
	go w.read(f)
	return w
})

// watchOOM calls fn with every OOM kill in container id's cgroup until
// stop is called.
func watchOOM(id string, fn func(OOMKill)) (stop func(), err error) {
	w := oomWatcher()
	if w.err != nil {
		return func() {}, w.err
	}
	w.mu.Lock()
	w.subs[id] = fn
	w.mu.Unlock()
	return func() {
		w.mu.Lock()
		delete(w.subs, id)
		w.mu.Unlock()
	}, nil
}

// read reads one record at a time, as /dev/kmsg gives them.
func (w *oomWatch) read(f *os.File) {
	buf := make([]byte, 16<<10) // a record never is longer
	var p oomParser
	for {
		n, err := f.Read(buf)
		if errors.Is(err, syscall.EPIPE) {
			continue // records were overwritten before we read them: go on after them
		}
		if err != nil {
			return
		}
		k, ok := p.line(kmsgMessage(string(buf[:n])))
		if !ok {
			continue
		}
		k.ContainerPID = containerPID(k.PID)
		w.mu.Lock()
		fn := w.subs[k.ContainerID()]
		w.mu.Unlock()
		if fn != nil {
			fn(k)
		}
	}
}

// containerPID is process pid's number in its own PID namespace, the last
// of /proc/PID/status's NSpid, while the victim is still being reaped; 0
// once it is gone.
func containerPID(pid int) int {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0
	}
	for line := range strings.Lines(string(data)) {
		if rest, ok := strings.CutPrefix(line, "NSpid:"); ok {
			fields := strings.Fields(rest)
			if len(fields) > 1 {
				n, _ := strconv.Atoi(fields[len(fields)-1])
				return n
			}
		}
	}
	return 0
}
