#!/usr/bin/env bash
# vmtest.sh: the kernel tests on cgroup v2, in a VM.
#
# This machine and CI run cgroup v1 (hybrid); classrooms run v2. So the
# kernel tests (./cgroup and ./e2e, as root with VME50_E2E=1) also run under
# Debian's own kernel, booted in qemu with only the unified hierarchy
# mounted:
#
#   1. install qemu and cpio if missing (scripts/install-deps.sh vm);
#   2. fetch the kernel that Debian's linux-image-amd64 depends on (apt-get
#      download + dpkg-deb -x), once: vmlinuz, its config and the two
#      modules we need are cached in $VME50_VM_CACHE;
#   3. build, statically, vme50-tui and the test binaries, and pack them
#      with busybox and scripts/vm-init (the VM's /init) into an initramfs;
#   4. boot it with a time limit, show its console, and fail unless every
#      test binary reported status 0 and the VM reached its end marker.
#
# Settings (environment):
#   VME50_VM_CACHE    kernel cache (default /var/cache/vme50-vm as root,
#                     else .cache/vm/kernels in the repo)
#   VME50_VM_TIMEOUT  seconds the whole VM may take (default 900)
#   VME50_VM_RUN      a -test.run pattern, to run some tests only
#   VME50_VM_COUNT    -test.count: run each test that many times
#   VME50_VM_MEMORY   MiB of memory (default 1024)
#   VME50_VM_OPTIONAL 1: pass, with a warning, where apt has no Debian
#                     kernel (Ubuntu), unless CI=true (make test sets it)
#   VME50_VM_ACCEL    kvm, tcg or auto (default: kvm where the CPU shows
#                     vmx/svm and /dev/kvm is there, else tcg)
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
# sudo resets PATH; Go's usual home is added, as the Makefile does.
export PATH=$PATH:/usr/local/go/bin
export CGO_ENABLED=0

timeout_s=${VME50_VM_TIMEOUT:-900}
memory=${VME50_VM_MEMORY:-1024}
if [ "$(id -u)" -eq 0 ]; then
  cache=${VME50_VM_CACHE:-/var/cache/vme50-vm}
else
  cache=${VME50_VM_CACHE:-$repo/.cache/vm/kernels}
fi
build=$repo/.cache/vm/build
# The test binaries the VM runs, each from its package: ./cgroup first, so
# that its leaf is the first to switch the controllers on in the root.
tests=(cgroup e2e runtime)

say() { echo "vmtest: $*" >&2; }
die() {
  echo "vmtest: FAIL: $*" >&2
  exit 1
}

# The kernel options the tests need built in (=y). Everything else the
# tests use is either among them or loaded from modules_wanted.
config_wanted=(
  BLK_DEV_INITRD RD_GZIP SERIAL_8250_CONSOLE DEVTMPFS TMPFS UNIX98_PTYS
  CGROUPS MEMCG CGROUP_PIDS CGROUP_SCHED FAIR_GROUP_SCHED CFS_BANDWIDTH
  NAMESPACES PID_NS UTS_NS IPC_NS NET_NS
)
# Options that may be modules: CONFIG name -> the paths of its modules
# under lib/modules/<release>/kernel. overlay: the containers' root; dummy:
# a network interface besides lo (see scripts/vm-init); virtio's and
# ext4's: the virtio disk with a filesystem, for the io.max tests; veth,
# the bridge and nftables with conntrack, NAT, masquerade, ct and fib: the
# bridge network (--network bridge, the default). br_netfilter is left
# out on purpose: this host has it built in, the VM proves the bridge
# without it. vm-init loads them in rounds, so a module may come before
# one it needs.
declare -A modules_wanted=(
  [OVERLAY_FS]=fs/overlayfs/overlay.ko
  [DUMMY]=drivers/net/dummy.ko
  [VIRTIO]="drivers/virtio/virtio.ko drivers/virtio/virtio_ring.ko"
  [VIRTIO_PCI_LIB]=drivers/virtio/virtio_pci_modern_dev.ko
  [VIRTIO_PCI_LIB_LEGACY]=drivers/virtio/virtio_pci_legacy_dev.ko
  [VIRTIO_PCI]=drivers/virtio/virtio_pci.ko
  [VIRTIO_BLK]=drivers/block/virtio_blk.ko
  [CRC16]=lib/crc16.ko
  [FS_MBCACHE]=fs/mbcache.ko
  [JBD2]=fs/jbd2/jbd2.ko
  [CRYPTO_CRC32C]=crypto/crc32c_generic.ko
  [EXT4_FS]=fs/ext4/ext4.ko
  [VETH]=drivers/net/veth.ko
  [LLC]=net/llc/llc.ko
  [STP]=net/802/stp.ko
  [BRIDGE]=net/bridge/bridge.ko
  [LIBCRC32C]=lib/libcrc32c.ko
  [NETFILTER_NETLINK]=net/netfilter/nfnetlink.ko
  [NF_TABLES]=net/netfilter/nf_tables.ko
  [NF_DEFRAG_IPV4]=net/ipv4/netfilter/nf_defrag_ipv4.ko
  [NF_DEFRAG_IPV6]=net/ipv6/netfilter/nf_defrag_ipv6.ko
  [NF_CONNTRACK]=net/netfilter/nf_conntrack.ko
  [NF_NAT]=net/netfilter/nf_nat.ko
  [NFT_NAT]="net/netfilter/nft_nat.ko net/netfilter/nft_chain_nat.ko"
  [NFT_MASQ]=net/netfilter/nft_masq.ko
  [NFT_CT]=net/netfilter/nft_ct.ko
  [NFT_FIB]=net/netfilter/nft_fib.ko
  [NFT_FIB_IPV4]=net/ipv4/netfilter/nft_fib_ipv4.ko
)

# modules_cached tells whether kdir holds every module wanted that its
# kernel builds as a module (a cache made before one was wanted lacks it).
modules_cached() {
  local opt path
  [ -f "$kdir/vmlinuz" ] && [ -f "$kdir/config" ] || return 1
  for opt in "${!modules_wanted[@]}"; do
    grep -qx "CONFIG_$opt=m" "$kdir/config" || continue
    for path in ${modules_wanted[$opt]}; do
      [ -f "$kdir/modules/$(basename "$path")" ] || return 1
    done
  done
}

# kernel_package prints the concrete package linux-image-amd64 depends on,
# e.g. linux-image-6.1.0-56-amd64, or nothing when apt does not know it.
kernel_package() {
  apt-cache depends linux-image-amd64 2>/dev/null |
    sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*\)$/\1/p' | head -n 1
}

# fetch_kernel sets kdir to a cache directory holding vmlinuz, config and
# modules/*.ko, downloading the package only when the cache lacks it.
fetch_kernel() {
  local pkg version tmp release
  pkg=$(kernel_package)
  if [ -z "$pkg" ] && [ "$(id -u)" -eq 0 ]; then
    say "apt does not know linux-image-amd64 yet: apt-get update"
    apt-get update -qq
    pkg=$(kernel_package)
  fi
  if [ -z "$pkg" ]; then
    # Offline, or apt's lists missing: any kernel fetched before will do.
    kdir=$(ls -d "$cache"/linux-image-* 2>/dev/null | sort -V | tail -n 1 || true)
    if [ -z "$kdir" ] && [ "${VME50_VM_OPTIONAL:-}" = 1 ] && [ "${CI:-}" != true ]; then
      # Not Debian (Ubuntu packages its kernels differently): make test
      # goes on without the VM, loudly; make vmtest and CI fail.
      say "SKIPPED: apt knows no linux-image-amd64 (Debian's kernel), so cgroup v2 is not tested here"
      exit 0
    fi
    [ -n "$kdir" ] || die "cannot resolve linux-image-amd64 (run apt-get update as root) and no kernel cached in $cache"
    say "linux-image-amd64 unresolved; using the cached $(basename "$kdir")"
    return
  fi
  version=$(apt-cache policy "$pkg" | sed -n 's/^ *Candidate: //p')
  kdir=$cache/${pkg}_$version
  if modules_cached; then
    say "kernel: $pkg $version (cached in $kdir)"
    return
  fi
  say "kernel: downloading $pkg $version"
  mkdir -p "$cache"
  tmp=$(mktemp -d "$cache/download.XXXXXX")
  # As root, apt would try to drop to its _apt user, who cannot write here.
  local sandbox=()
  [ "$(id -u)" -ne 0 ] || sandbox=(-o APT::Sandbox::User=root)
  (cd "$tmp" && apt-get download -q "${sandbox[@]}" "$pkg=$version" >/dev/null) ||
    die "apt-get download $pkg=$version failed"
  dpkg-deb -x "$tmp"/*.deb "$tmp/x"
  release=$(ls "$tmp/x/lib/modules")
  mkdir -p "$tmp/keep/modules"
  cp "$tmp/x/boot/vmlinuz-$release" "$tmp/keep/vmlinuz"
  cp "$tmp/x/boot/config-$release" "$tmp/keep/config"
  local opt
  for opt in "${config_wanted[@]}"; do
    grep -qx "CONFIG_$opt=y" "$tmp/keep/config" || die "$pkg: CONFIG_$opt is not built in"
  done
  local path
  for opt in "${!modules_wanted[@]}"; do
    if grep -qx "CONFIG_$opt=m" "$tmp/keep/config"; then
      for path in ${modules_wanted[$opt]}; do
        cp "$tmp/x/lib/modules/$release/kernel/$path" "$tmp/keep/modules/" ||
          die "$pkg: no module $path"
      done
    elif ! grep -qx "CONFIG_$opt=y" "$tmp/keep/config"; then
      die "$pkg: CONFIG_$opt is neither built in nor a module"
    fi
  done
  rm -rf "$kdir"
  mv "$tmp/keep" "$kdir"
  rm -rf "$tmp"
  say "kernel: $release cached in $kdir"
}

# build_initramfs packs $build/initrd.gz: busybox and its applet links,
# the static vme50-tui and test binaries, the modules and /init.
build_initramfs() {
  local root=$build/root busybox applet
  rm -rf "$build"
  mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,etc,lib/modules,proc,sys,dev,tmp,opt/vme50/bin}
  say "building vme50-tui and the test binaries (static)"
  # With the small init carried inside, as `make build` makes it
  # (Makefile: init): a plain go build would run itself as init.
  mkdir -p .cache
  go build -trimpath -ldflags '-s -w' -o .cache/vme50-init ./cmd/vme50-init
  printf '{"Replace":{"%s":"%s"}}\n' "$repo/runtime/initbin/bin/vme50-init" "$repo/.cache/vme50-init" >.cache/init-overlay.json
  go build -overlay .cache/init-overlay.json -o "$root/opt/vme50/bin/vme50-tui" .
  local t
  for t in "${tests[@]}"; do
    mkdir -p "$root/opt/vme50/tests/$t"
    go test -c -o "$root/opt/vme50/tests/$t/$t.test" "./$t"
    # The binary runs in a copy of its package directory, as under go
    # test: the cgroup tests read testdata/.
    if [ -d "$t/testdata" ]; then
      cp -r "$t/testdata" "$root/opt/vme50/tests/$t/"
    fi
  done
  # busybox-static's busybox, not whatever busybox is first on PATH: the
  # VM has no libc.
  busybox=$(dpkg -L busybox-static | grep -m 1 -E '/s?bin/busybox$') ||
    die "busybox-static is not installed"
  cp "$busybox" "$root/bin/busybox"
  for applet in $("$busybox" --list-full); do
    [ -e "$root/$applet" ] || ln -s /bin/busybox "$root/$applet"
  done
  cp "$kdir"/modules/*.ko "$root/lib/modules/" 2>/dev/null || true
  add_host_tools "$root"
  cp scripts/vm-init "$root/init"
  chmod 0755 "$root/init"
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$root/etc/passwd"
  printf 'root:x:0:\ntty:x:5:\nnogroup:x:65534:\n' >"$root/etc/group"
  # No device nodes: /init mounts devtmpfs first. -R 0:0 makes every file
  # root's whoever builds it.
  (cd "$root" && find . -print0 | cpio --null -o -H newc -R 0:0 --quiet) | gzip -1 >"$build/initrd.gz"
  say "initramfs: $(du -h "$build/initrd.gz" | cut -f1)"
}

# add_host_tools copies host programs the e2e tests run besides busybox
# into the initramfs at root: tmux drives the TUI as a person would (and
# on v2 its panels must name the v2 files), pgrep finds the TUI's process
# (Debian's busybox has no pgrep). They are linked dynamically, so their
# libraries and loader come along, at the paths ldd names, and for tmux
# the terminfo entries and the C.UTF-8 locale. A tool the host lacks is
# left out: its tests fail in the VM as they do on the host, saying so.
add_host_tools() {
  local root=$1 tool path lib
  for tool in tmux pgrep; do
    path=$(command -v "$tool") || continue
    cp "$path" "$root/usr/bin/$tool"
    for lib in $(ldd "$path" | grep -o '/[^ ]*'); do
      mkdir -p "$root$(dirname "$lib")"
      cp -L "$lib" "$root$lib"
    done
  done
  mkdir -p "$root/lib" "$root/usr/lib/locale" "$root/root"
  cp -r /lib/terminfo "$root/lib/"
  if [ -d /usr/lib/locale/C.utf8 ]; then
    cp -r /usr/lib/locale/C.utf8 "$root/usr/lib/locale/"
  fi
}

# boot runs the VM and leaves its console, \r removed, in $build/console.log.
# The console is shown as it comes, so a CI log holds the tests' output.
boot() {
  local accel=(-accel tcg) append
  # KVM only where the CPU shows hardware virtualisation (vmx, svm) and
  # /dev/kvm is there: some sandboxes have a /dev/kvm whose guests hang in
  # early boot. Under software emulation (tcg) all tests take under a minute.
  case "${VME50_VM_ACCEL:-auto}" in
    kvm) accel=(-accel kvm) ;;
    tcg) ;;
    auto)
      if [ -w /dev/kvm ] && grep -qwE 'vmx|svm' /proc/cpuinfo; then
        accel=(-accel kvm -accel tcg)
      fi
      ;;
    *) die "VME50_VM_ACCEL=$VME50_VM_ACCEL: want kvm, tcg or auto" ;;
  esac
  # Each test binary gets a minute less than the VM, so that a hanging
  # test ends with Go's goroutine dump rather than a killed VM.
  local test_timeout=$((timeout_s > 120 ? timeout_s - 60 : timeout_s))
  append="console=ttyS0 panic=-1 quiet vme50_timeout=${test_timeout}s"
  [ -z "${VME50_VM_RUN:-}" ] || append+=" vme50_run=$VME50_VM_RUN"
  [ -z "${VME50_VM_COUNT:-}" ] || append+=" vme50_count=$VME50_VM_COUNT"
  say "booting $(basename "$kdir") (${accel[*]}, ${memory} MiB, 2 cpus, at most ${timeout_s}s)"
  console=$build/console.log
  vm_start=$(date +%s.%N)
  set +e
  # A virtio disk, blank and sparse: vm-init makes a filesystem on it,
  # so that the io.max tests have a real block device under a rootfs.
  rm -f "$build/disk.img"
  truncate -s 512M "$build/disk.img"
  timeout -k 10 "$timeout_s" qemu-system-x86_64 \
    -nographic -no-reboot -nic none "${accel[@]}" -cpu max -smp 2 -m "$memory" \
    -drive "file=$build/disk.img,format=raw,if=virtio" \
    -kernel "$kdir/vmlinuz" -initrd "$build/initrd.gz" -append "$append" \
    </dev/null 2>&1 | sed -u 's/\r//g' | tee "$console"
  qemu_status=${PIPESTATUS[0]}
  set -e
  vm_end=$(date +%s.%N)
}

# report checks the markers vm-init printed and sums up.
report() {
  local ok=1 t line
  echo
  say "---- summary (console: $console) ----"
  if [ "$qemu_status" -eq 124 ] || [ "$qemu_status" -eq 137 ]; then
    say "the VM did not finish within ${timeout_s}s"
    ok=0
  elif [ "$qemu_status" -ne 0 ]; then
    say "qemu exited with status $qemu_status"
    ok=0
  fi
  # Markers are looked for anywhere in a line: the first one may follow
  # the escape codes with which the firmware cleared the screen.
  line=$(grep -o -m 1 'VME50-VM-BOOTED.*' "$console" || true)
  if [ -n "$line" ]; then
    say "boot: ${line#*uptime=} of guest uptime until /init ran its tests"
  else
    say "the VM never booted to its tests"
    ok=0
  fi
  for t in "${tests[@]}"; do
    line=$(grep -o -m 1 "VME50-VM-RESULT $t .*" "$console" || true)
    if [ -z "$line" ]; then
      say "$t: no result (the VM stopped before it ended)"
      ok=0
      continue
    fi
    say "$t: ${line#VME50-VM-RESULT $t }"
    [[ $line == *" status=0 "* ]] || ok=0
  done
  if ! grep -q 'VME50-VM-END' "$console"; then
    say "no end marker"
    ok=0
  fi
  say "wall time: $(awk "BEGIN{printf \"%.1f\", $vm_end-$vm_start}")s from qemu's start to its exit"
  local failures='^ *--- FAIL|^FAIL|^panic:|VME50-VM-ERROR'
  if grep -qE "$failures" "$console"; then
    say "failures:"
    grep -E "$failures" "$console" | sed 's/^/    /' >&2
    ok=0
  fi
  [ "$ok" -eq 1 ] || die "the kernel tests failed on cgroup v2 (see the console above)"
  say "PASS: the kernel tests passed on cgroup v2"
}

scripts/install-deps.sh vm
fetch_kernel
build_initramfs
boot
report
