package ui

import "charm.land/bubbles/v2/key"

// keyMap holds the app's own keys. In the container screen every key goes
// to the container, except the prefix ctrl+g: the key after it is one of
// ours. (tmux and screen do the same, with ctrl+b and ctrl+a.)
type keyMap struct {
	Prefix  key.Binding
	Quit    key.Binding
	New     key.Binding
	Kill    key.Binding
	Next    key.Binding
	Switch  key.Binding
	Panels  key.Binding
	Help    key.Binding
	Restart key.Binding
	Close   key.Binding
	Confirm key.Binding
	Lessons key.Binding
	Compare key.Binding
	Log     key.Binding
	// A running container's limits: the editor, and one step of memory
	// or CPU quota per key (the steps are limits.go's).
	Limits     key.Binding
	MemoryDown key.Binding
	MemoryUp   key.Binding
	QuotaDown  key.Binding
	QuotaUp    key.Binding
	// Every container on the host, and a shell exec'd into this one.
	Host key.Binding
	Exec key.Binding
	// The cgroup freezer on this container: pause, and resume.
	Freeze key.Binding
	// The container's processes, and presenter mode: one panel on the
	// whole screen, and the display (not the container) held still.
	Procs key.Binding
	Zoom  key.Binding
	Still key.Binding
}

func newKeyMap() keyMap {
	return keyMap{
		Prefix:  key.NewBinding(key.WithKeys("ctrl+g"), key.WithHelp("ctrl+g", "prefix")),
		Quit:    key.NewBinding(key.WithKeys("q"), key.WithHelp("q", "quit")),
		New:     key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "new container")),
		Kill:    key.NewBinding(key.WithKeys("k"), key.WithHelp("k", "kill")),
		Next:    key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "next")),
		Switch:  key.NewBinding(key.WithKeys("1", "2", "3", "4", "5", "6", "7", "8", "9"), key.WithHelp("1-9", "switch")),
		Panels:  key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "panels")),
		Help:    key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
		Restart: key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "restart")),
		Close:   key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "close tab")),
		Confirm: key.NewBinding(key.WithKeys("y", "Y"), key.WithHelp("y", "yes")),
		Lessons: key.NewBinding(key.WithKeys("l"), key.WithHelp("l", "lessons")),
		Compare: key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "compare all")),
		Log:     key.NewBinding(key.WithKeys("j"), key.WithHelp("j", "kernel log")),

		Limits:     key.NewBinding(key.WithKeys("u"), key.WithHelp("u", "change limits")),
		MemoryDown: key.NewBinding(key.WithKeys("-"), key.WithHelp("-", memoryDownHelp)),
		MemoryUp:   key.NewBinding(key.WithKeys("+", "="), key.WithHelp("+", memoryUpHelp)),
		QuotaDown:  key.NewBinding(key.WithKeys("["), key.WithHelp("[", quotaDownHelp)),
		QuotaUp:    key.NewBinding(key.WithKeys("]"), key.WithHelp("]", quotaUpHelp)),

		Host: key.NewBinding(key.WithKeys("h"), key.WithHelp("h", "host view")),
		Exec: key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "exec a shell")),

		Freeze: key.NewBinding(key.WithKeys("f"), key.WithHelp("f", "freeze/thaw")),

		Procs: key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "processes")),
		Zoom:  key.NewBinding(key.WithKeys("z"), key.WithHelp("z", "zoom a panel")),
		Still: key.NewBinding(key.WithKeys("space"), key.WithHelp("space", "hold the display")),
	}
}

// prefixed is how a binding that follows the prefix shows in the help.
func prefixed(b key.Binding) key.Binding {
	h := b.Help()
	return key.NewBinding(key.WithKeys(b.Keys()...), key.WithHelp("^g "+h.Key, h.Desc))
}

// ShortHelp is the help bar: always the prefix, and what follows it.
func (k keyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Prefix, prefixed(k.Quit), prefixed(k.New), prefixed(k.Kill),
		prefixed(k.Switch), prefixed(k.Lessons), prefixed(k.Compare), prefixed(k.Log), prefixed(k.Help)}
}

// FullHelp is the ? screen.
func (k keyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Prefix, prefixed(k.Quit), prefixed(k.New), prefixed(k.Kill), prefixed(k.Freeze)},
		{prefixed(k.Next), prefixed(k.Switch), prefixed(k.Panels), prefixed(k.Zoom), prefixed(k.Still), prefixed(k.Help)},
		{prefixed(k.Lessons), prefixed(k.Compare), prefixed(k.Log), prefixed(k.Procs), prefixed(k.Host), prefixed(k.Exec)},
		{prefixed(k.Limits), prefixed(k.MemoryDown), prefixed(k.MemoryUp), prefixed(k.QuotaDown), prefixed(k.QuotaUp)},
		{k.Restart, k.Close},
		DefaultPaneKeyMap().ShortHelp(), // scrolling back
	}
}

// endedKeys are the keys of a tab whose container has ended: it takes no
// keys itself any more, so these need no prefix.
type endedKeys struct{ k keyMap }

func (e endedKeys) ShortHelp() []key.Binding {
	return []key.Binding{e.k.Restart, e.k.Close, e.k.Prefix, prefixed(e.k.Quit), prefixed(e.k.New),
		prefixed(e.k.Lessons), prefixed(e.k.Log), prefixed(e.k.Help)}
}

func (e endedKeys) FullHelp() [][]key.Binding { return [][]key.Binding{e.ShortHelp()} }

// attachedKeys are the keys of a container attached from elsewhere: no
// terminal takes keys, the commands are what it offers.
type attachedKeys struct{ k keyMap }

func (a attachedKeys) ShortHelp() []key.Binding {
	k := a.k
	return []key.Binding{k.Prefix, prefixed(k.Exec), prefixed(k.Limits), prefixed(k.Freeze), prefixed(k.Kill),
		prefixed(key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "close tab (it runs on)"))),
		prefixed(k.Host), prefixed(k.Switch), prefixed(k.Log), prefixed(k.Help)}
}

func (a attachedKeys) FullHelp() [][]key.Binding { return [][]key.Binding{a.ShortHelp()} }
