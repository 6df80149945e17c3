package cgroup

import (
	"fmt"
	"strconv"
	"strings"
)

// Block I/O: how many bytes the group read and wrote, and limits on how
// fast it may, per device. A device is named by its numbers, MAJ:MIN,
// as /proc/partitions and `ls -l /dev/sda` show them.

// IOLimit caps the bandwidth of one block device, in bytes per second; 0
// leaves a direction unlimited.
type IOLimit struct {
	Major, Minor uint32
	ReadBps      uint64
	WriteBps     uint64
}

// Device is the limit's device as the kernel's files write it: "8:0".
func (l IOLimit) Device() string { return fmt.Sprintf("%d:%d", l.Major, l.Minor) }

// IOStats are the bytes read and written by the group, over every device,
// and the limits set (summed over devices; Unlimited when none).
type IOStats struct {
	ReadBytes   uint64
	WriteBytes  uint64
	ReadBpsMax  uint64
	WriteBpsMax uint64
}

// parseIOStat sums v2's io.stat: one line a device,
// "8:0 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=0 dios=0".
func parseIOStat(text string, io *IOStats) error {
	for line := range strings.Lines(text) {
		fields := strings.Fields(line)
		if len(fields) == 0 {
			continue
		}
		for _, kv := range fields[1:] {
			key, value, ok := strings.Cut(kv, "=")
			if !ok {
				return fmt.Errorf("want key=value, have %q", kv)
			}
			var dst *uint64
			switch key {
			case "rbytes":
				dst = &io.ReadBytes
			case "wbytes":
				dst = &io.WriteBytes
			default:
				continue
			}
			n, err := strconv.ParseUint(value, 10, 64)
			if err != nil {
				return fmt.Errorf("%s: %w", key, err)
			}
			*dst += n
		}
	}
	return nil
}

// parseIOMax reads v2's io.max, "8:16 rbps=2097152 wbps=max riops=max
// wiops=max", into the limits' sums.
func parseIOMax(text string, io *IOStats) error {
	io.ReadBpsMax, io.WriteBpsMax = Unlimited, Unlimited
	for line := range strings.Lines(text) {
		fields := strings.Fields(line)
		if len(fields) == 0 {
			continue
		}
		for _, kv := range fields[1:] {
			key, value, _ := strings.Cut(kv, "=")
			var dst *uint64
			switch key {
			case "rbps":
				dst = &io.ReadBpsMax
			case "wbps":
				dst = &io.WriteBpsMax
			default:
				continue
			}
			n, err := parseValue(value)
			if err != nil {
				return fmt.Errorf("%s: %w", key, err)
			}
			*dst = addLimit(*dst, n)
		}
	}
	return nil
}

// addLimit sums two limits, Unlimited standing for none.
func addLimit(sum, n uint64) uint64 {
	switch {
	case n == Unlimited:
		return sum
	case sum == Unlimited:
		return n
	}
	return sum + n
}

// parseBlkioBytes sums v1's blkio.throttle.io_service_bytes: "8:0 Read
// 1234", "8:0 Write 5678", ... and a last "Total 6912".
func parseBlkioBytes(text string, io *IOStats) error {
	for line := range strings.Lines(text) {
		fields := strings.Fields(line)
		if len(fields) != 3 {
			continue // "Total N", or an empty line
		}
		var dst *uint64
		switch fields[1] {
		case "Read":
			dst = &io.ReadBytes
		case "Write":
			dst = &io.WriteBytes
		default:
			continue
		}
		n, err := strconv.ParseUint(fields[2], 10, 64)
		if err != nil {
			return fmt.Errorf("%s %s: %w", fields[0], fields[1], err)
		}
		*dst += n
	}
	return nil
}

// parseBlkioLimits sums v1's blkio.throttle.read_bps_device (or write):
// one "8:0 1048576" a device with a limit.
func parseBlkioLimits(text string) (uint64, error) {
	sum := Unlimited
	for line := range strings.Lines(text) {
		fields := strings.Fields(line)
		if len(fields) != 2 {
			continue
		}
		n, err := strconv.ParseUint(fields[1], 10, 64)
		if err != nil {
			return 0, fmt.Errorf("%s: %w", fields[0], err)
		}
		sum = addLimit(sum, n)
	}
	return sum, nil
}
