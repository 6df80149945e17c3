package runtime

import (
	"time"

	"vme50-tui/cgroup"
)

// Sample reads the container's cgroup every interval, from now until the
// container has ended, and calls fn with each reading, on a goroutine of
// its own. Call it after a successful Start (before it, the container
// never ends, and neither would the sampler). The first reading is taken at once; the last one is the final
// reading of Result.Stats, taken after the container's last process died.
// A reading that fails (the cgroup is being removed) is skipped. The
// returned channel is closed after the last call to fn.
//
// Every reading also feeds the kernel log's events (Container.Stats).
func (c *Container) Sample(interval time.Duration, fn func(cgroup.Stats)) <-chan struct{} {
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		tick := time.NewTicker(interval)
		defer tick.Stop()
		// Each reading once, in order: after the end, Stats returns the
		// final reading, which the loop may meet twice.
		var fresh cgroup.Fresh
		send := func(st cgroup.Stats) {
			if fresh.Take(st) {
				fn(st)
			}
		}
		for {
			if st, err := c.Stats(); err == nil {
				send(st)
			}
			select {
			case <-c.Done():
				send(c.Wait().Stats)
				return
			case <-tick.C:
			}
		}
	}()
	return finished
}
