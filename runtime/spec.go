// Package runtime turns a Spec into a running Container: a process in new
// PID, UTS, IPC, mount and network namespaces (the host's network on request),
// pivot_root'ed into its root filesystem, held in a cgroup with limits.
//
// The story is told in two halves, as in runc's libcontainer:
//
//   - the parent side (container.go, process_linux.go): create the cgroup, start
//     init in new namespaces (vme50-init, initexe_linux.go), born in the
//     cgroup, wait, clean up;
//   - the init side (package initproc, run as the small program
//     cmd/vme50-init): runs inside the new namespaces, builds the
//     container's filesystem, then execs the user's command so that it
//     becomes PID 1.
package runtime

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"vme50-tui/cgroup"
	"vme50-tui/hog"
	"vme50-tui/runtime/initproc"
)

// Exit statuses of the CLI contract, for failures before the command runs.
// (Init, package initproc, gives them too.)
const (
	ExitRuntimeFailed = initproc.ExitRuntimeFailed // vme50 itself failed: bad flag, bad rootfs, cgroup error
	ExitCannotExec    = initproc.ExitCannotExec    // the command was found but cannot be executed
	ExitNotFound      = initproc.ExitNotFound      // the command is not in the container's PATH
)

// Network is the network a container sees.
type Network string

const (
	// NetworkBridge: a network namespace of its own holding lo and eth0,
	// one end of a veth pair whose other end is on the host's bridge
	// vme50br0 (network.go).
	NetworkBridge Network = "bridge"
	NetworkHost   Network = "host" // the host's interfaces (no network namespace)
	NetworkNone   Network = "none" // a new network namespace holding only lo
)

// HogDir is the directory of vme50-hog, the lessons' workloads (package
// hog), in every container. It is the last directory of the container's
// PATH, so the rootfs's own commands come first.
const HogDir = initproc.HogDir

// HogPath is vme50-hog's full path in a container.
const HogPath = HogDir + "/" + hog.Name

// DefaultPath is the PATH the command is looked up in inside the container:
// the usual directories, then the one vme50 binds vme50-hog into (initproc/hog_linux.go).
const DefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:" + HogDir

// StateDir holds one directory per container: the owner file and the
// mount points of its writable layer and its root. What the container
// writes is not kept here: it lives in a tmpfs in the container's own
// mount namespace, gone with it, charged to its memory cgroup.
var StateDir = defaultStateDir

const defaultStateDir = "/var/lib/vme50/containers"

// Spec is everything needed to start a container.
type Spec struct {
	Rootfs   string
	Args     []string // the command and its arguments
	Hostname string   // empty: the container's id
	Limits   cgroup.Limits
	// IO are bandwidth limits on block devices (io.max), set at start.
	IO      []cgroup.IOLimit
	Network Network
	// Ports are the container's TCP ports published on the host's
	// (NetworkBridge only).
	Ports []PortMapping
	// Overlay mounts a fresh writable layer over Rootfs, so the rootfs on
	// disk is never changed. Without it the container writes into Rootfs.
	Overlay bool
	// DiskLimit caps what the container writes (its overlay layer and
	// /tmp), in bytes: the size of the tmpfs that holds them. 0: the
	// kernel's default for a tmpfs, half of the RAM.
	DiskLimit uint64
	// Env is added to the container's environment (PATH, HOME, HOSTNAME
	// and TERM are set by default).
	Env []string
	// Capabilities are what the command keeps of root's powers (caps.go);
	// nil means DefaultCapabilitiesFor(Network), Docker's default set
	// (without CAP_NET_RAW on the host's network).
	Capabilities []Capability
	// UserNS, when set, gives the container a user namespace whose ids
	// 0..Size-1 are the host's HostID.. (userns.go).
	UserNS *IDMap

	// Tty gives the container a pseudo-terminal of TtyRows by TtyCols
	// (0: the kernel's 0x0 until Resize); read and write it through
	// Container.Pty. Without it the command's stdin, stdout and stderr
	// are pipes, copied from Stdin and to Stdout and Stderr (nil: nothing
	// to read, output dropped). Never a file of ours: through a
	// descriptor the container's root could chmod, chown or list the
	// host's file behind it (process.go).
	Tty              bool
	TtyRows, TtyCols uint16
	Stdin            io.Reader
	Stdout           io.Writer
	Stderr           io.Writer

	// OnLog, when set, is told of each line added to the container's
	// kernel log (Container.Log), in order, from whichever goroutine made
	// the step. It is called with the log locked: it must return quickly
	// and not call Log.
	OnLog func(LogEntry)
}

// ValidateHostname accepts RFC 1123 host names of at most 64 bytes, the
// kernel's limit for sethostname.
func ValidateHostname(name string) error {
	if name == "" {
		return nil
	}
	if len(name) > 64 {
		return fmt.Errorf("invalid hostname %q: longer than 64 characters", name)
	}
	for _, label := range strings.Split(name, ".") {
		if !validLabel(label) {
			return fmt.Errorf("invalid hostname %q: use letters, digits and '-', "+
				"dot-separated labels not starting or ending with '-'", name)
		}
	}
	return nil
}

// validLabel tells whether s is one RFC 1123 label: 1 to 63 letters,
// digits and hyphens, not starting or ending with a hyphen. (A loop, not a
// regexp: compiling one costs every start of the binary half a millisecond,
// init included.)
func validLabel(s string) bool {
	if len(s) == 0 || len(s) > 63 || s[0] == '-' || s[len(s)-1] == '-' {
		return false
	}
	for _, c := range []byte(s) {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// ValidateRootfs checks that dir is a directory and returns its absolute
// path, with no symlink in it.
func ValidateRootfs(dir string) (string, error) {
	if dir == "" {
		return "", fmt.Errorf("no rootfs given")
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	fi, err := os.Stat(abs)
	if err != nil {
		return "", fmt.Errorf("rootfs %s: %w", dir, unwrapPathError(err))
	}
	if !fi.IsDir() {
		return "", fmt.Errorf("rootfs %s: not a directory", dir)
	}
	// Symlinks on the way are followed here, once, as the path was
	// meant; from then on the rootfs is the resolved path, and a symlink
	// that appears on it later is refused (OpenRootfs).
	return filepath.EvalSymlinks(abs)
}

// unwrapPathError drops the path and operation of an *os.PathError, whose
// message would otherwise repeat the path we already name.
func unwrapPathError(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}

// Validate checks a Spec before anything is created, and completes it as
// it goes: the rootfs made absolute, the network "bridge" when not given.
func (s *Spec) Validate() error {
	if len(s.Args) == 0 || s.Args[0] == "" {
		return fmt.Errorf("no command given")
	}
	var err error
	if s.Rootfs, err = ValidateRootfs(s.Rootfs); err != nil {
		return err
	}
	if err := ValidateHostname(s.Hostname); err != nil {
		return err
	}
	given := s.Network
	if s.Network, err = ParseNetwork(string(given)); err != nil {
		return fmt.Errorf("invalid network %q: %w", given, err)
	}
	if len(s.Ports) > 0 && s.Network != NetworkBridge {
		return fmt.Errorf("ports published with network %s: only a container on the bridge network has ports of its own", s.Network)
	}
	if s.Limits.CPUWeight > 10000 {
		return fmt.Errorf("invalid cpu weight %d: use 1..10000", s.Limits.CPUWeight)
	}
	return nil
}
