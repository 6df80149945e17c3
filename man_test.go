package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"
)

// TestManPages makes the man pages from the commands, one per command a
// person types (vme50-tui.1, vme50-tui-run.1, ...; none for the hidden
// init and hog), with cobra's doc package. Here, rather than in the
// binary, so that vme50-tui does not carry a markdown-to-roff converter
// for a job done once per build. `make man` keeps them: it sets
// VME50_MAN_DIR (and SOURCE_DATE_EPOCH, the commit's date, for a page that
// is the same whenever it is built); otherwise they are checked and
// thrown away.
func TestManPages(t *testing.T) {
	dir := os.Getenv("VME50_MAN_DIR")
	if dir == "" {
		dir = t.TempDir()
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	root := newRootCommand()
	root.DisableAutoGenTag = true   // no "Auto generated ... on <date>" line
	root.InitDefaultCompletionCmd() // made by Execute otherwise
	header := &doc.GenManHeader{Title: "VME50-TUI", Section: "1", Source: "vme50-tui " + buildVersion().Version,
		Manual: "vme50-tui manual"}
	if err := doc.GenManTree(root, header, dir); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var pages []string
	for _, e := range entries {
		pages = append(pages, e.Name())
	}
	for _, want := range []string{"vme50-tui.1", "vme50-tui-run.1", "vme50-tui-version.1",
		"vme50-tui-completion.1", "vme50-tui-completion-bash.1", "vme50-tui-rootfs-create.1"} {
		if !slices.Contains(pages, want) {
			t.Errorf("no page %s among %v", want, pages)
		}
	}
	for _, hidden := range []string{"vme50-tui-init.1", "vme50-tui-hog.1"} {
		if slices.Contains(pages, hidden) {
			t.Errorf("a page for the hidden command: %s", hidden)
		}
	}
	// Every visible command has its page.
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if !c.IsAvailableCommand() && c != root {
			return
		}
		name := strings.ReplaceAll(c.CommandPath(), " ", "-") + ".1"
		if !slices.Contains(pages, name) {
			t.Errorf("no page for %q", c.CommandPath())
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	run, err := os.ReadFile(filepath.Join(dir, "vme50-tui-run.1"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`.TH "VME50-TUI" "1"`, "--memory-limit", ".SH SEE ALSO"} {
		if !strings.Contains(string(run), want) {
			t.Errorf("vme50-tui-run.1 lacks %q", want)
		}
	}
}
