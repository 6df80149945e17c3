package main

import (
	"fmt"
	"io"
	"os"
	goruntime "runtime"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"

	"vme50-tui/cgroup"
	"vme50-tui/internal/mountinfo"
)

// Set at build time by make (-ldflags "-X main.version=... -X
// main.commit=..."): `git describe --tags --always --dirty` and the full
// commit. A plain `go build` leaves them empty; buildVersion then asks the
// module's build info.
var (
	version string
	commit  string
)

// buildInfo is what `version` says about the binary itself.
type buildInfo struct {
	Version string // git describe, or the module's version, or "devel"
	Commit  string // the full commit, "-dirty" when built from changed files; "unknown"
	Go      string // the toolchain and platform: "go1.26.8 linux/amd64"
}

// buildVersion fills buildInfo from the -X values, or else from what the
// Go toolchain recorded (vcs.revision, vcs.modified: only when built
// inside a git checkout without -buildvcs=false).
func buildVersion() buildInfo {
	b := buildInfo{Version: version, Commit: commit,
		Go: goruntime.Version() + " " + goruntime.GOOS + "/" + goruntime.GOARCH}
	info, ok := debug.ReadBuildInfo()
	if ok && b.Version == "" && info.Main.Version != "" && info.Main.Version != "(devel)" {
		b.Version = info.Main.Version
	}
	if ok && b.Commit == "" {
		var rev, modified string
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				modified = s.Value
			}
		}
		if rev != "" && modified == "true" {
			rev += "-dirty"
		}
		b.Commit = rev
	}
	if b.Version == "" {
		b.Version = "devel"
	}
	if b.Commit == "" {
		b.Commit = "unknown (built without make and outside a git checkout, or with -buildvcs=false)"
	}
	return b
}

// writeVersion prints the binary's version, commit and Go, then the
// host's cgroup layout (lines from cgroupLayout).
func writeVersion(w io.Writer, b buildInfo, layout []string) {
	fmt.Fprintf(w, "vme50-tui %s\n", b.Version)
	fmt.Fprintf(w, "commit:   %s\n", b.Commit)
	fmt.Fprintf(w, "go:       %s\n", b.Go)
	for i, line := range layout {
		head := "          "
		if i == 0 {
			head = "cgroup:   "
		}
		fmt.Fprintf(w, "%s%s\n", head, line)
	}
}

// hostCgroupLayout describes this machine's cgroups as run and the TUI will
// use them. It needs no root, only /sys and /proc readable (they usually
// are).
func hostCgroupLayout() []string {
	host, err := cgroup.Detect()
	mounts, _ := mountinfo.Self()
	controllers := ""
	if err == nil && host.Version == cgroup.V2 {
		data, rerr := os.ReadFile(host.Root + "/cgroup.controllers")
		if rerr == nil {
			controllers = strings.TrimSpace(string(data))
		}
	}
	return cgroupLayout(host, err, mounts, controllers)
}

// cgroupLayout says which design the host has and where the controllers
// vme50 uses are: on v2 the unified tree and its controllers; on v1 (or
// hybrid: a cgroup2 tree beside the v1 ones, as systemd mounts it) each
// hierarchy with its controllers. mounts are the host's mounts;
// v2controllers is the v2 root's cgroup.controllers.
func cgroupLayout(host *cgroup.Host, err error, mounts []mountinfo.Mount, v2controllers string) []string {
	if err != nil {
		return []string{fmt.Sprintf("unknown: %v (needs /sys/fs/cgroup and /proc/self/mountinfo readable)", err)}
	}
	if host.Version == cgroup.V2 {
		if v2controllers == "" {
			v2controllers = "(cgroup.controllers not readable)"
		}
		return []string{
			fmt.Sprintf("v2 (unified) at %s", host.Root),
			"controllers: " + v2controllers,
			fmt.Sprintf("containers in %s/%s/<id>", host.Root, cgroup.Parent),
		}
	}
	design := "v1"
	for _, m := range mounts {
		if m.FSType == "cgroup2" {
			design = fmt.Sprintf("v1, hybrid (cgroup2 also at %s; vme50 uses the v1 hierarchies)", m.MountPoint)
			break
		}
	}
	lines := []string{design}
	// One line per hierarchy, its controllers together (cpu,cpuacct is
	// one hierarchy on most hosts), in the order vme50 works on them.
	var order []string
	byMount := map[string][]string{}
	for _, c := range host.V1Controllers() {
		m := host.V1Roots[c]
		if _, seen := byMount[m]; !seen {
			order = append(order, m)
		}
		byMount[m] = append(byMount[m], c)
	}
	for _, m := range order {
		lines = append(lines, fmt.Sprintf("%-12s %s", strings.Join(byMount[m], ","), m))
	}
	lines = append(lines, "containers in <hierarchy>/"+cgroup.Parent+"/<id>")
	return lines
}

// versionText is the whole of `vme50-tui version`.
func versionText() string {
	var s strings.Builder
	writeVersion(&s, buildVersion(), hostCgroupLayout())
	return s.String()
}

// addVersion gives root its --version flag and the version command, which
// print the same: the cgroup layout is found only when asked for.
func addVersion(root *cobra.Command) {
	root.Version = buildVersion().Version
	cobra.AddTemplateFunc("vme50VersionText", versionText)
	root.SetVersionTemplate(`{{vme50VersionText}}`)
	root.AddCommand(&cobra.Command{
		Use:   "version",
		Short: "Print the version, the commit, the Go it was built with and the host's cgroup layout",
		Long: `Print vme50-tui's version (git describe at build time), its commit, the Go
toolchain it was built with, and this host's cgroup layout: v2 (unified) with
its controllers, or v1/hybrid with the hierarchy of each controller vme50
uses. Needs no root. vme50-tui --version prints the same.`,
		Args: cobra.NoArgs,
		Run: func(cmd *cobra.Command, _ []string) {
			fmt.Fprint(cmd.OutOrStdout(), versionText())
		},
	})
}
