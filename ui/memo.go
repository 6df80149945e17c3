package ui

// The app calls View on every message: every key, every burst of terminal
// output, every sampler tick. Most of those change nothing on screen, so
// each component keeps its last drawing and draws again only when
// something it depends on has changed.

// memoOf keeps the last output of a render function together with the key
// it was made from: everything the output depends on, as one comparable
// value (a struct of sizes, counters and strings, or a string). The same
// key gives the kept output without calling render.
//
// Only the last output is kept: a screen is drawn again and again at the
// same size and state, rarely back and forth between two.
type memoOf[K comparable] struct {
	key K
	out string
	ok  bool // out was made from key (the zero key is a key too)
}

// get returns the output for key, calling render only when key differs
// from the last one.
func (m *memoOf[K]) get(key K, render func() string) string {
	if !m.ok || m.key != key {
		m.key, m.out, m.ok = key, render(), true
	}
	return m.out
}
