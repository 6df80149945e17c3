package cgroup

import (
	"testing"
	"time"
)

// Fresh takes readings newer than all before, once each: a late one and
// the same one twice are dropped.
func TestFresh(t *testing.T) {
	t0 := time.Unix(1000, 0)
	var f Fresh
	for _, c := range []struct {
		at   time.Duration
		want bool
	}{{0, true}, {250 * time.Millisecond, true}, {250 * time.Millisecond, false}, {100 * time.Millisecond, false}, {time.Second, true}} {
		if got := f.Take(Stats{Time: t0.Add(c.at)}); got != c.want {
			t.Errorf("at %v: %v, want %v", c.at, got, c.want)
		}
	}
}
