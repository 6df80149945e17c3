package cgroup

// CPU weight is one idea with two scales. cgroup v2's cpu.weight runs
// from 1 to 10000 with 100 the default; cgroup v1's cpu.shares from 2 to
// 262144 with 1024 the default. vme50 takes weights (--cpu-shares N means
// cpu.weight N) and converts for v1 so that the default maps to the
// default: shares = weight * 1024 / 100.

const (
	minShares = 2      // the kernel's MIN_SHARES
	maxShares = 262144 // the kernel's MAX_SHARES
)

// SharesFromWeight converts a v2 cpu.weight to the v1 cpu.shares that
// means the same: weight*1024/100, so 100 -> 1024 and 300 -> 3072. The
// result is kept within the kernel's 2..262144.
func SharesFromWeight(weight uint64) uint64 {
	if weight >= maxShares*100/1024 {
		return maxShares
	}
	return max(weight*1024/100, minShares)
}

// WeightFromShares converts v1 cpu.shares back to a weight, rounded to
// the nearest, so that SharesFromWeight's truncation is undone: 3072 ->
// 300, 5120 -> 500, 1024 -> 100. The least weight is 1.
func WeightFromShares(shares uint64) uint64 {
	// Whole multiples of 1024 first, then the rest: no overflow for any
	// shares, even ones the kernel would never show.
	weight := shares/1024*100 + (shares%1024*100+512)/1024
	return max(weight, 1)
}
