package e2e

import (
	"archive/tar"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// A rootfs is untrusted: the image's author chose what its /proc, /sys,
// /dev and /tmp are. Init mounts onto them while it still sees the host's
// filesystem, so a symlink there used to redirect the mount: proc ->
// ../merged/xproc mounted the container's procfs at /xproc, where none
// of the masks and read-only paths (they are looked for under /proc)
// applied, and a write to /xproc/sys/kernel/core_pattern ran a program
// of the image's on the host, as root. Every such rootfs must be refused
// before anything of it runs: status 125, one line naming the path.

// The escape's command: it only reports what it could reach. It never
// runs once the fix is in (the start is refused first).
const redirectProbe = "ls -d /x* 2>/dev/null; test -w /xproc/sys/kernel/core_pattern && echo HOST-SYSCTL-WRITABLE; exit 0"

// redirects are the rootfs entries a crafted image may hold in place of a
// mount point: name -> symlink target, where @ stands for the name of the
// directory that becomes the container's root (merged with the overlay,
// the rootfs itself without it).
var redirects = []struct{ name, target string }{
	{"proc", "../@/xproc"},     // the report's escape
	{"proc", "/xproc"},         // absolute: the host's /xproc, before the pivot
	{"proc", "./xproc"},        // relative, staying in the root
	{"proc", "bin/../xproc"},   // through a real directory
	{"sys", "../@/xsys"},       // sysfs, read-only nowhere
	{"dev", "../@/xdev"},       // the device nodes
	{"tmp", "../@/xtmp"},       // /tmp, and vme50-hog's bind under it
	{"proc", "chain"},          // through a second symlink
	{"tmp", "/tmp/.vme50-x"},   // the host's /tmp
	{"dev", "/dev"},            // the host's own /dev
	{"sys", "../../../../sys"}, // climbing out
}

func TestMountTargetSymlinkRefused(t *testing.T) {
	clean(t)
	for _, overlay := range []bool{true, false} {
		for _, r := range redirects {
			root := filepath.Join(t.TempDir(), "rootfs")
			copyRootfs(t, root)
			target := r.target
			top := "merged"
			if !overlay {
				top = filepath.Base(root)
			}
			target = strings.ReplaceAll(target, "@", top)
			if target == "chain" {
				if err := os.Symlink("../"+top+"/xproc", filepath.Join(root, "chain")); err != nil {
					t.Fatal(err)
				}
			}
			replaceWithSymlink(t, root, r.name, target)
			// The directory the symlink leads to, in the rootfs: the
			// escape needs a real one to mount on.
			for _, x := range []string{"xproc", "xsys", "xdev", "xtmp"} {
				if err := os.Mkdir(filepath.Join(root, x), 0o755); err != nil {
					t.Fatal(err)
				}
			}
			res := vme50(t, "run", "--rootfs", root, "--overlay="+boolWord(overlay), "/bin/sh", "-c", redirectProbe)
			if res.code != 125 || strings.Contains(res.stdout, "WRITABLE") || !strings.Contains(res.stderr, "/"+r.name) ||
				!strings.Contains(res.stderr, "symlink") || strings.Count(res.stderr, "\n") != 1 {
				t.Errorf("overlay=%v, /%s -> %s: status %d, want 125 and one line naming /%s as a symlink\nstdout: %s\nstderr: %s",
					overlay, r.name, target, res.code, r.name, res.stdout, res.stderr)
			}
			// Nothing was mounted there, nothing written (without the
			// overlay the rootfs itself would hold it).
			for _, x := range []string{"xproc", "xsys", "xdev", "xtmp"} {
				if entries, _ := os.ReadDir(filepath.Join(root, x)); len(entries) > 0 {
					t.Errorf("overlay=%v, /%s -> %s: %s holds %d entries", overlay, r.name, target, x, len(entries))
				}
			}
		}
	}
	wantGone(t, "/xproc")
	wantGone(t, "/tmp/.vme50-x")
}

// The same escape, from an image: imported from a tar, and pulled from a
// registry.
func TestMountTargetSymlinkFromImage(t *testing.T) {
	clean(t)
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	if err := tw.AddFS(os.DirFS(rootfsOK)); err != nil {
		t.Fatal(err)
	}
	// Written after the rootfs's own proc directory: a later entry
	// replaces an earlier one, as in a layer on top.
	if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeSymlink, Name: "proc", Linkname: "../merged/xproc", Mode: 0o777}); err != nil {
		t.Fatal(err)
	}
	// The directory the link leads to.
	if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: "xproc", Mode: 0o755}); err != nil {
		t.Fatal(err)
	}
	tw.Close()
	file := filepath.Join(t.TempDir(), "evil.tar")
	if err := os.WriteFile(file, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	imported := filepath.Join(t.TempDir(), "imported")
	wantCode(t, vme50(t, "rootfs", "import", file, imported), 0)
	wantRefused(t, imported)

	image := pushImage(t, "evil", tarOf(t, rootfsOK), tarOfSymlink(t, "proc", "../merged/xproc")) // with xproc, a directory
	pulled := filepath.Join(t.TempDir(), "pulled")
	wantCode(t, vme50(t, "rootfs", "pull", image, pulled), 0)
	wantRefused(t, pulled)
}

// A rootfs without the mount points at all still runs: init makes them.
func TestMountTargetsMade(t *testing.T) {
	clean(t)
	root := filepath.Join(t.TempDir(), "rootfs")
	copyRootfs(t, root)
	for _, d := range []string{"proc", "sys", "dev", "tmp"} {
		if err := os.RemoveAll(filepath.Join(root, d)); err != nil {
			t.Fatal(err)
		}
	}
	for _, overlay := range []string{"--overlay=true", "--overlay=false"} {
		r := vme50(t, "run", "--rootfs", root, overlay, "/bin/sh", "-c", "cat /proc/self/comm; ls /dev/null; vme50-hog --help >/dev/null && echo hog")
		wantCode(t, r, 0)
		if r.stdout != "cat\n/dev/null\nhog\n" {
			t.Errorf("%s: stdout %q", overlay, r.stdout)
		}
	}
}

func wantRefused(t *testing.T, root string) {
	t.Helper()
	r := vme50(t, "run", "--rootfs", root, "/bin/sh", "-c", redirectProbe)
	if r.code != 125 || !strings.Contains(r.stderr, "/proc") || !strings.Contains(r.stderr, "symlink") {
		t.Errorf("%s: status %d, want 125 naming /proc as a symlink\nstdout: %s\nstderr: %s", root, r.code, r.stdout, r.stderr)
	}
}

func copyRootfs(t *testing.T, dst string) {
	t.Helper()
	if out, err := exec.Command("cp", "-a", rootfsOK, dst).CombinedOutput(); err != nil {
		t.Fatalf("cp: %v\n%s", err, out)
	}
}

func replaceWithSymlink(t *testing.T, root, name, target string) {
	t.Helper()
	if err := os.RemoveAll(filepath.Join(root, name)); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, filepath.Join(root, name)); err != nil {
		t.Fatal(err)
	}
}

func tarOfSymlink(t *testing.T, name, target string) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeSymlink, Name: name, Linkname: target, Mode: 0o777}); err != nil {
		t.Fatal(err)
	}
	if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: "x" + name, Mode: 0o755}); err != nil {
		t.Fatal(err)
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func boolWord(b bool) string {
	if b {
		return "true"
	}
	return "false"
}
