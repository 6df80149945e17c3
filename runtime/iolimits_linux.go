package runtime

import (
	"fmt"
	"os"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// blockDevice is the numbers of the block device at path.
func blockDevice(path string) (major, minor uint32, err error) {
	var st unix.Stat_t
	if err := unix.Stat(path, &st); err != nil {
		return 0, 0, err
	}
	if st.Mode&unix.S_IFMT != unix.S_IFBLK {
		return 0, 0, fmt.Errorf("%s is not a block device (a disk such as /dev/sda or /dev/vda)", path)
	}
	return unix.Major(st.Rdev), unix.Minor(st.Rdev), nil
}

// wholeDisk is the disk a partition belongs to (the partition's sysfs
// directory sits in its disk's), or the device itself.
func wholeDisk(major, minor uint32) (uint32, uint32) {
	dir := fmt.Sprintf("/sys/dev/block/%d:%d", major, minor)
	if _, err := os.Stat(dir + "/partition"); err != nil {
		return major, minor
	}
	data, err := os.ReadFile(dir + "/../dev")
	if err != nil {
		return major, minor
	}
	ma, mi, ok := strings.Cut(strings.TrimSpace(string(data)), ":")
	a, err1 := strconv.ParseUint(ma, 10, 32)
	b, err2 := strconv.ParseUint(mi, 10, 32)
	if !ok || err1 != nil || err2 != nil {
		return major, minor
	}
	return uint32(a), uint32(b)
}
