package initproc

import (
	"fmt"
	goruntime "runtime"
	"strings"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Capabilities do not cover everything: some system calls need none and
// still reach the host. The keyrings are per user, not per namespace, so
// keyctl in a container reads host root's keys (disk passphrases, say);
// a new user namespace hands its creator every capability again, inside
// it, which opens kernel code (nf_tables, fsconfig, ...) that is a common
// road to an exploit. So, like Docker's default seccomp profile, a filter
// makes the kernel refuse those calls before it runs them.
//
// The filter is a small classic BPF program that the kernel runs on every
// system call of the container: it looks at the call's number (and, for
// clone and unshare, at the flags) and answers "allow" or "fail with this
// errno".

// deniedSyscalls fail with EPERM.
var deniedSyscalls = []struct {
	nr   uintptr
	name string
}{
	// The host's keyrings.
	{unix.SYS_KEYCTL, "keyctl"}, {unix.SYS_ADD_KEY, "add_key"}, {unix.SYS_REQUEST_KEY, "request_key"},
	// Aids to kernel exploits, needing no capability.
	{unix.SYS_USERFAULTFD, "userfaultfd"}, {unix.SYS_PERF_EVENT_OPEN, "perf_event_open"},
	{unix.SYS_IO_URING_SETUP, "io_uring_setup"}, {unix.SYS_IO_URING_ENTER, "io_uring_enter"},
	{unix.SYS_IO_URING_REGISTER, "io_uring_register"},
	// Already refused for want of a capability; refused here as well, in
	// case --cap-add gives it.
	{unix.SYS_BPF, "bpf"}, {unix.SYS_KEXEC_LOAD, "kexec_load"}, {unix.SYS_KEXEC_FILE_LOAD, "kexec_file_load"},
	{unix.SYS_INIT_MODULE, "init_module"}, {unix.SYS_FINIT_MODULE, "finit_module"},
	{unix.SYS_DELETE_MODULE, "delete_module"}, {unix.SYS_OPEN_BY_HANDLE_AT, "open_by_handle_at"},
	{unix.SYS_SETNS, "setns"}, {unix.SYS_SWAPON, "swapon"}, {unix.SYS_SWAPOFF, "swapoff"},
	{unix.SYS_REBOOT, "reboot"}, {unix.SYS_SYSLOG, "syslog"}, {unix.SYS_ACCT, "acct"},
}

// Offsets into struct seccomp_data, what the filter reads.
const (
	seccompNr    = 0
	seccompArch  = 4
	seccompArg0  = 16 // args[0], its low 32 bits (little-endian)
	x32SyscallNr = 0x40000000
)

// auditArch is the kernel's name of this architecture's system calls.
func auditArch() (uint32, error) {
	switch goruntime.GOARCH {
	case "amd64":
		return unix.AUDIT_ARCH_X86_64, nil
	case "arm64":
		return unix.AUDIT_ARCH_AARCH64, nil
	}
	return 0, fmt.Errorf("no seccomp filter for %s", goruntime.GOARCH)
}

// seccompProgram builds the filter, an instruction at a time.
func seccompProgram() ([]unix.SockFilter, error) {
	arch, err := auditArch()
	if err != nil {
		return nil, err
	}
	stmt := func(code uint16, k uint32) unix.SockFilter { return unix.SockFilter{Code: code, K: k} }
	// A jump skips jt instructions when the test holds, jf when not.
	jump := func(code uint16, k uint32, jt, jf uint8) unix.SockFilter {
		return unix.SockFilter{Code: code, Jt: jt, Jf: jf, K: k}
	}
	const (
		load  = unix.BPF_LD | unix.BPF_W | unix.BPF_ABS
		jeq   = unix.BPF_JMP | unix.BPF_JEQ | unix.BPF_K
		jge   = unix.BPF_JMP | unix.BPF_JGE | unix.BPF_K
		jset  = unix.BPF_JMP | unix.BPF_JSET | unix.BPF_K
		ret   = unix.BPF_RET | unix.BPF_K
		allow = unix.SECCOMP_RET_ALLOW
		eperm = unix.SECCOMP_RET_ERRNO | uint32(unix.EPERM)
	)
	var p []unix.SockFilter
	// Another architecture's calls (32-bit ones, on x86-64) have other
	// numbers: refuse them all rather than misread them.
	p = append(p, stmt(load, seccompArch), jump(jeq, arch, 1, 0), stmt(ret, eperm))
	p = append(p, stmt(load, seccompNr))
	if arch == unix.AUDIT_ARCH_X86_64 {
		p = append(p, jump(jge, x32SyscallNr, 0, 1), stmt(ret, eperm)) // the x32 ABI
	}
	for _, s := range deniedSyscalls {
		p = append(p, jump(jeq, uint32(s.nr), 0, 1), stmt(ret, eperm))
	}
	// clone3 passes its flags in memory, which the filter cannot read:
	// ENOSYS makes the C library fall back to clone, whose flags it can.
	p = append(p, jump(jeq, unix.SYS_CLONE3, 0, 1), stmt(ret, unix.SECCOMP_RET_ERRNO|uint32(unix.ENOSYS)))
	// clone and unshare: anything but a new user namespace.
	p = append(p,
		jump(jeq, unix.SYS_CLONE, 1, 0),
		jump(jeq, unix.SYS_UNSHARE, 0, 3),
		stmt(load, seccompArg0),
		jump(jset, unix.CLONE_NEWUSER, 0, 1),
		stmt(ret, eperm),
		stmt(ret, allow))
	return p, nil
}

// installSeccomp loads the filter on this thread, just before the exec,
// which keeps it: from then on it applies to the command and to all it
// starts. no_new_privs must be set first.
func installSeccomp() error {
	p, err := seccompProgram()
	if err != nil {
		return err
	}
	prog := unix.SockFprog{Len: uint16(len(p)), Filter: &p[0]}
	if err := unix.Prctl(unix.PR_SET_SECCOMP, unix.SECCOMP_MODE_FILTER, uintptr(unsafe.Pointer(&prog)), 0, 0); err != nil {
		return fmt.Errorf("prctl(PR_SET_SECCOMP): %w", err)
	}
	names := make([]string, len(deniedSyscalls))
	for i, s := range deniedSyscalls {
		names[i] = s.name
	}
	logStep("seccomp filter (%d instructions): EPERM for %s; clone and unshare with CLONE_NEWUSER; clone3 ENOSYS",
		len(p), strings.Join(names, " "))
	return nil
}
