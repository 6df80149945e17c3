package rootfs

import (
	"archive/tar"
	"bytes"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// FuzzTarEntryPath hands the extractor three entries of any name, type
// and link target, and checks the one promise it makes: whatever the
// archive says, nothing outside the rootfs is created, changed or
// removed. (A panic fails the fuzz run by itself.) An entry with an empty
// name is no entry at all: "" is the rootfs itself, which the extractor
// skips; so a seed that needs one or two entries leaves the rest empty.
//
// The seeds are the nasty cases, in testdata/fuzz/FuzzTarEntryPath: `go
// test` runs each of them once, `go test -fuzz=FuzzTarEntryPath` starts
// from them.
//
// A test can only watch what it knows about: the rootfs sits in a
// directory of its own, next to a file and a directory that must come out
// untouched. An escape lands next door as easily as far away (../x, a hard
// link to ../outside, a symlink to ..). A symlink to an absolute path
// could lead anywhere on the host, where the test cannot look; so an @ in
// a link target stands for that watched directory, and the fuzzer can aim
// at it, wherever the test runs.
func FuzzTarEntryPath(f *testing.F) {
	f.Fuzz(func(t *testing.T,
		name1 string, type1 byte, link1 string,
		name2 string, type2 byte, link2 string,
		name3 string, type3 byte, link3 string,
		whiteouts bool,
	) {
		outside := t.TempDir()
		root := filepath.Join(outside, "rootfs")
		plantNeighbours(t, outside, root)
		before := neighbours(t, outside)

		var hdrs []*tar.Header
		for _, e := range []struct {
			name string
			typ  byte
			link string
		}{{name1, type1, link1}, {name2, type2, link2}, {name3, type3, link3}} {
			// Every field but the three fuzzed ones differs from the
			// neighbours', so that an owner, mode or mtime set on them
			// by mistake shows.
			hdr := &tar.Header{
				Typeflag: e.typ, Name: e.name, Linkname: strings.ReplaceAll(e.link, "@", outside),
				Mode: 0o755, Uid: 1234, Gid: 1234, ModTime: time.Date(2001, 2, 3, 4, 5, 6, 0, time.UTC),
			}
			if e.typ == tar.TypeReg || e.typ == 0 { // 0: a file, in old archives
				hdr.Size = int64(len(fuzzBody))
			}
			hdrs = append(hdrs, hdr)
		}
		extractHeaders(root, whiteouts, hdrs)

		if after := neighbours(t, outside); !maps.Equal(before, after) {
			t.Fatalf("extraction changed what is outside the rootfs:\nbefore %q\nafter  %q", before, after)
		}
	})
}

// fuzzBody is the content of every regular file.
const fuzzBody = "fuzz"

// extractHeaders extracts the entries hdrs into root, as a tar archive
// would carry them. archive/tar cannot write some headers (a NUL in a
// name, a type it keeps for itself): no reader would return those either,
// but the extractor gets them all the same, one by one as extract would
// hand them over, to show that it copes with any name at all. Errors are
// not checked: a refusal is as good as a success, so long as nothing
// leaks out.
func extractHeaders(root string, whiteouts bool, hdrs []*tar.Header) {
	x := newExtractor(root, whiteouts, newBudget(Limits{}))
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, hdr := range hdrs {
		if tw.WriteHeader(hdr) != nil {
			for _, hdr := range hdrs {
				if x.entry(hdr, strings.NewReader(fuzzBody)) != nil {
					return
				}
			}
			_ = x.finishDirs()
			return
		}
		if hdr.Size > 0 {
			_, _ = tw.Write([]byte(fuzzBody))
		}
	}
	_ = tw.Close()
	_, _ = x.extract(&buf)
}

// plantNeighbours makes the rootfs in dir and, next to it, the file
// "outside" (what ../outside names) and the directory "outdir", with
// owners, modes and mtimes that no entry has.
func plantNeighbours(t *testing.T, dir, root string) {
	t.Helper()
	old := time.Date(1999, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, err := range []error{
		os.Mkdir(root, 0o700),
		os.WriteFile(filepath.Join(dir, "outside"), []byte("host file"), 0o640),
		os.Mkdir(filepath.Join(dir, "outdir"), 0o750),
		os.Chtimes(filepath.Join(dir, "outside"), old, old),
		os.Chtimes(filepath.Join(dir, "outdir"), old, old),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
}

// neighbours describes dir and all it holds, but for what is inside the
// rootfs, which the archive is there to change: of the rootfs itself,
// only its type and mode count, as its mtime changes with every entry.
// The number of links counts too: a hard link from the rootfs to a file
// outside shows only there.
func neighbours(t *testing.T, dir string) map[string]string {
	t.Helper()
	des, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	names := []string{"."}
	for _, de := range des {
		names = append(names, de.Name())
	}
	m := map[string]string{}
	for _, name := range names {
		fi, err := os.Lstat(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if name == "rootfs" {
			m[name] = fi.Mode().String()
			continue
		}
		st := fi.Sys().(*syscall.Stat_t)
		m[name] = fmt.Sprintf("%v owner %d:%d links %d size %d mtime %v",
			fi.Mode(), st.Uid, st.Gid, st.Nlink, fi.Size(), fi.ModTime().UTC())
		if fi.Mode().IsRegular() {
			content, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil {
				t.Fatal(err)
			}
			m[name] += fmt.Sprintf(" content %q", content)
		}
	}
	return m
}
