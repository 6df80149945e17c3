package ui

// Replay plays a recording back on the panels the live screen draws: each
// row of the CSV is pushed into a Readings as the sampler pushed it when it
// was read, with the events of its row, so the graphs, the flashes and
// the marks are the ones the class saw (vme50-tui replay FILE.csv).
//
// The panels only grow forwards, as they do live; a step back replays
// the recording from the newest copy of the readings kept before the row
// (replay_checkpoint.go): checkpointEvery rows at most, whatever the
// length of the recording (BenchmarkReplaySeekBack), a keystroke's cost.

import (
	"slices"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"vme50-tui/cgroup"
	"vme50-tui/record"
	"vme50-tui/runtime"
)

// replaySpeeds are the speeds + and - step through: 1x is the pace the
// recording was read at.
var replaySpeeds = []float64{0.25, 0.5, 1, 2, 4, 8, 16}

// ReplayKeys are the replay's keys: its help line lists them, and
// `replay --help` (replay.go at the top) says them in words.
type ReplayKeys struct {
	Play, Step, Back, Forward, Rewind, Start, End, Faster, Slower, Quit key.Binding
}

// DefaultReplayKeys are the keys of a replay.
func DefaultReplayKeys() ReplayKeys {
	return ReplayKeys{
		Play:    key.NewBinding(key.WithKeys("space"), key.WithHelp("space", "play/pause")),
		Step:    key.NewBinding(key.WithKeys("right"), key.WithHelp("→", "next reading")),
		Back:    key.NewBinding(key.WithKeys("left"), key.WithHelp("←", "reading before")),
		Forward: key.NewBinding(key.WithKeys("shift+right", "pgdown"), key.WithHelp("shift+→", "10% on")),
		Rewind:  key.NewBinding(key.WithKeys("shift+left", "pgup"), key.WithHelp("shift+←", "10% back")),
		Start:   key.NewBinding(key.WithKeys("home"), key.WithHelp("home", "start")),
		End:     key.NewBinding(key.WithKeys("end"), key.WithHelp("end", "end")),
		Faster:  key.NewBinding(key.WithKeys("+", "="), key.WithHelp("+", "faster")),
		Slower:  key.NewBinding(key.WithKeys("-"), key.WithHelp("-", "slower")),
		Quit:    key.NewBinding(key.WithKeys("q", "ctrl+c"), key.WithHelp("q", "quit")),
	}
}

// Replay is the Bubble Tea model of a recording played back.
type Replay struct {
	name    string // the file, as given
	note    string // what was wrong with it but could be played (a last line cut short)
	samples []record.Sample
	events  bool // the recording has the events column (older ones do not)
	files   cgroup.Files
	version cgroup.Version

	panels *Panels
	// checkpoints are copies of the readings every checkpointEvery
	// rows, oldest first, for a step back; pushed counts the rows
	// pushed, for the tests.
	checkpoints []checkpoint
	pushed      int
	pos         int       // the row shown last: the panels hold rows 0..pos
	now         time.Time // the flash clock: the time of the row shown last

	playing bool
	speed   int // index in replaySpeeds
	gen     int // counts the plays and seeks: a tick of an older one is dropped

	keys          ReplayKeys
	width, height int
}

// NewReplay plays rec, read from the file name; note is shown in the
// status line until the first key (a warning about the file). It starts
// at the first row, playing at 1x.
func NewReplay(name string, rec *record.Recording, note string) *Replay {
	v, _ := rec.Version()
	r := &Replay{
		// The name and the note come from the file (a recording anyone
		// may have made and named): shown as the terminal should show
		// them, nothing it acts on.
		name: runtime.Printable(name), note: runtime.Printable(note), samples: rec.Samples,
		events:  slices.Contains(rec.Columns, "events"),
		files:   rec.Files(),
		version: v,
		speed:   slices.Index(replaySpeeds, 1),
		keys:    DefaultReplayKeys(),
		playing: true,
	}
	r.seek(0)
	return r
}

// replayTickMsg moves a playing replay one row on; gen names the play it
// belongs to.
type replayTickMsg struct{ gen int }

func (r *Replay) Init() tea.Cmd { return r.tick() }

// tick waits as long as the recording did between the row shown and the
// next, at the speed chosen.
func (r *Replay) tick() tea.Cmd {
	if !r.playing || r.pos >= len(r.samples)-1 {
		return nil
	}
	gap := r.samples[r.pos+1].At - r.samples[r.pos].At
	wait := max(time.Duration(float64(gap)/replaySpeeds[r.speed]), 5*time.Millisecond)
	gen := r.gen
	return tea.Tick(wait, func(time.Time) tea.Msg { return replayTickMsg{gen: gen} })
}

func (r *Replay) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		r.width, r.height = msg.Width, msg.Height
		r.panels.SetSize(r.panelsSize())
	case replayTickMsg:
		if msg.gen != r.gen || !r.playing {
			return r, nil
		}
		r.seek(r.pos + 1)
		if r.pos >= len(r.samples)-1 {
			r.playing = false // at the end: space plays it again from the start
		}
		return r, r.tick()
	case tea.KeyPressMsg:
		r.note = ""
		return r, r.key(msg)
	}
	return r, nil
}

// key does what a key asks. Stepping and seeking pause the play: a class
// looks at the moment it went to.
func (r *Replay) key(msg tea.KeyPressMsg) tea.Cmd {
	last := len(r.samples) - 1
	tenth := max(len(r.samples)/10, 1)
	switch {
	case key.Matches(msg, r.keys.Quit):
		return tea.Quit
	case key.Matches(msg, r.keys.Play):
		r.playing = !r.playing
		if r.playing && r.pos >= last {
			r.seek(0)
		}
		r.gen++
		return r.tick()
	case key.Matches(msg, r.keys.Faster):
		r.speed = min(r.speed+1, len(replaySpeeds)-1)
	case key.Matches(msg, r.keys.Slower):
		r.speed = max(r.speed-1, 0)
	case key.Matches(msg, r.keys.Step):
		r.pauseAt(r.pos + 1)
	case key.Matches(msg, r.keys.Back):
		r.pauseAt(r.pos - 1)
	case key.Matches(msg, r.keys.Forward):
		r.pauseAt(r.pos + tenth)
	case key.Matches(msg, r.keys.Rewind):
		r.pauseAt(r.pos - tenth)
	case key.Matches(msg, r.keys.Start):
		r.pauseAt(0)
	case key.Matches(msg, r.keys.End):
		r.pauseAt(last)
	}
	return nil
}

func (r *Replay) pauseAt(i int) {
	r.playing = false
	r.gen++
	r.seek(i)
}

// seek shows the rows up to i: on from the row shown, or, backwards, on
// from the newest checkpoint before it in fresh panels.
func (r *Replay) seek(i int) {
	i = min(max(i, 0), max(len(r.samples)-1, 0))
	from := r.pos + 1
	if r.panels == nil || i < r.pos {
		from = r.restore(i)
	}
	for j := from; j <= i && j < len(r.samples); j++ {
		s := r.samples[j]
		r.now = s.Stats.Time
		if r.events {
			r.panels.PushRecorded(s.Stats, s.Events)
		} else {
			r.panels.Push(s.Stats) // an older recording: the readings find what they can
		}
		r.pushed++
		r.keepCheckpoint(j)
	}
	r.pos = i
}

// Pos is the row shown last (0: the first), and Len the number of rows.
func (r *Replay) Pos() int { return r.pos }
func (r *Replay) Len() int { return len(r.samples) }

// Playing tells whether the replay moves on by itself.
func (r *Replay) Playing() bool { return r.playing }

// Speed is how many times faster than it was recorded the replay plays.
func (r *Replay) Speed() float64 { return replaySpeeds[r.speed] }
