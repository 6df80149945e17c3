package cgroup

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
)

// cgroup v2's own ideas (memory.high, swap, io.max, PSI, the freezer) and
// what v1 has of them.

// traced records every write a Set makes, as "file value".
func traced(h *Host) *[]string {
	var log []string
	h.Trace = func(op, path, value string) {
		if op == "write" {
			log = append(log, filepath.Base(path)+" "+value)
		}
	}
	return &log
}

func TestV2MemoryHighAndSwap(t *testing.T) {
	h := fakeV2Host(t)
	fakeV2Leaf(t, h, "ab12", map[string]string{"memory.max": "max\n", "memory.high": "max\n", "memory.swap.max": "max\n"})
	log := traced(h)
	err := h.Open("ab12").Set(Limits{MemoryMax: 64 << 20, MemoryHigh: 48 << 20, MemorySwap: 96 << 20})
	if err != nil {
		t.Fatal(err)
	}
	equalLines(t, "writes", *log, []string{
		"memory.max 67108864",
		"memory.high 50331648",
		"memory.swap.max 33554432", // memory+swap 96M less memory 64M
	})
	*log = nil
	// Docker's rules: equal to the memory limit is no swap; -1 any swap.
	for swap, want := range map[uint64]string{64 << 20: "0", Unlimited: "max"} {
		*log = nil
		if err := h.Open("ab12").Set(Limits{MemoryMax: 64 << 20, MemorySwap: swap}); err != nil {
			t.Fatal(err)
		}
		if got := (*log)[len(*log)-1]; got != "memory.swap.max "+want {
			t.Errorf("--memory-swap %d: %q, want memory.swap.max %s", swap, got, want)
		}
	}
	for _, lim := range []Limits{
		{MemoryMax: 64 << 20, MemorySwap: 32 << 20}, // below the memory limit
		{MemorySwap: 32 << 20},                      // no memory limit
	} {
		*log = nil
		if err := h.Open("ab12").Set(lim); err == nil || len(*log) != 0 {
			t.Errorf("Set(%+v): err %v, writes %q; want an error and no write", lim, err, *log)
		}
	}
}

func TestV1MemoryHighRefusedSwapWritten(t *testing.T) {
	h, log := memswKernel(t, "33554432", "33554432")
	err := h.Open("ab12").Set(Limits{MemoryMax: 64 << 20, MemoryHigh: 48 << 20})
	if !errors.Is(err, ErrNoMemoryHigh) || len(*log) != 0 {
		t.Errorf("memory.high on v1: err %v, writes %q; want ErrNoMemoryHigh and nothing written", err, *log)
	}
	// memsw is memory plus swap: 96M, written before the memory limit
	// that it must never be below.
	if err := h.Open("ab12").Set(Limits{MemoryMax: 64 << 20, MemorySwap: 96 << 20}); err != nil {
		t.Fatal(err)
	}
	equalLines(t, "writes", *log, []string{
		"memory.memsw.limit_in_bytes 100663296",
		"memory.limit_in_bytes 67108864",
	})
	*log = nil
	if err := h.Open("ab12").Set(Limits{MemoryMax: 64 << 20, MemorySwap: Unlimited}); err != nil {
		t.Fatal(err)
	}
	equalLines(t, "writes", *log, []string{
		"memory.limit_in_bytes 67108864",
		"memory.memsw.limit_in_bytes -1",
	})
}

func TestIOLimitsWritten(t *testing.T) {
	limits := []IOLimit{{Major: 8, Minor: 0, ReadBps: 1 << 20}, {Major: 253, Minor: 1, WriteBps: 2 << 20}}
	h := fakeV2Host(t)
	fakeV2Leaf(t, h, "ab12", map[string]string{"io.max": ""})
	log := traced(h)
	if err := h.Open("ab12").SetIO(limits); err != nil {
		t.Fatal(err)
	}
	equalLines(t, "v2", *log, []string{
		"io.max 8:0 rbps=1048576 wbps=max",
		"io.max 253:1 rbps=max wbps=2097152",
	})
	// No io controller: one line naming the file to look at.
	fakeV2Leaf(t, h, "cd34", nil)
	if err := h.Open("cd34").SetIO(limits); err == nil || !strings.Contains(err.Error(), "cgroup.controllers") {
		t.Errorf("v2 without io.max: %v", err)
	}

	h1 := fakeV1Host(t)
	if err := h1.Open("ab12").SetIO(limits); err == nil || !strings.Contains(err.Error(), "blkio") {
		t.Errorf("v1 without blkio: %v", err)
	}
	h1.V1Roots["blkio"] = filepath.Join(t.TempDir(), "blkio")
	writeFiles(t, filepath.Join(h1.V1Roots["blkio"], Parent, "ab12"), map[string]string{
		"blkio.throttle.read_bps_device": "", "blkio.throttle.write_bps_device": ""})
	log = traced(h1)
	if err := h1.Open("ab12").SetIO(limits); err != nil {
		t.Fatal(err)
	}
	equalLines(t, "v1", *log, []string{
		"blkio.throttle.read_bps_device 8:0 1048576",
		"blkio.throttle.write_bps_device 8:0 0",
		"blkio.throttle.read_bps_device 253:1 0",
		"blkio.throttle.write_bps_device 253:1 2097152",
	})
}

func TestIOStatsParsed(t *testing.T) {
	var io IOStats
	if err := parseIOStat("8:0 rbytes=100 wbytes=200 rios=1 wios=2 dbytes=0 dios=0\n253:1 rbytes=5 wbytes=7 rios=1 wios=1 dbytes=0 dios=0\n", &io); err != nil {
		t.Fatal(err)
	}
	if err := parseIOMax("8:0 rbps=1048576 wbps=max riops=max wiops=max\n", &io); err != nil {
		t.Fatal(err)
	}
	if want := (IOStats{ReadBytes: 105, WriteBytes: 207, ReadBpsMax: 1 << 20, WriteBpsMax: Unlimited}); io != want {
		t.Errorf("v2: %+v, want %+v", io, want)
	}
	io = IOStats{}
	blkio := "8:0 Read 4096\n8:0 Write 8192\n8:0 Sync 0\n8:0 Async 12288\n8:0 Discard 0\n8:0 Total 12288\nTotal 12288\n"
	if err := parseBlkioBytes(blkio, &io); err != nil {
		t.Fatal(err)
	}
	if io.ReadBytes != 4096 || io.WriteBytes != 8192 {
		t.Errorf("v1: %+v", io)
	}
	if v, err := parseBlkioLimits("8:0 1048576\n"); err != nil || v != 1<<20 {
		t.Errorf("v1 limits: %d, %v", v, err)
	}
	if v, err := parseBlkioLimits(""); err != nil || v != Unlimited {
		t.Errorf("v1 no limits: %d, %v", v, err)
	}
	if err := parseIOStat("8:0 rbytes=x\n", &io); err == nil {
		t.Error("a bad io.stat parsed")
	}
}

func TestPSIParsed(t *testing.T) {
	p, err := parsePSI("some avg10=1.50 avg60=0.25 avg300=0.00 total=123\nfull avg10=0.50 avg60=0.00 avg300=0.00 total=45\n")
	if err != nil {
		t.Fatal(err)
	}
	if want := (PSI{Some: PSILine{1.5, 0.25, 0, 123}, Full: PSILine{0.5, 0, 0, 45}}); p != want {
		t.Errorf("%+v, want %+v", p, want)
	}
	if _, err := parsePSI("sometimes avg10=1\n"); err == nil {
		t.Error("a bad line parsed")
	}
	// A leaf without pressure files (v1, psi=0) has no Pressure.
	if readPressure(t.TempDir()) != nil {
		t.Error("pressure from nothing")
	}
	if note := (&Host{Version: V1}).PressureNote(); note != "pressure: cgroup v2 only" {
		t.Errorf("v1 note %q", note)
	}
}

func TestFreezeV2AndV1(t *testing.T) {
	h := fakeV2Host(t)
	// The fake kernel has already frozen it: cgroup.events says so.
	dir := fakeV2Leaf(t, h, "ab12", map[string]string{"cgroup.freeze": "0\n", "cgroup.events": "populated 1\nfrozen 1\n"})
	if err := h.Open("ab12").Freeze(true); err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, filepath.Join(dir, "cgroup.freeze")); strings.TrimSpace(got) != "1" {
		t.Errorf("cgroup.freeze %q", got)
	}
	st, err := h.Open("ab12").Stats()
	if err != nil || !st.Frozen {
		t.Errorf("Stats.Frozen %v, %v", st.Frozen, err)
	}

	h1 := fakeV1Host(t)
	if err := h1.Open("ab12").Freeze(true); !errors.Is(err, ErrNoFreezer) {
		t.Errorf("v1 without a freezer: %v", err)
	}
	h1.V1Roots["freezer"] = filepath.Join(t.TempDir(), "freezer")
	state := filepath.Join(h1.V1Roots["freezer"], Parent, "ab12", "freezer.state")
	writeFiles(t, filepath.Dir(state), map[string]string{"freezer.state": "THAWED\n"})
	if err := h1.Open("ab12").Freeze(true); err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, state); strings.TrimSpace(got) != "FROZEN" {
		t.Errorf("freezer.state %q", got)
	}
}
