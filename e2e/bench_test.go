package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// benchMemory and benchShares are the limits of every start measured: a
// memory limit and a CPU weight (--cpu-shares 200: cpu.weight 200 on v2,
// cpu.shares 2048 on v1; runc and crun are given the v1 number, which they
// convert on v2 as the OCI spec says).
const (
	benchMemory = 64 << 20
	benchShares = 2048
)

// BenchmarkStartToExit times the start to exit of /bin/true in a container
// with a memory limit and a CPU weight: `vme50-tui run` against runc (and
// crun, where installed) on the same rootfs, with the same namespaces (PID,
// mount, UTS, IPC, and a network namespace with only lo: --network none)
// and the same limits (memory, CPU weight, pids
// 1024), and against unshare+chroot, which does far less (namespaces, no
// cgroup, no pivot_root, no /dev). The programs take turns in a rotating
// order, so that all of them see the same machine; each figure is a median,
// and the budget is a ratio to runc's: at most 0.5 (ARCHITECTURE.md).
// make bench installs runc (scripts/install-deps.sh bench).
// VME50_BENCH_ALSO adds other builds of vme50-tui to the turns; NAME-dms is
// the median of the turns' differences, NAME's time minus ours.
func BenchmarkStartToExit(b *testing.B) {
	needKernel(b)
	type peer struct {
		name string
		args []string
		ms   []float64
	}
	peers := []*peer{
		{name: "vme50", args: []string{bin, "run", "--rootfs", rootfsOK, "--memory-limit", "64M",
			"--cpu-shares", "200", "--network", "none", "/bin/true"}},
	}
	// VME50_BENCH_ALSO=name=binary,...: other builds of vme50-tui in the
	// same turns, to weigh a change against the current one in one run.
	for _, also := range strings.Split(os.Getenv("VME50_BENCH_ALSO"), ",") {
		if name, path, ok := strings.Cut(also, "="); ok {
			args := slices.Clone(peers[0].args)
			args[0] = path
			peers = append(peers, &peer{name: name, args: args})
		}
	}
	for _, oci := range []string{"runc", "crun"} {
		path, err := exec.LookPath(oci)
		if err != nil {
			b.Logf("no %s here: not compared", oci)
			continue
		}
		bundle := ociBundle(b, path)
		peers = append(peers, &peer{name: oci, args: []string{path, "run", "--bundle", bundle, ""}})
	}
	peers = append(peers, &peer{name: "unshare", args: []string{"unshare", "--pid", "--fork", "--mount", "--uts",
		"--ipc", "--net", "--propagation", "private", "chroot", rootfsOK, "/bin/true"}})

	// VME50_BENCH_PAUSE (a duration): a pause before each start, for starts
	// on a quiet machine rather than right after another one.
	pause, _ := time.ParseDuration(os.Getenv("VME50_BENCH_PAUSE"))
	for i := 0; i < b.N; i++ {
		for j := range peers {
			time.Sleep(pause)
			p := peers[(i+j)%len(peers)]
			args := slices.Clone(p.args)
			if args[len(args)-1] == "" { // an OCI runtime: a new container id each time
				args[len(args)-1] = fmt.Sprintf("vme50-bench-%d-%d", os.Getpid(), i)
			}
			start := time.Now()
			if out, err := exec.Command(args[0], args[1:]...).CombinedOutput(); err != nil {
				b.Fatalf("%v: %v\n%s", args, err, out)
			}
			p.ms = append(p.ms, float64(time.Since(start).Microseconds())/1000)
		}
	}
	// ms-NAME for every program; x-PEER for ours over each peer's (and
	// NAME-x-PEER for the other builds of VME50_BENCH_ALSO).
	var builds, others []*peer
	for _, p := range peers {
		if p == peers[0] || p.args[0] != bin && slices.Equal(p.args[1:], peers[0].args[1:]) {
			builds = append(builds, p)
		} else {
			others = append(others, p)
		}
	}
	for _, p := range peers {
		b.ReportMetric(median(p.ms), "ms-"+p.name)
	}
	for _, v := range builds {
		prefix := ""
		if v != peers[0] {
			prefix = v.name + "-"
			// The median of the turns' differences, NAME's minus ours:
			// each turn runs both within milliseconds of each other, so
			// this sees a change of a few percent that the machine's
			// load hides in the medians.
			d := make([]float64, len(v.ms))
			for i := range d {
				d[i] = v.ms[i] - peers[0].ms[i]
			}
			b.ReportMetric(median(d), v.name+"-dms")
		}
		for _, o := range others {
			b.ReportMetric(median(v.ms)/median(o.ms), prefix+"x-"+o.name)
		}
	}
	b.ReportMetric(0, "ns/op")
}

// ociBundle writes a bundle for runtime (runc or crun) that runs /bin/true
// as vme50-tui run does: the default spec (`runtime spec`), on rootfsOK
// (writable: ours is behind an overlay), our namespaces, our limits.
func ociBundle(b *testing.B, runtime string) string {
	dir := b.TempDir()
	if out, err := exec.Command(runtime, "spec", "--bundle", dir).CombinedOutput(); err != nil {
		b.Fatalf("%s spec: %v\n%s", runtime, err, out)
	}
	file := filepath.Join(dir, "config.json")
	data, err := os.ReadFile(file)
	if err != nil {
		b.Fatal(err)
	}
	var spec map[string]any
	if err := json.Unmarshal(data, &spec); err != nil {
		b.Fatal(err)
	}
	spec["root"] = map[string]any{"path": rootfsOK, "readonly": false}
	process := spec["process"].(map[string]any)
	process["terminal"] = false
	process["args"] = []string{"/bin/true"}
	linux := spec["linux"].(map[string]any)
	var namespaces []map[string]string
	for _, ns := range []string{"pid", "mount", "uts", "ipc", "network"} {
		namespaces = append(namespaces, map[string]string{"type": ns})
	}
	linux["namespaces"] = namespaces
	linux["resources"] = map[string]any{
		"memory": map[string]any{"limit": benchMemory},
		"cpu":    map[string]any{"shares": benchShares},
		"pids":   map[string]any{"limit": 1024},
	}
	data, err = json.MarshalIndent(spec, "", "  ")
	if err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(file, data, 0o644); err != nil {
		b.Fatal(err)
	}
	return dir
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}
