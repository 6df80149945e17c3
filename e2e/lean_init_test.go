package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// initCacheGlob is where vme50-tui writes vme50-init, its small init,
// once per version (runtime/initexe_linux.go).
const initCacheGlob = "/var/lib/vme50/init/vme50-init-*"

// The binary under test carries vme50-init and every container's init is
// that small program, not vme50-tui re-executed (which starts ~1.5 ms
// slower, its 136 package inits): a build that forgot the init (a plain
// go build, or the fallback taken by mistake) fails here. The program
// runs from a file that no one but root may change, through a read-only
// mount.
func TestLeanSmallInit(t *testing.T) {
	clean(t)
	r := run(t, "--verbose", "/bin/true")
	wantCode(t, r, 0)
	if !strings.Contains(r.stderr, "which runs vme50-init (the small init vme50-tui carries") ||
		!strings.Contains(r.stderr, "on a read-only mount)") {
		t.Fatalf("init was not vme50-init on a read-only mount (build vme50-tui as make build does):\n%s", r.stderr)
	}
	files, _ := filepath.Glob(initCacheGlob)
	if len(files) == 0 {
		t.Fatalf("no %s after a start", initCacheGlob)
	}
	for _, f := range files {
		if !strings.Contains(r.stderr, f) {
			continue
		}
		fi, err := os.Stat(f)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o555 {
			t.Errorf("%s: mode %v, want r-xr-xr-x", f, fi.Mode())
		}
		return
	}
	t.Errorf("the kernel log names none of %v:\n%s", files, r.stderr)
}

// Gone (removed by hand, or by another version's vme50-tui, which keeps
// only its own), or not as vme50-tui writes it, vme50-init is written
// again by the next start, which runs it.
func TestLeanSmallInitWrittenAgain(t *testing.T) {
	clean(t)
	files, _ := filepath.Glob(initCacheGlob)
	for _, f := range files {
		os.Remove(f) // a running vme50-tui holds its own by its mount
	}
	r := run(t, "--verbose", "/bin/sh", "-c", "echo ran")
	wantCode(t, r, 0)
	if strings.TrimSpace(r.stdout) != "ran" || !strings.Contains(r.stderr, "which runs vme50-init") {
		t.Fatalf("stdout %q\nstderr:\n%s", r.stdout, r.stderr)
	}
	files, _ = filepath.Glob(initCacheGlob)
	if len(files) == 0 {
		t.Fatalf("vme50-init was not written again")
	}
	// Root's alone (r-x------), as an older build wrote it: a container
	// under --userns, whose init runs as a user the host does not know,
	// could not start (permission denied). It is written again.
	for _, f := range files {
		os.Chmod(f, 0o500)
	}
	wantCode(t, run(t, "--userns", "/bin/true"), 0)
	files, _ = filepath.Glob(initCacheGlob)
	for _, f := range files {
		if fi, err := os.Stat(f); err != nil || fi.Mode().Perm() != 0o555 {
			t.Errorf("%s: %v (%v), want r-xr-xr-x", f, fi.Mode(), err)
		}
	}
}

// isSmallInit tells whether exe is the vme50-init file our binary wrote.
func isSmallInit(exe os.FileInfo) bool {
	files, _ := filepath.Glob(initCacheGlob)
	for _, f := range files {
		if fi, err := os.Stat(f); err == nil && os.SameFile(fi, exe) {
			return true
		}
	}
	return false
}

// When vme50-init cannot be written (here its directory is a file; a full
// disk does the same), the container still starts, from our own binary on
// a read-only mount, never from a /proc/self/exe a container could write
// (an attack review found that fallback unprotected).
func TestLeanInitUnwritableFallsBackReadOnly(t *testing.T) {
	clean(t)
	dir := filepath.Dir(initCacheGlob)
	held := dir + ".held-by-test"
	if err := os.Rename(dir, held); err != nil {
		t.Fatal(err)
	}
	defer func() {
		os.Remove(dir)
		os.Rename(held, dir)
	}()
	if err := os.WriteFile(dir, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	r := run(t, "--verbose", "/bin/sh", "-c", "echo ran")
	wantCode(t, r, 0)
	if strings.TrimSpace(r.stdout) != "ran" || !strings.Contains(r.stderr, "our binary on a read-only mount") ||
		strings.Contains(r.stderr, "which a container could write") {
		t.Fatalf("stdout %q\nstderr:\n%s", r.stdout, r.stderr)
	}
}
