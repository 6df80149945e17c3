package cgroup

import (
	"fmt"
	"math/big"
	"strings"
)

// sizeUnits maps every unit ParseSize accepts, lower-cased, to its bytes.
// All are powers of 1024, as the kernel's own sizes are: "M", "MB" and
// "MiB" all mean 1048576 bytes, as they do to docker --memory.
var sizeUnits = map[string]uint64{
	"": 1, "b": 1,
	"k": 1 << 10, "kb": 1 << 10, "kib": 1 << 10,
	"m": 1 << 20, "mb": 1 << 20, "mib": 1 << 20,
	"g": 1 << 30, "gb": 1 << 30, "gib": 1 << 30,
	"t": 1 << 40, "tb": 1 << 40, "tib": 1 << 40,
}

// maxSizeText bounds the input, so that no one makes us multiply a
// thousand-digit number.
const maxSizeText = 64

// ParseSize reads a memory size as --memory-limit takes it: a number,
// perhaps with a fraction, and a unit k, M, G or T (powers of 1024, any
// case, with or without a trailing "b" or "iB"). A plain number is bytes.
// "max" or nothing means no limit and returns 0.
//
//	64M -> 67108864   1.5G -> 1610612736   512k -> 524288
//	1024b -> 1024     128MiB -> 134217728   128mb -> 134217728
//
// A fraction of a byte is dropped ("1.5b" is 1 byte). Refused: negative
// numbers, zero (a limit of 0 leaves no room for any process: use max for
// none), exponents ("1e3M"), hexadecimal, NaN and Inf, and anything above
// 2^64-1 bytes.
func ParseSize(s string) (uint64, error) {
	text := strings.TrimSpace(s)
	if text == "" || strings.EqualFold(text, "max") {
		return 0, nil
	}
	if len(text) > maxSizeText {
		return 0, sizeError(s, "too long")
	}
	if strings.HasPrefix(text, "-") {
		return 0, sizeError(s, "a size cannot be negative")
	}
	number, unit := splitNumber(text)
	scale, known := sizeUnits[strings.ToLower(unit)]
	switch {
	case number == "" && known:
		return 0, sizeError(s, fmt.Sprintf("no number before the unit %q", unit))
	case number == "":
		return 0, sizeError(s, "not a number")
	case strings.Count(number, ".") > 1 || number == ".":
		return 0, sizeError(s, fmt.Sprintf("%q is not a number", number))
	case !known:
		return 0, sizeError(s, fmt.Sprintf("unknown unit %q", unit))
	}
	bytes, ok := multiply(number, scale)
	switch {
	case !ok:
		return 0, sizeError(s, "too large (at most 16 EiB)")
	case bytes == 0:
		return 0, sizeError(s, "a limit of 0 bytes leaves no room for any process")
	}
	return bytes, nil
}

// sizeError says what was wrong and what would have been right.
func sizeError(s, why string) error {
	return fmt.Errorf("invalid size %q: %s (use a number with k, M, G or T, e.g. 64M, or max)", s, why)
}

// splitNumber splits "1.5 GiB" into "1.5" and "GiB": the leading digits
// and dots, then the rest without the spaces between.
func splitNumber(text string) (number, unit string) {
	end := strings.IndexFunc(text, func(r rune) bool {
		return (r < '0' || r > '9') && r != '.'
	})
	if end < 0 {
		return text, ""
	}
	return text[:end], strings.TrimSpace(text[end:])
}

// multiply computes number*scale exactly, number being decimal digits
// with at most one '.', and drops what is left of a whole byte. It
// reports false when the result does not fit in 64 bits.
//
// Floating point would be shorter but wrong at the edges: 0.1 has no
// exact binary form, and float64 cannot hold every byte count above 2^53.
// So the digits are taken as a whole number and divided by 10 per digit
// after the point: 1.5G = 15 * 2^30 / 10.
func multiply(number string, scale uint64) (uint64, bool) {
	whole, fraction, _ := strings.Cut(number, ".")
	digits, _ := new(big.Int).SetString("0"+whole+fraction, 10)
	digits.Mul(digits, new(big.Int).SetUint64(scale))
	divisor := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(len(fraction))), nil)
	digits.Quo(digits, divisor)
	if !digits.IsUint64() {
		return 0, false
	}
	return digits.Uint64(), true
}

// FormatSize writes a byte count for people, in powers of 1024 with one
// decimal: 512 B, 32.0 MiB, 1.5 GiB; Unlimited is "max". ParseSize reads
// it back, within the rounding of that one decimal.
func FormatSize(b uint64) string {
	if b == Unlimited {
		return "max"
	}
	if b < 1024 {
		return fmt.Sprintf("%d B", b)
	}
	units := []string{"KiB", "MiB", "GiB", "TiB"}
	value := float64(b) / 1024
	unit := 0
	// 1023.95 and up would print as "1024.0": take the next unit instead.
	for value >= 1023.95 && unit < len(units)-1 {
		value /= 1024
		unit++
	}
	return fmt.Sprintf("%.1f %s", value, units[unit])
}
