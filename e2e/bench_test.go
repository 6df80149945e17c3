package e2e

import (
	"os/exec"
	"slices"
	"testing"
	"time"
)

// BenchmarkStartToExit times `vme50-tui run` of /bin/true with a memory and
// a CPU limit against unshare+chroot of the same rootfs (namespaces, no
// cgroup, no pivot_root, no /dev), alternating the two so that both see
// the same machine. The budget is a median ratio of 1.3 or less.
func BenchmarkStartToExit(b *testing.B) {
	needKernel(b)
	ours := []string{bin, "run", "--rootfs", rootfsOK, "--memory-limit", "64M", "--cpus", "1", "/bin/true"}
	baseline := []string{"unshare", "--pid", "--fork", "--mount", "--uts", "--ipc", "--propagation", "private",
		"chroot", rootfsOK, "/bin/true"}
	var tOurs, tBase []float64
	for i := 0; i < b.N; i++ {
		pair := [][]string{ours, baseline}
		if i%2 == 1 {
			pair[0], pair[1] = pair[1], pair[0]
		}
		for _, args := range pair {
			start := time.Now()
			if out, err := exec.Command(args[0], args[1:]...).CombinedOutput(); err != nil {
				b.Fatalf("%v: %v\n%s", args, err, out)
			}
			ms := float64(time.Since(start).Microseconds()) / 1000
			if args[0] == bin {
				tOurs = append(tOurs, ms)
			} else {
				tBase = append(tBase, ms)
			}
		}
	}
	mo, mb := median(tOurs), median(tBase)
	b.ReportMetric(mo, "ms-vme50")
	b.ReportMetric(mb, "ms-unshare")
	b.ReportMetric(mo/mb, "ratio")
	b.ReportMetric(0, "ns/op")
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}
