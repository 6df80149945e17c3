package cgroup

import (
	"maps"
	"os"
	"strings"
	"testing"
)

func TestDetectV1HybridSample(t *testing.T) {
	mountinfo := readDump(t, v1Sample)["/proc/self/mountinfo (cgroup lines)"]
	roots, err := detectV1(strings.NewReader(mountinfo))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"memory":  "/sys/fs/cgroup/memory",
		"cpu":     "/sys/fs/cgroup/cpu",
		"cpuacct": "/sys/fs/cgroup/cpuacct",
		"pids":    "/sys/fs/cgroup/pids",
		"blkio":   "/sys/fs/cgroup/blkio",   // optional: found where mounted
		"freezer": "/sys/fs/cgroup/freezer", // likewise
	}
	if !maps.Equal(roots, want) {
		t.Errorf("detectV1 = %v, want %v", roots, want)
	}
	if got := len(NewHost(V1, "", roots).v1Mounts()); got != 6 {
		t.Errorf("%d hierarchies, want 6", got)
	}
}

// The usual layout of systemd distributions before v2: cpu and cpuacct
// share one hierarchy, reached also through the cpu and cpuacct symlinks.
const coMountedMountinfo = `25 1 0:22 / /sys/fs/cgroup ro,nosuid - tmpfs tmpfs ro,mode=755
26 25 0:23 / /sys/fs/cgroup/unified rw,nosuid - cgroup2 cgroup2 rw,nsdelegate
27 25 0:24 / /sys/fs/cgroup/systemd rw,nosuid shared:9 - cgroup cgroup rw,xattr,name=systemd
31 25 0:28 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid shared:13 - cgroup cgroup rw,cpu,cpuacct
32 25 0:29 / /sys/fs/cgroup/memory rw,nosuid shared:14 - cgroup cgroup rw,memory
33 25 0:30 / /sys/fs/cgroup/pids rw,nosuid shared:15 - cgroup cgroup rw,pids
34 25 0:30 / /mnt/pids\040again rw - cgroup cgroup rw,pids
`

func TestDetectV1CoMounted(t *testing.T) {
	roots, err := detectV1(strings.NewReader(coMountedMountinfo))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"memory":  "/sys/fs/cgroup/memory",
		"cpu":     "/sys/fs/cgroup/cpu,cpuacct",
		"cpuacct": "/sys/fs/cgroup/cpu,cpuacct",
		"pids":    "/sys/fs/cgroup/pids", // the first of two mounts
	}
	if !maps.Equal(roots, want) {
		t.Errorf("detectV1 = %v, want %v", roots, want)
	}
	mounts := NewHost(V1, "", roots).v1Mounts()
	wantMounts := []string{"/sys/fs/cgroup/memory", "/sys/fs/cgroup/cpu,cpuacct", "/sys/fs/cgroup/pids"}
	if strings.Join(mounts, " ") != strings.Join(wantMounts, " ") {
		t.Errorf("v1Mounts = %v, want %v", mounts, wantMounts)
	}
}

func TestDetectV1MissingControllers(t *testing.T) {
	// A pure v2 host has no v1 hierarchy at all.
	mountinfo := readDump(t, v2Sample)["/proc/self/mountinfo"]
	_, err := detectV1(strings.NewReader(mountinfo))
	if err == nil || !strings.Contains(err.Error(), "memory, cpu, cpuacct, pids not mounted") {
		t.Errorf("err = %v, want all four controllers named", err)
	}

	noPids := strings.ReplaceAll(coMountedMountinfo, "rw,pids", "rw,devices")
	_, err = detectV1(strings.NewReader(noPids))
	if err == nil || !strings.Contains(err.Error(), "controller pids not mounted") {
		t.Errorf("err = %v, want pids named", err)
	}
	if err != nil && strings.Contains(err.Error(), "memory") {
		t.Errorf("err = %v names memory, which is there", err)
	}
}

// TestDetectThisMachine only reads; it shows what Detect finds here.
func TestDetectThisMachine(t *testing.T) {
	h, err := Detect()
	if err != nil {
		if os.Getenv("VME50_E2E") == "1" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	t.Logf("%s, root %q, v1 roots %v", h.Version, h.Root, h.V1Roots)
	if err := h.checkLayout(); err != nil {
		t.Error(err)
	}
}
