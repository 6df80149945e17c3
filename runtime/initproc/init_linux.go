package initproc

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	goruntime "runtime"
	"strings"

	"golang.org/x/sys/unix"
)

// The init side's life before exec, inside the new namespaces (init.go
// holds what the parent shares with it).

// Init is the whole life of the child before exec. It never returns.
func Init() {
	status = bufio.NewWriterSize(os.NewFile(StatusFD, "init-status"), 16<<10)
	// The status pipe closes itself when exec succeeds: that EOF is how the
	// parent learns the command is running.
	unix.CloseOnExec(StatusFD)

	finishInit(initContainer())
}

// finishInit sends the error that stopped init (or an exec's helper)
// before its exec up the status pipe, and exits with its status.
func finishInit(err error) {
	var se *StartError
	if !errors.As(err, &se) {
		se = &StartError{Code: ExitRuntimeFailed, Message: err.Error()}
	}
	_ = json.NewEncoder(status).Encode(StatusMessage{Code: se.Code, Message: se.Message})
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

func readInitConfig() (*Config, error) {
	f := os.NewFile(ConfigFD, "init-config")
	var cfg Config
	if err := json.NewDecoder(f).Decode(&cfg); err != nil {
		f.Close()
		return nil, err
	}
	if !cfg.HoldExec {
		f.Close() // else kept for holdExec, which waits for its end
	}
	return &cfg, nil
}

// execCommand looks the command up in the container's PATH (we are already
// inside the new root, so this is the container's /bin, not the host's) and
// replaces this process with it: the command becomes PID 1.
func execCommand(cfg *Config) error {
	args, env := cfg.Args, cfg.Env
	path, err := LookPath("/", args[0], envValue(env, "PATH"))
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
	if cfg.HoldExec {
		if err := holdExec(); err != nil {
			return err
		}
	}
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
// The parent asks for SIGKILL at its death (Pdeathsig, process_linux.go), but the
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
