package vterm

// intern is the style index of p. When 65,536 different styles have been
// used (a rainbow of truecolour output can get there), the table is
// rebuilt with only the styles cells still use; if even that is full, the
// text is drawn in the default style rather than the memory growing.
func (t *Terminal) intern(p pen) uint16 {
	// A small cache in front of the map: a flood repeats a few pens.
	slot := &t.penCache[p.hash()%uint32(len(t.penCache))]
	if slot.ok && slot.p == p {
		return slot.id
	}
	id, ok := t.styles.id(p)
	if !ok {
		t.compactStyles()
		id, _ = t.styles.id(p)
	}
	*slot = penCacheEntry{p: p, id: id, ok: true}
	return id
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
				id, _ = t.styles.id(old.pens[c.style])
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
	t.penID, _ = t.styles.id(t.pen)
	t.eraseID, _ = t.styles.id(pen{bg: t.pen.bg})
}
