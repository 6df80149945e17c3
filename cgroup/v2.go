package cgroup

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// cgroup v2: one tree, every controller in it. Our leaf is
// <root>/vme50/<id>, and its files are named after their controller:
// memory.max, cpu.max, pids.max, ...

// v2Controllers are the controllers vme50's leaves need; v2Optional the
// ones they get where the kernel offers them (io: --device-read-bps).
var (
	v2Controllers = []string{"cpu", "memory", "pids"}
	v2Optional    = []string{"io"}
)

// defaultPeriodUsec is the kernel's CFS bandwidth period: 100 ms.
const defaultPeriodUsec = 100000

// createV2 makes <root>/vme50/<id>.
//
// In v2 a leaf only gets a controller's files (memory.max, ...) if its
// parent has the controller in cgroup.subtree_control, and the parent can
// only have it if its own parent has it, up to the root. So the
// controllers are switched on top-down: in the root for vme50, then in
// vme50 for the leaves. That is also why vme50 must never hold a process:
// the kernel lets only a group without processes of its own hand
// controllers to its children ("no internal processes").
func (h *Host) createV2(id string) (Manager, error) {
	c := cgfs{host: h}
	made := madeDirs{fs: c}
	parent := filepath.Join(h.Root, Parent)
	if err := enableControllers(c, h.Root); err != nil {
		return nil, err
	}
	if err := made.mkdir(parent, true); err != nil {
		return nil, made.undo(err)
	}
	if err := enableControllers(c, parent); err != nil {
		return nil, made.undo(err)
	}
	if err := made.mkdir(filepath.Join(parent, id), false); err != nil {
		return nil, made.undo(err)
	}
	l := h.openV2(id)
	l.files = newOpenFiles() // ours: Destroy closes them
	return l, nil
}

// enableControllers writes +cpu, +memory and +pids into dir's
// cgroup.subtree_control, each on its own so that an error names the
// controller, and only those not on yet: on a host set up before, there
// is nothing to write.
func enableControllers(c cgfs, dir string) error {
	file := filepath.Join(dir, "cgroup.subtree_control")
	data, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	on := strings.Fields(string(data))
	offered := []string{}
	if data, err := os.ReadFile(filepath.Join(dir, "cgroup.controllers")); err == nil {
		offered = strings.Fields(string(data))
	}
	for _, name := range append(slices.Clone(v2Controllers), v2Optional...) {
		if slices.Contains(on, name) {
			continue
		}
		if slices.Contains(v2Optional, name) && !slices.Contains(offered, name) {
			continue
		}
		if err := c.write(file, "+"+name); err != nil {
			return explainSubtreeError(err, dir, name)
		}
	}
	return nil
}

// explainSubtreeError adds the likely reason to the two errors the kernel
// gives for cgroup.subtree_control, since neither errno says it.
func explainSubtreeError(err error, dir, controller string) error {
	switch {
	case errors.Is(err, unix.ENOENT):
		return fmt.Errorf("%w (the kernel does not offer the %s controller here: see %s)",
			err, controller, filepath.Join(dir, "cgroup.controllers"))
	case errors.Is(err, unix.EBUSY):
		return fmt.Errorf("%w (a cgroup can give controllers to its children only while it holds no processes itself)", err)
	}
	return err
}

func (h *Host) openV2(id string) *v2Leaf {
	return &v2Leaf{id: id, dir: filepath.Join(h.Root, Parent, id), fs: cgfs{host: h}}
}

// v2Leaf is a container's cgroup on a v2 host.
type v2Leaf struct {
	id    string
	dir   string
	fs    cgfs
	files *openFiles // kept open between readings (Create's leaf only)
}

func (l *v2Leaf) file(name string) string { return filepath.Join(l.dir, name) }

func (l *v2Leaf) ID() string       { return l.id }
func (l *v2Leaf) Version() Version { return V2 }
func (l *v2Leaf) Paths() []string  { return []string{l.dir} }

func (l *v2Leaf) Files() Files {
	return Files{
		MemoryCurrent: "memory.current",
		MemoryMax:     "memory.max",
		MemoryPeak:    "memory.peak",
		MemoryEvents:  "memory.events",
		MemoryStat:    "memory.stat",
		CPUUsage:      "cpu.stat",
		CPUStat:       "cpu.stat",
		CPUWeight:     "cpu.weight",
		CPUMax:        "cpu.max",
		PidsCurrent:   "pids.current",
		PidsMax:       "pids.max",
		MemoryHigh:    "memory.high",
		MemorySwap:    "memory.swap.current",
		IOStat:        "io.stat",
		IOMax:         "io.max",
		Freeze:        "cgroup.freeze",
	}
}

// Set writes each limit that is not zero into its file.
func (l *v2Leaf) Set(lim Limits) error {
	if err := lim.check(); err != nil {
		return err
	}
	var todo []setting
	if lim.MemoryMax != 0 {
		// Below the usage, the write itself reclaims and then OOM-kills
		// in the group until it fits, and succeeds (v1 refuses, EBUSY).
		todo = append(todo, setting{l.file("memory.max"), v2Value(lim.MemoryMax)})
	}
	if lim.CPUWeight != 0 {
		todo = append(todo, setting{l.file("cpu.weight"), v2Value(lim.CPUWeight)})
	}
	if lim.CPUQuotaUsec != 0 {
		// One write sets both: "50000 100000" is 50 ms of CPU time in
		// every 100 ms, half a core.
		quota := v2Value(lim.CPUQuotaUsec) + " " + strconv.FormatUint(period(lim), 10)
		todo = append(todo, setting{l.file("cpu.max"), quota})
	}
	if lim.PidsMax != 0 {
		todo = append(todo, setting{l.file("pids.max"), v2Value(lim.PidsMax)})
	}
	if lim.MemoryHigh != 0 {
		// Above it the kernel makes the group's allocations wait while it
		// reclaims: the workload slows, and nothing is killed.
		todo = append(todo, setting{l.file("memory.high"), v2Value(lim.MemoryHigh)})
	}
	if lim.MemorySwap != 0 {
		// v2 limits swap on its own: memory.swap.max is Docker's
		// memory+swap less the memory limit. Without swap accounting
		// (no swap controller: a kernel without CONFIG_MEMCG_SWAP) the
		// file is missing and the group cannot swap beyond the host's say.
		swap, err := swapMax(lim)
		if err != nil {
			return err
		}
		if file := l.file("memory.swap.max"); exists(file) {
			todo = append(todo, setting{file, swap})
		}
	}
	return l.fs.writeAll(todo)
}

// swapMax is memory.swap.max for lim: the swap part of MemorySwap.
func swapMax(lim Limits) (string, error) {
	switch {
	case lim.MemorySwap == Unlimited:
		return "max", nil
	case lim.MemoryMax == 0 || lim.MemoryMax == Unlimited:
		return "", fmt.Errorf("cgroup: a memory+swap limit (%s) needs a memory limit", FormatSize(lim.MemorySwap))
	case lim.MemorySwap < lim.MemoryMax:
		return "", fmt.Errorf("cgroup: the memory+swap limit %s is below the memory limit %s",
			FormatSize(lim.MemorySwap), FormatSize(lim.MemoryMax))
	}
	return strconv.FormatUint(lim.MemorySwap-lim.MemoryMax, 10), nil
}

// SetIO writes one io.max line a device: "8:0 rbps=1048576 wbps=max".
func (l *v2Leaf) SetIO(limits []IOLimit) error {
	var todo []setting
	for _, lim := range limits {
		line := fmt.Sprintf("%s rbps=%s wbps=%s", lim.Device(), bpsValue(lim.ReadBps), bpsValue(lim.WriteBps))
		todo = append(todo, setting{l.file("io.max"), line})
	}
	if len(todo) > 0 && !exists(l.file("io.max")) {
		return fmt.Errorf("cgroup v2: no io.max in %s: the kernel does not offer the io controller here (see %s)",
			l.dir, filepath.Join(filepath.Dir(l.dir), "cgroup.controllers"))
	}
	return l.fs.writeAll(todo)
}

// bpsValue is a bandwidth for io.max: 0, no limit, is "max".
func bpsValue(v uint64) string {
	if v == 0 {
		return "max"
	}
	return v2Value(v)
}

// v2Value is how v2 files take a number: Unlimited is the word "max".
func v2Value(v uint64) string {
	if v == Unlimited {
		return "max"
	}
	return strconv.FormatUint(v, 10)
}

// period is the CFS period of lim, 100 ms unless set.
func period(lim Limits) uint64 {
	if lim.CPUPeriodUsec == 0 {
		return defaultPeriodUsec
	}
	return lim.CPUPeriodUsec
}

// AddProc moves a process into the leaf. Its children, born later, are
// born in it.
func (l *v2Leaf) AddProc(pid int) error {
	return l.fs.write(l.file("cgroup.procs"), strconv.Itoa(pid))
}

func (l *v2Leaf) Procs() ([]int, error) { return readPids(l.file("cgroup.procs")) }

// Kill empties the leaf. Linux 5.14+ has cgroup.kill, which kills every
// process in the group at once, fork bombs included. Older kernels get
// the freezer: frozen processes cannot fork, and SIGKILL still reaches
// them. Either way we wait until the leaf is empty.
func (l *v2Leaf) Kill() error {
	var err error
	if kill := l.file("cgroup.kill"); exists(kill) {
		err = l.fs.write(kill, "1")
		if errors.Is(err, fs.ErrNotExist) && !exists(l.dir) {
			// Its owner removed it meanwhile: the container ended (on
			// the SIGTERM a stop sent first), nothing is left to kill.
			return nil
		}
	} else {
		err = l.freezeAndKill()
	}
	if err != nil {
		return err
	}
	return killUntilEmpty(l.dir, []string{l.file("cgroup.procs")}, l.empty)
}

// freezeAndKill freezes the leaf, SIGKILLs each process and thaws it, so
// the killed processes can run to their end. Before Linux 5.2 there is no
// cgroup.freeze, and killUntilEmpty's rounds of SIGKILL do the work alone.
func (l *v2Leaf) freezeAndKill() error {
	freeze := l.file("cgroup.freeze")
	if !exists(freeze) {
		return nil
	}
	if err := l.fs.write(freeze, "1"); err != nil {
		return err
	}
	_, killErr := killListed(l.file("cgroup.procs"))
	return errors.Join(killErr, l.fs.write(freeze, "0"))
}

// empty reports whether the leaf holds no process. cgroup.events says
// "populated 0" only when the last process has fully exited, while
// cgroup.procs may already be empty for processes still dying; so the
// first is asked where the kernel has it. A leaf that is gone is empty.
func (l *v2Leaf) empty() (bool, error) {
	r := statsReader{dir: l.dir}
	populated := uint64(1)
	if r.keyed("cgroup.events", map[string]*uint64{"populated": &populated}) {
		return populated == 0, nil
	}
	if r.err != nil {
		return false, r.err
	}
	pids, err := listPids(l.file("cgroup.procs"))
	return len(pids) == 0, err
}

// Destroy removes the leaf; rmdir retries while it is busy.
func (l *v2Leaf) Destroy() error {
	l.files.close()
	return l.fs.rmdir(l.dir)
}

// OpenDir opens the leaf for clone3(CLONE_INTO_CGROUP), which starts the
// child in the leaf: under its limits from its first instruction, with no
// moment in our own cgroup. The kernel only needs to know which
// directory.
func (l *v2Leaf) OpenDir() (int, error) {
	fd, err := unix.Open(l.dir, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return -1, fmt.Errorf("open %s: %w", l.dir, err)
	}
	return fd, nil
}

// Stats reads the leaf's files. A limit whose file is missing (its
// controller is off) reads as Unlimited. On error, Stats holds what was
// read before it.
func (l *v2Leaf) Stats() (Stats, error) {
	s := Stats{Time: time.Now()}
	r := statsReader{dir: l.dir, files: l.files}
	v2MemoryStats(&r, &s.Memory)
	v2CPUStats(&r, &s.CPU)
	s.Pids.Max = Unlimited
	r.value("pids.current", &s.Pids.Current)
	r.value("pids.max", &s.Pids.Max)
	v2IOStats(&r, &s.IO)
	var frozen uint64
	r.keyed("cgroup.events", map[string]*uint64{"frozen": &frozen})
	s.Frozen = frozen == 1
	if r.missing {
		// Files were missing: the leaf may be gone, and then its
		// all-zero reading is no reading.
		if err := leafExists(l.dir); err != nil {
			return Stats{Time: s.Time}, err
		}
	}
	if r.err == nil {
		s.Pressure = readPressure(l.dir)
	}
	return s, r.err
}

func v2IOStats(r *statsReader, io *IOStats) {
	io.ReadBpsMax, io.WriteBpsMax = Unlimited, Unlimited
	if text, ok := r.read("io.stat"); ok {
		if err := parseIOStat(text, io); err != nil {
			r.fail("io.stat", err)
		}
	}
	if text, ok := r.read("io.max"); ok {
		if err := parseIOMax(text, io); err != nil {
			r.fail("io.max", err)
		}
	}
}

func v2MemoryStats(r *statsReader, m *MemoryStats) {
	m.Max = Unlimited
	r.value("memory.current", &m.Current)
	r.value("memory.max", &m.Max)
	r.value("memory.peak", &m.Peak) // Linux 5.19+
	// oom counts each time the group hit its limit and reclaim could not
	// help; oom_kill counts the processes the OOM killer then killed.
	m.High, m.SwapMax = Unlimited, Unlimited
	r.value("memory.high", &m.High)
	r.value("memory.swap.current", &m.Swap)
	r.value("memory.swap.max", &m.SwapMax)
	r.keyed("memory.events", map[string]*uint64{
		"high":     &m.Events.High,
		"max":      &m.Events.Max,
		"oom":      &m.Events.OOM,
		"oom_kill": &m.Events.OOMKill,
	})
	r.keyed("memory.stat", map[string]*uint64{
		"anon": &m.Anon,
		"file": &m.File,
	})
}

func v2CPUStats(r *statsReader, c *CPUStats) {
	r.keyed("cpu.stat", map[string]*uint64{
		"usage_usec":     &c.UsageUsec,
		"user_usec":      &c.UserUsec,
		"system_usec":    &c.SystemUsec,
		"nr_periods":     &c.NrPeriods,
		"nr_throttled":   &c.NrThrottled,
		"throttled_usec": &c.ThrottledUsec,
	})
	r.value("cpu.weight", &c.Weight)
	c.QuotaUsec, c.PeriodUsec = Unlimited, defaultPeriodUsec
	if text, ok := r.read("cpu.max"); ok {
		if err := parseCPUMax(text, c); err != nil {
			r.fail("cpu.max", err)
		}
	}
}

// parseCPUMax reads cpu.max: "<quota> <period>", the quota "max" when
// there is none.
func parseCPUMax(text string, c *CPUStats) error {
	quota, periodText, ok := strings.Cut(strings.TrimSpace(text), " ")
	if !ok {
		return fmt.Errorf("want \"<quota> <period>\", have %q", text)
	}
	q, err := parseValue(quota)
	if err != nil {
		return err
	}
	p, err := strconv.ParseUint(periodText, 10, 64)
	if err != nil {
		return err
	}
	c.QuotaUsec, c.PeriodUsec = q, p
	return nil
}
