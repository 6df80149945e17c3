package runtime

import "testing"

// Real records of /dev/kmsg: this host (cgroup v1, Linux 6.18) and the
// VM (cgroup v2, Debian's 6.1), with the lines between them.
var kmsgRecords = []string{
	"4,2211,8745538858,-;vme50-hog invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0",
	"6,2230,8745539021,-;[  pid  ]   uid  tgid total_vm      rss rss_anon rss_file rss_shmem pgtables_bytes swapents oom_score_adj name",
	"6,2232,8745539024,-;oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/vme50/ee6d26f0d45e,task_memcg=/vme50/ee6d26f0d45e,task=vme50-hog,pid=421,uid=0\n SUBSYSTEM=x",
	"3,2233,8745539035,-;Memory cgroup out of memory: Killed process 421 (vme50-hog) total-vm:1308076kB, anon-rss:32256kB, file-rss:8656kB, shmem-rss:0kB, UID:0 pgtables:180kB oom_score_adj:0",
}

func TestOOMReportParsed(t *testing.T) {
	var p oomParser
	var kills []OOMKill
	for _, r := range kmsgRecords {
		if k, ok := p.line(kmsgMessage(r)); ok {
			kills = append(kills, k)
		}
	}
	want := OOMKill{Cgroup: "/vme50/ee6d26f0d45e", Task: "vme50-hog", PID: 421,
		TotalVM: 1308076 << 10, AnonRSS: 32256 << 10, FileRSS: 8656 << 10}
	if len(kills) != 1 || kills[0] != want {
		t.Fatalf("kills %+v, want %+v", kills, want)
	}
	if id := kills[0].ContainerID(); id != "ee6d26f0d45e" {
		t.Errorf("container %q", id)
	}
	if got := kills[0].Text(); got != "the OOM killer killed vme50-hog (pid 421 on the host): anon-rss 31.5 MiB, file-rss 8.5 MiB, total-vm 1.2 GiB" {
		t.Errorf("text %q", got)
	}
	// A kill outside our cgroups, and a "Killed process" of no oom-kill
	// line seen: nothing.
	for _, m := range []string{
		"Out of memory: Killed process 99 (java) total-vm:1kB, anon-rss:1kB",
		"x: Memory cgroup out of memory: Killed process 77 (java) total-vm:1kB", // not at the start
		"oom-kill:constraint=CONSTRAINT_MEMCG,task_memcg=/user.slice/x,task=java,pid=77,uid=0",
	} {
		if k, ok := p.line(m); ok {
			t.Errorf("%q made a report: %+v", m, k)
		}
	}
	// Lines written by a user (facility 1: PRIORITY 8 and up) are not the
	// kernel's, whatever they say.
	for _, forged := range []string{
		"12,2300,8745539024,-;oom-kill:constraint=CONSTRAINT_MEMCG,task_memcg=/vme50/ee6d26f0d45e,task=bitcoin-miner,pid=4242,uid=0",
		"12,2301,8745539035,-;Memory cgroup out of memory: Killed process 4242 (bitcoin-miner) total-vm:9kB, anon-rss:8kB, file-rss:0kB",
	} {
		if msg := kmsgMessage(forged); msg != "" {
			t.Errorf("a user's record taken for the kernel's: %q", msg)
		}
	}
	k, ok := p.line("Memory cgroup out of memory: Killed process 77 (java) total-vm:8kB, anon-rss:4kB, file-rss:0kB, shmem-rss:0kB")
	if !ok || k.ContainerID() != "" {
		t.Errorf("a kill elsewhere: %+v %v", k, ok)
	}
	if (OOMKill{Cgroup: "/system.slice/vme50/abc"}).ContainerID() != "abc" || (OOMKill{Cgroup: "/vme50"}).ContainerID() != "" {
		t.Error("ContainerID of nested or bare paths")
	}
}

// A pair that never completed (a global OOM's line) does not pair with a
// later kill whose pid came round again; a task name holding its own
// "task_memcg=" hides nothing (an attack review's findings).
func TestOOMReportPairsOnlyItsOwnLines(t *testing.T) {
	var p oomParser
	p.line("oom-kill:constraint=CONSTRAINT_MEMCG,task_memcg=/vme50/aaaaaaaaaaaa,task=sh,pid=500,uid=0")
	p.line("Out of memory: Killed process 500 (sh) total-vm:8kB, anon-rss:4kB, file-rss:0kB")
	if k, ok := p.line("Memory cgroup out of memory: Killed process 500 (bbb) total-vm:8kB, anon-rss:8000kB, file-rss:0kB"); ok {
		t.Errorf("a later kill paired with an old line: %+v", k)
	}
	p.line("oom-kill:constraint=CONSTRAINT_MEMCG,task_memcg=/vme50/bbbbbbbbbbbb,task=a,task_memcg=x,pid=77,uid=0")
	k, ok := p.line("Memory cgroup out of memory: Killed process 77 (a,task_memcg=x) total-vm:8kB, anon-rss:4kB, file-rss:0kB")
	if !ok || k.ContainerID() != "bbbbbbbbbbbb" || k.Task != "a,task_memcg=x" || k.PID != 77 {
		t.Errorf("a task name with task_memcg= in it: %+v, %v", k, ok)
	}
}
