#!/bin/sh
# Checks a built package the way a lab machine will use it, without
# touching the host's /usr or /var/lib/vme50 (make debcheck; .ci/run):
#
# 1. its fields and its file list;
# 2. dpkg --root installs it into an empty directory (a dpkg database of
#    its own; maintainer scripts run on the host with DPKG_ROOT set:
#    --force-script-chrootless), and the installed binary says its version
#    and runs containers: rootfs create, run /bin/true with limits, an exit
#    status, all without a warning (a static binary);
# 3. dpkg -r leaves nothing but /var/lib/vme50 (there: the rootfs made in
#    2) and kills nothing;
# 4. dpkg -P removes /var/lib/vme50 after killing the processes of its
#    containers (a fake cgroup tree under the root, holding a sleep of
#    ours), unmounting what is mounted below it (a tmpfs, and a bind of a
#    directory outside, whose file must survive), and leaves nothing.
#
# Steps 2-4 run in a mount namespace of their own: what they mount is gone
# with it, whatever happens. As root. Usage: check-deb.sh PACKAGE.deb
set -eu

fail() { echo "check-deb: FAIL: $*" >&2; exit 1; }
step() { echo "check-deb: $*"; }

if [ "${1:-}" = --inside ]; then
	deb=$2 root=$3 outside=$4
else
	deb=${1:?usage: check-deb.sh PACKAGE.deb}
	[ -f "$deb" ] || fail "no package $deb"
	[ "$(id -u)" = 0 ] || fail "run it as root (sudo make debcheck)"
	deb=$(realpath "$deb")

	# 1. Fields and files.
	[ "$(dpkg-deb -f "$deb" Package)" = vme50-tui ] || fail "Package is not vme50-tui"
	[ "$(dpkg-deb -f "$deb" Depends)" = busybox-static ] || fail "Depends is not busybox-static: $(dpkg-deb -f "$deb" Depends)"
	[ "$(dpkg-deb -f "$deb" Architecture)" = "$(dpkg --print-architecture)" ] || fail "Architecture $(dpkg-deb -f "$deb" Architecture)"
	if [ -n "${VERSION:-}" ]; then
		want=$("$(dirname "$0")/build-deb.sh" --debian-version "$VERSION")
		[ "$(dpkg-deb -f "$deb" Version)" = "$want" ] || fail "Version $(dpkg-deb -f "$deb" Version), want $want (from $VERSION)"
	fi
	# mktemp: a fixed name in /tmp is one another user could have made a
	# symlink first, for root to write through.
	files=$(mktemp)
	dpkg-deb -c "$deb" | awk '$1 !~ /^d/ { sub(/^\.\//, "", $6); print $6 }' | sort >"$files"
	for want in usr/bin/vme50-tui usr/share/man/man1/vme50-tui.1.gz usr/share/man/man1/vme50-tui-run.1.gz \
		usr/share/bash-completion/completions/vme50-tui usr/share/zsh/vendor-completions/_vme50-tui \
		usr/share/fish/vendor_completions.d/vme50-tui.fish usr/share/doc/vme50-tui/README.md.gz \
		usr/share/doc/vme50-tui/copyright; do
		grep -qx "$want" "$files" || fail "the package lacks /$want"
	done
	if grep -v -e '^usr/bin/vme50-tui$' -e '^usr/share/man/man1/vme50-tui[a-z-]*\.1\.gz$' \
		-e '^usr/share/bash-completion/' -e '^usr/share/zsh/' -e '^usr/share/fish/' \
		-e '^usr/share/doc/vme50-tui/' "$files"; then
		fail "the package holds the files above, which it should not"
	fi
	if grep -e 'init\.1' -e 'hog\.1' "$files"; then
		fail "man pages of hidden commands"
	fi
	rm -f "$files"
	step "fields and $(dpkg-deb -c "$deb" | grep -vc '^d') files: ok"

	root=$(mktemp -d /tmp/vme50-debcheck.XXXXXX)
	outside=$(mktemp -d /tmp/vme50-debcheck-outside.XXXXXX)
	status=0
	unshare --mount --propagation private "$0" --inside "$deb" "$root" "$outside" || status=$?
	rm -f "$root.log" # dpkg's output, kept for a failure's message
	# The namespace is gone, and every mount made in it: nothing below
	# $root is mounted here. --one-file-system all the same.
	if grep -q " $root" /proc/self/mountinfo; then
		echo "check-deb: something is mounted under $root; left in place" >&2
		status=1
	else
		rm -rf --one-file-system "$root"
	fi
	[ -f "$outside/keep" ] || { echo "check-deb: FAIL: the purge removed a file outside through a bind mount" >&2; status=1; }
	rm -rf --one-file-system "$outside"
	[ $status = 0 ] && step "all ok"
	exit $status
fi

# 2. Install into $root.
dpkgr() { dpkg --root="$root" --force-script-chrootless "$@"; }
mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates" "$root/var/lib/dpkg/triggers"
touch "$root/var/lib/dpkg/status" "$root/var/lib/dpkg/available"
# busybox-static is not in this root's database; the Depends field was
# checked above, and the host's busybox is what rootfs create copies.
dpkgr --force-depends -i "$deb" >"$root.log" 2>&1 || { cat "$root.log"; fail "dpkg -i"; }
rm -f "$root.log"
bin="$root/usr/bin/vme50-tui"
[ -x "$bin" ] || fail "no $bin"
step "installed into $root"

out=$("$bin" --version) || fail "--version: status $?"
echo "$out" | sed 's/^/    /'
if [ -n "${VERSION:-}" ]; then
	[ "$(echo "$out" | head -n1)" = "vme50-tui $VERSION" ] || fail "--version does not say $VERSION"
fi
echo "$out" | grep -q '^commit:   [0-9a-f]\{40\}' || fail "--version names no commit"
echo "$out" | grep -q '^cgroup:   v[12]' || fail "--version names no cgroup layout"
[ "$("$bin" version)" = "$out" ] || fail "version and --version differ"
gzip -t "$root"/usr/share/man/man1/*.gz || fail "a man page is not gzip"
zcat "$root/usr/share/man/man1/vme50-tui-run.1.gz" | grep -q '^\.TH "VME50-TUI" "1"' || fail "vme50-tui-run.1 has no .TH"
bash -n "$root/usr/share/bash-completion/completions/vme50-tui" || fail "the bash completion does not parse"

rootfs="$root/var/lib/vme50/rootfs/busybox"
"$bin" rootfs create "$rootfs" >/dev/null || fail "rootfs create: status $?"
err=$("$bin" run --rootfs "$rootfs" --memory-limit 64M --cpu-shares 200 /bin/true 2>&1 >/dev/null) || fail "run /bin/true: status $?: $err"
[ -z "$err" ] || fail "run /bin/true said: $err"
# The package's binary carries the small init (packaging/build-deb.sh).
out=$("$bin" run -v --rootfs "$rootfs" /bin/true 2>&1) || fail "run -v /bin/true: status $?: $out"
echo "$out" | grep -q 'vme50-init (the small init vme50-tui carries' || fail "the package's vme50-tui carries no small init: $out"
st=0
"$bin" run --rootfs "$rootfs" --memory-limit 64M /bin/sh -c 'exit 3' || st=$?
[ $st = 3 ] || fail "run sh -c 'exit 3': status $st"
st=0
out=$("$bin" run --rootfs "$rootfs" vme50-hog cpu --threads 1 --seconds 1 2>&1) || st=$?
[ $st = 0 ] || fail "vme50-hog in the container: status $st: $out"
step "--version, rootfs create and three containers from $bin: ok"

# 3. Remove: all but /var/lib/vme50, nothing killed. A fake v1 cgroup tree
# (the postrm works on $DPKG_ROOT/sys/fs/cgroup) with a process of ours.
sleep 300 &
sleeper=$!
for h in memory cpu,cpuacct pids; do
	mkdir -p "$root/sys/fs/cgroup/$h/vme50/c0ffee000001"
	echo $sleeper >"$root/sys/fs/cgroup/$h/vme50/c0ffee000001/cgroup.procs"
done
dpkgr -r vme50-tui >/dev/null || fail "dpkg -r"
left=$(cd "$root" && find . -mindepth 1 \( -path ./var/lib/dpkg -o -path ./var/lib/vme50 -o -path ./sys \) -prune -o -print | sort | tr '\n' ' ')
[ "$left" = "./var ./var/lib " ] || fail "dpkg -r left: $left"
[ -x "$rootfs/bin/busybox" ] || fail "dpkg -r removed /var/lib/vme50"
kill -0 $sleeper 2>/dev/null || fail "dpkg -r killed a container's process"
dpkgr -s vme50-tui 2>/dev/null | grep -q '^Status: deinstall ok config-files' || fail "status after dpkg -r"
step "remove: only /var/lib/vme50 is left, the container's process lives: ok"

# 4. Purge, with mounts under /var/lib/vme50.
mkdir -p "$rootfs/mnt/tmpfs" "$root/var/lib/vme50/bound"
mount -t tmpfs tmpfs "$rootfs/mnt/tmpfs"
echo x >"$rootfs/mnt/tmpfs/file"
echo keep >"$outside/keep"
mount --bind "$outside" "$root/var/lib/vme50/bound"
dpkgr -P vme50-tui >"$root.log" 2>&1 || { cat "$root.log"; fail "dpkg -P"; }
sed 's/^/    /' "$root.log"
rm -f "$root.log"
[ ! -e "$root/var/lib/vme50" ] || fail "dpkg -P left $root/var/lib/vme50"
[ -f "$outside/keep" ] || fail "dpkg -P removed a file outside through a bind mount"
! grep -q " $root/" /proc/self/mountinfo || fail "still mounted under $root"
# Killed, it is a zombie of ours until waited for.
sleep 0.2
case $(awk '{ print $3 }' /proc/$sleeper/stat 2>/dev/null) in
Z | "") wait $sleeper 2>/dev/null || true ;;
*) kill $sleeper; fail "dpkg -P did not kill the container's process" ;;
esac
! dpkgr -s vme50-tui >/dev/null 2>&1 || fail "dpkg -s still knows vme50-tui after dpkg -P"
step "purge: containers killed, mounts undone, /var/lib/vme50 gone, the bound directory intact: ok"
