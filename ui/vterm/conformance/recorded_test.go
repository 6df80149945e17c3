package conformance

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// The recorded streams' size: the pty's they were recorded on.
const recCols, recRows = 80, 24

// recordedStreams are testdata/*.bin: what real programs in a real
// container wrote to their terminal (record_test.go makes them again). A
// recording with a resize in it goes on in NAME.partI-COLSxROWS.bin, what
// came after the pty was resized to COLS x ROWS.
func recordedStreams(t *testing.T) []stream {
	t.Helper()
	files, err := filepath.Glob("testdata/*.bin")
	if err != nil {
		t.Fatal(err)
	}
	read := func(f string) []byte {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	var out []stream
	for _, f := range files {
		base := strings.TrimSuffix(filepath.Base(f), ".bin")
		if strings.Contains(base, ".part") {
			continue
		}
		st := stream{name: "recorded-" + base, parts: []part{{recCols, recRows, read(f)}}}
		more, _ := filepath.Glob(filepath.Join("testdata", base+".part*-*.bin"))
		type later struct {
			i          int
			cols, rows int
			file       string
		}
		var parts []later
		for _, m := range more {
			var p later
			if _, err := fmt.Sscanf(strings.TrimPrefix(filepath.Base(m), base), ".part%d-%dx%d.bin", &p.i, &p.cols, &p.rows); err != nil {
				t.Fatalf("%s: %v", m, err)
			}
			p.file = m
			parts = append(parts, p)
		}
		slices.SortFunc(parts, func(a, b later) int { return a.i - b.i })
		for _, p := range parts {
			st.parts = append(st.parts, part{p.cols, p.rows, read(p.file)})
		}
		out = append(out, st)
	}
	return out
}
