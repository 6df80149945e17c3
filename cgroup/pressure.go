package cgroup

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Pressure stall information (PSI): the share of time the group's
// processes were stalled waiting for a resource. "some": at least one
// was; "full": all of them were at once (for CPU, full counts on v2 only
// from Linux 5.13). cgroup v2 keeps it per group in cpu.pressure,
// memory.pressure and io.pressure; a kernel booted with psi=0 (or built
// without it) has none.

// Pressure is one reading of the three files.
type Pressure struct {
	CPU, Memory, IO PSI
}

// PSI is one pressure file.
type PSI struct {
	Some, Full PSILine
}

// PSILine is one line: the stalled share of the last 10, 60 and 300
// seconds, in percent, and the total stall time in microseconds, whose
// growth between two readings is the stall of that interval.
type PSILine struct {
	Avg10, Avg60, Avg300 float64
	Total                uint64
}

// parsePSI reads "some avg10=23.77 avg60=5.30 avg300=1.15 total=3995514"
// and its "full" line.
func parsePSI(text string) (PSI, error) {
	var p PSI
	for line := range strings.Lines(text) {
		fields := strings.Fields(line)
		if len(fields) == 0 {
			continue
		}
		var dst *PSILine
		switch fields[0] {
		case "some":
			dst = &p.Some
		case "full":
			dst = &p.Full
		default:
			return p, fmt.Errorf("unknown line %q", fields[0])
		}
		for _, kv := range fields[1:] {
			key, value, _ := strings.Cut(kv, "=")
			var err error
			switch key {
			case "avg10":
				dst.Avg10, err = strconv.ParseFloat(value, 64)
			case "avg60":
				dst.Avg60, err = strconv.ParseFloat(value, 64)
			case "avg300":
				dst.Avg300, err = strconv.ParseFloat(value, 64)
			case "total":
				dst.Total, err = strconv.ParseUint(value, 10, 64)
			}
			if err != nil {
				return p, fmt.Errorf("%s: %w", key, err)
			}
		}
	}
	return p, nil
}

// readPressure reads the leaf's three pressure files; nil when the
// kernel keeps none for it. A kernel with PSI switched off at run time
// has the files but refuses to read them (EOPNOTSUPP): none either.
func readPressure(dir string) *Pressure {
	var p Pressure
	for _, f := range []struct {
		name string
		dst  *PSI
	}{{"cpu.pressure", &p.CPU}, {"memory.pressure", &p.Memory}, {"io.pressure", &p.IO}} {
		data, err := os.ReadFile(filepath.Join(dir, f.name))
		if err != nil {
			return nil
		}
		if *f.dst, err = parsePSI(string(data)); err != nil {
			return nil
		}
	}
	return &p
}

// PressureNote says why the panels have no pressure to show, or "" when
// they have: PSI is cgroup v2's, and the kernel must keep it
// (/proc/pressure exists unless it was booted with psi=0 or built
// without CONFIG_PSI).
func (h *Host) PressureNote() string {
	if h.Version != V2 {
		return "pressure: cgroup v2 only"
	}
	if _, err := os.Stat("/proc/pressure/cpu"); err != nil {
		return "pressure: not enabled in this kernel (psi=1)"
	}
	return ""
}
