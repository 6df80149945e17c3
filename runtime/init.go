package runtime

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	goruntime "runtime"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"

	"vme50-tui/hog"
)

// The init side: this file runs in the child, "/proc/self/exe init", born
// in new namespaces. It is the container's first process until it execs the
// user's command in its own place.

// Descriptors the parent hands to init (ExtraFiles start at 3).
const (
	initConfigFD = 3 // parent -> init: the initConfig, then EOF
	initStatusFD = 4 // init -> parent: statusMessage lines, then EOF at a good exec
)

// initConfig is what init needs to know; the parent writes it as JSON.
type initConfig struct {
	Rootfs string `json:"rootfs"`
	// RootfsID is the rootfs directory the parent checked: init opens
	// Rootfs and goes on only if it is this very directory.
	RootfsID fileID   `json:"rootfs_id"`
	Overlay  *overlay `json:"overlay,omitempty"`
	// Layer is where init mounts the tmpfs of DiskLimit bytes (0: the
	// kernel's default size) that holds everything the container writes.
	Layer     string `json:"layer"`
	DiskLimit uint64 `json:"disk_limit"`
	Hostname  string `json:"hostname"`
	NewNet    bool   `json:"new_net"`
	// Console asks for a terminal made inside the container (console.go),
	// Rows by Cols characters.
	Console bool     `json:"console"`
	Rows    uint16   `json:"rows"`
	Cols    uint16   `json:"cols"`
	Args    []string `json:"args"`
	Env     []string `json:"env"`
	// Caps are the capabilities the command keeps (caps.go).
	Caps []Capability `json:"caps"`
}

// overlay is where the container's root is put together: the rootfs
// below, read-only, and a writable layer above it in the Layer tmpfs.
type overlay struct {
	Merged string `json:"merged"`
}

// StartError is a container that failed before its command ran: init
// could not build it (Code 125), or the command cannot be executed (126) or
// found (127). Code is the exit status the CLI gives. Init sends it to the
// parent as JSON.
type StartError struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

func (e *StartError) Error() string { return e.Message }

// statusMessage is one line init writes on the status pipe, as JSON: a
// step it made ({"step": "pivot_root ..."}), for the kernel log, or, at
// most once and last, the StartError that ended it ({"code": 127,
// "message": ...}).
type statusMessage struct {
	Step string `json:"step,omitempty"`
	// Time is when init made the step (Unix nanoseconds): the steps
	// reach the parent together, just before the exec.
	Time    int64  `json:"time,omitempty"`
	Code    int    `json:"code,omitempty"`
	Message string `json:"message,omitempty"`
}

// status is the status pipe while init runs, buffered: the steps go up
// in one write just before the exec (or with the error), not in forty,
// each of which would wake the parent in the middle of a start.
var status *bufio.Writer

// logStep tells the parent of one step init asked of the kernel, in the
// kernel's words, for the container's kernel log.
func logStep(format string, args ...any) {
	if status != nil {
		_ = json.NewEncoder(status).Encode(statusMessage{Step: fmt.Sprintf(format, args...), Time: time.Now().UnixNano()})
	}
}

// Init is the whole life of the child before exec. It never returns.
func Init() {
	status = bufio.NewWriterSize(os.NewFile(initStatusFD, "init-status"), 16<<10)
	// The status pipe closes itself when exec succeeds: that EOF is how the
	// parent learns the command is running.
	unix.CloseOnExec(initStatusFD)

	err := initContainer()
	var se *StartError
	if !errors.As(err, &se) {
		se = &StartError{Code: ExitRuntimeFailed, Message: err.Error()}
	}
	_ = json.NewEncoder(status).Encode(statusMessage{Code: se.Code, Message: se.Message})
	_ = status.Flush()
	os.Exit(se.Code)
}

func initContainer() error {
	// Block until the parent has put us into our cgroup and sent the
	// config: nothing of the container may run outside its limits.
	cfg, err := readInitConfig()
	if err != nil {
		return fmt.Errorf("init: reading config: %w", err)
	}
	if err := buildRootfs(cfg); err != nil {
		return err
	}
	if cfg.Console {
		if err := setupConsole(cfg.Rows, cfg.Cols); err != nil {
			return err
		}
	}
	if cfg.Hostname != "" {
		if err := unix.Sethostname([]byte(cfg.Hostname)); err != nil {
			return fmt.Errorf("sethostname %q: %w", cfg.Hostname, err)
		}
		logStep("sethostname %s", cfg.Hostname)
	}
	if cfg.NewNet {
		if err := bringUpLoopback(); err != nil {
			return err
		}
	}
	return execCommand(cfg)
}

func readInitConfig() (*initConfig, error) {
	f := os.NewFile(initConfigFD, "init-config")
	defer f.Close()
	var cfg initConfig
	if err := json.NewDecoder(f).Decode(&cfg); err != nil {
		return nil, err
	}
	return &cfg, nil
}

// execCommand looks the command up in the container's PATH (we are already
// inside the new root, so this is the container's /bin, not the host's) and
// replaces this process with it: the command becomes PID 1.
func execCommand(cfg *initConfig) error {
	args, env := cfg.Args, cfg.Env
	path, err := lookPath("/", args[0], envValue(env, "PATH"))
	if err != nil {
		return err
	}
	// From here on this goroutine keeps its thread: the kernel keeps the
	// parent-death signal, the capabilities and no_new_privs per thread,
	// and the exec must happen on the thread that has them.
	if err := rearmParentDeath(); err != nil {
		return err
	}
	if err := closeExtraFDs(); err != nil {
		return err
	}
	if err := dropCapabilities(cfg.Caps); err != nil {
		return err
	}
	if err := setNoNewPrivs(); err != nil {
		return err
	}
	if err := installSeccomp(); err != nil {
		return err
	}
	// Said before it happens: a successful exec closes the status pipe.
	logStep("execve %s", strings.Join(append([]string{path}, quoteArgs(args[1:])...), " "))
	if err := status.Flush(); err != nil {
		return fmt.Errorf("init: status pipe: %w", err)
	}
	err = unix.Exec(path, args, env)
	// Only reached when exec failed.
	code := ExitCannotExec
	if errors.Is(err, unix.ENOENT) {
		// The file exists, so what is missing is its interpreter or loader
		// (a "#!" line or a dynamic binary without its libraries).
		code = ExitNotFound
	}
	return &StartError{Code: code, Message: fmt.Sprintf("exec %s: %v", path, err)}
}

// rearmParentDeath pins this goroutine to its thread and sets the
// parent-death signal on that thread, so that the command still dies with
// vme50-tui after the exec.
//
// The parent asks for SIGKILL at its death (Pdeathsig, process.go), but the
// kernel keeps that setting per thread, on the thread it started us on. Go
// runs this code on whichever thread it likes, and an exec from another
// thread makes that thread the process, without the setting: a kill -9 of
// vme50-tui then left the container running (found in the cgroup v2 VM,
// Debian's kernel 6.1, in about one start in ten). The exec keeps the
// setting of the thread that makes it, since it changes no credentials.
func rearmParentDeath() error {
	goruntime.LockOSThread()
	if err := unix.Prctl(unix.PR_SET_PDEATHSIG, uintptr(unix.SIGKILL), 0, 0, 0); err != nil {
		return fmt.Errorf("prctl(PR_SET_PDEATHSIG): %w", err)
	}
	return nil
}

// lookPath finds name as a shell does: a name with a slash is used as it
// is, any other is searched in each PATH directory. A file that exists but
// is not executable gives 126, like bash's "Permission denied"; nothing
// found gives 127. (os/exec.LookPath would call both "not found".) The
// search happens under root: "/" inside the container, the rootfs from
// outside.
func lookPath(root, name, pathEnv string) (string, error) {
	candidates := []string{name}
	if !strings.Contains(name, "/") {
		candidates = candidates[:0]
		for _, dir := range filepath.SplitList(pathEnv) {
			candidates = append(candidates, filepath.Join(dir, name))
		}
	}
	var notExecutable error
	for _, p := range candidates {
		fi, err := os.Stat(filepath.Join(root, p))
		switch {
		case err != nil:
			continue
		case fi.IsDir():
			notExecutable = fmt.Errorf("%s: is a directory", p)
		case fi.Mode()&0o111 == 0:
			notExecutable = fmt.Errorf("%s: permission denied (not executable)", p)
		default:
			return p, nil
		}
	}
	if notExecutable != nil {
		return "", &StartError{Code: ExitCannotExec, Message: "cannot execute " + notExecutable.Error()}
	}
	return "", &StartError{Code: ExitNotFound,
		Message: fmt.Sprintf("%s: command not found in the container (PATH=%s)", name, pathEnv)}
}

// FindCommand checks from outside that name would be found and could run
// in a container of rootfs, as init will look it up. (A symlink in the
// rootfs that points to an absolute path is followed on the host here, so
// this is a check for typing errors, not a guarantee.)
func FindCommand(rootfs, name string) error {
	if name == "" {
		return fmt.Errorf("no command given")
	}
	// vme50-hog is in every container, though in no rootfs (hog.go).
	if name == hog.Name || name == HogPath {
		return nil
	}
	_, err := lookPath(rootfs, name, DefaultPath)
	return err
}

// quoteArgs quotes the arguments a shell would split or expand, for the log.
func quoteArgs(args []string) []string {
	quoted := make([]string, len(args))
	for i, a := range args {
		quoted[i] = a
		if a == "" || strings.ContainsAny(a, " \t\n\"'\\$`*?;&|<>()[]{}#~") {
			quoted[i] = strconv.Quote(a)
		}
	}
	return quoted
}

// envValue returns the value of key in a KEY=VALUE list.
func envValue(env []string, key string) string {
	for _, kv := range env {
		if k, v, ok := strings.Cut(kv, "="); ok && k == key {
			return v
		}
	}
	return ""
}
