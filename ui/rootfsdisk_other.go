//go:build !linux

package ui

import "errors"

// rootfsDisk: block devices and io.max are Linux's.
func rootfsDisk(dir string) (string, error) {
	return "", errors.New("no block device under the rootfs: this is not Linux")
}
