package e2e

import (
	"bytes"
	"encoding/xml"
	"errors"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"vme50-tui/record"
)

// The lab sheet's picture of the memory lesson: a hog OOM-killed under a
// 32M limit, recorded by run --record, drawn by plot as a user who is not
// root (plot reads and writes files, nothing more): the PNG decodes at the
// default size, the SVG names this host's cgroup files and labels the OOM
// kill with its victim.
func TestPlotOfAnOOMKilledHog(t *testing.T) {
	clean(t)
	// A directory the user nobody can read and write in.
	dir, err := os.MkdirTemp("", "vme50-plot-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	csv := filepath.Join(dir, "mem.csv")
	r := run(t, "--memory-limit", "32M", "--record", csv, "vme50-hog", "mem")
	wantCode(t, r, 137)
	if err := os.Chmod(csv, 0o644); err != nil {
		t.Fatal(err)
	}

	// The reader takes the kernel's recording as it is.
	rec := readBack(t, csv)
	if n := len(rec.Samples); n < 2 || rec.Samples[n-1].Stats.Memory.Events.OOMKill == 0 {
		t.Fatalf("%d readings, the last without the OOM kill", n)
	}
	v, known := rec.Version()
	if !known || v != host(t).Version {
		t.Errorf("the recording's start event says %v (known %v), the host runs %v", v, known, host(t).Version)
	}

	pngFile, svgFile := filepath.Join(dir, "mem.png"), filepath.Join(dir, "mem.svg")
	wantCode(t, plotAsNobody(t, csv, "-o", pngFile), 0)
	wantCode(t, plotAsNobody(t, csv, "-o", svgFile), 0)

	f, err := os.Open(pngFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("the PNG does not decode: %v", err)
	}
	if b := img.Bounds(); b.Dx() != 1200 || b.Dy() != 900 {
		t.Errorf("PNG of %v, want the default 1200x900", b)
	}

	texts := svgTexts(t, svgFile)
	files := host(t).Files()
	var victim bool
	for _, s := range texts {
		victim = victim || strings.HasPrefix(s, "oom_kill vme50-hog")
	}
	if !victim {
		t.Errorf("no label names the OOM kill's victim vme50-hog; texts: %q", texts)
	}
	if want := "memory: " + files.MemoryCurrent + " against " + files.MemoryMax; !hasText(texts, want) {
		t.Errorf("no title %q; texts: %q", want, texts)
	}
}

// readBack reads a recording with record.Read; a last line cut short
// fails too: run closes its recording.
func readBack(t *testing.T, path string) *record.Recording {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rec, err := record.Read(f)
	if err != nil {
		t.Fatalf("record.Read(%s): %v", path, err)
	}
	return rec
}

// plotAsNobody runs vme50-tui plot ARGS as the user nobody.
func plotAsNobody(t *testing.T, args ...string) result {
	t.Helper()
	cmd := vme50Cmd(t, append([]string{"plot"}, args...)...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	return finish(t, cmd, cmd.Run())
}

// svgTexts parses the SVG as XML and returns its texts.
func svgTexts(t *testing.T, path string) []string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	dec := xml.NewDecoder(bytes.NewReader(data))
	inText := false
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return texts
		}
		if err != nil {
			t.Fatalf("the SVG is not XML: %v", err)
		}
		switch el := tok.(type) {
		case xml.StartElement:
			inText = el.Name.Local == "text"
		case xml.CharData:
			if inText {
				texts = append(texts, string(el))
			}
		case xml.EndElement:
			inText = false
		}
	}
}

func hasText(texts []string, s string) bool {
	for _, t := range texts {
		if strings.Contains(t, s) {
			return true
		}
	}
	return false
}
