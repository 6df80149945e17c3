package runtime

// initPids is pids.max while init runs, when the container's own limit is
// lower: init is a Go program, whose threads are tasks too (5 or 6 of
// them at most here), and it dies when one is refused. The container's
// limit is then written once init holds before its exec (Config.HoldExec,
// initproc/holdexec_linux.go), before the command exists. Any higher
// limit is written before the clone, as every other limit is.
const initPids = 16

// holdsExec tells whether a container limited to pidsMax processes (0:
// no limit) needs that hold.
func holdsExec(pidsMax uint64) bool { return pidsMax != 0 && pidsMax < initPids }
