package plot

import (
	"bytes"
	"strings"
	"testing"

	"vme50-tui/cgroup"
)

// An event's words and a file's name come from anyone: a control
// character (XML 1.0 forbids C0's, a viewer acts on none) or a format
// character that turns the text around is drawn as '?', and the SVG
// stays XML.
func TestDrawControlsInWordsAsQuestionMarks(t *testing.T) {
	var out bytes.Buffer
	rec := recording(t, cgroup.V2, 32, 1, "a\x01b\u009bc\u202ed")
	if err := Draw(&out, SVG, DefaultSize, []Run{{Name: "x\x02\u202ey.csv", Rec: rec}}); err != nil {
		t.Fatal(err)
	}
	doc := parseSVG(t, out.Bytes())
	if !doc.hasText("oom_kill a?b?c?d pid 7") || !doc.hasText("x??y.csv") {
		t.Errorf("texts %q", doc.texts)
	}
	if strings.ContainsAny(out.String(), "\x01\x02\u009b\u202e") {
		t.Error("a control character is in the SVG")
	}
}
