package cgroup

import (
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"time"

	"golang.org/x/sys/unix"
)

// cgroup v1: one hierarchy (one mounted tree) per controller, or per group
// of co-mounted controllers. Our leaf is a directory vme50/<id> made in
// each hierarchy, and a process must be moved into each of them. The file
// names differ from v2's: memory.limit_in_bytes for memory.max,
// cpu.shares for cpu.weight, cpu.cfs_quota_us for cpu.max.

// v1Huge is where v1 memory limits stop being limits: "no limit" reads
// as the largest page-aligned number of bytes, 9223372036854771712 on
// x86-64. Anything from 2^62 up is treated as Unlimited.
const v1Huge = 1 << 62

// createV1 makes vme50/<id> in every hierarchy; a co-mounted hierarchy
// (cpu,cpuacct) gets one directory that serves both controllers.
func (h *Host) createV1(id string) (Manager, error) {
	made := madeDirs{fs: cgfs{host: h}}
	for _, mount := range h.v1Mounts() {
		parent := filepath.Join(mount, Parent)
		if err := made.mkdir(parent, true); err != nil {
			return nil, made.undo(err)
		}
		if err := made.mkdir(filepath.Join(parent, id), false); err != nil {
			return nil, made.undo(err)
		}
	}
	l := h.openV1(id)
	l.files = newOpenFiles() // ours: Destroy closes them
	return l, nil
}

func (h *Host) openV1(id string) *v1Leaf {
	l := &v1Leaf{id: id, dirs: map[string]string{}, fs: cgfs{host: h}}
	for _, c := range h.v1InUse() {
		l.dirs[c] = filepath.Join(h.V1Roots[c], Parent, id)
	}
	for _, mount := range h.v1Mounts() {
		l.paths = append(l.paths, filepath.Join(mount, Parent, id))
	}
	return l
}

// v1Leaf is a container's cgroup on a v1 host.
type v1Leaf struct {
	id    string
	dirs  map[string]string // controller -> the leaf in its hierarchy
	paths []string          // each distinct leaf directory once
	fs    cgfs
	files *openFiles // kept open between readings (Create's leaf only)
}

// file is a controller's file in the leaf, e.g. file("cpu", "cpu.shares").
func (l *v1Leaf) file(controller, name string) string {
	return filepath.Join(l.dirs[controller], name)
}

// procsFiles are the cgroup.procs of every hierarchy.
func (l *v1Leaf) procsFiles() []string {
	var files []string
	for _, dir := range l.paths {
		files = append(files, filepath.Join(dir, "cgroup.procs"))
	}
	return files
}

func (l *v1Leaf) ID() string       { return l.id }
func (l *v1Leaf) Version() Version { return V1 }
func (l *v1Leaf) Paths() []string  { return append([]string(nil), l.paths...) }

func (l *v1Leaf) Files() Files {
	return Files{
		MemoryCurrent: "memory.usage_in_bytes",
		MemoryMax:     "memory.limit_in_bytes",
		MemoryPeak:    "memory.max_usage_in_bytes",
		MemoryEvents:  "memory.oom_control",
		MemoryStat:    "memory.stat",
		CPUUsage:      "cpuacct.usage",
		CPUStat:       "cpu.stat",
		CPUWeight:     "cpu.shares",
		CPUMax:        "cpu.cfs_quota_us",
		PidsCurrent:   "pids.current",
		PidsMax:       "pids.max",
		MemorySwap:    "memory.memsw.usage_in_bytes",
		IOStat:        "blkio.throttle.io_service_bytes",
		IOMax:         "blkio.throttle.read_bps_device",
		Freeze:        "freezer.state",
	}
}

// Set writes each limit that is not zero into its v1 file.
func (l *v1Leaf) Set(lim Limits) error {
	if err := lim.check(); err != nil {
		return err
	}
	if lim.MemoryHigh != 0 {
		return ErrNoMemoryHigh
	}
	if lim.MemorySwap != 0 {
		if _, err := swapMax(lim); err != nil {
			return err
		}
	}
	if lim.MemoryMax != 0 {
		if err := l.setMemory(lim.MemoryMax, lim.MemorySwap); err != nil {
			return l.explainMemoryError(err, lim.MemoryMax)
		}
	}
	var todo []setting
	if lim.CPUWeight != 0 {
		shares := strconv.FormatUint(SharesFromWeight(lim.CPUWeight), 10)
		todo = append(todo, setting{l.file("cpu", "cpu.shares"), shares})
	}
	if lim.CPUQuotaUsec != 0 {
		// v1 splits cpu.max in two files. The period goes first, so the
		// quota, the number that says how much, is written last and
		// checked by the kernel against the right period.
		todo = append(todo,
			setting{l.file("cpu", "cpu.cfs_period_us"), strconv.FormatUint(period(lim), 10)},
			setting{l.file("cpu", "cpu.cfs_quota_us"), v1Value(lim.CPUQuotaUsec)})
	}
	if lim.PidsMax != 0 {
		// pids is the one v1 controller that speaks v2: "max" or a number.
		todo = append(todo, setting{l.file("pids", "pids.max"), v2Value(lim.PidsMax)})
	}
	return l.fs.writeAll(todo)
}

// ErrNoMemoryHigh: v1 has no soft memory limit.
var ErrNoMemoryHigh = errors.New("cgroup v1 has no memory.high (the soft limit that throttles instead of killing is cgroup v2's): this host runs cgroup v1")

// setMemory writes the memory limit, and the limit of memory+swap where
// the kernel accounts swap (memory.memsw.*): swap, or without one the
// same value as the memory limit, or the container could go on past its
// limit by swapping.
//
// The kernel insists that memsw is never below the memory limit, so the
// order matters: a memory limit above the current memsw needs memsw
// raised first; otherwise the memory limit goes first.
func (l *v1Leaf) setMemory(limit, swap uint64) error {
	mem := setting{l.file("memory", "memory.limit_in_bytes"), v1Value(limit)}
	swapFile := l.file("memory", "memory.memsw.limit_in_bytes")
	if !exists(swapFile) {
		if swap != 0 && swap != limit {
			return fmt.Errorf("cgroup v1: no %s: this kernel does not account swap (boot it with swapaccount=1), so --memory-swap cannot be set", swapFile)
		}
		return l.fs.write(mem.file, mem.value)
	}
	memsw := setting{swapFile, mem.value}
	if swap != 0 {
		memsw.value = v1Value(swap)
	}
	todo := []setting{mem, memsw}
	if current, err := readValue(swapFile); err == nil && limit > current {
		todo = []setting{memsw, mem}
	}
	return l.fs.writeAll(todo)
}

// SetIO writes blkio.throttle.read_bps_device and write_bps_device, one
// "8:0 1048576" a device (0 lifts a limit).
func (l *v1Leaf) SetIO(limits []IOLimit) error {
	if len(limits) == 0 {
		return nil
	}
	dir, ok := l.dirs["blkio"]
	if !ok {
		return errors.New("cgroup v1: the blkio controller is not mounted (no line of type \"cgroup\" in /proc/self/mountinfo lists it)")
	}
	var todo []setting
	for _, lim := range limits {
		todo = append(todo,
			setting{filepath.Join(dir, "blkio.throttle.read_bps_device"), fmt.Sprintf("%s %d", lim.Device(), lim.ReadBps)},
			setting{filepath.Join(dir, "blkio.throttle.write_bps_device"), fmt.Sprintf("%s %d", lim.Device(), lim.WriteBps)})
	}
	return l.fs.writeAll(todo)
}

// explainMemoryError says why v1 refused a memory limit with EBUSY: the
// group uses more than the new limit, and reclaim (dropping page cache,
// swapping) could not get it under. v2 would OOM-kill to get there; v1
// refuses and kills nothing. The usage read now is told with it.
func (l *v1Leaf) explainMemoryError(err error, limit uint64) error {
	if !errors.Is(err, unix.EBUSY) {
		return err
	}
	usage := "unknown"
	if v, rerr := readValue(l.file("memory", "memory.usage_in_bytes")); rerr == nil {
		usage = FormatSize(v)
	}
	return fmt.Errorf("%w (the group already uses more than %s: memory.usage_in_bytes is %s, and the kernel could not reclaim enough)",
		err, FormatSize(limit), usage)
}

// v1Value is how v1's limit files take a number: no limit is -1.
func v1Value(v uint64) string {
	if v == Unlimited {
		return "-1"
	}
	return strconv.FormatUint(v, 10)
}

// AddProc moves a process into the leaf of every hierarchy: in v1 each
// hierarchy places the process on its own.
func (l *v1Leaf) AddProc(pid int) error {
	for _, file := range l.procsFiles() {
		if err := l.fs.write(file, strconv.Itoa(pid)); err != nil {
			return err
		}
	}
	return nil
}

// Procs lists the processes found in any hierarchy's leaf.
func (l *v1Leaf) Procs() ([]int, error) {
	if err := leafExists(l.paths...); err != nil {
		return nil, err
	}
	return listPids(l.procsFiles()...)
}

// Kill empties the leaf. v1 has no cgroup.kill, so it is rounds of: read
// cgroup.procs, SIGKILL each, until no process is left.
func (l *v1Leaf) Kill() error {
	files := l.procsFiles()
	// A frozen process (pause) dies of SIGKILL only once thawed: the
	// signal waits, pending, until the freezer lets it run.
	if dir, ok := l.dirs["freezer"]; ok {
		state := filepath.Join(dir, "freezer.state")
		if now, err := readText(state); err == nil && now != "THAWED" {
			_, killErr := killListed(files...)
			if err := errors.Join(killErr, l.fs.write(state, "THAWED")); err != nil {
				return err
			}
		}
	}
	return killUntilEmpty(filepath.Join(Parent, l.id), files, func() (bool, error) {
		pids, err := listPids(files...)
		return len(pids) == 0, err
	})
}

// Destroy removes the leaf from every hierarchy, going on past a failure
// so as to remove as much as it can.
func (l *v1Leaf) Destroy() error {
	l.files.close()
	var errs []error
	for _, dir := range l.paths {
		errs = append(errs, l.fs.rmdir(dir))
	}
	return errors.Join(errs...)
}

// OpenDir: clone3 can start a child in a v2 cgroup only.
func (l *v1Leaf) OpenDir() (int, error) { return -1, ErrNoCloneInto }

// Stats reads the leaf's files in each hierarchy. A limit whose file is
// missing reads as Unlimited. On error, Stats holds what was read.
func (l *v1Leaf) Stats() (Stats, error) {
	s := Stats{Time: time.Now()}
	var errs []error
	missing := false
	// read fills s from one hierarchy's leaf.
	read := func(controller string, fill func(r *statsReader)) {
		r := statsReader{dir: l.dirs[controller], files: l.files}
		fill(&r)
		errs = append(errs, r.err)
		missing = missing || r.missing
	}
	s.Pids.Max = Unlimited
	read("pids", func(r *statsReader) {
		r.value("pids.current", &s.Pids.Current)
		r.value("pids.max", &s.Pids.Max)
	})
	s.IO.ReadBpsMax, s.IO.WriteBpsMax = Unlimited, Unlimited
	if _, ok := l.dirs["blkio"]; ok {
		read("blkio", func(r *statsReader) { v1IOStats(r, &s.IO) })
	}
	read("memory", func(r *statsReader) { v1MemoryStats(r, &s.Memory) })
	read("cpu", func(r *statsReader) { v1CPUStats(r, &s.CPU) })
	read("cpuacct", func(r *statsReader) { v1CPUAcctStats(r, &s.CPU) })
	if missing {
		// Files were missing: the leaf may be gone, and then its
		// all-zero reading is no reading.
		if err := leafExists(l.paths...); err != nil {
			return Stats{Time: s.Time}, err
		}
	}
	var freezeErr error
	s.Frozen, freezeErr = l.Frozen()
	return s, errors.Join(append(errs, freezeErr)...)
}

func v1IOStats(r *statsReader, io *IOStats) {
	if text, ok := r.read("blkio.throttle.io_service_bytes"); ok {
		if err := parseBlkioBytes(text, io); err != nil {
			r.fail("blkio.throttle.io_service_bytes", err)
		}
	}
	for _, f := range []struct {
		name string
		dst  *uint64
	}{{"blkio.throttle.read_bps_device", &io.ReadBpsMax}, {"blkio.throttle.write_bps_device", &io.WriteBpsMax}} {
		if text, ok := r.read(f.name); ok {
			v, err := parseBlkioLimits(text)
			if err != nil {
				r.fail(f.name, err)
			}
			*f.dst = v
		}
	}
}

func v1MemoryStats(r *statsReader, m *MemoryStats) {
	m.Max = Unlimited
	r.value("memory.usage_in_bytes", &m.Current)
	r.value("memory.limit_in_bytes", &m.Max)
	r.value("memory.max_usage_in_bytes", &m.Peak)
	if m.Max >= v1Huge {
		m.Max = Unlimited
	}
	// v1 has no memory.high; memsw counts memory and swap together.
	m.High, m.SwapMax = Unlimited, Unlimited
	var memsw, memswMax uint64
	if r.value("memory.memsw.usage_in_bytes", &memsw) && memsw > m.Current {
		m.Swap = memsw - m.Current
	}
	if r.value("memory.memsw.limit_in_bytes", &memswMax) && memswMax < v1Huge && m.Max != Unlimited && memswMax >= m.Max {
		m.SwapMax = memswMax - m.Max
	}
	// failcnt counts the times usage hit the limit, like v2's "max".
	r.value("memory.failcnt", &m.Events.Max)
	// v1 counts only OOMs that killed (oom_kill, Linux 4.13+).
	r.keyed("memory.oom_control", map[string]*uint64{"oom_kill": &m.Events.OOMKill})
	m.Events.OOM = m.Events.OOMKill
	// The total_ lines include child groups, like v2's memory.stat.
	r.keyed("memory.stat", map[string]*uint64{
		"total_rss":   &m.Anon,
		"total_cache": &m.File,
	})
}

func v1CPUStats(r *statsReader, c *CPUStats) {
	var shares, throttledNs uint64
	r.keyed("cpu.stat", map[string]*uint64{
		"nr_periods":     &c.NrPeriods,
		"nr_throttled":   &c.NrThrottled,
		"throttled_time": &throttledNs,
	})
	c.ThrottledUsec = throttledNs / 1000
	if r.value("cpu.shares", &shares) {
		c.Weight = WeightFromShares(shares)
	}
	c.QuotaUsec, c.PeriodUsec = Unlimited, defaultPeriodUsec
	r.value("cpu.cfs_quota_us", &c.QuotaUsec) // -1 reads as Unlimited
	r.value("cpu.cfs_period_us", &c.PeriodUsec)
}

// usecPerUserTick converts cpuacct.stat, which counts clock ticks of
// USER_HZ: 1/100 s on every common architecture, whatever the kernel's
// own HZ.
const usecPerUserTick = 1_000_000 / 100

func v1CPUAcctStats(r *statsReader, c *CPUStats) {
	var usageNs, userNs, systemNs uint64
	r.value("cpuacct.usage", &usageNs)
	c.UsageUsec = usageNs / 1000
	// cpuacct.usage_user and _sys (Linux 4.7+) are in nanoseconds;
	// older kernels only have cpuacct.stat, in clock ticks.
	if r.value("cpuacct.usage_user", &userNs) && r.value("cpuacct.usage_sys", &systemNs) {
		c.UserUsec, c.SystemUsec = userNs/1000, systemNs/1000
		return
	}
	var userTicks, systemTicks uint64
	r.keyed("cpuacct.stat", map[string]*uint64{"user": &userTicks, "system": &systemTicks})
	c.UserUsec, c.SystemUsec = userTicks*usecPerUserTick, systemTicks*usecPerUserTick
}
