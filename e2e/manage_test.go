package e2e

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"vme50-tui/runtime"
)

// vme50-tui ps, stop and kill, run from this test process against
// containers of `run` processes: ps lists them with their limits, stop and
// kill end them, their run reports the end and cleans up, and a container
// whose run was killed -9 is cleaned up by stop and kill themselves.

// cleanSwept is clean after removing what dead owners left: stop and kill
// remove it too (as every run does), which would otherwise count as a
// change against the snapshot.
func cleanSwept(t *testing.T) {
	t.Helper()
	needKernel(t)
	if err := runtime.Sweep(host(t)); err != nil {
		t.Logf("sweep: %v", err)
	}
	clean(t)
}

// psEntry is one object of ps --json, as a script reads it.
type psEntry map[string]any

// psKeys are the keys of every object of ps --json.
var psKeys = []string{"id", "hostname", "state", "owner_pid", "command", "created", "uptime_seconds",
	"memory_bytes", "memory_limit_bytes", "cpu_cores", "cpu_quota_cores", "pids", "pids_limit"}

// num is a number of e, -1 for null.
func (e psEntry) num(key string) float64 {
	if n, ok := e[key].(float64); ok {
		return n
	}
	return -1
}

func (e psEntry) str(key string) string {
	s, _ := e[key].(string)
	return s
}

// psJSON runs ps --json and returns the entry of container id, if listed.
// Every entry has every key.
func psJSON(t *testing.T, id string) (psEntry, bool) {
	t.Helper()
	r := vme50(t, "ps", "--json")
	wantCode(t, r, 0)
	var all []psEntry
	if err := json.Unmarshal([]byte(r.stdout), &all); err != nil {
		t.Fatalf("ps --json: %v\n%s", err, r.stdout)
	}
	for _, e := range all {
		for _, k := range psKeys {
			if _, ok := e[k]; !ok || len(e) != len(psKeys) {
				t.Fatalf("ps --json: an object without %q, or with keys besides %q: %v", k, psKeys, e)
			}
		}
	}
	i := slices.IndexFunc(all, func(e psEntry) bool { return e.str("id") == id })
	if i < 0 {
		return nil, false
	}
	return all[i], true
}

// psRunning waits until ps --json lists container id as running (its
// description names PID 1 a moment after the command runs).
func psRunning(t *testing.T, id string) psEntry {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		e, ok := psJSON(t, id)
		if ok && e.str("state") == "running" {
			return e
		}
		if time.Now().After(deadline) {
			t.Fatalf("ps --json never listed %s as running (listed: %v, %v)", id, ok, e)
		}
	}
}

// psTableRow runs ps and returns the cells of container id's row.
func psTableRow(t *testing.T, id string) []string {
	t.Helper()
	r := vme50(t, "ps")
	wantCode(t, r, 0)
	lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
	// Columns are 3 spaces apart at least; no cell holds two in a row.
	cells := regexp.MustCompile(`\s{2,}`)
	if head := cells.Split(lines[0], -1); !slices.Equal(head, []string{"ID", "HOSTNAME", "STATE", "OWNER", "COMMAND", "UPTIME", "MEMORY", "CPU", "PIDS"}) {
		t.Errorf("ps header %q", head)
	}
	for _, line := range lines[1:] {
		if row := cells.Split(line, -1); row[0] == id {
			return row
		}
	}
	t.Fatalf("ps does not list %s:\n%s", id, r.stdout)
	return nil
}

// A container of another process, listed with its limits, in the table
// and in --json: memory.max, the quota in cores and the cores it uses
// under it, pids.max, and the run that owns it.
func TestPsListsRunContainer(t *testing.T) {
	cleanSwept(t)
	hostname := "ps-" + runtime.NewID()[:8]
	cmd, id := startHog(t, []string{"--hostname", hostname, "--memory-limit", "48M", "--pids-limit", "33", "--cpus", "0.5"},
		"cpu", "--threads", "2", "--seconds", "30")

	e := psRunning(t, id)
	command, _ := json.Marshal(e["command"])
	if e.str("hostname") != hostname || e.num("owner_pid") != float64(cmd.Process.Pid) ||
		string(command) != `["vme50-hog","cpu","--threads","2","--seconds","30"]` {
		t.Errorf("ps --json: %v; want hostname %s, owner %d", e, hostname, cmd.Process.Pid)
	}
	if created, err := time.Parse(time.RFC3339, e.str("created")); err != nil || time.Since(created) > time.Minute || e.num("uptime_seconds") > 60 {
		t.Errorf("created %q (%v), uptime %vs", e["created"], err, e["uptime_seconds"])
	}
	if e.num("memory_limit_bytes") != 48<<20 || e.num("memory_bytes") <= 0 {
		t.Errorf("memory %v of %v, want some of %d", e["memory_bytes"], e["memory_limit_bytes"], 48<<20)
	}
	if e.num("pids_limit") != 33 || e.num("pids") < 1 {
		t.Errorf("pids %v of %v, want some of 33", e["pids"], e["pids_limit"])
	}
	// Two threads spinning under half a core: about 0.5 over the interval.
	if cores := e.num("cpu_cores"); e.num("cpu_quota_cores") != 0.5 || cores < 0.15 || cores > 0.9 {
		t.Errorf("cpu %v cores of a quota of %v, want about 0.5 of 0.5", e["cpu_cores"], e["cpu_quota_cores"])
	}

	row := psTableRow(t, id)
	want := map[int]string{1: hostname, 2: "running", 3: strconv.Itoa(cmd.Process.Pid), 4: "vme50-hog cpu --threads 2 --s…"} // cut at 30
	for i, w := range want {
		if len(row) != 9 || row[i] != w {
			t.Fatalf("ps row %q: cell %d is not %q", row, i, w)
		}
	}
	if !strings.HasSuffix(row[6], " / 48.0 MiB") || !strings.HasSuffix(row[7], " / 0.50") || !strings.HasSuffix(row[8], " / 33") {
		t.Errorf("ps row %q: want memory / 48.0 MiB, cores / 0.50, pids / 33", row)
	}
	wantCode(t, endContainer(t, cmd, id), 137)
	if _, listed := psJSON(t, id); listed {
		t.Errorf("ps lists %s after it ended", id)
	}
}

// stopCmd starts `vme50-tui stop args...` in the background.
func stopCmd(t *testing.T, args ...string) *exec.Cmd {
	t.Helper()
	cmd := vme50Cmd(t, append([]string{"stop"}, args...)...)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd
}

// acted checks that stop or kill succeeded and printed the id.
func acted(t *testing.T, r result, id string) {
	t.Helper()
	wantCode(t, r, 0)
	if r.stdout != id+"\n" {
		t.Errorf("printed %q, want the id %s", r.stdout, id)
	}
}

// PID 1 a shell without a TERM trap: PID 1 of a PID namespace ignores the
// SIGTERM, the grace runs out and SIGKILL ends it. ps says "stopping"
// meanwhile; stop returns once run has cleaned up (clean checks nothing
// is left), and run reports 137.
func TestStopGraceRunsOut(t *testing.T) {
	cleanSwept(t)
	run, id := startContainer(t, "/bin/sh", "-c", "sleep 1000; echo never")
	// No memory limit, no quota: null, not the kernel's huge number.
	if e := psRunning(t, id); e["memory_limit_bytes"] != nil || e["cpu_quota_cores"] != nil {
		t.Errorf("no limits: ps --json says %v", e)
	}
	start := time.Now()
	stop := stopCmd(t, "--time", "2", id[:6])
	sawStopping := false
	for time.Since(start) < 1500*time.Millisecond && !sawStopping {
		e, _ := psJSON(t, id)
		sawStopping = e.str("state") == "stopping"
	}
	r := finish(t, stop, stop.Wait())
	took := time.Since(start)
	acted(t, r, id)
	if !sawStopping {
		t.Error("ps never said stopping during the grace")
	}
	if took < 2*time.Second || took > 12*time.Second {
		t.Errorf("stop took %s, want the grace of 2s and a little", took)
	}
	// Gone when stop returns, not later.
	if _, err := os.Stat(filepath.Join(runtime.StateDir, id)); err == nil {
		t.Errorf("the state directory of %s outlived stop", id)
	}
	wantCode(t, finish(t, run, run.Wait()), 137)
}

// PID 1 with a TERM trap ends on the SIGTERM, long before the grace, and
// run exits with its status.
func TestStopTermHandler(t *testing.T) {
	cleanSwept(t)
	hostname := "stop-" + runtime.NewID()[:8]
	run, id := startContainer(t, "--hostname", hostname, "/bin/sh", "-c", `trap "exit 3" TERM; while :; do sleep 0.1; done`)
	psRunning(t, id)
	start := time.Now()
	acted(t, vme50(t, "stop", "--time", "30", hostname), id)
	if took := time.Since(start); took > 10*time.Second {
		t.Errorf("stop took %s: the SIGTERM did not end it", took)
	}
	wantCode(t, finish(t, run, run.Wait()), 3)
}

// kill: SIGKILL to PID 1 and the cgroup; it returns once sent, and run
// reports 137 and cleans up.
func TestKillDefault(t *testing.T) {
	cleanSwept(t)
	run, id := startContainer(t, "/bin/sh", "-c", "sleep 1000 & sleep 1000")
	psRunning(t, id)
	acted(t, vme50(t, "kill", id), id)
	wantCode(t, finish(t, run, run.Wait()), 137)
}

// kill --signal TERM reaches PID 1 only: a shell with a TERM trap exits
// with its status; a sleep as PID 1 has no handler and lives on.
func TestKillSignalTerm(t *testing.T) {
	cleanSwept(t)
	run, id := startContainer(t, "/bin/sh", "-c", `trap "exit 3" TERM; while :; do sleep 0.1; done`)
	psRunning(t, id)
	acted(t, vme50(t, "kill", "--signal", "TERM", id), id)
	wantCode(t, finish(t, run, run.Wait()), 3)

	run, id = startContainer(t, "/bin/sleep", "1000")
	psRunning(t, id)
	acted(t, vme50(t, "kill", "-s", "sigterm", id), id)
	time.Sleep(500 * time.Millisecond)
	if e, ok := psJSON(t, id); !ok || e.str("state") != "running" {
		t.Errorf("a sleep as PID 1 did not ignore SIGTERM: listed %v, %v", ok, e)
	}
	acted(t, vme50(t, "kill", "--signal", "9", id), id)
	wantCode(t, finish(t, run, run.Wait()), 137)
}

// An unknown name: one line, status 1; a bad signal: one line naming the
// flag, 125, checked before any lookup; not root: 125 and sudo.
func TestStopKillUnknownAndBad(t *testing.T) {
	cleanSwept(t)
	for _, args := range [][]string{{"stop", "nosuchcontainer"}, {"kill", "nosuchcontainer"}, {"stop", "--time", "0", "nosuchcontainer"}} {
		r := vme50(t, args...)
		wantCode(t, r, 1)
		oneLine(t, r, `no running container has the id, id prefix or hostname "nosuchcontainer"`)
	}
	r := vme50(t, "kill", "--signal", "TREM", "nosuchcontainer")
	wantCode(t, r, 125)
	oneLine(t, r, `--signal "TREM"`)
	for _, args := range [][]string{{"ps"}, {"ps", "--json"}, {"stop", "x"}, {"kill", "x"}} {
		cmd := vme50Cmd(t, args...)
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
		r := finish(t, cmd, cmd.Run())
		wantCode(t, r, 125)
		oneLine(t, r, "sudo")
	}
}

// The run that owns a container killed -9: its container is not running
// (ps leaves it out), and stop and kill say so (status 1) after removing
// what it left: nothing remains when they return.
func TestStopKillOwnerKilled(t *testing.T) {
	cleanSwept(t)
	for _, verb := range []string{"stop", "kill"} {
		run, id := startContainer(t, "/bin/sleep", "1000")
		psRunning(t, id)
		run.Process.Kill()
		run.Wait()
		if _, listed := psJSON(t, id); listed {
			t.Errorf("ps lists %s, whose owner is dead", id)
		}
		stateDir := filepath.Join(runtime.StateDir, id)
		if _, err := os.Stat(stateDir); err != nil {
			t.Logf("%s's leftovers were removed before %s (another vme50 started meanwhile)", id, verb)
		}
		r := vme50(t, verb, id)
		wantCode(t, r, 1)
		oneLine(t, r, "no running container")
		if _, err := os.Stat(stateDir); err == nil {
			t.Errorf("%s left the state directory of a dead owner's container", verb)
		}
		for _, d := range leafDirs(t) {
			if filepath.Base(d) == id {
				t.Errorf("%s left the cgroup %s of a dead owner's container", verb, d)
			}
		}
	}
}

// A paused container: ps says paused; stop still ends it (the SIGTERM
// waits, pending, in the freezer; the grace runs out, and the kill
// reaches frozen processes), and its run cleans up.
func TestStopPaused(t *testing.T) {
	cleanSwept(t)
	run, id := startContainer(t, "/bin/sh", "-c", `trap "exit 3" TERM; while :; do sleep 0.1; done`)
	psRunning(t, id)
	wantCode(t, vme50(t, "pause", id), 0)
	if e, ok := psJSON(t, id); !ok || e.str("state") != "paused" {
		t.Errorf("after pause: listed %v, %v; want paused", ok, e)
	}
	// Stop thaws it, as docker stop does: the trap runs, long before the
	// grace of 10 s runs out.
	start := time.Now()
	acted(t, vme50(t, "stop", id), id)
	if code := finish(t, run, run.Wait()).code; code != 3 {
		t.Errorf("run exited %d, want 3: the TERM trap of a thawed container", code)
	}
	if took := time.Since(start); took > 8*time.Second {
		t.Errorf("stop took %s: the grace ran out", took)
	}
}
