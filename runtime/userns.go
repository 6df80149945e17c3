package runtime

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
)

// A user namespace renumbers users: uid 0 inside, the container's root,
// is an unprivileged uid outside, say 1000000000. Its capabilities count only
// for what its namespaces own (its mounts, its hostname, its network);
// towards the host's files and the host's kernel it is a nobody. A root
// that breaks out of everything else is still no one on the host.
//
// The cost shows in the rootfs: its files belong to the host's root,
// unmapped here, so the container sees them owned by nobody (65534), and
// its root may read them but not change them.

// IDMap maps the container's ids 0..Size-1 to the host's HostID..HostID+Size-1,
// for users and for groups alike.
type IDMap struct {
	HostID int
	Size   int
}

func (m IDMap) String() string { return fmt.Sprintf("0 %d %d", m.HostID, m.Size) }

// defaultHostID starts the range when /etc/subuid gives root none: in
// systemd's span for containers (524288-1879048191), far above the ranges
// useradd hands out to users' own containers (100000 up to 600100000),
// which must not be ours: their owner could signal our container's
// processes and write its files.
const defaultHostID = 1000000000

// UserNSRange is the host range for the containers' ids: root's line in
// /etc/subuid and /etc/subgid (the files that hand out such ranges, as
// `root:100000:65536`) when both give the same one; else 65536 ids from
// 1000000000 on, moved up past any range those files give anyone.
func UserNSRange() IDMap { return userNSRange("/etc/subuid", "/etc/subgid") }

func userNSRange(subuid, subgid string) IDMap {
	uids, gids := subIDEntries(subuid), subIDEntries(subgid)
	u, uok := rootRange(uids)
	g, gok := rootRange(gids)
	if uok && gok && u == g {
		return u
	}
	m := IDMap{HostID: defaultHostID, Size: 65536}
	for slices.ContainsFunc(slices.Concat(uids, gids), func(e subIDEntry) bool { return m.overlaps(e.ids) }) {
		m.HostID += m.Size
	}
	return m
}

func (m IDMap) overlaps(o IDMap) bool {
	return m.HostID < o.HostID+o.Size && o.HostID < m.HostID+m.Size
}

// subIDEntry is one line of a subuid/subgid file: user:start:count.
type subIDEntry struct {
	user string
	ids  IDMap
}

// subIDEntries reads a subuid/subgid file; a missing one has none.
func subIDEntries(file string) []subIDEntry {
	f, err := os.Open(file)
	if err != nil {
		return nil
	}
	defer f.Close()
	var out []subIDEntry
	lines := bufio.NewScanner(f)
	for lines.Scan() {
		fields := strings.Split(strings.TrimSpace(lines.Text()), ":")
		if len(fields) != 3 {
			continue
		}
		start, err1 := strconv.Atoi(fields[1])
		size, err2 := strconv.Atoi(fields[2])
		if err1 == nil && err2 == nil && start > 0 && size > 0 {
			out = append(out, subIDEntry{fields[0], IDMap{HostID: start, Size: size}})
		}
	}
	return out
}

// rootRange is root's first range of at least 65536 ids, its first 65536.
func rootRange(entries []subIDEntry) (IDMap, bool) {
	for _, e := range entries {
		if (e.user == "root" || e.user == "0") && e.ids.Size >= 65536 {
			return IDMap{HostID: e.ids.HostID, Size: 65536}, true
		}
	}
	return IDMap{}, false
}

// reachableBy checks that the user uid, in group gid and no other, can
// look up dir: every directory on the way lets it search, as its owner,
// its group or one of the others.
func reachableBy(dir string, uid, gid int) error {
	for d := dir; ; d = filepath.Dir(d) {
		st, err := os.Stat(d)
		if err != nil {
			return err
		}
		perm := st.Mode().Perm()
		search := perm & 0o001
		if sys, ok := st.Sys().(*syscall.Stat_t); ok {
			switch {
			case int(sys.Uid) == uid:
				search = perm & 0o100
			case int(sys.Gid) == gid:
				search = perm & 0o010
			}
		}
		if search == 0 {
			return fmt.Errorf("%s is mode %o (uid %d may not enter it)", d, perm, uid)
		}
		if d == "/" {
			return nil
		}
	}
}
