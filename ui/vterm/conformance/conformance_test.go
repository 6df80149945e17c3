package conformance

import (
	"strings"
	"testing"
)

// subjects are the emulators compared with tmux: the pane's own, which
// must show what tmux does on every stream, and x/vt, the pane's first,
// whose known differences are kept true (xvt_known_test.go).
var subjects = []subject{
	{name: "vterm", make: ours},
	{name: "x-vt", make: xvt, known: xvtKnown},
}

// TestConformance plays every stream, written by hand and recorded, to
// tmux and to each emulator, and compares the screens cell by cell.
func TestConformance(t *testing.T) {
	o := startOracle(t)
	streams := append(handStreams(), recordedStreams(t)...)
	for _, st := range streams {
		t.Run(st.name, func(t *testing.T) {
			o.t = t // tmux failures and its session's cleanup belong to this stream
			var datas [][]byte
			for _, p := range st.parts {
				datas = append(datas, p.data)
			}
			first, last := st.parts[0], st.parts[len(st.parts)-1]
			s := o.play(datas, first.cols, first.rows)
			// Every later part after a resize.
			for i := 1; i < len(st.parts); i++ {
				s.resize(i, st.parts[i].cols, st.parts[i].rows)
			}
			want := s.screen(last.cols, last.rows)
			for _, sub := range subjects {
				t.Run(sub.name, func(t *testing.T) {
					e := sub.make(first.cols, first.rows)
					for i, p := range st.parts {
						if i > 0 {
							e.Resize(p.cols, p.rows)
						}
						e.Write(p.data)
					}
					problems := compare(want, emulatorScreen(e, last.cols, last.rows))
					why, known := sub.known[st.name]
					switch {
					case known && len(problems) == 0:
						t.Errorf("%s now shows what tmux does; take %q off its known differences (%s)", sub.name, st.name, why)
					case known:
						t.Logf("a known difference of %s (%s):\n%s", sub.name, why, strings.Join(problems, "\n"))
					case len(problems) > 0:
						t.Error(strings.Join(problems, "\n"))
					}
				})
			}
		})
	}
}
