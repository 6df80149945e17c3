package ui

import (
	"slices"
	"testing"
)

func TestSplitWords(t *testing.T) {
	cases := map[string][]string{
		`/bin/sh`:                    {"/bin/sh"},
		`  sh   -c  "echo hi" `:      {"sh", "-c", "echo hi"},
		`sh -c 'echo "x" y'`:         {"sh", "-c", `echo "x" y`},
		`echo a\ b`:                  {"echo", "a b"},
		`echo ""`:                    {"echo", ""},
		`echo 'it'\''s'`:             {"echo", "it's"},
		`vme50-hog mem --rate 16M/s`: {"vme50-hog", "mem", "--rate", "16M/s"},
		``:                           nil,
	}
	for in, want := range cases {
		got, err := splitWords(in)
		if err != nil || !slices.Equal(got, want) {
			t.Errorf("splitWords(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{`echo "open`, `echo 'open`, `echo \`} {
		if _, err := splitWords(bad); err == nil {
			t.Errorf("splitWords(%q) accepted", bad)
		}
	}
}

func FuzzWordsRoundTrip(f *testing.F) {
	f.Add("sh", "-c", "echo 'hi there'")
	f.Add("", "a\\b", `"`)
	f.Fuzz(func(t *testing.T, a, b, c string) {
		words := []string{a, b, c}
		got, err := splitWords(joinWords(words))
		if err != nil || !slices.Equal(got, words) {
			t.Fatalf("%q -> %q -> %q, %v", words, joinWords(words), got, err)
		}
	})
}
