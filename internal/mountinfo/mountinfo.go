// Package mountinfo reads /proc/self/mountinfo, the kernel's list of the
// mounts a process sees (proc(5)). Both the cgroup package (where are the
// v1 hierarchies mounted?) and the runtime (which mounts lie under a
// directory?) need it.
package mountinfo

import (
	"bufio"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
)

// Mount is the part of a mountinfo line vme50 needs.
type Mount struct {
	MountPoint   string
	FSType       string
	SuperOptions string
}

// ParseLine splits one line: six fields, optional fields, a lone "-",
// then fstype, source and super options.
func ParseLine(line string) (Mount, bool) {
	fields := strings.Fields(line)
	sep := slices.Index(fields, "-")
	if sep < 6 || len(fields) < sep+4 {
		return Mount{}, false
	}
	return Mount{
		MountPoint:   unescapeOctal(fields[4]),
		FSType:       fields[sep+1],
		SuperOptions: fields[sep+3],
	}, true
}

// Parse reads every line of r.
func Parse(r io.Reader) ([]Mount, error) {
	var mounts []Mount
	lines := bufio.NewScanner(r)
	for lines.Scan() {
		if m, ok := ParseLine(lines.Text()); ok {
			mounts = append(mounts, m)
		}
	}
	return mounts, lines.Err()
}

// Self is this process's mounts.
func Self() ([]Mount, error) {
	f, err := os.Open("/proc/self/mountinfo")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return Parse(f)
}

// unescapeOctal undoes the kernel's escaping of mount points: a space is
// written \040, a tab \011, a newline \012 and a backslash \134.
func unescapeOctal(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+4 <= len(s) {
			if n, err := strconv.ParseUint(s[i+1:i+4], 8, 8); err == nil {
				b.WriteByte(byte(n))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
