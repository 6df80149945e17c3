package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"vme50-tui/cgroup"
	"vme50-tui/runtime"
)

// `vme50-tui ps`: every vme50 container on this host, whoever started it
// (a TUI, a run in another terminal), as docker ps lists them, with what
// its cgroup reads now against its limits.

// psInterval is the time between the two readings of every container's
// cgroup, over which the cores used are measured.
const psInterval = 250 * time.Millisecond

func newPsCommand() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "ps [--json]",
		Short: "List the running containers",
		Long: `List the running containers of every vme50-tui on this host (a TUI, a run in
another terminal): id, hostname, state (starting, running, stopping, paused),
the pid of the vme50-tui that owns it, command, uptime, and from its cgroup
the memory used against memory.max, the cores used over the last quarter
second against the CPU quota, and the processes against pids.max.

--json prints an array of objects for scripts (sizes in bytes; a limit
that is not set is null); no container is [].`,
		Example: `  sudo vme50-tui ps
  sudo vme50-tui ps --json | jq '.[] | select(.memory_bytes > 100000000) | .id'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := requireRoot("vme50-tui ps"); err != nil {
				return err
			}
			host, err := cgroup.Detect()
			if err != nil {
				return &exitError{code: runtime.ExitRuntimeFailed, msg: err.Error()}
			}
			found, err := runtime.Running()
			if err != nil {
				return &exitError{code: runtime.ExitRuntimeFailed, msg: err.Error()}
			}
			rows := psRows(host, found, runtime.SampleAll(host, found, psInterval))
			if asJSON {
				return writePsJSON(os.Stdout, rows)
			}
			return writePsTable(os.Stdout, rows)
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print a JSON array of objects instead of the table")
	return cmd
}

// psRow is one container as ps shows it; its JSON is --json's object.
// The figures are nil when the cgroup could not be read (a container
// still being built has none yet); a limit is nil when none is set.
type psRow struct {
	ID               string        `json:"id"`
	Hostname         string        `json:"hostname"`
	State            runtime.State `json:"state"`
	OwnerPID         int           `json:"owner_pid"`
	Command          []string      `json:"command"`
	Created          string        `json:"created"`
	UptimeSeconds    int64         `json:"uptime_seconds"`
	MemoryBytes      *uint64       `json:"memory_bytes"`
	MemoryLimitBytes *uint64       `json:"memory_limit_bytes"`
	CPUCores         *float64      `json:"cpu_cores"`
	CPUQuotaCores    *float64      `json:"cpu_quota_cores"`
	Pids             *uint64       `json:"pids"`
	PidsLimit        *uint64       `json:"pids_limit"`
}

// psRows makes the rows of the containers found, with their samples. A
// container that ended meanwhile is left out.
func psRows(host *cgroup.Host, found []runtime.Found, samples []runtime.Sample) []psRow {
	rows := []psRow{}
	for i, f := range found {
		var ended *runtime.EndedError
		if errors.As(samples[i].Err, &ended) {
			continue
		}
		rows = append(rows, newPsRow(f.Meta, f.State(host), f.OwnerPID(), samples[i], f.Uptime()))
	}
	return rows
}

func newPsRow(m runtime.Meta, state runtime.State, owner int, s runtime.Sample, uptime time.Duration) psRow {
	r := psRow{
		ID: m.ID, Hostname: m.Hostname, State: state, OwnerPID: owner,
		Command: m.Args, UptimeSeconds: int64(uptime / time.Second),
	}
	if r.Command == nil {
		r.Command = []string{}
	}
	if !m.Created.IsZero() {
		r.Created = m.Created.Format(time.RFC3339)
	}
	if s.Err != nil {
		return r
	}
	st := s.Stats
	r.MemoryBytes, r.Pids = &st.Memory.Current, &st.Pids.Current
	r.MemoryLimitBytes, r.PidsLimit = limitOrNil(st.Memory.Max), limitOrNil(st.Pids.Max)
	if s.CoresOK {
		r.CPUCores = &s.Cores
	}
	if st.CPU.QuotaUsec != cgroup.Unlimited && st.CPU.QuotaUsec != 0 && st.CPU.PeriodUsec != 0 {
		quota := float64(st.CPU.QuotaUsec) / float64(st.CPU.PeriodUsec)
		r.CPUQuotaCores = &quota
	}
	return r
}

// limitOrNil is nil for a limit that is not set.
func limitOrNil(limit uint64) *uint64 {
	if limit == cgroup.Unlimited {
		return nil
	}
	return &limit
}

func writePsJSON(w io.Writer, rows []psRow) error {
	data, err := json.MarshalIndent(rows, "", "  ")
	if err != nil {
		return &exitError{code: runtime.ExitRuntimeFailed, msg: err.Error()}
	}
	_, err = fmt.Fprintf(w, "%s\n", data)
	return err
}

// writePsTable prints the rows aligned, as docker ps does.
func writePsTable(w io.Writer, rows []psRow) error {
	tw := tabwriter.NewWriter(w, 0, 0, 3, ' ', 0)
	fmt.Fprintln(tw, "ID\tHOSTNAME\tSTATE\tOWNER\tCOMMAND\tUPTIME\tMEMORY\tCPU\tPIDS")
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\t%s\t%s\t%s\t%s\n",
			shortID(r.ID), r.Hostname, r.State, r.OwnerPID, commandColumn(r.Command),
			runtime.FormatUptime(time.Duration(r.UptimeSeconds)*time.Second),
			usedOfLimit(r.MemoryBytes, r.MemoryLimitBytes, cgroup.FormatSize),
			cpuColumn(r.CPUCores, r.CPUQuotaCores),
			usedOfLimit(r.Pids, r.PidsLimit, func(n uint64) string { return fmt.Sprint(n) }))
	}
	return tw.Flush()
}

// shortID is the id as ps shows it: its first 12 characters.
func shortID(id string) string {
	if len(id) > 12 {
		return id[:12]
	}
	return id
}

// commandWidth is the most characters of the COMMAND column.
const commandWidth = 30

// commandColumn is the command as a shell would read it (an argument
// with a space, or empty, quoted), cut to commandWidth with an ellipsis.
func commandColumn(args []string) string {
	words := make([]string, len(args))
	for i, a := range args {
		words[i] = a
		if a == "" || strings.ContainsAny(a, " \t\n'\"") {
			words[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
	}
	// What a terminal would act on (an escape sequence in an argument:
	// a title, a cleared screen) is shown as ps(1) shows it, a '?'.
	s := runtime.Printable(strings.Join(words, " "))
	if utf8.RuneCountInString(s) <= commandWidth {
		return s
	}
	return string([]rune(s)[:commandWidth-1]) + "…"
}

// usedOfLimit is "used / limit", max for no limit, - when unread.
func usedOfLimit(used, limit *uint64, format func(uint64) string) string {
	if used == nil {
		return "-"
	}
	lim := "max"
	if limit != nil {
		lim = format(*limit)
	}
	return format(*used) + " / " + lim
}

// cpuColumn is the cores used, and the quota in cores if one is set.
func cpuColumn(cores, quota *float64) string {
	s := "-"
	if cores != nil {
		s = fmt.Sprintf("%.2f", *cores)
	}
	if quota != nil {
		s += fmt.Sprintf(" / %.2f", *quota)
	}
	return s
}
