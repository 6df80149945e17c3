// Package initbin carries vme50-init, the small init program
// (cmd/vme50-init), inside vme50-tui's binary. make build (and the kernel
// tests' build, e2e/main_test.go) builds it into bin/ first; a plain go
// build of a fresh clone finds only bin/README, and Open then finds
// nothing: vme50-tui runs its own binary as init, slower to start, same
// container.
package initbin

import (
	"embed"
	"io/fs"
)

//go:embed bin
var files embed.FS

// Name is the file the builds put into bin/.
const Name = "vme50-init"

// Open opens vme50-init's executable, or fails when the build did not
// put one in. (Read when needed, never at package init: every vme50-tui
// process would copy its 2 MB.)
func Open() (fs.File, error) { return files.Open("bin/" + Name) }
