package runtime

import "vme50-tui/runtime/initproc"

// ExecInit is an exec's helper's whole life (initproc.ExecInit): it stays
// in vme50-tui's binary, which runs it from readOnlySelf.
func ExecInit() { initproc.ExecInit() }

// Init is the container's init in vme50-tui's own binary ("vme50-tui
// init"): what runs when the small one, cmd/vme50-init, is not built in
// (a plain go build; initbin.go).
func Init() { initproc.Init() }
