// Package record writes a container's cgroup readings as CSV, one row per
// reading, for a spreadsheet or a plot after the lesson:
//
//	time_ms,memory_current,memory_max,memory_peak,oom_kill,cpu_usage_usec,nr_throttled,throttled_usec,pids_current,pids_max
//	250,1236992,33554432,1273856,0,1843,0,0,1,
//
// Bytes and microseconds are whole numbers, time_ms counts from the start
// given to New, and a value that is unlimited or unknown is an empty field.
package record

import (
	"encoding/csv"
	"io"
	"strconv"
	"strings"
	"time"

	"vme50-tui/cgroup"
)

// Header is the recording's first line, the names of its columns: the ten
// first ones of the contract, in their order, then what was added later
// (cgroup v2's own readings, empty where the host has none: v1, no PSI),
// and last the events that happened since the row before (event.go).
const Header = "time_ms,memory_current,memory_max,memory_peak,oom_kill,cpu_usage_usec,nr_throttled,throttled_usec,pids_current,pids_max" +
	",memory_high,memory_events_high,memory_swap,io_read_bytes,io_write_bytes" +
	",cpu_pressure_some_usec,memory_pressure_some_usec,io_pressure_some_usec,frozen" +
	",events"

// Recorder writes readings to w, one row each.
type Recorder struct {
	w     io.Writer
	start time.Time
	err   error
}

// New writes the header to w and returns a Recorder whose rows count time
// from start.
func New(w io.Writer, start time.Time) *Recorder {
	r := &Recorder{w: w, start: start}
	_, r.err = io.WriteString(w, Header+"\n")
	return r
}

// Write adds one reading as a row, with the events that happened since
// the row before (none: an empty field), with one write to w, so that a
// file cut short by a crash ends with whole rows. After an error it
// writes nothing more; Err tells the error.
func (r *Recorder) Write(st cgroup.Stats, events ...Event) {
	if r.err != nil {
		return
	}
	_, r.err = io.WriteString(r.w, row(st, r.start)+","+csvField(FormatEvents(events))+"\n")
}

// csvField is s as one CSV field, quoted by encoding/csv where it must
// be: a detail in words may hold a comma or a quote.
func csvField(s string) string {
	var b strings.Builder
	w := csv.NewWriter(&b)
	w.Write([]string{s})
	w.Flush()
	return strings.TrimSuffix(b.String(), "\n")
}

// Err is the first write error, if any.
func (r *Recorder) Err() error { return r.err }

// row is one reading as a CSV row, without the events and the newline.
func row(st cgroup.Stats, start time.Time) string {
	fields := []string{
		strconv.FormatInt(max(st.Time.Sub(start).Milliseconds(), 0), 10),
		number(st.Memory.Current),
		limit(st.Memory.Max),
		known(st.Memory.Peak), // 0: this kernel has no memory.peak
		number(st.Memory.Events.OOMKill),
		number(st.CPU.UsageUsec),
		number(st.CPU.NrThrottled),
		number(st.CPU.ThrottledUsec),
		number(st.Pids.Current),
		limit(st.Pids.Max),
		limit(st.Memory.High),
		number(st.Memory.Events.High),
		number(st.Memory.Swap),
		number(st.IO.ReadBytes),
		number(st.IO.WriteBytes),
	}
	// The pressure stall totals: how long some process waited for the CPU,
	// memory and I/O since the group was made.
	if p := st.Pressure; p != nil {
		fields = append(fields, number(p.CPU.Some.Total), number(p.Memory.Some.Total), number(p.IO.Some.Total))
	} else {
		fields = append(fields, "", "", "")
	}
	frozen := "0"
	if st.Frozen {
		frozen = "1"
	}
	return strings.Join(append(fields, frozen), ",")
}

func number(v uint64) string { return strconv.FormatUint(v, 10) }

// limit is empty for cgroup.Unlimited ("max" in the cgroup file).
func limit(v uint64) string {
	if v == cgroup.Unlimited {
		return ""
	}
	return number(v)
}

// known is empty for 0, which stands for a value the kernel does not
// report.
func known(v uint64) string {
	if v == 0 {
		return ""
	}
	return number(v)
}
