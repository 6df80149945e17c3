package record

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"vme50-tui/cgroup"
)

// contract is the ten columns every recording starts with, in their
// order (ARCHITECTURE.md); a file that does not is not a recording.
var contract = strings.Split(Header, ",")[:10]

// A Recording is a recording read back: its column names, as its header
// gives them, and its rows.
type Recording struct {
	Columns []string
	Samples []Sample
}

// A Sample is one row: when it was read, counted from the container's
// start, the readings, and the events since the row before.
type Sample struct {
	At     time.Duration
	Stats  cgroup.Stats // Stats.Time is time.Unix(0, 0).Add(At)
	Events []Event
}

// CutShortError is a last line that ends without its newline: the writer
// stopped in the middle of a row (vme50-tui crashed, the disk filled).
// Read returns it with the rows before it, which are whole.
type CutShortError struct{ Line int }

func (e *CutShortError) Error() string {
	return fmt.Sprintf("line %d is cut short (the recording stopped in the middle of a row)", e.Line)
}

// What a recording may hold. A recording may come from anyone (a student
// hands it in), and replay and plot hold what they read: the caps bound
// their memory whatever the file, far above what vme50-tui writes.
const (
	// MaxRows is a day of readings at the default 250 ms interval.
	MaxRows = 24 * 60 * 60 * 4
	// MaxRowEvents: the live readings keep the newest 100 events
	// (ui's maxEvents), and a row records those of one reading.
	MaxRowEvents = 100
	// MaxEventsField is the longest events field, in bytes: a hundred
	// events of some 300 characters each.
	MaxEventsField = 32 << 10
	// MaxLine is the longest line, in bytes: the numbers and the
	// longest events field, CSV-quoted.
	MaxLine = 2*MaxEventsField + 1024
)

// maxMs is the largest time_ms a time.Duration holds.
const maxMs = math.MaxInt64 / int64(time.Millisecond)

// Read reads a recording written by Recorder, or by an older version
// (the contract's ten columns, or any number more). Columns are found by
// name; ones it does not know are skipped.
//
// A header alone is an empty recording (a container that ended before its
// first reading records just that); an empty file is not a recording.
//
// Every error is one line that names the line of the file. A last line
// cut short is the one error returned with a Recording: the rows before
// it are whole (Recorder writes a row with one write) and are what
// happened just before the crash, the part a student wants to see, so
// a caller can warn and go on with them.
//
// Rows are parsed as they are read, one row behind (a row is whole once
// the next one starts), so that what Read holds is the Samples alone;
// MaxRows, MaxRowEvents, MaxEventsField and MaxLine bound them.
func Read(r io.Reader) (*Recording, error) {
	room := 0
	if f, ok := r.(io.ReadSeeker); ok {
		room = countLines(f)
	}
	end := &lineGuard{r: r, line: 1}
	cr := csv.NewReader(end)
	cr.FieldsPerRecord = -1 // a short row is told here, naming its line
	cr.ReuseRecord = true   // parsed before the next is read
	header, err := cr.Read()
	if end.long > 0 {
		return nil, end.tooLong()
	}
	if errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("not a recording: the file is empty; its first line should start with %s", strings.Join(contract, ","))
	}
	header = slices.Clone(header)
	if len(header) > 0 {
		// A spreadsheet that saved the file as "CSV UTF-8" put a byte
		// order mark before it.
		header[0] = strings.TrimPrefix(header[0], "\ufeff")
	}
	if err != nil || !isRecordingHeader(header) {
		return nil, fmt.Errorf("line 1: not a recording: the first line should start with %s", strings.Join(contract, ","))
	}
	rd := &reader{rec: &Recording{Columns: header}, cols: columnIndex(header), room: room}
	cut, err := readRows(cr, end, rd.take)
	if err != nil {
		return nil, err
	}
	rd.rec.Samples = rd.samples()
	if cut > 0 {
		return rd.rec, &CutShortError{Line: cut}
	}
	return rd.rec, nil
}

// reader turns the rows, one at a time, into the recording's samples.
// A file's lines were counted (room): the samples go straight into a
// slice of that length. Otherwise they are kept in chunks and put in one
// slice at the end: append would copy a growing slice over and over,
// some five times a Sample's 288 bytes for each row of a long recording.
type reader struct {
	rec    *Recording
	cols   columns
	room   int // the rows counted ahead (0: not counted)
	chunks [][]Sample
	n      int
	last   Sample // the sample taken last, to tell time going backwards
}

const chunkLen = 4096

// add keeps s.
func (rd *reader) add(s Sample) {
	rd.n++
	rd.last = s
	if rd.room > 0 {
		if rd.rec.Samples == nil {
			rd.rec.Samples = make([]Sample, 0, rd.room)
		}
		if len(rd.rec.Samples) < cap(rd.rec.Samples) {
			rd.rec.Samples = append(rd.rec.Samples, s)
			return
		}
		// More rows than lines counted: the file grew meanwhile.
		rd.chunks = [][]Sample{rd.rec.Samples}
		rd.rec.Samples = nil
		rd.room = 0
	}
	if len(rd.chunks) == 0 || len(rd.chunks[len(rd.chunks)-1]) == chunkLen {
		rd.chunks = append(rd.chunks, make([]Sample, 0, chunkLen))
	}
	c := &rd.chunks[len(rd.chunks)-1]
	*c = append(*c, s)
}

// samples are the samples kept, in one slice of their length.
func (rd *reader) samples() []Sample {
	if rd.n == 0 || rd.rec.Samples != nil {
		return rd.rec.Samples
	}
	all := make([]Sample, 0, rd.n)
	for i, c := range rd.chunks {
		all = append(all, c...)
		rd.chunks[i] = nil // garbage as soon as it is copied
	}
	return all
}

// take parses the row of the file that starts on line and adds it.
func (rd *reader) take(line int, fields []string) error {
	if len(fields) != len(rd.rec.Columns) {
		return fmt.Errorf("line %d has %d fields, the header %d", line, len(fields), len(rd.rec.Columns))
	}
	if rd.n == MaxRows {
		return fmt.Errorf("line %d: more than %d rows, a day of readings at 250 ms: the most a recording may hold", line, MaxRows)
	}
	s, err := rd.cols.sample(fields)
	if err != nil {
		return fmt.Errorf("line %d: %w", line, err)
	}
	if rd.n > 0 && s.At < rd.last.At {
		return fmt.Errorf("line %d: time goes backwards: time_ms %d after %d", line, s.At.Milliseconds(), rd.last.At.Milliseconds())
	}
	rd.add(s)
	return nil
}

// readRows reads the rows after the header and gives each to take, once
// the next has begun; it returns the line of a last row cut short (0:
// none), which is left out.
func readRows(cr *csv.Reader, end *lineGuard, take func(line int, fields []string) error) (cut int, err error) {
	var held []string // the row read last, not yet taken
	heldLine := 0
	for {
		fields, err := cr.Read()
		if end.long > 0 {
			return 0, end.tooLong()
		}
		if errors.Is(err, io.EOF) {
			break
		}
		var parseErr *csv.ParseError
		if errors.As(err, &parseErr) {
			// An events field cut inside its quotes reaches the end of
			// the file as an open quote.
			if parseErr.Err == csv.ErrQuote && end.eof && end.last != '\n' {
				if held != nil {
					if err := take(heldLine, held); err != nil {
						return 0, err
					}
				}
				return parseErr.StartLine, nil
			}
			return 0, fmt.Errorf("line %d: %v", parseErr.StartLine, parseErr.Err)
		}
		if err != nil {
			return 0, err
		}
		if held != nil {
			if err := take(heldLine, held); err != nil {
				return 0, err
			}
		}
		// ReuseRecord: fields' strings are new, the slice is reused.
		held = append(held[:0], fields...)
		heldLine, _ = cr.FieldPos(0)
	}
	if held == nil {
		return 0, nil
	}
	// Recorder ends every row with a newline, in the same write: a last
	// row without one is what was written when the writing stopped.
	if end.last != '\n' {
		return heldLine, nil
	}
	return 0, take(heldLine, held)
}

// isRecordingHeader: the first ten names are the contract's.
func isRecordingHeader(header []string) bool {
	if len(header) < len(contract) {
		return false
	}
	for i, name := range contract {
		if strings.TrimSpace(header[i]) != name {
			return false
		}
	}
	return true
}

// countLines counts the lines of f ahead of reading it, up to one more
// than the rows a recording may hold, and goes back to where f was: a
// file is read twice (the second time from the page cache) so that its
// samples are made once, in a slice of their number, and never copied.
// 0 when f cannot seek or a line is longer than MaxLine (Read tells it).
func countLines(f io.ReadSeeker) int {
	at, err := f.Seek(0, io.SeekCurrent)
	if err != nil {
		return 0
	}
	defer f.Seek(at, io.SeekStart)
	buf := make([]byte, 64<<10)
	lines, run := 0, 0
	for lines <= MaxRows+1 {
		n, err := f.Read(buf)
		for _, b := range buf[:n] {
			if b == '\n' {
				lines, run = lines+1, 0
			} else if run++; run > MaxLine {
				return 0
			}
		}
		if err != nil {
			break
		}
	}
	return min(lines+1, MaxRows+1) // the header is one; a last line may lack its newline
}

// lineGuard remembers the last byte read, so that Read can tell a file
// whose last row lacks its newline (the Recorder ends every row with
// one), and stops at a line longer than MaxLine: encoding/csv holds a
// whole record, and one line of a gigabyte would be held whole.
type lineGuard struct {
	r    io.Reader
	last byte
	eof  bool
	line int // the line being read, from 1
	run  int // bytes of it read so far
	long int // the line found longer than MaxLine (0: none)
}

func (l *lineGuard) Read(p []byte) (int, error) {
	if l.long > 0 {
		return 0, io.EOF
	}
	n, err := l.r.Read(p)
	for _, b := range p[:n] {
		if b == '\n' {
			l.line, l.run = l.line+1, 0
			continue
		}
		if l.run++; l.run > MaxLine {
			l.long = l.line
			return 0, io.EOF
		}
	}
	if n > 0 {
		l.last = p[n-1]
	}
	if errors.Is(err, io.EOF) {
		l.eof = true
	}
	return n, err
}

func (l *lineGuard) tooLong() error {
	return fmt.Errorf("line %d: longer than %d bytes, the most a row of a recording may be", l.long, MaxLine)
}

// columns are where each known column is in a row (-1: the file has none).
type columns map[string]int

func columnIndex(header []string) columns {
	cols := columns{}
	for i, name := range header {
		name = strings.TrimSpace(name)
		if _, twice := cols[name]; !twice {
			cols[name] = i
		}
	}
	return cols
}

// sample puts a row's values back into the Stats fields the Recorder
// took them from. An empty field is the writer's "unknown" (0) or, for a
// limit, "unlimited".
func (c columns) sample(fields []string) (Sample, error) {
	var s Sample
	var st cgroup.Stats
	p := parser{cols: c, fields: fields}
	ms := p.number("time_ms", 0)
	if ms > uint64(maxMs) {
		// A Duration counts nanoseconds in an int64: more would wrap.
		p.fail("time_ms", p.field("time_ms"), fmt.Sprintf("is more than %d (292 years)", maxMs))
		ms = 0
	}
	s.At = time.Duration(ms) * time.Millisecond
	st.Time = time.Unix(0, 0).Add(s.At)
	st.Memory.Current = p.number("memory_current", 0)
	st.Memory.Max = p.number("memory_max", cgroup.Unlimited)
	st.Memory.Peak = p.number("memory_peak", 0)
	st.Memory.Events.OOMKill = p.number("oom_kill", 0)
	st.CPU.UsageUsec = p.number("cpu_usage_usec", 0)
	st.CPU.NrThrottled = p.number("nr_throttled", 0)
	st.CPU.ThrottledUsec = p.number("throttled_usec", 0)
	st.Pids.Current = p.number("pids_current", 0)
	st.Pids.Max = p.number("pids_max", cgroup.Unlimited)
	st.Memory.High = p.number("memory_high", cgroup.Unlimited) // an old file: none known
	st.Memory.Events.High = p.number("memory_events_high", 0)
	st.Memory.Swap = p.number("memory_swap", 0)
	st.IO.ReadBytes = p.number("io_read_bytes", 0)
	st.IO.WriteBytes = p.number("io_write_bytes", 0)
	// The pressure totals are empty together where the kernel gave no
	// PSI (v1, psi=0): then there is no Pressure at all.
	if p.has("cpu_pressure_some_usec") || p.has("memory_pressure_some_usec") || p.has("io_pressure_some_usec") {
		st.Pressure = &cgroup.Pressure{}
		st.Pressure.CPU.Some.Total = p.number("cpu_pressure_some_usec", 0)
		st.Pressure.Memory.Some.Total = p.number("memory_pressure_some_usec", 0)
		st.Pressure.IO.Some.Total = p.number("io_pressure_some_usec", 0)
	}
	switch frozen := p.field("frozen"); frozen {
	case "", "0":
	case "1":
		st.Frozen = true
	default:
		p.fail("frozen", frozen, "is not 0 or 1")
	}
	s.Events = p.events()
	s.Stats = st
	return s, p.err
}

// parser reads the fields of one row by column name and keeps the first
// error.
type parser struct {
	cols   columns
	fields []string
	err    error
}

// field is the column's text, "" when the file has no such column.
func (p *parser) field(name string) string {
	i, ok := p.cols[name]
	if !ok {
		return ""
	}
	return strings.TrimSpace(p.fields[i])
}

func (p *parser) has(name string) bool { return p.field(name) != "" }

// number is the column's whole number, or empty when the field is empty.
func (p *parser) number(name string, empty uint64) uint64 {
	text := p.field(name)
	if text == "" {
		return empty
	}
	v, err := strconv.ParseUint(text, 10, 64)
	if err != nil {
		p.fail(name, text, "is not a number")
	}
	return v
}

// events is the events column's events, MaxRowEvents at most in a field
// of MaxEventsField bytes at most.
func (p *parser) events() []Event {
	field := p.field("events")
	if len(field) > MaxEventsField {
		p.fail("events", field[:20]+"...", fmt.Sprintf("is %d bytes long, more than %d", len(field), MaxEventsField))
		return nil
	}
	events := ParseEvents(field)
	if len(events) > MaxRowEvents {
		p.fail("events", field[:min(len(field), 20)]+"...", fmt.Sprintf("holds %d events, more than %d", len(events), MaxRowEvents))
		return nil
	}
	return events
}

func (p *parser) fail(name, value, why string) {
	if p.err == nil {
		p.err = fmt.Errorf("column %s: %q %s", name, value, why)
	}
}

// Version is the cgroup design the recording was made on, as its start
// event says ("cgroup v1" or "cgroup v2" in its detail). known is false
// when no start event says: a file older than the events column.
func (r *Recording) Version() (v cgroup.Version, known bool) {
	for _, s := range r.Samples {
		for _, e := range s.Events {
			if e.Kind != EventStart {
				continue
			}
			words := strings.Fields(e.Detail)
			for i := 0; i+1 < len(words); i++ {
				if words[i] != "cgroup" {
					continue
				}
				switch strings.TrimRight(words[i+1], ",;:.)") {
				case "v1":
					return cgroup.V1, true
				case "v2":
					return cgroup.V2, true
				}
			}
		}
	}
	return cgroup.V2, false
}

// Files names the files the readings came from on the host that made the
// recording, for titles that teach them: v2's names when the recording
// does not say (v2 is what new machines run).
func (r *Recording) Files() cgroup.Files {
	v, _ := r.Version()
	return (&cgroup.Host{Version: v}).Files()
}
