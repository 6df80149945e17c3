// Package initproc is the container's init: the first process of the new
// namespaces, which builds the root (mounts, pivot_root), sets the
// hostname, brings up lo, drops capabilities, installs seccomp and execs
// the command. Package runtime, the parent side, starts it and speaks to
// it over two pipes: the Config in, the steps and the one error out.
//
// It imports nothing of vme50-tui's and little else (x/sys/unix,
// encoding/json, creack/pty), so that cmd/vme50-init, the small program
// that is only this, starts fast: every package a Go program links runs
// its init functions before main, and a container waits for each one
// (vme50-tui links 136 of them: the UI's, the image puller's; this program, 22).
package initproc

// Exit statuses of the CLI contract, for failures before the command runs
// (package runtime names them for its callers).
const (
	ExitRuntimeFailed = 125 // vme50 itself failed: bad flag, bad rootfs, cgroup error
	ExitCannotExec    = 126 // the command was found but cannot be executed
	ExitNotFound      = 127 // the command is not in the container's PATH
)

// HogName is the command name of the lessons' workloads (package hog's
// Name), bound into every container under HogDir; HogCachePath is the
// file of vme50-hog mem --cache (package hog's CachePath). Package hog
// imports cgroup, which init need not link: runtime's tests check that
// the names agree.
const (
	HogName      = "vme50-hog"
	HogDir       = "/tmp/.vme50/bin"
	HogCachePath = "/tmp/.vme50/cache"
)

// TmpPrefix marks the state directory's entries still being made: the
// sweep removes those older than a minute (init's page-cache file, should
// init die before it is bound).
const TmpPrefix = ".new-"
