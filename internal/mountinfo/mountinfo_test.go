package mountinfo

import (
	"strings"
	"testing"
)

func TestParseLine(t *testing.T) {
	m, ok := ParseLine(`34 25 0:30 / /mnt/my\040cgroups\134x rw shared:1 master:2 - cgroup cgroup rw,pids`)
	if !ok {
		t.Fatal("not parsed")
	}
	want := Mount{MountPoint: `/mnt/my cgroups\x`, FSType: "cgroup", SuperOptions: "rw,pids"}
	if m != want {
		t.Errorf("got %+v, want %+v", m, want)
	}
	for _, bad := range []string{"", "1 2 3", "1 2 3 4 5 6 - cgroup"} {
		if _, ok := ParseLine(bad); ok {
			t.Errorf("%q parsed", bad)
		}
	}
}

func TestParse(t *testing.T) {
	mounts, err := Parse(strings.NewReader("22 1 0:21 / /proc rw - proc proc rw\nnonsense\n23 1 0:22 / /sys rw - sysfs sysfs rw\n"))
	if err != nil || len(mounts) != 2 || mounts[1].MountPoint != "/sys" {
		t.Errorf("%+v %v", mounts, err)
	}
	self, err := Self()
	if err != nil || len(self) == 0 {
		t.Errorf("Self: %d mounts, %v", len(self), err)
	}
}
