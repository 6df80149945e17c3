package main

import (
	"testing"

	"github.com/spf13/pflag"

	"vme50-tui/runtime/rootfs"
)

// --max-size and --max-files read sizes and counts, max lifts them, and
// their defaults show as they would be typed.
func TestLimitFlags(t *testing.T) {
	parse := func(args ...string) (rootfs.Limits, *pflag.FlagSet, error) {
		limits := rootfs.DefaultLimits
		fs := pflag.NewFlagSet("import", pflag.ContinueOnError)
		addLimitFlags(fs, &limits)
		return limits, fs, fs.Parse(args)
	}
	limits, fs, err := parse()
	if err != nil || limits != rootfs.DefaultLimits {
		t.Errorf("no flags: %+v, %v; want the defaults", limits, err)
	}
	for flag, want := range map[string]string{"max-size": "8G", "max-files": "1000000"} {
		if got := fs.Lookup(flag).DefValue; got != want {
			t.Errorf("--%s shows its default as %q, want %q", flag, got, want)
		}
	}
	limits, _, err = parse("--max-size", "100M", "--max-files", "5000")
	if err != nil || limits != (rootfs.Limits{Bytes: 100 << 20, Entries: 5000}) {
		t.Errorf("100M, 5000: %+v, %v", limits, err)
	}
	limits, _, err = parse("--max-size", "max", "--max-files", "MAX")
	if err != nil || limits != (rootfs.Limits{}) {
		t.Errorf("max, max: %+v, %v; want no limits", limits, err)
	}
	for _, bad := range [][]string{{"--max-size", "12X"}, {"--max-size", "-1G"}, {"--max-size", "0"},
		{"--max-files", "0"}, {"--max-files", "-5"}, {"--max-files", "1e6"}} {
		if _, _, err := parse(bad...); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
}

func TestSizeLimitString(t *testing.T) {
	for n, want := range map[uint64]string{0: "max", 8 << 30: "8G", 100 << 20: "100M", 1536 << 20: "1536M", 1000: "1000", 3 << 40: "3T"} {
		if got := (*sizeLimit)(&n).String(); got != want {
			t.Errorf("%d shows as %q, want %q", n, got, want)
		}
	}
}
