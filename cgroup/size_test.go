package cgroup

import (
	"strings"
	"testing"
)

func TestParseSizeAccepts(t *testing.T) {
	for _, c := range []struct {
		in   string
		want uint64
	}{
		{"64M", 64 << 20},
		{"1.5G", 3 << 29},
		{"512k", 512 << 10},
		{"1024b", 1024},
		{"128MiB", 128 << 20},
		{"128mb", 128 << 20},
		{"128MB", 128 << 20},
		{"1048576", 1 << 20},
		{"32m", 32 << 20},
		{"2g", 2 << 30},
		{"1T", 1 << 40},
		{"1tib", 1 << 40},
		{"4KiB", 4096},
		{"4kB", 4096},
		{"1B", 1},
		{"  64M\t", 64 << 20},
		{"32.0 MiB", 32 << 20}, // what FormatSize writes
		{"512 B", 512},
		{"0.5k", 512},
		{".5k", 512},
		{"1.k", 1024},
		{"1.5b", 1}, // fractions of a byte are dropped
		{"1.9999b", 1},
		{"0.001k", 1},                         // 1.024 bytes
		{"007M", 7 << 20},                     // leading zeros are just zeros
		{"16777215.999999999999T", 1<<64 - 2}, // 2^64 - 1.0995 bytes
		{"18446744073709551615", 1<<64 - 1},
		{"0.0000000000009094947017729282379150390625T", 1}, // 2^-40 T, exactly
		// No limit.
		{"", 0},
		{"   ", 0},
		{"max", 0},
		{"MAX", 0},
		{" Max ", 0},
	} {
		got, err := ParseSize(c.in)
		if err != nil || got != c.want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d", c.in, got, err, c.want)
		}
	}
}

func TestParseSizeRejects(t *testing.T) {
	for _, c := range []struct{ in, why string }{
		{"-1M", "cannot be negative"},
		{"-0", "cannot be negative"},
		{"1.5.5G", `"1.5.5" is not a number`},
		{".G", `"." is not a number`},
		{"abc", "not a number"},
		{"NaN", "not a number"},
		{"Inf", "not a number"},
		{"+5M", "not a number"},
		{"12X", `unknown unit "X"`},
		{"1e3M", `unknown unit "e3M"`}, // no exponents: 1e3M is a typo more often than a size
		{"0x10", `unknown unit "x10"`},
		{"1_000", `unknown unit "_000"`},
		{"64 M B", `unknown unit "M B"`},
		{"5ib", `unknown unit "ib"`},
		{"2P", `unknown unit "P"`},
		{"99999999999T", "too large"},
		{"18446744073709551616", "too large"},
		{"16777216T", "too large"},
		{"0", "0 bytes"},
		{"0M", "0 bytes"},
		{"0.0001k", "0 bytes"},
		{"0.5b", "0 bytes"},
		{"M", `no number before the unit "M"`},
		{"kib", `no number before the unit "kib"`},
		{strings.Repeat("1", 65), "too long"},
	} {
		got, err := ParseSize(c.in)
		if err == nil {
			t.Errorf("ParseSize(%q) = %d, want an error", c.in, got)
			continue
		}
		msg := err.Error()
		if !strings.Contains(msg, c.why) || !strings.Contains(msg, "use a number with k, M, G or T") {
			t.Errorf("ParseSize(%q): %q, want it to say %q and what is accepted", c.in, msg, c.why)
		}
	}
	_, err := ParseSize("12X")
	want := `invalid size "12X": unknown unit "X" (use a number with k, M, G or T, e.g. 64M, or max)`
	if err == nil || err.Error() != want {
		t.Errorf("error text:\n got  %v\n want %s", err, want)
	}
}

func TestFormatSize(t *testing.T) {
	for _, c := range []struct {
		in   uint64
		want string
	}{
		{0, "0 B"},
		{512, "512 B"},
		{1023, "1023 B"},
		{1024, "1.0 KiB"},
		{32 << 20, "32.0 MiB"},
		{3 << 29, "1.5 GiB"},
		{303104, "296.0 KiB"},
		{1<<20 - 1, "1.0 MiB"}, // not "1024.0 KiB"
		{1 << 40, "1.0 TiB"},
		{1 << 50, "1024.0 TiB"}, // T is the largest unit ParseSize reads
		{Unlimited, "max"},
	} {
		if got := FormatSize(c.in); got != c.want {
			t.Errorf("FormatSize(%d) = %q, want %q", c.in, got, c.want)
		}
	}
}

// FuzzParseSize: ParseSize never panics, and what it accepts, written by
// FormatSize, reads back to about the same size.
func FuzzParseSize(f *testing.F) {
	for _, seed := range []string{
		"64M", "1.5G", "512k", "1024b", "128MiB", "128mb", "1048576", "max", "",
		"-1M", "1.5.5G", "12X", "99999999999T", "0", "M", "NaN", "1e3M", " 32.0 MiB ",
		"18446744073709551615", "0.0000000000009094947017729282379150390625T",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := ParseSize(s)
		if err != nil {
			if !strings.Contains(err.Error(), "invalid size") {
				t.Errorf("ParseSize(%q): error %q does not say invalid size", s, err)
			}
			return
		}
		text := FormatSize(n)
		if n == 0 || n == Unlimited {
			return // no limit: FormatSize(0) is "0 B", which ParseSize refuses
		}
		if n >= 1<<60 {
			return // "1048576.0 TiB" and up may round past 2^64
		}
		back, err := ParseSize(text)
		if err != nil {
			t.Fatalf("ParseSize(%q) = %d, but FormatSize's %q does not read back: %v", s, n, text, err)
		}
		// One decimal is at worst 5% off (at 1.0x units), plus the dropped
		// fraction of a byte.
		diff := max(back, n) - min(back, n)
		if diff > n/20+1 {
			t.Fatalf("%q -> %d -> %q -> %d: off by %d", s, n, text, back, diff)
		}
	})
}
