package initproc

import (
	"slices"
	"testing"

	"golang.org/x/sys/unix"
)

func TestMountWords(t *testing.T) {
	cases := []struct {
		source, target, fstype string
		flags                  uintptr
		data, want             string
	}{
		{"", "/", "", unix.MS_REC | unix.MS_PRIVATE, "", "mount --make-rprivate /"},
		{"", ".", "", unix.MS_REC | unix.MS_SLAVE, "", "mount --make-rslave ."},
		{"proc", "/r/proc", "proc", unix.MS_NOSUID | unix.MS_NOEXEC | unix.MS_NODEV, "",
			"mount -t proc proc /r/proc -o nosuid,nodev,noexec"},
		{"overlay", "/m", "overlay", 0, "lowerdir=/l,upperdir=/u,workdir=/w",
			"mount -t overlay overlay /m -o lowerdir=/l,upperdir=/u,workdir=/w"},
		{"/rootfs", "/rootfs", "", unix.MS_BIND | unix.MS_REC, "", "mount --rbind /rootfs /rootfs"},
		{"/bin/x", "/f", "", unix.MS_BIND, "", "mount --bind /bin/x /f"},
		{"", "/f", "", unix.MS_REMOUNT | unix.MS_BIND | unix.MS_RDONLY, "", "mount -o remount,bind,ro /f"},
		{"/new", "/", "", unix.MS_MOVE, "", "mount --move /new /"},
	}
	for _, c := range cases {
		if got := mountWords(c.source, c.target, c.fstype, c.flags, c.data); got != c.want {
			t.Errorf("got  %q\nwant %q", got, c.want)
		}
	}
}

func TestQuoteArgs(t *testing.T) {
	got := quoteArgs([]string{"-c", "echo hi; exit 3", "", "plain"})
	want := []string{"-c", `"echo hi; exit 3"`, `""`, "plain"}
	if !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}
