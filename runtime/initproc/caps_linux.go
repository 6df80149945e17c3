package initproc

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// capLastCap is the highest capability this kernel knows.
func capLastCap() Capability {
	data, err := os.ReadFile("/proc/sys/kernel/cap_last_cap")
	if err == nil {
		if n, err := strconv.Atoi(strings.TrimSpace(string(data))); err == nil {
			return Capability(n)
		}
	}
	return unix.CAP_LAST_CAP
}

// dropCapabilities runs in init, on the thread that will exec (the
// kernel keeps capabilities per thread): it leaves exactly keep in every
// set, so that the command, root or not, has those and no others, and
// nothing it runs can gain more.
func dropCapabilities(keep []Capability) error {
	// Only what this kernel knows and we hold can be kept: --cap-add ALL
	// names capabilities newer than the kernel, or ones the machine's
	// root lacks (a container's, say). Asking capset for those fails.
	last := capLastCap()
	held, err := permittedCapabilities()
	if err != nil {
		return err
	}
	var missing []string
	keep = slices.DeleteFunc(slices.Clone(keep), func(c Capability) bool {
		if c > last || held&(1<<c) == 0 {
			missing = append(missing, c.name())
			return true
		}
		return false
	})
	if len(missing) > 0 {
		logStep("# not kept, this kernel or its root does not have them: %s", strings.Join(missing, " "))
	}
	kept := func(c Capability) bool { return slices.Contains(keep, c) }
	// The bounding set caps what any later exec may give: a setuid-root
	// binary or a file with capabilities gets no more than this. Dropping
	// from it needs CAP_SETPCAP, so it goes first.
	var dropped []string
	for c := Capability(0); c <= last; c++ {
		if kept(c) {
			continue
		}
		if err := unix.Prctl(unix.PR_CAPBSET_DROP, uintptr(c), 0, 0, 0); err != nil {
			return fmt.Errorf("prctl(PR_CAPBSET_DROP, %s): %w", c, err)
		}
		dropped = append(dropped, c.name())
	}
	logStep("prctl(PR_CAPBSET_DROP) for %d capabilities: %s", len(dropped), strings.Join(dropped, " "))
	// Ambient capabilities would survive an exec of an ordinary file; the
	// command should start with none of them. (Kernels before 4.3 have no
	// ambient set: EINVAL.)
	if err := unix.Prctl(unix.PR_CAP_AMBIENT, unix.PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0); err != nil && !errors.Is(err, unix.EINVAL) {
		return fmt.Errorf("prctl(PR_CAP_AMBIENT_CLEAR_ALL): %w", err)
	}
	// Effective (in force now) and permitted (may be made effective)
	// become keep; root's exec then gives the command exactly keep
	// (capabilities(7), "Capabilities and execution of programs by
	// root"). The inheritable set stays empty, as Docker's since
	// CVE-2022-24769: with it, a user other than root in the container
	// who runs a file with inheritable capabilities would get them
	// (no_new_privs stops that today, but should not have to).
	hdr := unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3}
	var data [2]unix.CapUserData // capabilities 0-31 and 32-63
	for _, c := range keep {
		data[c/32].Effective |= 1 << (c % 32)
		data[c/32].Permitted |= 1 << (c % 32)
	}
	if err := unix.Capset(&hdr, &data[0]); err != nil {
		return fmt.Errorf("capset: %w", err)
	}
	names := make([]string, len(keep))
	for i, c := range keep {
		names[i] = c.name()
	}
	logStep("capset(effective = permitted = %s, inheritable = none)", strings.Join(names, " "))
	return nil
}

// permittedCapabilities is this thread's permitted set, a bit per
// capability.
func permittedCapabilities() (uint64, error) {
	hdr := unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3}
	var data [2]unix.CapUserData
	if err := unix.Capget(&hdr, &data[0]); err != nil {
		return 0, fmt.Errorf("capget: %w", err)
	}
	return uint64(data[1].Permitted)<<32 | uint64(data[0].Permitted), nil
}

// setNoNewPrivs makes exec unable to add privileges from now on, for this
// process and everything it starts: a setuid binary runs as its caller,
// file capabilities are ignored. (Also per thread, until the exec.)
func setNoNewPrivs() error {
	if err := unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
		return fmt.Errorf("prctl(PR_SET_NO_NEW_PRIVS): %w", err)
	}
	logStep("prctl(PR_SET_NO_NEW_PRIVS, 1)")
	return nil
}

// closeExtraFDs marks every descriptor above stderr close-on-exec, so
// that nothing of ours (pipes to the parent, the cgroup directory, the
// console socket) leaks into the command. The status pipe must live until
// the exec itself: that it closes is how the parent learns of a good exec.
func closeExtraFDs() error {
	err := unix.CloseRange(3, ^uint(0), unix.CLOSE_RANGE_CLOEXEC)
	if err == nil {
		logStep("close_range(3, ~0, CLOSE_RANGE_CLOEXEC)")
		return nil
	}
	// Before Linux 5.11: one by one.
	entries, rerr := os.ReadDir("/proc/self/fd")
	if rerr != nil {
		return fmt.Errorf("close_range: %v; reading /proc/self/fd: %w", err, rerr)
	}
	for _, e := range entries {
		if fd, err := strconv.Atoi(e.Name()); err == nil && fd > 2 {
			unix.CloseOnExec(fd)
		}
	}
	logStep("fcntl(FD_CLOEXEC) on every fd above 2")
	return nil
}
