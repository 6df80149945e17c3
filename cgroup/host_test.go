package cgroup

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// equalLines fails the test unless got and want are the same list.
func equalLines(t *testing.T, what string, got, want []string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("%s:\n got  %q\n want %q", what, got, want)
	}
}

func TestCreateV2EnablesControllersTopDown(t *testing.T) {
	h := fakeV2Host(t)
	// The kernel makes vme50's cgroup.subtree_control at mkdir; a fake
	// mkdir cannot, so vme50 is there already, as after an earlier run
	// that got as far as memory.
	writeFiles(t, filepath.Join(h.Root, Parent), map[string]string{"cgroup.subtree_control": "memory\n"})
	var log []string
	traceInto(h, h.Root, &log)

	m, err := h.Create("ab12")
	if err != nil {
		t.Fatal(err)
	}
	equalLines(t, "changes", log, []string{
		"write cgroup.subtree_control +cpu",
		"write cgroup.subtree_control +memory",
		"write cgroup.subtree_control +pids",
		"write vme50/cgroup.subtree_control +cpu",
		"write vme50/cgroup.subtree_control +pids",
		"mkdir vme50/ab12",
	})
	// Plain files keep only the last write.
	if got := readFile(t, filepath.Join(h.Root, "cgroup.subtree_control")); got != "+pids" {
		t.Errorf("root cgroup.subtree_control = %q", got)
	}
	equalLines(t, "Paths", m.Paths(), []string{filepath.Join(h.Root, Parent, "ab12")})
	if m.ID() != "ab12" || m.Version() != V2 {
		t.Errorf("ID %q, Version %v", m.ID(), m.Version())
	}
}

func TestCreateV2WritesNothingWhenEnabled(t *testing.T) {
	h := fakeV2Host(t)
	writeFiles(t, h.Root, map[string]string{
		"cgroup.subtree_control":       "cpu io memory pids\n",
		"vme50/cgroup.subtree_control": "cpu memory pids\n",
	})
	var log []string
	traceInto(h, h.Root, &log)
	if _, err := h.Create("ab12"); err != nil {
		t.Fatal(err)
	}
	equalLines(t, "changes", log, []string{"mkdir vme50/ab12"})
}

func TestCreateV2UndoesPartWay(t *testing.T) {
	// No vme50 yet: the fake mkdir makes it without its kernel files, so
	// enabling controllers in it fails, and the vme50 made must go again.
	h := fakeV2Host(t)
	var log []string
	traceInto(h, h.Root, &log)
	_, err := h.Create("ab12")
	want := filepath.Join(h.Root, Parent, "cgroup.subtree_control")
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("err = %v, want it to name %s", err, want)
	}
	if _, err := os.Stat(filepath.Join(h.Root, Parent)); !os.IsNotExist(err) {
		t.Errorf("vme50 left behind: %v", err)
	}
	equalLines(t, "changes", log[len(log)-2:], []string{"mkdir vme50", "rmdir vme50"})
}

func TestCreateV1(t *testing.T) {
	h := fakeV1Host(t)
	var log []string
	traceInto(h, baseOf(h), &log)
	m, err := h.Create("ab12")
	if err != nil {
		t.Fatal(err)
	}
	equalLines(t, "changes", log, []string{
		"mkdir memory/vme50", "mkdir memory/vme50/ab12",
		"mkdir cpu/vme50", "mkdir cpu/vme50/ab12",
		"mkdir cpuacct/vme50", "mkdir cpuacct/vme50/ab12",
		"mkdir pids/vme50", "mkdir pids/vme50/ab12",
	})
	if got := len(m.Paths()); got != 4 {
		t.Errorf("%d paths, want 4", got)
	}
	ids, err := h.List()
	if err != nil {
		t.Fatal(err)
	}
	equalLines(t, "List", ids, []string{"ab12"})

	log = nil
	if err := m.Destroy(); err != nil {
		t.Fatal(err)
	}
	equalLines(t, "Destroy", log, []string{
		"rmdir memory/vme50/ab12", "rmdir cpu/vme50/ab12",
		"rmdir cpuacct/vme50/ab12", "rmdir pids/vme50/ab12",
	})
	if ids, err := h.List(); err != nil || len(ids) != 0 {
		t.Errorf("List after Destroy = %v, %v", ids, err)
	}
	if err := m.Destroy(); err != nil {
		t.Errorf("second Destroy: %v", err)
	}
}

func TestCreateV1CoMounted(t *testing.T) {
	h := fakeV1Host(t)
	h.V1Roots["cpuacct"] = h.V1Roots["cpu"]
	m, err := h.Create("ab12")
	if err != nil {
		t.Fatal(err)
	}
	base := baseOf(h)
	var rel []string
	for _, p := range m.Paths() {
		r, _ := filepath.Rel(base, p)
		rel = append(rel, r)
	}
	equalLines(t, "Paths", rel, []string{"memory/vme50/ab12", "cpu/vme50/ab12", "pids/vme50/ab12"})
	// One write per hierarchy: the co-mounted one takes the pid once.
	for _, p := range m.Paths() {
		writeFiles(t, p, map[string]string{"cgroup.procs": ""})
	}
	if err := m.AddProc(4321); err != nil {
		t.Fatal(err)
	}
	for _, p := range m.Paths() {
		if got := readFile(t, filepath.Join(p, "cgroup.procs")); got != "4321" {
			t.Errorf("%s/cgroup.procs = %q", p, got)
		}
	}
}

func TestCreateV1UndoesPartWay(t *testing.T) {
	h := fakeV1Host(t)
	// Another container's leaf is in memory/vme50; it must survive.
	other := filepath.Join(h.V1Roots["memory"], Parent, "other")
	if err := os.MkdirAll(other, 0o755); err != nil {
		t.Fatal(err)
	}
	// The pids hierarchy, last in line, is not there.
	if err := os.Remove(h.V1Roots["pids"]); err != nil {
		t.Fatal(err)
	}
	_, err := h.Create("ab12")
	if err == nil || !strings.Contains(err.Error(), "mkdir "+filepath.Join(h.V1Roots["pids"], Parent)) {
		t.Fatalf("err = %v, want the failed mkdir named", err)
	}
	for _, gone := range []string{
		filepath.Join(h.V1Roots["memory"], Parent, "ab12"),
		filepath.Join(h.V1Roots["cpu"], Parent),
		filepath.Join(h.V1Roots["cpuacct"], Parent),
	} {
		if _, err := os.Stat(gone); !os.IsNotExist(err) {
			t.Errorf("%s left behind", gone)
		}
	}
	if _, err := os.Stat(other); err != nil {
		t.Errorf("another container's leaf was removed: %v", err)
	}
}

func TestCreateExistingLeaf(t *testing.T) {
	h := fakeV1Host(t)
	fakeV1Leaf(t, h, "ab12", nil)
	_, err := h.Create("ab12")
	if err == nil || !strings.Contains(err.Error(), "file exists") {
		t.Fatalf("err = %v, want file exists", err)
	}
	if _, err := os.Stat(filepath.Join(h.V1Roots["memory"], Parent, "ab12")); err != nil {
		t.Errorf("the existing leaf was removed: %v", err)
	}
}

func TestList(t *testing.T) {
	h := fakeV1Host(t)
	if ids, err := h.List(); err != nil || len(ids) != 0 {
		t.Fatalf("List without vme50 = %v, %v", ids, err)
	}
	// A half-removed leaf counts wherever it is left; files are no leaves.
	for _, dir := range []string{"memory/vme50/bb", "pids/vme50/aa", "cpu/vme50/bb"} {
		if err := os.MkdirAll(filepath.Join(baseOf(h), dir), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	writeFiles(t, filepath.Join(h.V1Roots["memory"], Parent), map[string]string{"cgroup.procs": ""})
	ids, err := h.List()
	if err != nil {
		t.Fatal(err)
	}
	equalLines(t, "List", ids, []string{"aa", "bb"})

	h2 := fakeV2Host(t)
	fakeV2Leaf(t, h2, "cc", nil)
	ids, err = h2.List()
	if err != nil {
		t.Fatal(err)
	}
	equalLines(t, "v2 List", ids, []string{"cc"})
}

func TestDestroyMissingLeaf(t *testing.T) {
	for _, h := range []*Host{fakeV1Host(t), fakeV2Host(t)} {
		if err := h.Open("nothere").Destroy(); err != nil {
			t.Errorf("%s: %v", h.Version, err)
		}
		if err := h.Open("nothere").Kill(); err != nil {
			t.Errorf("%s Kill: %v", h.Version, err)
		}
	}
}

func TestRmdirRetriesBusy(t *testing.T) {
	calls := 0
	rmdirSyscall = func(string) error {
		calls++
		if calls < 3 {
			return unix.EBUSY
		}
		return nil
	}
	defer func() { rmdirSyscall = unix.Rmdir }()
	var log []string
	c := cgfs{host: &Host{Trace: func(op, path, _ string) { log = append(log, op+" "+path) }}}
	if err := c.rmdir("/x/vme50/ab12"); err != nil {
		t.Fatal(err)
	}
	if calls != 3 {
		t.Errorf("%d calls, want 3", calls)
	}
	equalLines(t, "trace", log, []string{"rmdir /x/vme50/ab12"})
}

func TestRmdirGivesUp(t *testing.T) {
	rmdirSyscall = func(string) error { return unix.EBUSY }
	defer func() { rmdirSyscall = unix.Rmdir }()
	defer func(p time.Duration) { rmdirPatience = p }(rmdirPatience)
	rmdirPatience = 30 * time.Millisecond
	err := cgfs{}.rmdir("/x/vme50/ab12")
	want := "rmdir /x/vme50/ab12: device or resource busy (still busy after 30ms)"
	if err == nil || err.Error() != want {
		t.Errorf("err = %v, want %s", err, want)
	}
}

func TestWriteErrorNamesFileAndValue(t *testing.T) {
	h := fakeV1Host(t)
	fakeV1Leaf(t, h, "ab12", nil)
	err := h.Open("ab12").Set(Limits{MemoryMax: 32 << 20})
	file := filepath.Join(h.V1Roots["memory"], Parent, "ab12", "memory.limit_in_bytes")
	want := "write 33554432 to " + file + ": no such file or directory"
	if err == nil || err.Error() != want {
		t.Errorf("err = %v\nwant %s", err, want)
	}
	if _, err := os.Stat(file); !os.IsNotExist(err) {
		t.Error("write created the missing file")
	}
}

func TestInvalidIDs(t *testing.T) {
	h := fakeV2Host(t)
	for _, id := range []string{"", ".", "..", "a/b", "../x", "/etc", "a\x00b", strings.Repeat("x", 256)} {
		if _, err := h.Create(id); err == nil {
			t.Errorf("Create(%q) worked", id)
		}
		m := h.Open(id)
		if err := m.Destroy(); err == nil {
			t.Errorf("Open(%q).Destroy worked", id)
		}
		if err := m.Kill(); err == nil {
			t.Errorf("Open(%q).Kill worked", id)
		}
		if _, err := m.Stats(); err == nil {
			t.Errorf("Open(%q).Stats worked", id)
		}
	}
	for _, id := range []string{"ab12", "3f2a9c1d0e4b", "a..b", "sample"} {
		if err := validateID(id); err != nil {
			t.Errorf("validateID(%q): %v", id, err)
		}
	}
	if _, err := os.Stat(filepath.Join(h.Root, Parent)); !os.IsNotExist(err) {
		t.Error("something was created")
	}
}

func TestHostNotFilledIn(t *testing.T) {
	for _, h := range []*Host{
		NewHost(V2, "", nil),
		NewHost(V2, "relative/root", nil),
		NewHost(V1, "", map[string]string{"memory": "/m", "cpu": "/c", "cpuacct": "/a"}),
		{Version: 3},
	} {
		if _, err := h.Create("ab12"); err == nil {
			t.Errorf("%+v: Create worked", h)
		}
		if err := h.Open("ab12").Destroy(); err == nil {
			t.Errorf("%+v: Destroy worked", h)
		}
		if _, err := h.List(); err == nil {
			t.Errorf("%+v: List worked", h)
		}
	}
}

// The two errors the kernel gives for cgroup.subtree_control say neither
// the file nor the reason: the message adds both.
func TestSubtreeControlErrorsExplained(t *testing.T) {
	write := func(errno error) error {
		return fmt.Errorf("write +memory to /sys/fs/cgroup/vme50/cgroup.subtree_control: %w", errno)
	}
	err := explainSubtreeError(write(unix.ENOENT), "/sys/fs/cgroup/vme50", "memory")
	for _, want := range []string{"cgroup.subtree_control", "+memory", "does not offer the memory controller", "/sys/fs/cgroup/vme50/cgroup.controllers"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("ENOENT: %q lacks %q", err, want)
		}
	}
	if !errors.Is(err, unix.ENOENT) {
		t.Error("the errno is lost")
	}
	err = explainSubtreeError(write(unix.EBUSY), "/sys/fs/cgroup/vme50", "memory")
	if !strings.Contains(err.Error(), "holds no processes itself") {
		t.Errorf("EBUSY: %q", err)
	}
}
