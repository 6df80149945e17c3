package rootfs

import (
	"archive/tar"
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// entry is one entry of a tar archive crafted in memory.
type entry struct {
	hdr  tar.Header
	body string
}

func file(name, body string) entry {
	return entry{tar.Header{Typeflag: tar.TypeReg, Name: name, Mode: 0o644, Size: int64(len(body))}, body}
}

func directory(name string) entry {
	return entry{hdr: tar.Header{Typeflag: tar.TypeDir, Name: name, Mode: 0o755}}
}

func symlink(name, target string) entry {
	return entry{hdr: tar.Header{Typeflag: tar.TypeSymlink, Name: name, Linkname: target, Mode: 0o777}}
}

func hardlink(name, target string) entry {
	return entry{hdr: tar.Header{Typeflag: tar.TypeLink, Name: name, Linkname: target}}
}

// archive writes entries as a tar.
func archive(t *testing.T, entries ...entry) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, e := range entries {
		if err := tw.WriteHeader(&e.hdr); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write([]byte(e.body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// extractInto writes entries into a fresh directory, a rootfs inside a
// directory of its own so that a test can see whether anything landed
// next to it, outside.
func extractInto(t *testing.T, entries ...entry) (root, outside string, err error) {
	t.Helper()
	outside = t.TempDir()
	root = filepath.Join(outside, "rootfs")
	if err := os.Mkdir(root, 0o755); err != nil {
		t.Fatal(err)
	}
	_, err = newExtractor(root, false, newBudget(Limits{})).extract(bytes.NewReader(archive(t, entries...)))
	return root, outside, err
}

// wantRefused checks that the extraction stopped at the entry called name
// with an error that names it.
func wantRefused(t *testing.T, err error, name string) {
	t.Helper()
	if err == nil || !errors.As(err, new(refusal)) || !strings.Contains(err.Error(), `"`+name+`"`) {
		t.Fatalf("error %v, want entry %q refused", err, name)
	}
}

func wantMissing(t *testing.T, path string) {
	t.Helper()
	if _, err := os.Lstat(path); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("%s exists (%v), want it missing", path, err)
	}
}

func wantContent(t *testing.T, path, content string) {
	t.Helper()
	got, err := os.ReadFile(path)
	if err != nil || string(got) != content {
		t.Errorf("%s: %q, %v; want %q", path, got, err, content)
	}
}

func TestExtractRefusesTraversal(t *testing.T) {
	for _, name := range []string{"../x", "a/../../x", "./../x", "/../x", ".."} {
		t.Run(name, func(t *testing.T) {
			_, outside, err := extractInto(t, file("ok", "fine"), file(name, "escaped"))
			wantRefused(t, err, name)
			wantMissing(t, filepath.Join(outside, "x"))
			wantMissing(t, filepath.Join(filepath.Dir(outside), "x"))
		})
	}
}

// An absolute name is a path in the rootfs, as in the container: docker
// drops the leading /, and so do we.
func TestExtractAbsoluteNameStaysInside(t *testing.T) {
	root, _, err := extractInto(t, file("/etc/vme50-test-absolute", "inside"))
	if err != nil {
		t.Fatal(err)
	}
	wantContent(t, filepath.Join(root, "etc/vme50-test-absolute"), "inside")
	wantMissing(t, "/etc/vme50-test-absolute")
}

// A dotted name that stays inside is fine.
func TestExtractCleansNames(t *testing.T) {
	root, _, err := extractInto(t, directory("./"), file("./a/../b", "b"), file("c//d", "d"))
	if err != nil {
		t.Fatal(err)
	}
	wantContent(t, filepath.Join(root, "b"), "b")
	wantContent(t, filepath.Join(root, "c/d"), "d")
}

// The classic attack: an entry plants a symlink to a directory outside,
// a later one writes through it.
func TestExtractRefusesWritingThroughPlantedSymlink(t *testing.T) {
	target := t.TempDir()
	for _, link := range []string{target, "../../../../../../../../" + target, "/etc"} {
		t.Run(link, func(t *testing.T) {
			_, _, err := extractInto(t, symlink("a", link), file("a/passwd", "pwned"))
			wantRefused(t, err, "a/passwd")
			wantMissing(t, filepath.Join(target, "passwd"))
		})
	}
}

// Links to links, deep in the tree: every component of the path is
// checked, not just the first.
func TestExtractRefusesSymlinkChainAtDepth(t *testing.T) {
	target := t.TempDir()
	_, _, err := extractInto(t,
		directory("x/"), directory("x/y/"), directory("x/y/z/"),
		symlink("l2", target),
		symlink("x/y/z/l1", "../../../l2"),
		file("x/y/z/l1/deeper/f", "pwned"))
	wantRefused(t, err, "x/y/z/l1/deeper/f")
	wantMissing(t, filepath.Join(target, "deeper"))

	_, _, err = extractInto(t, symlink("d1/d2/d3", target), directory("d1/d2/d3/d4"))
	wantRefused(t, err, "d1/d2/d3/d4")
	wantMissing(t, filepath.Join(target, "d4"))
}

// A symlink that an entry replaces is removed, not followed.
func TestExtractReplacesSymlinkWithoutFollowingIt(t *testing.T) {
	target := t.TempDir()
	victim := filepath.Join(target, "victim")
	if err := os.WriteFile(victim, []byte("untouched"), 0o644); err != nil {
		t.Fatal(err)
	}
	root, _, err := extractInto(t,
		symlink("f", victim), file("f", "new"),
		symlink("d", target), directory("d/"), file("d/inside", "in"))
	if err != nil {
		t.Fatal(err)
	}
	wantContent(t, victim, "untouched")
	wantContent(t, filepath.Join(root, "f"), "new")
	wantContent(t, filepath.Join(root, "d/inside"), "in")
	wantMissing(t, filepath.Join(target, "inside"))
	if fi, err := os.Lstat(filepath.Join(root, "d")); err != nil || !fi.IsDir() {
		t.Errorf("d: %v, %v; want a directory", fi, err)
	}
}

// Symlinks are made as the archive has them: an absolute target is the
// container's business.
func TestExtractKeepsSymlinkTargets(t *testing.T) {
	root, _, err := extractInto(t, symlink("bin/sh", "/bin/busybox"), symlink("lib", "usr/lib"))
	if err != nil {
		t.Fatal(err)
	}
	for link, want := range map[string]string{"bin/sh": "/bin/busybox", "lib": "usr/lib"} {
		if got, err := os.Readlink(filepath.Join(root, link)); err != nil || got != want {
			t.Errorf("%s -> %q, %v; want %q", link, got, err, want)
		}
	}
}

func TestExtractRefusesHardLinkEscape(t *testing.T) {
	target := t.TempDir()
	secret := filepath.Join(target, "secret")
	if err := os.WriteFile(secret, []byte("host"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := map[string][]entry{
		"dotdot":          {hardlink("h", "../../../../../../../.."+secret)},
		"through symlink": {symlink("e", target), hardlink("h", "e/secret")},
	}
	for name, entries := range tests {
		t.Run(name, func(t *testing.T) {
			root, _, err := extractInto(t, entries...)
			wantRefused(t, err, "h")
			wantMissing(t, filepath.Join(root, "h"))
		})
	}
	// An absolute target is a path in the rootfs: here, a missing one.
	root, _, err := extractInto(t, hardlink("h", secret))
	if err == nil {
		t.Fatalf("hard link to %s (missing in the rootfs) made", secret)
	}
	wantMissing(t, filepath.Join(root, "h"))
}

func TestExtractHardLinkInside(t *testing.T) {
	root, _, err := extractInto(t, file("bin/a", "data"), hardlink("bin/b", "/bin/a"))
	if err != nil {
		t.Fatal(err)
	}
	a, _ := os.Stat(filepath.Join(root, "bin/a"))
	b, err := os.Stat(filepath.Join(root, "bin/b"))
	if err != nil || !os.SameFile(a, b) {
		t.Errorf("bin/b is not a hard link of bin/a: %v", err)
	}
}

func TestExtractRefusesUnknownTypes(t *testing.T) {
	e := entry{hdr: tar.Header{Typeflag: tar.TypeCont, Name: "sparse"}}
	_, _, err := extractInto(t, e)
	wantRefused(t, err, "sparse")
}

// Owners, modes with setuid, mtimes and device nodes: a rootfs needs
// them, and only root can make them.
func TestExtractKeepsMetadataAsRoot(t *testing.T) {
	needRoot(t)
	mtime := time.Date(2001, 2, 3, 4, 5, 6, 0, time.UTC)
	su := file("bin/su", "#!")
	su.hdr.Mode, su.hdr.Uid, su.hdr.Gid, su.hdr.ModTime = 0o4755, 0, 0, mtime
	owned := file("home/user/f", "x")
	owned.hdr.Uid, owned.hdr.Gid = 1234, 5678
	private := directory("root/")
	private.hdr.Mode, private.hdr.ModTime = 0o700, mtime
	null := entry{hdr: tar.Header{Typeflag: tar.TypeChar, Name: "dev/null", Mode: 0o666, Devmajor: 1, Devminor: 3}}
	link := symlink("home/link", "user")
	link.hdr.Uid = 1234

	root, _, err := extractInto(t, su, owned, private, file("root/.profile", "later"), null, link)
	if err != nil {
		t.Fatal(err)
	}
	stat := func(name string) (fs.FileInfo, *syscall.Stat_t) {
		fi, err := os.Lstat(filepath.Join(root, name))
		if err != nil {
			t.Fatal(err)
		}
		return fi, fi.Sys().(*syscall.Stat_t)
	}
	if fi, _ := stat("bin/su"); fi.Mode() != 0o755|fs.ModeSetuid || !fi.ModTime().Equal(mtime) {
		t.Errorf("bin/su: mode %v, mtime %v; want -rwsr-xr-x, %v", fi.Mode(), fi.ModTime(), mtime)
	}
	if _, st := stat("home/user/f"); st.Uid != 1234 || st.Gid != 5678 {
		t.Errorf("home/user/f: owner %d:%d, want 1234:5678", st.Uid, st.Gid)
	}
	// Written into after its entry, the directory still has the entry's mtime.
	if fi, _ := stat("root"); fi.Mode().Perm() != 0o700 || !fi.ModTime().Equal(mtime) {
		t.Errorf("root: mode %v, mtime %v; want 0700, %v", fi.Mode(), fi.ModTime(), mtime)
	}
	if fi, st := stat("dev/null"); fi.Mode()&fs.ModeCharDevice == 0 || st.Rdev != 0x103 {
		t.Errorf("dev/null: mode %v, rdev %#x; want a char device 1,3", fi.Mode(), st.Rdev)
	}
	if _, st := stat("home/link"); st.Uid != 1234 {
		t.Errorf("home/link: owner %d, want 1234 (the link's own)", st.Uid)
	}
}

// needRoot skips a test that needs root, unless VME50_E2E=1 says every
// test must run.
func needRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() == 0 {
		return
	}
	if os.Getenv("VME50_E2E") == "1" {
		t.Fatal("VME50_E2E=1 but this test needs root")
	}
	t.Skip("needs root")
}
