//go:build !linux

package hog

import (
	"fmt"
	goruntime "runtime"
	"time"
)

// forkChild needs Linux's raw clone(2) (child_linux.go). Elsewhere the
// cpu and fork workloads say so; the package still builds, for the tests
// of what is not about the kernel.
func forkChild(childWork, time.Time) (int, error) {
	return -1, fmt.Errorf("the cpu and fork workloads need Linux, not %s", goruntime.GOOS)
}
