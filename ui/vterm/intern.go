package vterm

import "github.com/charmbracelet/x/ansi"

// intern is the style index of p. When 65,536 different styles have been
// used (a rainbow of truecolour output can get there), the table is
// rebuilt with only the styles cells still use (see internFull).
func (t *Terminal) intern(p pen) uint16 {
	// A small cache in front of the map: a flood repeats a few pens.
	slot := &t.penCache[p.hash()%uint32(len(t.penCache))]
	if slot.ok && slot.p == p {
		return slot.id
	}
	id, ok := t.styles.id(p)
	if !ok {
		id = t.internFull(p)
	}
	*slot = penCacheEntry{p: p, id: id, ok: true}
	return id
}

// internFull is the style index of a new pen p while the table is full.
// A compaction is a pass over every cell of both screens and the history
// (tens of milliseconds at 10,000 lines): when it frees little, because
// the cells still use nearly every style, doing it again for the next new
// pen would cost as much and free as little, and a lolcat-like output,
// a new colour every few bytes, would pin a core for minutes. So after a
// compaction that frees less than half the table, the next one waits for
// maxStyles more new pens (by then the screen and history have had time
// to move on): a compaction's cost is spread over at least half a table
// of new pens. Meanwhile new pens are drawn with their colours rounded
// to the 256-colour palette, which is close to the eye and likely in the
// table already; if even that is new and there is no room, the default
// style (the memory does not grow).
func (t *Terminal) internFull(p pen) uint16 {
	t.fullMisses++
	if t.fullMisses > t.compactWait {
		t.compactStyles()
		t.fullMisses, t.compactWait = 0, 0
		if free := maxStyles - quantisedRoom - len(t.styles.pens); free < maxStyles/2 {
			t.compactWait = maxStyles
		}
		if id, ok := t.styles.id(p); ok {
			return id
		}
	}
	id, _ := t.styles.add(p.quantised(), maxStyles)
	return id
}

// quantised is p with truecolours rounded to the 256-colour palette.
func (p pen) quantised() pen {
	p.fg, p.bg, p.ul = quantise(p.fg), quantise(p.bg), quantise(p.ul)
	return p
}

func quantise(c uint32) uint32 {
	if c&colourKind != colourRGB {
		return c
	}
	return colourIndexed | uint32(ansi.Convert256(unpackColour(c)))
}

type penCacheEntry struct {
	p  pen
	id uint16
	ok bool
}

func (p pen) hash() uint32 {
	return p.fg*2654435761 ^ p.bg*40503 ^ p.ul*97 ^ uint32(p.attrs)<<8 ^ uint32(p.under)
}

// compactStyles rebuilds the style table from the styles in use on both
// screens and in the history, and renumbers every cell.
func (t *Terminal) compactStyles() {
	old := t.styles
	t.styles = newStyleTable()
	clear(t.penCache[:])
	remap := make(map[uint16]uint16)
	renumber := func(l *line) {
		for i := range l.cells {
			c := &l.cells[i]
			id, ok := remap[c.style]
			if !ok {
				id, _ = t.styles.add(old.pens[c.style], maxStyles)
				remap[c.style] = id
			}
			c.style = id
		}
	}
	for _, s := range []*screen{t.main, t.alt} {
		for i := range s.lines {
			renumber(&s.lines[i])
		}
	}
	for i := range t.hist.n {
		renumber(t.hist.at(i))
	}
	t.penID, _ = t.styles.add(t.pen, maxStyles)
	t.eraseID, _ = t.styles.add(pen{bg: t.pen.bg}, maxStyles)
}
