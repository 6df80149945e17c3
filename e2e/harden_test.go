package e2e

import (
	"debug/elf"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"unsafe"

	"github.com/creack/pty"
	"golang.org/x/sys/unix"

	"vme50-tui/runtime"
)

// The container's root keeps only Docker's default capabilities, in every
// set, and no_new_privs is on: what /proc/self/status says inside.
func TestCapabilitiesDefaultSet(t *testing.T) {
	clean(t)
	r := run(t, "/bin/grep", "-E", "^(Cap|NoNewPrivs)", "/proc/self/status")
	wantCode(t, r, 0)
	want := capMask(runtime.DefaultCapabilities)
	checkCapStatus(t, r.stdout, want)
	if !strings.Contains(r.stdout, "NoNewPrivs:\t1") {
		t.Errorf("no_new_privs is not set:\n%s", r.stdout)
	}
}

// --cap-add and --cap-drop change the set; a name that is no capability
// is refused before anything starts.
func TestCapAddDrop(t *testing.T) {
	clean(t)
	r := run(t, "--cap-add", "net_admin", "--cap-drop", "CAP_CHOWN,KILL", "/bin/grep", "^Cap", "/proc/self/status")
	wantCode(t, r, 0)
	caps := slices.DeleteFunc(slices.Clone(runtime.DefaultCapabilities), func(c runtime.Capability) bool {
		return c == unix.CAP_CHOWN || c == unix.CAP_KILL
	})
	checkCapStatus(t, r.stdout, capMask(append(caps, unix.CAP_NET_ADMIN)))

	r = run(t, "--cap-drop", "ALL", "/bin/grep", "^Cap", "/proc/self/status")
	wantCode(t, r, 0)
	checkCapStatus(t, r.stdout, 0)
	// Without CAP_CHOWN even root cannot give a file away.
	r = run(t, "--cap-drop", "ALL", "/bin/sh", "-c", "touch /tmp/f && chown 1 /tmp/f")
	if r.code == 0 {
		t.Errorf("chown worked without CAP_CHOWN")
	}

	// As in Docker: drop ALL starts from nothing, add ALL is whatever
	// this kernel and its root have.
	r = run(t, "--cap-drop", "ALL", "--cap-add", "chown", "/bin/grep", "^Cap", "/proc/self/status")
	wantCode(t, r, 0)
	checkCapStatus(t, r.stdout, capMask([]runtime.Capability{unix.CAP_CHOWN}))
	r = run(t, "--cap-add", "ALL", "/bin/grep", "^CapEff", "/proc/self/status")
	wantCode(t, r, 0)
	if eff, _ := strconv.ParseUint(strings.Fields(r.stdout)[1], 16, 64); eff&(1<<unix.CAP_SYS_ADMIN) == 0 {
		t.Errorf("--cap-add ALL: %s", r.stdout)
	}

	r = run(t, "--cap-add", "NO_SUCH_CAP", "/bin/true")
	wantCode(t, r, 125)
	if !strings.Contains(r.stderr, `--cap-add "NO_SUCH_CAP"`) || strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 {
		t.Errorf("stderr %q", r.stderr)
	}
}

func capMask(caps []runtime.Capability) uint64 {
	var m uint64
	for _, c := range caps {
		m |= 1 << c
	}
	return m
}

// checkCapStatus checks CapPrm, CapEff and CapBnd are want, and CapInh
// and CapAmb are empty (Docker's since CVE-2022-24769), in
// /proc/PID/status lines.
func checkCapStatus(t *testing.T, status string, want uint64) {
	t.Helper()
	for _, set := range []string{"CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb"} {
		m := regexp.MustCompile(set + `:\s+([0-9a-f]+)`).FindStringSubmatch(status)
		if m == nil {
			t.Errorf("no %s in:\n%s", set, status)
			continue
		}
		got, _ := strconv.ParseUint(m[1], 16, 64)
		w := want
		if set == "CapAmb" || set == "CapInh" {
			w = 0
		}
		if got != w {
			t.Errorf("%s = %016x, want %016x", set, got, w)
		}
	}
}

// The command gets stdin, stdout and stderr, and no other descriptor of
// ours (pipes to the parent, the cgroup directory, the console socket):
// PID 1's descriptors, read from the host, are exactly 0, 1 and 2.
func TestOnlyStdioReachesCommand(t *testing.T) {
	clean(t)
	for _, tty := range []bool{false, true} {
		var cmd *exec.Cmd
		var id string
		if tty {
			before := leafDirs(t)
			cmd = exec.Command(bin, "run", "--rootfs", rootfsOK, "/bin/sleep", "30")
			ptmx, err := pty.Start(cmd)
			if err != nil {
				t.Fatal(err)
			}
			defer ptmx.Close()
			go io.Copy(io.Discard, ptmx)
			id = waitNewLeaf(t, before)
		} else {
			cmd, id = startContainer(t, "/bin/sleep", "30")
		}
		// The execve shows the command's name a moment before it closes
		// the close-on-exec descriptors: what counts is what is left.
		pid := commandPid(t, id)
		var fds []string
		for deadline := time.Now().Add(time.Second); ; time.Sleep(10 * time.Millisecond) {
			entries, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
			if err != nil {
				t.Fatal(err)
			}
			fds = fds[:0]
			for _, e := range entries {
				fds = append(fds, e.Name())
			}
			if slices.Equal(fds, []string{"0", "1", "2"}) || time.Now().After(deadline) {
				break
			}
		}
		if !slices.Equal(fds, []string{"0", "1", "2"}) {
			t.Errorf("tty %v: PID 1 holds descriptors %v", tty, fds)
		}
		// sleep, as PID 1, ignores SIGTERM; a second one makes run kill
		// the container, and clean up.
		cmd.Process.Signal(syscall.SIGTERM)
		time.Sleep(50 * time.Millisecond)
		cmd.Process.Signal(syscall.SIGTERM)
		cmd.Wait()
	}
}

// The classic chroot escape: chroot into a subdirectory while the working
// directory stays outside it, climb "..", chroot "." there. Out of a
// chroot'ed container (the old runtime) that reaches the host's root;
// after pivot_root and the old root's unmount there is nothing above the
// container's root to reach.
func TestChrootEscapeStaysInside(t *testing.T) {
	clean(t)
	root := rootfsWithEscape(t)
	r := vme50(t, "run", "--rootfs", root, "--overlay=false", "/"+escapeName)
	wantCode(t, r, 0)
	if !strings.Contains(r.stdout, "chroot escape: still inside") {
		t.Errorf("stdout %q stderr %q", r.stdout, r.stderr)
	}
}

// escapeName is the e2e test binary's name when it plays the escape
// attempt inside a container (TestMain).
const escapeName = "vme50-escape"

// rootfsWithEscape is a copy of the busybox rootfs holding this test
// binary as /vme50-escape.
func rootfsWithEscape(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "rootfs")
	if out, err := exec.Command("cp", "-a", rootfsOK, dir).CombinedOutput(); err != nil {
		t.Fatalf("cp: %v\n%s", err, out)
	}
	self, err := os.Open("/proc/self/exe")
	if err != nil {
		t.Fatal(err)
	}
	defer self.Close()
	// The busybox rootfs has no dynamic loader.
	if exe, err := elf.NewFile(self); err != nil || slices.ContainsFunc(exe.Progs, func(p *elf.Prog) bool { return p.Type == elf.PT_INTERP }) {
		t.Fatalf("this test binary must be static to run in the container: CGO_ENABLED=0 go test (as make test does)")
	}
	dst, err := os.OpenFile(filepath.Join(dir, escapeName), os.O_CREATE|os.O_WRONLY, 0o755)
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	if _, err := io.Copy(dst, self); err != nil {
		t.Fatal(err)
	}
	return dir
}

// escapeMain is the escape attempt, run as the container's command:
// the chroot escape, or with an argument another probe.
func escapeMain() int {
	if len(os.Args) > 1 {
		return probeMain(os.Args[1])
	}
	// The marker is this binary, at the root of the container's rootfs;
	// the host's root has no /vme50-escape.
	if err := os.Mkdir("/jail", 0o755); err != nil {
		fmt.Println("mkdir:", err)
		return 1
	}
	if err := unix.Chroot("/jail"); err != nil {
		fmt.Println("chroot /jail:", err)
		return 1
	}
	// The working directory is still "/" of before: outside the new root,
	// where ".." is not stopped by it.
	for range 100 {
		if err := unix.Chdir(".."); err != nil {
			fmt.Println("chdir ..:", err)
			return 1
		}
	}
	if err := unix.Chroot("."); err != nil {
		fmt.Println("chroot .:", err)
		return 1
	}
	_, inside := os.Stat("/" + escapeName)
	_, hostProc := os.Stat("/proc/1/root") // the container's /proc is not mounted at the escape point
	entries, _ := os.ReadDir("/")
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if inside == nil {
		fmt.Println("chroot escape: still inside the container's root:", names, hostProc == nil)
		return 0
	}
	fmt.Println("chroot escape: ESCAPED, / holds", names)
	return 2
}

// sysrq-trigger is read-only: `echo b` would reboot the host at once.
// Harmless h (help, to the kernel log) goes first: if that write got
// through, b is never tried.
func TestSysrqTriggerReadOnly(t *testing.T) {
	clean(t)
	r := run(t, "/bin/sh", "-c", "if echo h > /proc/sysrq-trigger; then echo WROTE-H; exit 99; fi; echo b > /proc/sysrq-trigger")
	if r.code == 0 || r.code == 99 {
		t.Fatalf("writing /proc/sysrq-trigger worked: status %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if _, err := os.Stat("/proc/sysrq-trigger"); err == nil && !strings.Contains(r.stderr, "Read-only file system") {
		t.Errorf("want Read-only file system, got %q", r.stderr)
	}
	// /proc/sys too: the host's sysctls.
	r = run(t, "/bin/sh", "-c", "echo 1 > /proc/sys/kernel/panic")
	if r.code == 0 || !strings.Contains(r.stderr, "Read-only file system") {
		t.Errorf("writing /proc/sys: status %d, %q", r.code, r.stderr)
	}
}

// /proc's and /sys's windows on the host kernel are masked: empty or
// /dev/null.
func TestKernelFilesMasked(t *testing.T) {
	clean(t)
	r := run(t, "/bin/sh", "-c", "for f in /proc/kcore /proc/keys /proc/timer_list /proc/sched_debug; do "+
		"[ -e $f ] && echo $f $(head -c 100 $f | wc -c); done; echo firmware: $(ls /sys/firmware | wc -l)")
	wantCode(t, r, 0)
	for _, line := range strings.Split(strings.TrimSpace(r.stdout), "\n") {
		if !strings.HasSuffix(line, " 0") && !strings.HasPrefix(line, "firmware:") {
			t.Errorf("not masked: %s", line)
		}
	}
	if !strings.Contains(r.stdout, "firmware: 0") {
		t.Errorf("/sys/firmware is not empty: %s", r.stdout)
	}
}

// CAP_MKNOD stays (Docker's set), so root in the container can make a
// node for the host's memory (c 1 1) or root disk; none of them opens,
// wherever it is made. /dev/zero (c 1 5) opens for anyone, with no
// capability: it shows that no node at all opens there.
func TestDeviceNodesDoNotOpen(t *testing.T) {
	clean(t)
	nodes := []string{"c 1 5", "c 1 1"}
	var st unix.Stat_t
	if unix.Stat("/", &st) == nil && unix.Major(st.Dev) != 0 {
		nodes = append(nodes, fmt.Sprintf("b %d %d", unix.Major(st.Dev), unix.Minor(st.Dev)))
	}
	for _, overlay := range []string{"true", "false"} {
		root := rootfsOK
		if overlay == "false" {
			root = rootfsWithEscape(t) // a copy it may write into
		}
		for i, node := range nodes {
			for _, dir := range []string{"/tmp", "/", "/dev", "/dev/shm"} {
				// A name of its own: without the overlay, a node made in
				// / stays in the rootfs for the next run.
				path := filepath.Join(dir, fmt.Sprintf("node%d", i))
				script := fmt.Sprintf("mknod %s %s || exit 3; head -c 1 %s >/dev/null && echo OPENED", path, node, path)
				r := vme50(t, "run", "--rootfs", root, "--overlay="+overlay, "/bin/sh", "-c", script)
				// Made but not opened (status 1); in the read-only /dev,
				// not even made (3).
				want := 1
				if dir == "/dev" {
					want = 3
				}
				if strings.Contains(r.stdout, "OPENED") || r.code != want {
					t.Errorf("overlay=%s: %s at %s: status %d, want %d; %s%s", overlay, node, path, r.code, want, r.stdout, r.stderr)
				}
			}
		}
	}
}

// Without CAP_SYS_ADMIN no filesystem can be mounted: not a new one, not
// the kernel's, not a bind of what is there.
func TestMountRefused(t *testing.T) {
	clean(t)
	for _, m := range []string{"-t tmpfs none /tmp", "-t proc proc /tmp", "-t sysfs sysfs /tmp", "--bind / /tmp", "-o remount,rw /sys"} {
		r := run(t, "/bin/sh", "-c", "mount "+m)
		if r.code == 0 || !strings.Contains(r.stderr, "denied") && !strings.Contains(r.stderr, "not permitted") {
			t.Errorf("mount %s: status %d %q", m, r.code, r.stderr)
		}
	}
}

// The host's processes and mounts are not there: the container sees its
// own few processes and exactly the mounts vme50 made.
func TestHostInvisible(t *testing.T) {
	clean(t)
	r := run(t, "/bin/sh", "-c", "ls /proc | grep -c '^[0-9]'; cut -d' ' -f5 /proc/self/mountinfo")
	wantCode(t, r, 0)
	lines := strings.Fields(r.stdout)
	if n, _ := strconv.Atoi(lines[0]); n < 1 || n > 4 {
		t.Errorf("%s processes visible in /proc", lines[0])
	}
	allowed := []string{"/", "/proc", "/dev", "/dev/pts", "/dev/shm", "/sys", "/tmp", "/tmp/.vme50",
		"/tmp/.vme50/bin/vme50-hog", "/tmp/.vme50/cache",
		"/etc/resolv.conf"} // the bridge network's (network_linux.go)
	for _, p := range lines[1:] {
		if slices.Contains(allowed, p) || slices.Contains(maskedOrReadOnly, p) {
			continue
		}
		t.Errorf("a mount the container should not have: %s", p)
	}
}

// maskedOrReadOnly are runtime's protected paths (newroot_linux.go).
var maskedOrReadOnly = []string{
	"/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
	"/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi",
	"/sys/firmware", "/sys/devices/virtual/powercap",
	"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger",
}

// --userns: root in the container is uid 0 there and the range's first uid
// on the host; the rootfs's files, the host root's, belong to nobody
// inside, and root cannot change them; its capabilities stay Docker's.
func TestUserNamespace(t *testing.T) {
	clean(t)
	m := runtime.UserNSRange()
	r := run(t, "--userns", "/bin/sh", "-c",
		"id -u; cat /proc/self/uid_map; stat -c %u /bin/busybox; touch /etc/x; echo etc=$?; touch /tmp/x && stat -c %u /tmp/x; grep -E 'CapEff|CapInh' /proc/self/status")
	wantCode(t, r, 0)
	f := strings.Fields(r.stdout)
	want := []string{"0", "0", strconv.Itoa(m.HostID), strconv.Itoa(m.Size), "65534", "etc=1", "0"}
	if len(f) < len(want) || !slices.Equal(f[:len(want)], want) {
		t.Errorf("got %q, want %q first", r.stdout, want)
	}
	if !strings.Contains(r.stdout, fmt.Sprintf("CapEff:\t%016x", capMask(runtime.DefaultCapabilities))) ||
		!strings.Contains(r.stdout, "CapInh:\t0000000000000000") {
		t.Errorf("capabilities in the user namespace: %s", r.stdout)
	}

	// /sys, a sysfs of the container's own network namespace, or with
	// --network host the host's bound with what is mounted below it:
	// every one of them read-only.
	for _, network := range []string{"none", "host"} {
		r = run(t, "--userns", "--network", network, "/bin/sh", "-c", "grep ' /sys' /proc/self/mountinfo | cut -d' ' -f5,6")
		wantCode(t, r, 0)
		for _, line := range strings.Split(strings.TrimSpace(r.stdout), "\n") {
			if f := strings.Fields(line); len(f) != 2 || !strings.HasPrefix(f[1], "ro,") {
				t.Errorf("--network %s: writable under /sys: %q", network, line)
			}
		}
	}

	// From the host: the container's processes run as the range's uid.
	cmd, id := startContainer(t, "--userns", "/bin/sleep", "30")
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", commandPid(t, id)))
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(fmt.Sprintf(`(?m)^Uid:\s+%d\s`, m.HostID)).Match(status) {
		t.Errorf("the container's process is not uid %d on the host:\n%s", m.HostID, status)
	}
	signal(t, cmd, syscall.SIGKILL)
	cmd.Wait()
	wantCode(t, run(t, "/bin/true"), 0) // sweeps what the killed run left

	// A rootfs the container's root cannot reach (t.TempDir is mode 700):
	// one clear line, nothing started.
	r = vme50(t, "run", "--userns", "--rootfs", rootfsWithEscape(t), "/bin/true")
	wantCode(t, r, 125)
	if !strings.Contains(r.stderr, "cannot reach") || !strings.Contains(r.stderr, "is mode 700") {
		t.Errorf("stderr %q", r.stderr)
	}
}

// probeMain tries the system calls the seccomp filter refuses, and
// prints what each returned.
func probeMain(what string) int {
	userKeyring := unix.KEY_SPEC_USER_KEYRING // -4: a special keyring id
	errno := func(_, _ uintptr, e unix.Errno) string {
		if e == 0 {
			return "ok"
		}
		return e.Error()
	}
	switch what {
	case "sniff", "unix":
		return netProbeMain(what, os.Args[2:])
	case "watch-exec":
		return watchExecMain()
	case "ptys":
		// As many terminals as the container can get, with as many
		// descriptors as it may have.
		var lim unix.Rlimit
		unix.Getrlimit(unix.RLIMIT_NOFILE, &lim)
		lim.Cur = lim.Max
		unix.Setrlimit(unix.RLIMIT_NOFILE, &lim)
		n := 0
		for ; n < 5000; n++ {
			if _, err := unix.Open("/dev/ptmx", unix.O_RDWR|unix.O_NOCTTY, 0); err != nil {
				fmt.Printf("ptys: %d, then %v\n", n, err)
				return 0
			}
		}
		fmt.Printf("ptys: %d, and more\n", n)
	case "keyring":
		typ, _ := unix.BytePtrFromString("user")
		desc, _ := unix.BytePtrFromString("vme50-probe")
		fmt.Println("add_key:", errno(unix.Syscall6(unix.SYS_ADD_KEY, uintptr(unsafe.Pointer(typ)), uintptr(unsafe.Pointer(desc)),
			0, 0, uintptr(userKeyring), 0)))
		fmt.Println("keyctl:", errno(unix.Syscall(unix.SYS_KEYCTL, unix.KEYCTL_GET_KEYRING_ID, uintptr(userKeyring), 0)))
		fmt.Println("request_key:", errno(unix.Syscall6(unix.SYS_REQUEST_KEY, uintptr(unsafe.Pointer(typ)),
			uintptr(unsafe.Pointer(desc)), 0, 0, 0, 0)))
	case "userns":
		fmt.Println("unshare:", errno(unix.Syscall(unix.SYS_UNSHARE, unix.CLONE_NEWUSER, 0, 0)))
		// CLONE_FS with CLONE_NEWUSER is invalid: past the filter the
		// kernel says EINVAL and makes nothing, so the probe is safe.
		fmt.Println("clone:", errno(unix.RawSyscall6(unix.SYS_CLONE, unix.CLONE_NEWUSER|unix.CLONE_FS, 0, 0, 0, 0, 0)))
		fmt.Println("clone3:", errno(unix.RawSyscall(unix.SYS_CLONE3, 0, 0, 0)))
	}
	return 0
}

// The seccomp filter: the host's keyrings are out of reach, and no new
// user namespace gives the container's root its capabilities back; with
// and without --userns.
func TestSeccompFilter(t *testing.T) {
	clean(t)
	root := rootfsWithEscape(t)
	// Reachable by --userns's root: t.TempDir makes mode-700 directories.
	for d := filepath.Dir(root); strings.HasPrefix(d, filepath.Clean(os.TempDir())+"/"); d = filepath.Dir(d) {
		os.Chmod(d, 0o755)
	}
	for _, userns := range []string{"--userns=false", "--userns"} {
		r := vme50(t, "run", "--rootfs", root, userns, "/"+escapeName, "keyring")
		wantCode(t, r, 0)
		for _, call := range []string{"add_key", "keyctl", "request_key"} {
			if !strings.Contains(r.stdout, call+": operation not permitted") {
				t.Errorf("%s: %s got through:\n%s", userns, call, r.stdout)
			}
		}
		r = vme50(t, "run", "--rootfs", root, userns, "/"+escapeName, "userns")
		wantCode(t, r, 0)
		for _, want := range []string{"unshare: operation not permitted", "clone: operation not permitted", "clone3: function not implemented"} {
			if !strings.Contains(r.stdout, want) {
				t.Errorf("%s: want %q:\n%s", userns, want, r.stdout)
			}
		}
	}
	// Ordinary processes and threads still start: a pipeline, and Go's
	// threads in vme50-hog.
	r := run(t, "/bin/sh", "-c", "echo piped | cat; vme50-hog cpu --threads 2 --seconds 0.2 | tail -1")
	if r.code != 0 || !strings.Contains(r.stdout, "piped") || !strings.Contains(r.stdout, "done") {
		t.Errorf("status %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// A container gets at most maxPtys terminals of the host's shared pool
// (3072 by default): one that opened /dev/ptmx in a loop once took them
// all, and no container could get a terminal (an attack review's
// finding).
func TestPtysBounded(t *testing.T) {
	clean(t)
	r := vme50(t, "run", "--rootfs", rootfsWithEscape(t), "/"+escapeName, "ptys")
	wantCode(t, r, 0)
	m := regexp.MustCompile(`ptys: (\d+), then (.*)`).FindStringSubmatch(r.stdout)
	if m == nil {
		t.Fatalf("no bound:\n%s%s", r.stdout, r.stderr)
	}
	if n, _ := strconv.Atoi(m[1]); n > 256 || n < 200 || !strings.Contains(m[2], "no space left") {
		t.Errorf("a container opened %s terminals, then %q; want at most 256, then ENOSPC", m[1], m[2])
	}
}
