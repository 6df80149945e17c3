package runtime

import (
	"fmt"
	"strconv"
	"strings"

	"vme50-tui/cgroup"
)

// --device-read-bps and --device-write-bps, Docker's flags: DEV:RATE, DEV
// a block device's path (/dev/sda) or its numbers (8:0), RATE a size per
// second (1m is 1 MiB/s). The kernel limits a whole disk, not a partition
// (io.max refuses those): a partition's path stands for its disk.

// ParseDeviceRates reads the flags' values (read, then write) into one
// limit a device.
func ParseDeviceRates(read, write []string) ([]cgroup.IOLimit, error) {
	var limits []cgroup.IOLimit
	add := func(value string, isRead bool) error {
		major, minor, rate, err := parseDeviceRate(value)
		if err != nil {
			return err
		}
		i := 0
		for i < len(limits) && (limits[i].Major != major || limits[i].Minor != minor) {
			i++
		}
		if i == len(limits) {
			limits = append(limits, cgroup.IOLimit{Major: major, Minor: minor})
		}
		if isRead {
			limits[i].ReadBps = rate
		} else {
			limits[i].WriteBps = rate
		}
		return nil
	}
	for _, v := range read {
		if err := add(v, true); err != nil {
			return nil, &FieldError{Field: "device-read-bps", Value: v, Err: err}
		}
	}
	for _, v := range write {
		if err := add(v, false); err != nil {
			return nil, &FieldError{Field: "device-write-bps", Value: v, Err: err}
		}
	}
	return limits, nil
}

// parseDeviceRate reads one DEV:RATE.
func parseDeviceRate(value string) (major, minor uint32, rate uint64, err error) {
	i := strings.LastIndexByte(value, ':')
	if i <= 0 {
		return 0, 0, 0, fmt.Errorf("want DEVICE:RATE, e.g. /dev/sda:1m or 8:0:1m")
	}
	dev, rateText := value[:i], value[i+1:]
	if rate, err = cgroup.ParseSize(rateText); err != nil {
		return 0, 0, 0, err
	}
	if rate == 0 {
		return 0, 0, 0, fmt.Errorf("give a rate, e.g. 1m (bytes per second)")
	}
	if majorText, minorText, ok := strings.Cut(dev, ":"); ok && !strings.Contains(dev, "/") {
		ma, err1 := strconv.ParseUint(majorText, 10, 32)
		mi, err2 := strconv.ParseUint(minorText, 10, 32)
		if err1 != nil || err2 != nil {
			return 0, 0, 0, fmt.Errorf("%q: want MAJOR:MINOR numbers, e.g. 8:0", dev)
		}
		major, minor = uint32(ma), uint32(mi)
	} else if major, minor, err = blockDevice(dev); err != nil {
		return 0, 0, 0, err
	}
	major, minor = wholeDisk(major, minor)
	return major, minor, rate, nil
}
