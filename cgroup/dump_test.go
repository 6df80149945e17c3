package cgroup

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Fake cgroup trees for the tests: plain directories and files under
// t.TempDir(), filled from dumps of real leaves (see testdata/README.md).
// Plain files do not act like the kernel's (a write replaces the content,
// nothing checks the value), so the tests check what was written, in what
// order, and what was read back.

const (
	v1Sample = "testdata/v1-hybrid-kernel-6.18-leaf.txt"
	v2Sample = "testdata/v2-kernel-6.1-leaf.txt"
)

// readDump returns a dump's files: name -> content.
func readDump(t testing.TB, path string) map[string]string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{}
	name := ""
	for line := range strings.Lines(string(data)) {
		if title, ok := strings.CutPrefix(line, "=== "); ok {
			name = strings.TrimSpace(title)
			if name == "END" {
				name = ""
			} else {
				files[name] = ""
			}
			continue
		}
		if name != "" {
			files[name] += line
		}
	}
	for name, content := range files {
		if strings.HasPrefix(content, "head: ") {
			files[name] = "" // unreadable in the dump, but there
		}
	}
	return files
}

// leafFiles are a dump's cgroup files, without the mountinfo sections.
func leafFiles(t testing.TB, path string) map[string]string {
	files := readDump(t, path)
	for name := range files {
		if strings.HasPrefix(name, "/") {
			delete(files, name)
		}
	}
	return files
}

// writeFiles makes each file, with its directories, under dir.
func writeFiles(t testing.TB, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// fakeV2Host is an empty v2 root, as a fresh host has it: the three
// controllers available, none handed down yet.
func fakeV2Host(t testing.TB) *Host {
	root := t.TempDir()
	writeFiles(t, root, map[string]string{
		"cgroup.controllers":     "cpu memory pids\n",
		"cgroup.subtree_control": "",
		"cgroup.procs":           "1\n",
	})
	return NewHost(V2, root, nil)
}

// fakeV2Leaf makes <root>/vme50/<id> holding files.
func fakeV2Leaf(t testing.TB, h *Host, id string, files map[string]string) string {
	dir := filepath.Join(h.Root, Parent, id)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	writeFiles(t, dir, files)
	return dir
}

// fakeV1Host has a directory per hierarchy, as this machine does:
// memory, cpu, cpuacct and pids mounted apart.
func fakeV1Host(t testing.TB) *Host {
	root := t.TempDir()
	roots := map[string]string{}
	for _, c := range v1Controllers {
		roots[c] = filepath.Join(root, c)
		if err := os.Mkdir(roots[c], 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return NewHost(V1, "", roots)
}

// fakeV1Leaf makes vme50/<id> in each hierarchy and fills it from files
// named "controller/file", as the v1 dump names them.
func fakeV1Leaf(t testing.TB, h *Host, id string, files map[string]string) {
	for _, c := range v1Controllers {
		if err := os.MkdirAll(filepath.Join(h.V1Roots[c], Parent, id), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for name, content := range files {
		controller, file, ok := strings.Cut(name, "/")
		if !ok {
			t.Fatalf("v1 file %q is not controller/file", name)
		}
		writeFiles(t, filepath.Join(h.V1Roots[controller], Parent, id), map[string]string{file: content})
	}
}

// readFile returns a fake file's content, or "<missing>".
func readFile(t testing.TB, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return "<missing>"
	}
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// traceInto makes h record its changes in *log as "op path value", with
// paths relative to base so expectations stay short.
func traceInto(h *Host, base string, log *[]string) {
	h.Trace = func(op, path, value string) {
		rel, err := filepath.Rel(base, path)
		if err != nil {
			rel = path
		}
		*log = append(*log, strings.TrimSpace(fmt.Sprintf("%s %s %s", op, rel, value)))
	}
}

// baseOf is the directory holding all fake hierarchies of h.
func baseOf(h *Host) string {
	if h.Version == V2 {
		return h.Root
	}
	return filepath.Dir(h.V1Roots["memory"])
}

func TestReadDump(t *testing.T) {
	v2 := readDump(t, v2Sample)
	if got := v2["memory.max"]; got != "33554432\n" {
		t.Errorf("memory.max = %q", got)
	}
	if got, ok := v2["cgroup.kill"]; !ok || got != "" {
		t.Errorf("cgroup.kill = %q, %v; want an empty file", got, ok)
	}
	if _, ok := v2["/proc/self/mountinfo"]; !ok {
		t.Error("no mountinfo section")
	}
	v1 := readDump(t, v1Sample)
	if got := v1["cpu/cpu.shares"]; got != "3072\n" {
		t.Errorf("cpu/cpu.shares = %q", got)
	}
	if got := v1["cpuacct/cpuacct.usage_percpu"]; got != "179638659 283246982 \n" {
		t.Errorf("trailing space lost: %q", got)
	}
}
