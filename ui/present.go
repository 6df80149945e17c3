package ui

// Presenter mode's held display (ctrl+g space): the screen keeps the frame
// it showed when the key was pressed, to talk over it, while everything
// under it goes on: the container runs, the app reads its cgroup at every
// interval, records it and notes its events. ctrl+g space again shows the
// present. The tab bar and the bottom line stay live: the bottom line says
// that the display is held.

// stillStatus is the bottom line while the display is held.
const stillStatus = "display held, the container runs on (ctrl+g space: go on)"

// stillFrame is the frame the held display shows.
type stillFrame struct {
	on   bool
	body string // what lay between the tab bar and the bottom line
}

// toggleStill holds the display on what it shows now, or lets it go.
func (a *App) toggleStill() {
	if a.still.on {
		a.still = stillFrame{}
		return
	}
	body, _ := a.content()
	a.still = stillFrame{on: true, body: body}
}

// stillShown tells whether the held frame is on screen: among the
// containers, under no overlay but the bottom line's (the prefix, the
// quit question); the help, the menus and the host view show over it.
func (a *App) stillShown() bool {
	return a.still.on && a.mode == modeContainers &&
		(a.overlay == noOverlay || a.overlay == overlayPrefix || a.overlay == overlayQuit)
}
