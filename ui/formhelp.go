package ui

import (
	"fmt"
	goruntime "runtime"

	"vme50-tui/cgroup"
	"vme50-tui/runtime"
	"vme50-tui/runtime/rootfs"
)

// The start screen's help for the field in focus: what it becomes in the
// kernel on this host (the file a limit is written to, under this host's
// name for it), what it takes and its default, what it does, and what the
// original vme50-container meant by it (its `run` had --rootfs,
// --memory-limit, --cpu-shares and --hostname; it chrooted into the rootfs
// on the host's network, as root).

// fieldHelp is one field's help.
type fieldHelp struct {
	label    string // the field's title
	becomes  string // the kernel's file or call it becomes on this host
	forms    string // what it takes, and its default
	original string // what vme50-container meant by it
	meaning  string // what it does
}

// title is the help's title: "Memory limit → memory.max".
func (h fieldHelp) title() string {
	if h.becomes == "" {
		return h.label
	}
	return h.label + " → " + h.becomes
}

// lines are the help's paragraphs, the most needed first: a short screen
// shows the first ones.
func (h fieldHelp) lines() []string {
	var out []string
	for _, s := range []string{h.forms, h.original, h.meaning} {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// helpFor is the help of field k on a host whose files are files. The
// forms and the original's meaning are a line each on an 80-column
// screen, which shows only those two.
func helpFor(k fieldKey, files cgroup.Files) fieldHelp {
	v1 := files.MemoryHigh == "" // v1 has no memory.high
	switch k {
	case fieldRootfs:
		return fieldHelp{label: "Root filesystem", becomes: "pivot_root",
			forms:    "A directory; default " + rootfs.DefaultBusybox + " (ctrl+r makes it).",
			original: "vme50-container: --rootfs, the same, but it chrooted into it.",
			meaning: "It becomes the container's / with pivot_root, the host's root unmounted " +
				"under it; the Overlay field says where the writes go."}
	case fieldMemory:
		h := fieldHelp{label: "Memory limit", becomes: files.MemoryMax,
			forms:    "64M, 1.5G, 512k, 128MiB (powers of 1024); empty or max: none, the default.",
			original: "vme50-container: --memory-limit, the same (bytes into memory.max, v2 only).",
			meaning: "The most memory the group may hold. At the line the kernel reclaims page " +
				"cache, then its OOM killer kills a process: oom_kill in " + files.MemoryEvents + "."}
		if v1 {
			h.meaning += " memory.memsw.limit_in_bytes gets the same value: no swapping past it."
		}
		return h
	case fieldMemoryHigh:
		if v1 {
			return fieldHelp{label: "Memory high", becomes: "memory.high, cgroup v2 only",
				forms:    "This host runs cgroup v1, which has no soft limit: leave it empty.",
				original: "vme50-container had no soft limit either.",
				meaning:  "On v2 the kernel throttles and reclaims above it, and kills nothing."}
		}
		return fieldHelp{label: "Memory high", becomes: files.MemoryHigh,
			forms:    "A size as the memory limit's; empty or max: none, the default.",
			original: "Docker's --memory-high; vme50-container had memory.max alone.",
			meaning: "The soft limit: above it every allocation waits while the kernel reclaims; " +
				"the group slows, high in " + files.MemoryEvents + " climbs, nothing is killed."}
	case fieldMemorySwap:
		h := fieldHelp{label: "Memory+swap", becomes: swapLimitFile(files),
			forms:    "A size; empty or the memory limit: no swap, the default; -1: any.",
			original: "Docker's --memory-swap; vme50-container left swap to the host.",
			meaning:  "How far past its memory limit the group may go by swapping. It needs a memory limit."}
		if !v1 {
			h.meaning += " memory.swap.max gets this less the memory limit."
		}
		return h
	case fieldCPUWeight:
		h := fieldHelp{label: "CPU weight", becomes: files.CPUWeight,
			forms:    "1..10000; empty: the kernel's 100.",
			original: "vme50-container: --cpu-shares, the same number, into cpu.weight.",
			meaning:  "A share, not a cap: it only decides who gets more CPU while groups compete."}
		if v1 {
			h.becomes += " = N*1024/100"
		}
		return h
	case fieldCPUQuota:
		return fieldHelp{label: "CPU quota", becomes: files.CPUMax,
			forms:    fmt.Sprintf("Cores, 0.01 to %d (this host's CPUs); empty, 0 or max: none.", goruntime.NumCPU()),
			original: "Docker's --cpus; vme50-container had no quota.",
			meaning: "A hard cap: 0.5 is 50000 µs of CPU time in every 100000 µs; once it is spent " +
				"the group waits (nr_throttled in " + files.CPUStat + ")."}
	case fieldPids:
		return fieldHelp{label: "Process limit", becomes: files.PidsMax,
			forms:    fmt.Sprintf("A number; empty: %d, the default; max or 0: none.", runtime.DefaultPidsLimit),
			original: "Docker's --pids-limit; vme50-container had none: a fork bomb hit the host.",
			meaning:  "The most processes and threads at once: fork fails with EAGAIN at the cap."}
	case fieldDisk:
		return fieldHelp{label: "Disk limit", becomes: "mount -t tmpfs … size=",
			forms:    "A size, e.g. 256M; empty: " + runtime.DefaultDiskLimit + ", the default; max: half the RAM.",
			original: "vme50-container had none: it wrote into the rootfs on the host's disk.",
			meaning: "The size of the tmpfs the container's writes live in (the overlay's upper " +
				"layer and /tmp), charged to its memory."}
	case fieldReadBps, fieldWriteBps:
		h := fieldHelp{label: "Disk read bps", becomes: files.IOMax,
			forms:    "DEV:RATE, e.g. /dev/sda:2m or 8:0:2m, several by spaces; empty: none.",
			original: "Docker's --device-read-bps; vme50-container had none.",
			meaning:  "The kernel delays the group's requests to the disk (a partition: its disk) to RATE bytes a second."}
		key := " rbps"
		if k == fieldWriteBps {
			h.label, h.becomes, key = "Disk write bps", writeBpsFile(files), " wbps"
			h.original = "Docker's --device-write-bps; vme50-container had none."
		}
		if !v1 {
			h.becomes += key // v2 has one file for both
		}
		return h
	case fieldHostname:
		return fieldHelp{label: "Hostname", becomes: "sethostname",
			forms:    "RFC 1123: letters, digits, - and ., at most 64; empty: the container's id.",
			original: "vme50-container: --hostname, the same; without it, the host's name.",
			meaning:  "The name in the container's own UTS namespace: the host's stays as it is."}
	case fieldNetwork:
		return fieldHelp{label: "Network", becomes: "CLONE_NEWNET, a veth pair",
			forms:    "←/→: bridge (the default, Docker's), none (only lo), host (no NET_RAW).",
			original: "vme50-container had no network namespace: the host's network.",
			meaning: "bridge: a network namespace of its own, eth0 on the host's bridge " + runtime.BridgeName +
				", NAT out; none: only lo; host: the host's interfaces."}
	case fieldPublish:
		return fieldHelp{label: "Publish (-p)", becomes: "nft add rule … dnat",
			forms:    "HOST:CONTAINER, e.g. 8080:80 (tcp); several: spaces or commas; empty: none.",
			original: "Docker's -p; vme50-container shared the host's ports instead.",
			meaning:  "curl localhost:HOST on the host reaches the container's port CONTAINER. Bridge only."}
	case fieldOverlay:
		return fieldHelp{label: "Overlay", becomes: "mount -t overlay",
			forms:    "←/→ or y/n: yes (the default), or no (--overlay=false).",
			original: "vme50-container had no overlay: the container changed the rootfs itself.",
			meaning: "yes: the writes go to a throw-away layer; no: the rootfs on the host's disk " +
				"changes, and the disk limit covers only /tmp."}
	case fieldUserNS:
		return fieldHelp{label: "User namespace", becomes: "CLONE_NEWUSER, uid_map",
			forms:    "←/→ or y/n: no (the default), or yes (--userns).",
			original: "vme50-container had none: root in the container was the host's root.",
			meaning:  "With yes, root in the container is an unprivileged uid on the host (root's /etc/subuid range)."}
	case fieldCommand:
		return fieldHelp{label: "Command", becomes: "execve",
			forms:    "A command line, quoted as in a shell; the default /bin/sh.",
			original: "vme50-container: the words after its flags, as here.",
			meaning: "It runs as PID 1 of the container, found in the container's PATH. " +
				"vme50-hog mem|cpu|fork|io is on every container's PATH."}
	case fieldRecord:
		return fieldHelp{label: "Record to", becomes: "--record FILE",
			forms:    "A CSV file, one row a reading; empty: no recording, the default.",
			original: "vme50-container had none.",
			meaning:  "vme50-tui replay FILE shows it again; vme50-tui plot FILE -o out.svg draws it."}
	}
	return fieldHelp{}
}
