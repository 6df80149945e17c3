package initproc

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// The init side: this file runs in the child, vme50-init (or "vme50-tui init"), born
// in new namespaces. It is the container's first process until it execs the
// user's command in its own place.

// Descriptors the parent hands to init (ExtraFiles start at 3).
const (
	ConfigFD = 3 // parent -> init: the Config, then EOF
	StatusFD = 4 // init -> parent: StatusMessage lines, then EOF at a good exec
	// ExecPidFD, an exec's helper's: a pidfd of the container's PID 1,
	// whose namespaces it joins (runtime/exec_linux.go).
	ExecPidFD = 6
)

// Config is what init needs to know; the parent writes it as JSON.
type Config struct {
	Rootfs string `json:"rootfs"`
	// RootfsID is the rootfs directory the parent checked: init opens
	// Rootfs and goes on only if it is this very directory.
	RootfsID FileID   `json:"rootfs_id"`
	Overlay  *Overlay `json:"overlay,omitempty"`
	// Layer is where init mounts the tmpfs of DiskLimit bytes (0: the
	// kernel's default size) that holds everything the container writes.
	Layer     string `json:"layer"`
	DiskLimit uint64 `json:"disk_limit"`
	Hostname  string `json:"hostname"`
	NewNet    bool   `json:"new_net"`
	// ResolvConf, when set, is the container's /etc/resolv.conf (on the
	// bridge network: the host's name servers it can reach), made in its
	// layer and bound over the rootfs's (network_linux.go).
	ResolvConf string `json:"resolv_conf,omitempty"`
	// Console asks for a terminal made inside the container (console_linux.go),
	// Rows by Cols characters.
	Console bool     `json:"console"`
	Rows    uint16   `json:"rows"`
	Cols    uint16   `json:"cols"`
	Args    []string `json:"args"`
	Env     []string `json:"env"`
	// Caps are the capabilities the command keeps (caps.go).
	Caps []Capability `json:"caps"`
	// Self is the path of vme50-tui's binary on the host, which init
	// binds into the container as vme50-hog (hog_linux.go): init itself
	// runs it from a mount that leads nowhere (readOnlySelf).
	Self string `json:"self,omitempty"`
	// HoldExec asks init to tell the parent when it is about to exec the
	// command (a StatusMessage with Hold) and to wait for the end of the
	// config pipe before it does: the parent lowers pids.max meanwhile to
	// a limit smaller than init's own threads (holdexec_linux.go).
	HoldExec bool `json:"hold_exec,omitempty"`
	// CacheDir is where init makes vme50-hog's page-cache file: the
	// state directory, on the host's disk (hog_linux.go).
	CacheDir string `json:"cache_dir,omitempty"`
}

// FileID is what tells one file from every other: its device and inode.
type FileID struct {
	Dev uint64 `json:"dev"`
	Ino uint64 `json:"ino"`
}

// Overlay is where the container's root is put together: the rootfs
// below, read-only, and a writable layer above it in the Layer tmpfs.
type Overlay struct {
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

// StatusMessage is one line init writes on the status pipe, as JSON: a
// step it made ({"step": "pivot_root ..."}), for the kernel log, or, at
// most once and last, the StartError that ended it ({"code": 127,
// "message": ...}).
type StatusMessage struct {
	Step string `json:"step,omitempty"`
	// Time is when init made the step (Unix nanoseconds): the steps
	// reach the parent together, just before the exec.
	Time    int64  `json:"time,omitempty"`
	Code    int    `json:"code,omitempty"`
	Message string `json:"message,omitempty"`
	// Hold says that init waits, about to exec, for the config pipe's end
	// (Config.HoldExec).
	Hold bool `json:"hold,omitempty"`
	// PID is the host's pid of the command an exec's helper started (its
	// step says so), for the parent to signal it.
	PID int `json:"pid,omitempty"`
}

// status is the status pipe while init runs, buffered: the steps go up
// in one write just before the exec (or with the error), not in forty,
// each of which would wake the parent in the middle of a start.
var status *bufio.Writer

// logStep tells the parent of one step init asked of the kernel, in the
// kernel's words, for the container's kernel log.
func logStep(format string, args ...any) {
	_ = sendStatus(StatusMessage{Step: fmt.Sprintf(format, args...)})
}

// sendStatus writes one message on the status pipe, stamped with its time.
func sendStatus(m StatusMessage) error {
	if status == nil {
		return nil
	}
	m.Time = time.Now().UnixNano()
	return json.NewEncoder(status).Encode(m)
}

// LookPath finds name as a shell does: a name with a slash is used as it
// is, any other is searched in each PATH directory. A file that exists but
// is not executable gives 126, like bash's "Permission denied"; nothing
// found gives 127. (os/exec.LookPath would call both "not found".) The
// search happens under root: "/" inside the container, the rootfs from
// outside.
func LookPath(root, name, pathEnv string) (string, error) {
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
