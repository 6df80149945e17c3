package conformance

// xvtKnown are the streams where github.com/charmbracelet/x/vt v0.1.0, the
// pane's first emulator, shows something other than tmux (and xterm):
// what this suite found in it, the reason for ui/vterm.
var xvtKnown = map[string]string{
	"attributes":          "SGR 21 (double underline) is ignored",
	"emoji":               "a flag and a skin tone are one cell (grapheme clusters), where tmux 3.3a keeps a cell per character",
	"wide":                "a wide character that does not fit in the last column is lost instead of wrapping to the next row",
	"scroll-region":       "after IL and DL inside a scroll region the row written after IL is one row lower and r4 is gone",
	"erase":               "ED 1 on the first row erases the whole row, not up to the cursor",
	"alternate-47":        "modes 47 and 1047 (the alternate screen without saving the cursor) are ignored",
	"save-restore-cursor": "CSI s and CSI u (save and restore the cursor) are ignored",
	"insert-mode":         "insert mode (IRM, CSI 4 h) is ignored: characters overwrite",
	"index-nel":           "NEL (ESC E) is ignored",
	"erase-scrollback":    "ED 3 (erase the scrollback) erases the screen too",
	"resize-shrink":       "fewer rows cut the rows below instead of moving the rows above the cursor off the top (the pane, while on x/vt, worked round it)",
}
