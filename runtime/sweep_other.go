//go:build !linux

package runtime

// Without Linux there is no bridge network to sweep.
func networkLeftovers(deadOwner bool, liveIDs []string) bool { return false }
