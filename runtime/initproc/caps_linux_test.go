package initproc

import (
	"testing"

	"golang.org/x/sys/unix"
)

// The written-out names sit at the kernel's numbers.
func TestCapabilityNumbersAreTheKernels(t *testing.T) {
	for name, want := range map[string]int{
		"CHOWN": unix.CAP_CHOWN, "NET_RAW": unix.CAP_NET_RAW, "SYS_ADMIN": unix.CAP_SYS_ADMIN,
		"MKNOD": unix.CAP_MKNOD, "SETFCAP": unix.CAP_SETFCAP, "AUDIT_READ": unix.CAP_AUDIT_READ,
		"CHECKPOINT_RESTORE": unix.CAP_CHECKPOINT_RESTORE,
	} {
		if got := CapNamed(name); int(got) != want {
			t.Errorf("%s is %d, the kernel's %d", name, got, want)
		}
	}
	if len(capabilityNames) != unix.CAP_LAST_CAP+1 {
		t.Errorf("%d names, the kernel has %d capabilities", len(capabilityNames), unix.CAP_LAST_CAP+1)
	}
}
