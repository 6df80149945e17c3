package vterm

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"testing"

	"github.com/charmbracelet/x/vt"
)

// The streams of issue 13 at 200x50: what `seq 1 200000` prints, and a
// coloured flood like `ls --color` (an SGR on every line). Each benchmark
// reports lines/s; the x/vt ones are the same streams through the
// emulator the pane used before, for the ratio. tmux does ~600k lines/s
// of seq (0.31-0.37 s for 200,000 lines).

func seqStream(n int) []byte {
	var b strings.Builder
	for i := 1; i <= n; i++ {
		b.WriteString(strconv.Itoa(i))
		b.WriteString("\r\n")
	}
	return []byte(b.String())
}

func colourStream(n int) []byte {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "\x1b[0m\x1b[01;%dmfile-%06d.txt\x1b[0m  \x1b[38;5;%dm%d\x1b[0m bytes \x1b[38;2;%d;100;200mok\x1b[0m\r\n",
			31+i%7, i, i%256, i*37, i%256)
	}
	return []byte(b.String())
}

type writer interface{ Write([]byte) (int, error) }

// benchFeed writes the stream in 4 KB reads, as the pane reads the pty.
func benchFeed(b *testing.B, stream []byte, lines int, newTerm func() writer) {
	b.SetBytes(int64(len(stream)))
	for b.Loop() {
		w := newTerm()
		for s := stream; len(s) > 0; {
			n := min(len(s), 4096)
			_, _ = w.Write(s[:n])
			s = s[n:]
		}
	}
	b.ReportMetric(float64(lines)*float64(b.N)/b.Elapsed().Seconds(), "lines/s")
}

const benchLines = 200000

func BenchmarkSeq(b *testing.B) {
	benchFeed(b, seqStream(benchLines), benchLines, func() writer { return New(200, 50) })
}

func BenchmarkColour(b *testing.B) {
	benchFeed(b, colourStream(benchLines), benchLines, func() writer { return New(200, 50) })
}

// BenchmarkUnicode is text beyond ASCII: wide CJK, accents, a symbol
// and an emoji on every line.
func BenchmarkUnicode(b *testing.B) {
	stream := []byte(strings.Repeat("中文字 héllo wörld ✓ 😀\r\n", benchLines/10))
	benchFeed(b, stream, benchLines/10, func() writer { return New(200, 50) })
}

// x/vt needs its replies read, or a query would block it; these streams
// have none, but the pipe is drained anyway.
func newXVT() writer {
	e := vt.NewEmulator(200, 50)
	e.SetScrollbackSize(DefaultScrollback)
	go func() { _, _ = io.Copy(io.Discard, e) }()
	return e
}

func BenchmarkSeqXVT(b *testing.B) {
	benchFeed(b, seqStream(benchLines/10), benchLines/10, newXVT)
}

func BenchmarkColourXVT(b *testing.B) {
	benchFeed(b, colourStream(benchLines/10), benchLines/10, newXVT)
}

// BenchmarkHostile is output built to make an emulator work: 1 MiB of
// REP with a huge count, and of huge erases and scrolls. Bounded counts
// keep it near the cost of plain text (x/vt took 2 minutes for the REP).
func BenchmarkHostile(b *testing.B) {
	for name, unit := range map[string]string{
		"REP":    "A\x1b[999999999b",
		"ECH":    "\x1b[2147483646X",
		"SU":     "\x1b[2147483646S",
		"IL":     "\x1b[2147483646L",
		"CHT":    "\x1b[2147483646I",
		"region": "\x1b[2;99999r\x1b[99999T\x1b[r",
	} {
		stream := []byte(strings.Repeat(unit, (1<<20)/len(unit)))
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(stream)))
			for b.Loop() {
				term := New(200, 50)
				for s := stream; len(s) > 0; {
					n := min(len(s), 4096)
					_, _ = term.Write(s[:n])
					s = s[n:]
				}
			}
		})
	}
}
