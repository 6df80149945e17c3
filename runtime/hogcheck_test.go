package runtime

import (
	"debug/elf"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// elfInterp is debug/elf's answer, the oracle for loaderOf.
func elfInterp(t *testing.T, path string) (string, bool) {
	f, err := elf.Open(path)
	if err != nil {
		return "", false
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			buf := make([]byte, p.Filesz)
			if _, err := p.ReadAt(buf, 0); err != nil {
				t.Fatal(err)
			}
			return strings.TrimRight(string(buf), "\x00"), true
		}
	}
	return "", true
}

// TestLoaderOfAgreesWithDebugELF compares loaderOf with debug/elf on the
// test binary and on the host's programs: dynamic ones (/bin/ls), static
// ones (busybox-static, Go's), 32-bit ones if any.
func TestLoaderOfAgreesWithDebugELF(t *testing.T) {
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	paths := []string{self}
	for _, dir := range []string{"/bin", "/usr/bin", "/usr/lib/go/bin", "/usr/local/go/bin"} {
		entries, _ := os.ReadDir(dir)
		for i, e := range entries {
			if i >= 200 {
				break
			}
			paths = append(paths, filepath.Join(dir, e.Name()))
		}
	}
	var dynamic, static int
	for _, p := range paths {
		want, ok := elfInterp(t, p)
		if !ok {
			if _, err := loaderOf(p); err == nil {
				if fi, serr := os.Stat(p); serr == nil && fi.Mode().IsRegular() {
					t.Errorf("%s: debug/elf cannot read it, loaderOf did", p)
				}
			}
			continue
		}
		got, err := loaderOf(p)
		if err != nil || got != want {
			t.Errorf("loaderOf(%s) = %q, %v; debug/elf says %q", p, got, err, want)
		}
		if want == "" {
			static++
		} else {
			dynamic++
		}
	}
	t.Logf("compared %d dynamically linked and %d static programs", dynamic, static)
	if dynamic == 0 {
		t.Error("no dynamically linked program found on this host to compare (/bin/ls is one on Debian)")
	}
}

func TestLoaderOfRefusesWhatIsNotELF(t *testing.T) {
	dir := t.TempDir()
	for name, data := range map[string]string{
		"empty":     "",
		"script":    "#!/bin/sh\necho hi\n",
		"truncated": "\x7fELF\x02\x01\x01",
	} {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(data), 0o755); err != nil {
			t.Fatal(err)
		}
		if got, err := loaderOf(p); err == nil {
			t.Errorf("loaderOf(%s) = %q, want an error", name, got)
		}
	}
}

func TestHogProblem(t *testing.T) {
	rootfs := t.TempDir()
	if got := hogProblem("", rootfs); got != "" {
		t.Errorf("static binary: %q, want nothing", got)
	}
	msg := hogProblem("/lib64/ld-linux-x86-64.so.2", rootfs)
	for _, want := range []string{"vme50-hog will not run", "dynamically linked", "/lib64/ld-linux-x86-64.so.2", "make build", "CGO_ENABLED=0 go build"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message lacks %q: %s", want, msg)
		}
	}
	if strings.Contains(msg, "\n") {
		t.Errorf("message is more than one line: %q", msg)
	}
	// A rootfs with the host's loader (a glibc image) runs it.
	if err := os.MkdirAll(filepath.Join(rootfs, "lib64"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(rootfs, "lib64/ld-linux-x86-64.so.2"), nil, 0o755); err != nil {
		t.Fatal(err)
	}
	if got := hogProblem("/lib64/ld-linux-x86-64.so.2", rootfs); got != "" {
		t.Errorf("rootfs with the loader: %q, want nothing", got)
	}
}

// withLoader makes the test's binary look static ("") or dynamically
// linked against interp, whatever go test built.
func withLoader(t *testing.T, interp string) {
	old := ownLoader
	ownLoader = func() string { return interp }
	t.Cleanup(func() { ownLoader = old })
}

// TestFindCommandHogDynamic: the form's check of the command (FindCommand)
// refuses vme50-hog from a dynamically linked vme50-tui, with the fix, as
// the command not found it will be.
func TestFindCommandHogDynamic(t *testing.T) {
	withLoader(t, "/lib64/ld-linux-x86-64.so.2")
	err := FindCommand(t.TempDir(), "vme50-hog")
	var se *StartError
	if !errors.As(err, &se) || se.Code != ExitNotFound || !strings.Contains(se.Message, "make build") {
		t.Errorf("FindCommand = %v, want status 127 and the fix", err)
	}
	if got := HogProblem(Spec{Rootfs: t.TempDir(), Capabilities: []Capability{capNamed("SYS_ADMIN")}}); got != "" {
		t.Errorf("with CAP_SYS_ADMIN vme50-hog is not bound in, nothing to say; got %q", got)
	}
	if got := HogProblem(Spec{Rootfs: t.TempDir()}); got == "" {
		t.Error("HogProblem says nothing of a dynamic binary and a rootfs without its loader")
	}
}

// BenchmarkLoaderOf is the cost of the check, paid once per process when
// its first container starts.
func BenchmarkLoaderOf(b *testing.B) {
	for b.Loop() {
		if _, err := loaderOf("/proc/self/exe"); err != nil {
			b.Fatal(err)
		}
	}
}
