package hog

import (
	goruntime "runtime"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// The cpu and fork workloads need many processes, busy or waiting, and a
// Go program cannot simply fork(2) as a C program does: the Go runtime
// keeps threads of its own, and a child of fork is a copy of only the
// thread that called it, its runtime in pieces. So a child here, from the
// fork on, touches nothing of the runtime: it makes raw system calls only,
// and ends with exit_group.
//
// That makes each child what the lessons need: one task (one pid in
// pids.current), whose only thread never sleeps or wakes unless asked to,
// like `while :; do :; done` in a shell. (A Go program's runtime thread
// wakes a hundred times a second, and in the weights lesson such wake-ups
// in the busier container cost the other one its share.)

// forkChild starts a child that does work until deadline and then exits.
// It returns the child's pid, or the error of fork (clone(2) without new
// namespaces): EAGAIN when pids.max is reached.
//
//go:norace
func forkChild(work childWork, deadline time.Time) (int, error) {
	until := unix.NsecToTimespec(deadline.UnixNano())
	// The signal mask is the calling thread's: keep this goroutine on it.
	goruntime.LockOSThread()
	defer goruntime.UnlockOSThread()
	// Block every signal across the fork, as Go's own fork+exec does: a
	// signal handler is Go code, which the child must never run. The
	// child keeps them blocked; SIGKILL cannot be blocked.
	all, saved := ^uint64(0), uint64(0)
	setSignalMask(&all, &saved)
	pid, _, errno := syscall.RawSyscall6(syscall.SYS_CLONE, uintptr(syscall.SIGCHLD), 0, 0, 0, 0, 0)
	if pid != 0 || errno != 0 {
		// The parent.
		setSignalMask(&saved, nil)
		if errno != 0 {
			return 0, errno
		}
		return int(pid), nil
	}
	// The child. When the process that forked it dies, so does it.
	syscall.RawSyscall(syscall.SYS_PRCTL, unix.PR_SET_PDEATHSIG, uintptr(syscall.SIGKILL), 0)
	if work == childSpins {
		spinUntil(&until)
	} else {
		sleepUntil(&until)
	}
	syscall.RawSyscall(syscall.SYS_EXIT_GROUP, 0, 0, 0)
	panic("not reached")
}

// setSignalMask sets this thread's signal mask to set, saving the old one
// in old (if not nil).
//
//go:nosplit
//go:norace
func setSignalMask(set, old *uint64) {
	syscall.RawSyscall6(syscall.SYS_RT_SIGPROCMASK, unix.SIG_SETMASK,
		uintptr(unsafe.Pointer(set)), uintptr(unsafe.Pointer(old)), 8, 0, 0)
}

// spinLoops counts the child's loops; a variable outside the loop keeps the
// compiler from dropping a loop that does nothing.
var spinLoops uint64

// spinUntil keeps the CPU busy until the clock reaches until, reading it
// (a raw clock_gettime) every million loops, a few times a millisecond.
// Like every function the child calls, it must not grow the stack
// (nosplit): that would call into the runtime.
//
//go:nosplit
//go:norace
func spinUntil(until *unix.Timespec) {
	var now unix.Timespec
	for {
		for i := 0; i < 1<<20; i++ {
			spinLoops++
		}
		syscall.RawSyscall(syscall.SYS_CLOCK_GETTIME, unix.CLOCK_REALTIME, uintptr(unsafe.Pointer(&now)), 0)
		if now.Sec > until.Sec || now.Sec == until.Sec && now.Nsec >= until.Nsec {
			return
		}
	}
}

// sleepUntil waits until the clock reaches until, without taking CPU.
//
//go:nosplit
//go:norace
func sleepUntil(until *unix.Timespec) {
	for {
		_, _, errno := syscall.RawSyscall6(syscall.SYS_CLOCK_NANOSLEEP, unix.CLOCK_REALTIME, unix.TIMER_ABSTIME,
			uintptr(unsafe.Pointer(until)), 0, 0, 0)
		if errno != syscall.EINTR {
			return
		}
	}
}
