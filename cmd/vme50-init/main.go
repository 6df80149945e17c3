// Command vme50-init is the container's init alone: package initproc and
// nothing else of vme50-tui, so that it starts in about half the time
// vme50-tui's own binary takes (its package inits: the UI's, the image
// puller's). make build builds it first and vme50-tui carries it
// (runtime/initbin), to run it from a sealed memfd at each start.
package main

import "vme50-tui/runtime/initproc"

func main() { initproc.Init() }
