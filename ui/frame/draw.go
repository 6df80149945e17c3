package frame

import (
	"bytes"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	uv "github.com/charmbracelet/ultraviolet"
	"github.com/charmbracelet/x/ansi"
)

// drawer turns views into the bytes that change the terminal from the last
// frame to this one. Everything but send runs on Bubble Tea's event loop.
type drawer struct {
	now  func() time.Time
	send func([]byte) // to the writer; set by Run

	buf  uv.ScreenBuffer      // the frame being drawn
	scr  *uv.TerminalRenderer // what the terminal shows, and the diff to it
	out  bytes.Buffer         // scr's output for one frame
	last *tea.View            // the last view drawn; nil: none yet
	rows []string             // its content's lines, one a row; nil: buf holds no frame
	size struct{ w, h int }   // the terminal's
	at   time.Time            // when the last frame was drawn

	dirty    bool          // a message came since the last frame
	timerSet bool          // a frameDue is on its way
	writing  bool          // the writer has a frame it has not finished
	syncd    bool          // the terminal knows mode 2026: frames go as one update
	style    int           // the cursor's DECSCUSR number we set; 0: the terminal's own
	mouse    tea.MouseMode // the mouse reporting we set
}

func newDrawer(profile colorprofile.Profile, env []string, now func() time.Time) *drawer {
	d := &drawer{now: now, buf: uv.NewScreenBuffer(0, 0)}
	d.scr = uv.NewTerminalRenderer(&d.out, env)
	d.scr.SetColorProfile(profile)
	d.scr.SetFullscreen(true)      // the alternate screen is ours, every cell of it
	d.scr.SetRelativeCursor(false) // so moves can be absolute
	// Cursor moves by CUP and plain relative moves, not also tried with
	// hard tabs and backspaces: each move was tried four ways, the
	// renderer's largest cost in an idle frame.
	d.scr.SetTabStops(-1)
	d.scr.SetBackspace(false)
	// No scroll optimization: the screen's rows are panels beside the
	// pane, never a whole row moving up, and it hashed every row of the
	// screen at each frame (uv hashes any row it has seen touched once).
	d.scr.SetScrollOptim(false)
	return d
}

// start is what the terminal gets before the first frame: the alternate
// screen, no cursor until a view places one, bracketed paste, the
// keyboard as Bubble Tea sets it (modifyOtherKeys and the kitty
// protocol's disambiguation, so ctrl+i is not tab), and the question
// whether it knows synchronized output (mode 2026).
func (d *drawer) start() string {
	d.scr.SaveCursor()
	d.scr.Erase()
	return ansi.SetModeAltScreenSaveCursor + ansi.ResetModeTextCursorEnable +
		ansi.SetModeBracketedPaste +
		ansi.SetModifyOtherKeys2 + ansi.PushKittyKeyboard(1) + ansi.RequestKittyKeyboard +
		ansi.RequestModeSynchronizedOutput
}

// end undoes start and whatever the last view set, leaving the terminal
// as it was before start.
func (d *drawer) end() string {
	s := ansi.ResetModifyOtherKeys + ansi.PopKittyKeyboard(1)
	if d.mouse != tea.MouseModeNone {
		s += mouseMode(tea.MouseModeNone)
	}
	if d.style != 0 {
		s += ansi.SetCursorStyle(0)
	}
	return s + ansi.ResetModeBracketedPaste + ansi.SetModeTextCursorEnable +
		ansi.ResetModeAltScreenSaveCursor
}

// resize makes the next frame a whole one at the new size: the terminal
// may have moved or wrapped what it showed.
func (d *drawer) resize(w, h int) {
	d.size.w, d.size.h = w, h
	d.scr.Resize(w, h)
	d.scr.Erase()
	d.last, d.rows = nil, nil
}

// draw draws a frame of inner's view if one is wanted and allowed now. If
// one is wanted but comes too soon after the last, it returns the command
// that brings frameDue when it is allowed; otherwise nil.
func (d *drawer) draw(inner tea.Model) tea.Cmd {
	if !d.dirty || d.writing || d.timerSet || d.size.w <= 0 || d.size.h <= 0 {
		// Nothing new; or frameWritten, frameDue or the window's size will
		// call again.
		return nil
	}
	now := d.now()
	if wait := Interval - now.Sub(d.at); wait > 0 {
		d.timerSet = true
		return tea.Tick(wait, func(time.Time) tea.Msg { return frameDue{} })
	}
	d.dirty = false
	d.at = now
	v := inner.View()
	if b := d.frame(&v); len(b) > 0 {
		d.writing = true
		d.send(b)
	}
	return nil
}

// frame is the bytes that bring the terminal from the last view to v:
// none when v is the last view again.
func (d *drawer) frame(v *tea.View) []byte {
	if d.last != nil && same(d.last, v) {
		return nil
	}
	d.out.Reset()
	if v.MouseMode != d.mouse {
		d.out.WriteString(mouseMode(v.MouseMode))
		d.mouse = v.MouseMode
	}
	if cs := cursorStyle(v.Cursor); cs != d.style {
		d.out.WriteString(ansi.SetCursorStyle(cs))
		d.style = cs
	}
	d.drawContent(v.Content)
	d.scr.Render(d.buf.RenderBuffer)
	if c := v.Cursor; c != nil {
		// After Render: drawing moves the cursor.
		d.scr.MoveTo(c.X, c.Y)
	}
	_ = d.scr.Flush() // into d.out, which does not fail

	// The cursor hidden while the frame is drawn, so it is never seen
	// jumping about; shown again where the view puts it, if it does.
	var b bytes.Buffer
	if d.syncd {
		b.WriteString(ansi.SetModeSynchronizedOutput)
	}
	b.WriteString(ansi.ResetModeTextCursorEnable)
	b.Write(d.out.Bytes())
	if v.Cursor != nil {
		b.WriteString(ansi.SetModeTextCursorEnable)
	}
	if d.syncd {
		b.WriteString(ansi.ResetModeSynchronizedOutput)
	}
	d.last = v
	return b.Bytes()
}

// drawContent puts content in buf. Only the rows whose text changed are
// drawn again, and only those are left touched for the diff: a frame in
// which one number changed costs one row, not the whole screen (drawing
// and diffing all of a 200x50 screen took ~3 ms, for an idle container's
// one change a second). Rows are drawn alone only when every row before
// leaves no style open: otherwise a row's look depends on the rows above
// it, and the whole content is drawn again.
func (d *drawer) drawContent(content string) {
	w, h := d.size.w, d.size.h
	lines := strings.SplitN(content, "\n", h+1)
	if len(lines) > h {
		lines = lines[:h] // past the screen's last row: not drawn
	}
	if d.rows == nil || d.buf.Width() != w || d.buf.Height() != h || !allClean(lines) {
		if d.buf.Width() != w || d.buf.Height() != h {
			d.buf.Resize(w, h)
		}
		d.buf.Clear()
		uv.NewStyledString(content).Draw(d.buf, d.buf.Bounds())
		// A row that starts with a style left open above it is kept as
		// not drawn alone: it must be drawn again when its text is next
		// seen alone, even unchanged.
		clean := true
		for y, l := range lines {
			if !clean {
				lines[y] = notAlone
			}
			clean = clean && cleanLine(l)
		}
	} else {
		for y := range h {
			var line, was string
			if y < len(lines) {
				line = lines[y]
			}
			if y < len(d.rows) {
				was = d.rows[y]
			}
			if line != was {
				uv.NewStyledString(line).Draw(d.buf, uv.Rect(0, y, w, 1))
			}
		}
	}
	d.rows = lines
}

// notAlone stands in rows for a row drawn after a row that left a style
// open; no line of a view is equal to it.
const notAlone = "\x00"

// allClean says whether each line but the last leaves no style or link
// open for the next.
func allClean(lines []string) bool {
	for _, l := range lines[:max(len(lines)-1, 0)] {
		if !cleanLine(l) {
			return false
		}
	}
	return true
}

// cleanLine says whether line leaves the pen as it found it at the line's
// start, the default: it has no escape sequence, or its last one is an
// SGR reset and it opens no hyperlink (an OSC; a reset does not close
// one).
func cleanLine(line string) bool {
	i := strings.LastIndexByte(line, ansi.ESC)
	if i < 0 {
		return true
	}
	rest := line[i:]
	return (strings.HasPrefix(rest, "\x1b[m") || strings.HasPrefix(rest, "\x1b[0m")) &&
		!strings.Contains(line, "\x1b]")
}

// same says whether two views draw the same frame.
func same(a, b *tea.View) bool {
	if a.Content != b.Content || a.MouseMode != b.MouseMode || (a.Cursor == nil) != (b.Cursor == nil) {
		return false
	}
	return a.Cursor == nil || (a.Cursor.Position == b.Cursor.Position &&
		a.Cursor.Shape == b.Cursor.Shape && a.Cursor.Blink == b.Cursor.Blink)
}

// mouseMode is the sequence that sets the terminal's mouse reporting to m.
func mouseMode(m tea.MouseMode) string {
	switch m {
	case tea.MouseModeCellMotion:
		return ansi.ResetModeMouseAnyEvent + ansi.SetModeMouseButtonEvent + ansi.SetModeMouseExtSgr
	case tea.MouseModeAllMotion:
		return ansi.ResetModeMouseButtonEvent + ansi.SetModeMouseAnyEvent + ansi.SetModeMouseExtSgr
	}
	return ansi.ResetModeMouseButtonEvent + ansi.ResetModeMouseAnyEvent + ansi.ResetModeMouseExtSgr
}

// cursorStyle is DECSCUSR's number for c's shape; 0, the terminal's own,
// for a blinking block (what a program gets unless it asks) or no cursor.
func cursorStyle(c *tea.Cursor) int {
	if c == nil {
		return 0
	}
	n := int(c.Shape)*2 + 1 // block 1, underline 3, bar 5: blinking
	if !c.Blink {
		n++
	}
	if n == 1 {
		return 0
	}
	return n
}
