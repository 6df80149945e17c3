#!/bin/sh
# Builds dist/vme50-tui_<version>_<arch>.deb from a staged tree with
# dpkg-deb (make deb runs it, after make man). The tree:
#
#   /usr/bin/vme50-tui                                   static, stripped
#   /usr/share/man/man1/vme50-tui*.1.gz                  make man's pages
#   /usr/share/bash-completion/completions/vme50-tui     vme50-tui completion bash
#   /usr/share/zsh/vendor-completions/_vme50-tui         ... zsh
#   /usr/share/fish/vendor_completions.d/vme50-tui.fish  ... fish
#   /usr/share/doc/vme50-tui/README.md.gz, copyright
#   DEBIAN/control (Depends: busybox-static), postrm, md5sums
#
# Settings (make passes the first two): VERSION (git describe --tags
# --always --dirty), COMMIT, GOARCH (the package's architecture; default
# the Go toolchain's), DEB_MAINTAINER.
set -eu
cd "$(dirname "$0")/.."

VERSION=${VERSION:-$(git describe --tags --always --dirty 2>/dev/null || echo devel)}
COMMIT=${COMMIT:-$(git rev-parse HEAD 2>/dev/null || echo unknown)}
GOARCH=${GOARCH:-$(go env GOARCH)}
DEB_MAINTAINER=${DEB_MAINTAINER:-vme50-tui maintainers <root@localhost>}

# A Debian version from git describe: it must start with a digit and sort
# as the commits do. v1.2.0 -> 1.2.0; v1.2.0-3-gabc1234 -> 1.2.0+3.gabc1234
# (after 1.2.0, before 1.2.1); v1.3.0-rc1 -> 1.3.0~rc1 (before 1.3.0);
# without a tag, abc1234 -> 0.0.0+git<commits>.abc1234; -dirty -> .dirty.
debian_version() {
	v=${1#v}
	# An abbreviated commit (no tag yet), which may well start with a digit.
	if printf '%s\n' "$1" | grep -Eqx '[0-9a-f]{7,40}(-dirty)?'; then
		v="0.0.0+git$(git rev-list --count HEAD 2>/dev/null || echo 0).$1"
	fi
	case $v in
	[0-9]*) ;;
	*) v="0.0.0+git$(git rev-list --count HEAD 2>/dev/null || echo 0).$v" ;;
	esac
	printf '%s\n' "$v" | sed -e 's/-\([0-9][0-9]*\)-g\([0-9a-f][0-9a-f]*\)/+\1.g\2/' \
		-e 's/-dirty$/.dirty/' -e 's/-\(rc\|alpha\|beta\|pre\)/~\1/' -e 's/-/./g'
}

if [ "${1:-}" = --debian-version ]; then
	debian_version "$2"
	exit
fi

case $GOARCH in
amd64 | arm64 | riscv64 | s390x | mips64le | loong64) arch=$GOARCH ;;
386) arch=i386 ;;
arm) arch=armhf ;;
ppc64le) arch=ppc64el ;;
*) echo "build-deb: no Debian architecture for GOARCH=$GOARCH" >&2; exit 1 ;;
esac
if [ "$GOARCH" != "$(go env GOHOSTARCH)" ]; then
	# The completions are written by the binary itself.
	echo "build-deb: GOARCH=$GOARCH: cross-built packages are not supported yet (the completions come from running the binary)" >&2
	exit 1
fi
[ -d dist/man ] || { echo "build-deb: no dist/man: run make man first (make deb does)" >&2; exit 1; }

debver=$(debian_version "$VERSION")
pkg="dist/vme50-tui_${debver}_${arch}.deb"
stage=dist/deb
rm -rf "$stage" dist/vme50-tui_*.deb
umask 022
mkdir -p "$stage/DEBIAN" "$stage/usr/bin" "$stage/usr/share/man/man1" \
	"$stage/usr/share/bash-completion/completions" "$stage/usr/share/zsh/vendor-completions" \
	"$stage/usr/share/fish/vendor_completions.d" "$stage/usr/share/doc/vme50-tui"

# Static (make exports CGO_ENABLED=0; said again for a direct run), without
# the symbol table and DWARF (-s -w: 16 MB instead of 20, stack traces
# still name functions), and without this machine's paths (-trimpath).
# The container's init, the small program of its own (cmd/vme50-init),
# carried inside as `make build` carries it (Makefile: init).
mkdir -p .cache
CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o .cache/vme50-init ./cmd/vme50-init
printf '{"Replace":{"%s":"%s"}}\n' "$PWD/runtime/initbin/bin/vme50-init" "$PWD/.cache/vme50-init" >.cache/init-overlay.json
CGO_ENABLED=0 go build -trimpath -overlay .cache/init-overlay.json \
	-ldflags "-s -w -X main.version=$VERSION -X main.commit=$COMMIT" \
	-o "$stage/usr/bin/vme50-tui" .
bin="$stage/usr/bin/vme50-tui"
"$bin" completion bash >"$stage/usr/share/bash-completion/completions/vme50-tui"
"$bin" completion zsh >"$stage/usr/share/zsh/vendor-completions/_vme50-tui"
"$bin" completion fish >"$stage/usr/share/fish/vendor_completions.d/vme50-tui.fish"
for page in dist/man/*.1; do
	gzip -9n <"$page" >"$stage/usr/share/man/man1/$(basename "$page").gz"
done
gzip -9n <README.md >"$stage/usr/share/doc/vme50-tui/README.md.gz"
cp packaging/copyright "$stage/usr/share/doc/vme50-tui/copyright"
find "$stage/usr" -type f -exec chmod 0644 {} + && chmod 0755 "$bin"
find "$stage" -type d -exec chmod 0755 {} +

install -m 0755 packaging/postrm "$stage/DEBIAN/postrm"
(cd "$stage" && find usr -type f -print0 | sort -z | xargs -0 md5sum) >"$stage/DEBIAN/md5sums"
chmod 0644 "$stage/DEBIAN/md5sums"
size=$(du -sk --apparent-size "$stage/usr" | cut -f1)
cat >"$stage/DEBIAN/control" <<CONTROL
Package: vme50-tui
Version: $debver
Architecture: $arch
Maintainer: $DEB_MAINTAINER
Installed-Size: $size
Depends: busybox-static
Section: admin
Priority: optional
Description: build a container and watch its cgroup limits bite
 vme50-tui starts containers the way runc does, in code small enough to
 read aloud in a lecture: new PID, UTS, IPC and mount namespaces,
 pivot_root into a root filesystem with a fresh overlay on top, and cgroup
 limits on memory, CPU and processes, on cgroup v2 and v1/hybrid hosts.
 .
 sudo vme50-tui opens a terminal UI: the container's terminal beside live
 panels of its cgroup files, so that a class watches limits bite (OOM
 kills, CPU throttling, pids.max). vme50-tui run does the same without the
 UI. busybox-static makes the default root filesystem
 (sudo vme50-tui rootfs create).
CONTROL
chmod 0644 "$stage/DEBIAN/control"

# Every file dated by the last commit (dpkg-deb reads SOURCE_DATE_EPOCH for
# the archive's own members): the same tree builds the same package.
SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}
export SOURCE_DATE_EPOCH
find "$stage" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +

# xz, not the zstd of Ubuntu's dpkg: every Debian's and Ubuntu's dpkg reads
# xz, Debian's before 12 no zstd.
dpkg-deb --root-owner-group -Zxz --build "$stage" "$pkg" >/dev/null
echo "$pkg"
