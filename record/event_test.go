package record

import (
	"reflect"
	"testing"
)

func TestEventsRoundTrip(t *testing.T) {
	events := []Event{
		{Kind: EventOOMKill, Detail: "vme50-hog pid 7 anon-rss 63.2 MiB"},
		{Kind: EventLimit, Detail: "memory.max 32.0 MiB"},
		{Kind: EventPause},
	}
	field := FormatEvents(events)
	if want := "oom_kill vme50-hog pid 7 anon-rss 63.2 MiB; limit memory.max 32.0 MiB; pause"; field != want {
		t.Fatalf("FormatEvents = %q, want %q", field, want)
	}
	if got := ParseEvents(field); !reflect.DeepEqual(got, events) {
		t.Fatalf("ParseEvents(%q) = %v, want %v", field, got, events)
	}
}

func TestEventDetailCannotSplitTheField(t *testing.T) {
	// A process may name itself anything: its name must not make two events.
	field := FormatEvents([]Event{{Kind: EventOOMKill, Detail: "a; exit\nstatus 0"}})
	got := ParseEvents(field)
	if len(got) != 1 || got[0].Kind != EventOOMKill || got[0].Detail != "a, exit status 0" {
		t.Fatalf("ParseEvents(%q) = %v, want one oom_kill", field, got)
	}
}
