// Package e2e holds the kernel tests: real containers started by the real
// vme50-tui binary, as root, on whatever cgroup version the machine runs.
// They check effects (exit statuses, OOM kills, throttling, the pids cap,
// cleanup) and the values in the live cgroup files.
//
// Without root they skip, unless VME50_E2E=1 (set by CI), which turns a
// skip into a failure. VME50_BIN and VME50_ROOTFS point at a prebuilt
// binary and a busybox rootfs (the qemu VM has no Go toolchain); without
// them the tests build both.
package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"vme50-tui/runtime"
	"vme50-tui/runtime/rootfs"
)

var (
	bin      string // the vme50-tui binary under test
	rootfsOK string // a busybox rootfs
	skipWhy  string // why the kernel tests cannot run here
)

func TestMain(m *testing.M) {
	// Copied into a rootfs, this binary is the escape attempt of
	// TestChrootEscapeStaysInside, run inside a container.
	// The soak test starts containers from this very process, and the
	// runtime re-execs /proc/self/exe as the container's init: this binary.
	if len(os.Args) == 2 && os.Args[1] == "init" {
		runtime.Init()
	}
	if filepath.Base(os.Args[0]) == escapeName {
		os.Exit(escapeMain())
	}
	// In a mount namespace of its own, this binary prepares the mounts a
	// fault test asks for, then execs vme50-tui (faults_test.go).
	if setup := os.Getenv(nsSetupEnv); setup != "" {
		os.Exit(nsSetupMain(setup))
	}
	os.Exit(setup(m))
}

func setup(m *testing.M) int {
	if os.Geteuid() != 0 {
		skipWhy = "kernel tests need root"
		return m.Run()
	}
	tmp, err := os.MkdirTemp("", "vme50-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(tmp)
	// Other users (the not-root test) must reach the binary.
	os.Chmod(tmp, 0o755)

	bin = os.Getenv("VME50_BIN")
	if bin == "" {
		bin = filepath.Join(tmp, "vme50-tui")
		if err := buildWithInit(tmp, bin); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
	}
	rootfsOK = os.Getenv("VME50_ROOTFS")
	if rootfsOK == "" {
		rootfsOK = filepath.Join(tmp, "busybox-rootfs")
		if err := rootfs.CreateBusybox(rootfsOK, false); err != nil {
			skipWhy = "no busybox rootfs: " + err.Error()
		}
	}
	return m.Run()
}

// needKernel skips a test that cannot run here, or fails it under
// VME50_E2E=1, where every kernel test must run.
func needKernel(t testing.TB) {
	t.Helper()
	if skipWhy == "" {
		return
	}
	if os.Getenv("VME50_E2E") == "1" {
		t.Fatalf("VME50_E2E=1 but %s", skipWhy)
	}
	t.Skip(skipWhy)
}

// buildWithInit builds vme50-tui as make build does: vme50-init first
// (cmd/vme50-init), carried inside vme50-tui through go build's -overlay
// in place of runtime/initbin's placeholder. The kernel tests then run
// the small init, as an installed vme50-tui does (TestLeanSmallInit
// checks that they do).
func buildWithInit(tmp, bin string) error {
	init := filepath.Join(tmp, "vme50-init")
	placeholder, err := filepath.Abs(filepath.Join("..", "runtime", "initbin", "bin", "vme50-init"))
	if err != nil {
		return err
	}
	overlay := filepath.Join(tmp, "init-overlay.json")
	data, err := json.Marshal(map[string]map[string]string{"Replace": {placeholder: init}})
	if err != nil {
		return err
	}
	if err := os.WriteFile(overlay, data, 0o644); err != nil {
		return err
	}
	for _, args := range [][]string{
		{"build", "-trimpath", "-ldflags", "-s -w", "-o", init, "../cmd/vme50-init"},
		{"build", "-overlay", overlay, "-o", bin, ".."},
	} {
		build := exec.Command("go", args...)
		build.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := build.CombinedOutput(); err != nil {
			return fmt.Errorf("go %v: %v\n%s", args, err, out)
		}
	}
	return nil
}
