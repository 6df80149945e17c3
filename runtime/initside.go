package runtime

import "vme50-tui/runtime/initproc"

// What the parent shares with init (package initproc), under the names
// the parent side has always used.

// StartError is a container that failed before its command ran: init
// could not build it (Code 125), or the command cannot be executed (126) or
// found (127). Code is the exit status the CLI gives.
type StartError = initproc.StartError

type (
	initConfig    = initproc.Config
	fileID        = initproc.FileID
	overlay       = initproc.Overlay
	statusMessage = initproc.StatusMessage
)
