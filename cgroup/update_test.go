package cgroup

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// Changing the limits of a running container (vme50-tui update, the TUI's
// limit editor): the same Set as at start, now over limits already in
// place, where the order of the writes is the kernel's business.

// memswKernel is a fake v1 memory leaf that checks, after every write, the
// rule the real kernel enforces: memory.memsw.limit_in_bytes (memory plus
// swap) is never below memory.limit_in_bytes. A write that would break it
// fails with EINVAL on a real kernel (runc #592, crun #315); here the test
// fails, naming the write.
func memswKernel(t *testing.T, mem, memsw string) (*Host, *[]string) {
	t.Helper()
	h := fakeV1Host(t)
	fakeV1Leaf(t, h, "ab12", map[string]string{
		"memory/memory.limit_in_bytes":       mem + "\n",
		"memory/memory.memsw.limit_in_bytes": memsw + "\n",
		"memory/memory.usage_in_bytes":       "1048576\n",
	})
	dir := filepath.Join(h.V1Roots["memory"], Parent, "ab12")
	var log []string
	h.Trace = func(op, path, value string) {
		log = append(log, filepath.Base(path)+" "+value)
		limit, _ := readValue(filepath.Join(dir, "memory.limit_in_bytes"))
		swap, _ := readValue(filepath.Join(dir, "memory.memsw.limit_in_bytes"))
		if swap < limit {
			t.Errorf("after %s <- %s: memsw %d below the memory limit %d, which the kernel refuses", filepath.Base(path), value, swap, limit)
		}
	}
	return h, &log
}

func TestV1UpdateMemoryLoweredWritesMemoryFirst(t *testing.T) {
	h, log := memswKernel(t, "67108864", "67108864")
	if err := h.Open("ab12").Set(Limits{MemoryMax: 32 << 20}); err != nil {
		t.Fatal(err)
	}
	equalLines(t, "changes", *log, []string{
		"memory.limit_in_bytes 33554432",
		"memory.memsw.limit_in_bytes 33554432",
	})
}

func TestV1UpdateMemoryRaisedWritesMemswFirst(t *testing.T) {
	h, log := memswKernel(t, "33554432", "33554432")
	if err := h.Open("ab12").Set(Limits{MemoryMax: 64 << 20}); err != nil {
		t.Fatal(err)
	}
	equalLines(t, "changes", *log, []string{
		"memory.memsw.limit_in_bytes 67108864",
		"memory.limit_in_bytes 67108864",
	})
}

// Raised, but still below a memsw someone set higher: the memory limit may
// go first, and memsw comes down to it after.
func TestV1UpdateMemoryRaisedUnderLargerMemsw(t *testing.T) {
	h, log := memswKernel(t, "33554432", "134217728")
	if err := h.Open("ab12").Set(Limits{MemoryMax: 64 << 20}); err != nil {
		t.Fatal(err)
	}
	equalLines(t, "changes", *log, []string{
		"memory.limit_in_bytes 67108864",
		"memory.memsw.limit_in_bytes 67108864",
	})
}

// Lifted and set again: -1 is the largest value of all to the kernel.
func TestV1UpdateMemoryLiftedAndLimitedAgain(t *testing.T) {
	h, log := memswKernel(t, "33554432", "33554432")
	m := h.Open("ab12")
	if err := m.Set(Limits{MemoryMax: Unlimited}); err != nil {
		t.Fatal(err)
	}
	// The fake keeps "-1" as written; the kernel would show its huge
	// page-aligned number. Both read as Unlimited.
	if err := m.Set(Limits{MemoryMax: 16 << 20}); err != nil {
		t.Fatal(err)
	}
	equalLines(t, "changes", *log, []string{
		"memory.memsw.limit_in_bytes -1",
		"memory.limit_in_bytes -1",
		"memory.limit_in_bytes 16777216",
		"memory.memsw.limit_in_bytes 16777216",
	})
}

// The quota is checked by the kernel against the period: the period is
// written first, and lifting the quota still writes the period (100 ms).
func TestUpdateCPUQuotaLifted(t *testing.T) {
	h := fakeV1Host(t)
	fakeV1Leaf(t, h, "ab12", freshV1)
	var log []string
	traceInto(h, filepath.Join(h.V1Roots["cpu"], Parent, "ab12"), &log)
	if err := h.Open("ab12").Set(Limits{CPUQuotaUsec: Unlimited}); err != nil {
		t.Fatal(err)
	}
	equalLines(t, "v1 changes", log, []string{"write cpu.cfs_period_us 100000", "write cpu.cfs_quota_us -1"})

	h = fakeV2Host(t)
	dir := fakeV2Leaf(t, h, "ab12", freshV2)
	log = nil
	traceInto(h, dir, &log)
	if err := h.Open("ab12").Set(Limits{CPUQuotaUsec: Unlimited}); err != nil {
		t.Fatal(err)
	}
	equalLines(t, "v2 changes", log, []string{"write cpu.max max 100000"})
}

// A weight is 1..10000 on both versions: v1 does not get a clamped
// cpu.shares for a weight v2 would refuse, and nothing at all is written
// when one limit is bad.
func TestUpdateCPUWeightBounds(t *testing.T) {
	v1 := fakeV1Host(t)
	fakeV1Leaf(t, v1, "ab12", freshV1)
	v2 := fakeV2Host(t)
	fakeV2Leaf(t, v2, "ab12", freshV2)
	for _, h := range []*Host{v1, v2} {
		var log []string
		traceInto(h, baseOf(h), &log)
		m := h.Open("ab12")
		for _, w := range []uint64{1, MaxCPUWeight} {
			if err := m.Set(Limits{CPUWeight: w}); err != nil {
				t.Errorf("%s: weight %d: %v", h.Version, w, err)
			}
		}
		log = nil
		for _, w := range []uint64{MaxCPUWeight + 1, Unlimited} {
			err := m.Set(Limits{MemoryMax: 8 << 20, CPUWeight: w})
			if err == nil || !strings.Contains(err.Error(), "outside 1..10000") {
				t.Errorf("%s: weight %d: err = %v", h.Version, w, err)
			}
		}
		if len(log) != 0 {
			t.Errorf("%s: a bad weight still wrote %q", h.Version, log)
		}
	}
	if got := readFile(t, filepath.Join(v1.V1Roots["cpu"], Parent, "ab12", "cpu.shares")); got != "102400" {
		t.Errorf("v1 cpu.shares for weight 10000 = %q, want 102400", got)
	}
	if got := readFile(t, filepath.Join(v2.Root, Parent, "ab12", "cpu.weight")); got != "10000" {
		t.Errorf("v2 cpu.weight = %q, want 10000", got)
	}
}

// pids.max may go below pids.current: the kernel takes it, kills nothing,
// and refuses forks from then on. Set writes it like any other value.
func TestUpdatePidsMaxBelowCurrent(t *testing.T) {
	h := fakeV2Host(t)
	files := map[string]string{"pids.max": "max\n", "pids.current": "12\n"}
	dir := fakeV2Leaf(t, h, "ab12", files)
	if err := h.Open("ab12").Set(Limits{PidsMax: 3}); err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, filepath.Join(dir, "pids.max")); got != "3" {
		t.Errorf("pids.max = %q", got)
	}
}

// A leaf that is gone (its container ended) is an error naming the file,
// and no file is created in its place.
func TestUpdateOfRemovedLeaf(t *testing.T) {
	for _, h := range []*Host{fakeV1Host(t), fakeV2Host(t)} {
		err := h.Open("gone").Set(Limits{MemoryMax: 8 << 20, PidsMax: 4})
		if err == nil || !strings.Contains(err.Error(), "no such file or directory") {
			t.Errorf("%s: err = %v", h.Version, err)
		}
		if list, _ := h.List(); len(list) != 0 {
			t.Errorf("%s: a write made leaves %v", h.Version, list)
		}
	}
}

// v1 refuses a memory limit below the usage with EBUSY; the error says
// so, with the usage, so that the line alone tells what happened.
func TestV1MemoryBusyExplained(t *testing.T) {
	_, m := sampleV1(t, func(f map[string]string) { f["memory/memory.usage_in_bytes"] = "25165824\n" })
	busy := fmt.Errorf("write 4194304 to memory.limit_in_bytes: %w", unix.EBUSY)
	err := m.(*v1Leaf).explainMemoryError(busy, 4<<20)
	want := "write 4194304 to memory.limit_in_bytes: device or resource busy (the group already uses more than 4.0 MiB: " +
		"memory.usage_in_bytes is 24.0 MiB, and the kernel could not reclaim enough)"
	if err.Error() != want || !errors.Is(err, unix.EBUSY) {
		t.Errorf("err = %v\nwant %s", err, want)
	}
	other := fmt.Errorf("write: %w", unix.EINVAL)
	if got := m.(*v1Leaf).explainMemoryError(other, 4<<20); got != other {
		t.Errorf("EINVAL explained as %v", got)
	}
}
