package record

import (
	"strings"
)

// An Event is something that happened to a container at a moment, which a
// graph marks on its time axis: the start, an OOM kill and its victim, a
// limit changed, a pause and a resume, the end.
//
// A recording keeps them in its last column, "events": those that happened
// since the row before, each as its kind, a space and a detail in words
// (the detail may be empty), several separated by "; ", e.g.
//
//	oom_kill vme50-hog pid 7 anon-rss 63.2 MiB; limit memory.max 32.0 MiB
//
// The field is quoted as CSV quotes a field (encoding/csv) when it holds a
// comma, a quote or a line break.
type Event struct {
	Kind   EventKind
	Detail string // in words, for a person: the victim, the limit's file and value, the status
}

// EventKind names what happened, as the recording spells it.
type EventKind string

// The kinds of event. A reader meets kinds it does not know (written by a
// later version) and keeps them as they are.
const (
	EventStart   EventKind = "start"
	EventOOMKill EventKind = "oom_kill"
	EventLimit   EventKind = "limit"
	EventPause   EventKind = "pause"
	EventResume  EventKind = "resume"
	EventExit    EventKind = "exit"
)

// String is the event as the recording writes it: "kind detail".
func (e Event) String() string {
	if e.Detail == "" {
		return string(e.Kind)
	}
	return string(e.Kind) + " " + e.Detail
}

// FormatEvents is the events column of one row, before CSV quoting. A
// detail's own "; " or line breaks are flattened so that the field parses
// back into the same events.
func FormatEvents(events []Event) string {
	parts := make([]string, 0, len(events))
	for _, e := range events {
		s := strings.Join(strings.Fields(e.String()), " ") // line breaks and runs of spaces: one space
		parts = append(parts, strings.ReplaceAll(s, ";", ","))
	}
	return strings.Join(parts, "; ")
}

// ParseEvents reads an events field (already unquoted) back into events.
func ParseEvents(field string) []Event {
	var events []Event
	for _, part := range strings.Split(field, ";") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		kind, detail, _ := strings.Cut(part, " ")
		events = append(events, Event{Kind: EventKind(kind), Detail: strings.TrimSpace(detail)})
	}
	return events
}
