#!/usr/bin/env bash
# Installs the Debian packages vme50-tui's tests and default rootfs need,
# only those that are missing. With the argument "vm", also those of the
# cgroup v2 test VM (scripts/vmtest.sh): qemu and cpio; with "bench", the
# peers of make bench: runc, and crun on a cgroup v2 host.
set -euo pipefail

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'ok installed'; }

need=()
# A static busybox makes the default and the tests' root filesystems.
installed busybox-static || need+=(busybox-static)
# tmux, to drive the TUI in the end-to-end tests as a person would.
command -v tmux >/dev/null || need+=(tmux)
# unshare, the baseline of `make bench`.
command -v unshare >/dev/null || need+=(util-linux)
if [ "${1:-}" = bench ]; then
  # The OCI runtimes make bench compares the start with (Debian's).
  command -v runc >/dev/null || need+=(runc)
  if [ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ]; then
    command -v crun >/dev/null || need+=(crun)
  fi
fi
if [ "${1:-}" = vm ]; then
  # The VM: qemu to boot Debian's kernel, cpio to pack its initramfs.
  command -v qemu-system-x86_64 >/dev/null || need+=(qemu-system-x86)
  command -v cpio >/dev/null || need+=(cpio)
fi

if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "missing packages: ${need[*]}; install them as root (sudo make ...)" >&2
  exit 1
fi
echo "installing: ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# No recommends: qemu's would bring a desktop's worth of packages.
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
