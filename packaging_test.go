package main

import (
	"os/exec"
	"regexp"
	"strings"
	"testing"
)

// debVersion is packaging/build-deb.sh's Debian spelling of a git describe.
func debVersion(t *testing.T, describe string) string {
	t.Helper()
	out, err := exec.Command("packaging/build-deb.sh", "--debian-version", describe).Output()
	if err != nil {
		t.Fatalf("build-deb.sh --debian-version %s: %v", describe, err)
	}
	return strings.TrimSpace(string(out))
}

// TestDebianVersion: every git describe makes a version dpkg takes, in the
// order of the commits: a tag, commits after it, a release candidate before
// it, and no tag yet (a commit, which may start with a digit).
func TestDebianVersion(t *testing.T) {
	untagged := regexp.MustCompile(`^0\.0\.0\+git[0-9]+\.`)
	for describe, want := range map[string]string{
		"v1.2.0":                  "1.2.0",
		"v1.2.0-3-gabc1234":       "1.2.0+3.gabc1234",
		"v1.2.0-3-gabc1234-dirty": "1.2.0+3.gabc1234.dirty",
		"v1.3.0-rc1":              "1.3.0~rc1",
		"v1.3.0-rc1-2-gabc1234":   "1.3.0~rc1+2.gabc1234",
	} {
		if got := debVersion(t, describe); got != want {
			t.Errorf("%s: %s, want %s", describe, got, want)
		}
	}
	for _, describe := range []string{"5f70eac", "abcdef1-dirty", "0123456789abcdef0123456789abcdef01234567"} {
		if got := debVersion(t, describe); !untagged.MatchString(got) || !strings.Contains(got, strings.TrimSuffix(describe, "-dirty")) {
			t.Errorf("%s: %s, want 0.0.0+git<count>.%s", describe, got, describe)
		}
	}
	if _, err := exec.LookPath("dpkg"); err != nil {
		t.Skip("no dpkg to compare versions")
	}
	order := []string{"0.0.0+git9.abc1234", "0.0.0+git10.5f70eac", "1.2.0", "1.2.0+3.gabc1234",
		"1.2.0+3.gabc1234.dirty", "1.3.0~rc1", "1.3.0~rc1+2.gabc1234", "1.3.0"}
	for i := 1; i < len(order); i++ {
		if err := exec.Command("dpkg", "--compare-versions", order[i-1], "lt", order[i]).Run(); err != nil {
			t.Errorf("dpkg does not sort %s before %s", order[i-1], order[i])
		}
	}
}
