package runtime

import (
	"testing"

	"vme50-tui/hog"
	"vme50-tui/runtime/initproc"
)

// Init does not link package hog (it imports cgroup), so it names
// vme50-hog's command and cache file itself: the names must agree, or
// the container's vme50-hog would be bound where no PATH finds it.
func TestInitNamesAgreeWithHog(t *testing.T) {
	if initproc.HogName != hog.Name {
		t.Errorf("initproc.HogName = %q, hog.Name = %q", initproc.HogName, hog.Name)
	}
	if initproc.HogCachePath != hog.CachePath {
		t.Errorf("initproc.HogCachePath = %q, hog.CachePath = %q", initproc.HogCachePath, hog.CachePath)
	}
}
