//go:build !linux

package hog

import (
	"os"
	goruntime "runtime"
)

// diskBacked: page cache charged to a memory cgroup is Linux's.
func diskBacked(*os.File) (bool, string) {
	return false, "a system that is not Linux (" + goruntime.GOOS + ")"
}

func readRandomly(*os.File) {}

func inMemory(*os.File, uint64) (uint64, bool) { return 0, false }
