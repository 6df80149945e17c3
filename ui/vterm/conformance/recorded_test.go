package conformance

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The recorded streams' size: the pty's they were recorded on.
const recCols, recRows = 80, 24

// recordedStreams are testdata/*.bin: what real programs in a real
// container wrote to their terminal (record_test.go makes them again).
func recordedStreams(t *testing.T) []stream {
	t.Helper()
	files, err := filepath.Glob("testdata/*.bin")
	if err != nil {
		t.Fatal(err)
	}
	var out []stream
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		name := "recorded-" + strings.TrimSuffix(filepath.Base(f), ".bin")
		out = append(out, stream{name: name, parts: []part{{recCols, recRows, data}}})
	}
	return out
}
