package hog

// childWork is what a child of the cpu and fork workloads does until its
// deadline (child_linux.go makes the children).
type childWork int

const (
	childSleeps childWork = iota // wait, taking no CPU: the fork bomb
	childSpins                   // run, taking all the CPU it is given
)
