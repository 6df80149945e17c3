# vme50-tui: build, run, test, bench, install.
# `sudo make run` and `sudo make test` work on a fresh Debian/Ubuntu machine
# with Go: they install the Debian packages they need themselves.

BIN     := vme50-tui
ROOTFS  ?= /var/lib/vme50/rootfs/busybox
PREFIX  ?= /usr/local
# What `vme50-tui --version` says (version.go): git describe and the commit.
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo devel)
COMMIT  ?= $(shell git rev-parse HEAD 2>/dev/null)$(shell git diff --quiet HEAD 2>/dev/null || echo -dirty)
LDFLAGS := -X main.version=$(VERSION) -X main.commit=$(COMMIT)
# sudo resets PATH; Go's usual home is added so `sudo make` finds it.
export PATH := $(PATH):/usr/local/go/bin
# Static, so the re-exec'd init needs nothing from the container's rootfs.
export CGO_ENABLED := 0

.PHONY: build init run rootfs deps test vmtest unit bench install clean soak man deb debcheck

# vme50-init, the container's init alone (cmd/vme50-init), is built first,
# static and stripped, and carried inside vme50-tui (runtime/initbin):
# go build's -overlay puts it in place of runtime/initbin/bin/vme50-init,
# so nothing is written into the source tree. A plain `go build .` makes a
# vme50-tui without it, which runs its own binary as init (slower start).
INIT_OVERLAY := .cache/init-overlay.json

build: init
	go build -overlay $(INIT_OVERLAY) -ldflags '$(LDFLAGS)' -o $(BIN) .

# .cache/vme50-init and the overlay that carries it into a build; other
# builds of vme50-tui (packaging, the VM's) use it as
# `go build -overlay .cache/init-overlay.json`.
init:
	mkdir -p .cache
	go build -trimpath -ldflags '-s -w' -o .cache/vme50-init ./cmd/vme50-init
	printf '{"Replace":{"%s":"%s"}}\n' '$(CURDIR)/runtime/initbin/bin/vme50-init' '$(CURDIR)/.cache/vme50-init' > $(INIT_OVERLAY)

deps:
	scripts/install-deps.sh

rootfs: build
	test -d $(ROOTFS) || ./$(BIN) rootfs create $(ROOTFS)

# The TUI, its form prefilled for a shell in a container on the default
# rootfs: press Enter through the form to launch it.
run: deps rootfs
	./$(BIN) --rootfs $(ROOTFS) --memory-limit 64M /bin/sh

# Everything: unit tests, and the kernel tests as root, where VME50_E2E=1
# makes a kernel test that cannot run fail instead of skip; then the kernel
# tests again on cgroup v2, in a VM (vmtest), whatever this machine runs.
test: deps build
	go vet ./...
	# What is not about the kernel builds on a contributor's laptop too.
	GOOS=darwin go vet ./ui/ ./record/ ./cgroup/ ./runtime/... ./hog/
	VME50_E2E=1 go test -count=1 $$(go list ./... | grep -v /e2e)
	# The kernel tests alone: some measure the scheduler (CPU weights), and
	# other packages' tests spinning beside them skew the shares.
	VME50_E2E=1 go test -count=1 ./e2e/
	VME50_VM_OPTIONAL=1 scripts/vmtest.sh

# The kernel tests on cgroup v2: Debian's kernel booted in qemu with an
# initramfs of static test binaries. scripts/vmtest.sh installs qemu and
# fetches the kernel itself.
vmtest:
	scripts/vmtest.sh

# Unit tests only: no root, no kernel features.
unit:
	VME50_E2E=1 go test -count=1 $$(go list ./... | grep -v /e2e)

# Start-to-exit of /bin/true with a memory limit and a CPU weight, side by
# side with runc (and crun on cgroup v2), printed as ratios (x-runc: ours
# over runc's; the budget is 0.5 or less).
bench: build
	scripts/install-deps.sh
	scripts/install-deps.sh bench
	VME50_BIN=$(CURDIR)/$(BIN) go test -count=1 -run '^$$' -bench . -benchtime 100x ./e2e/

# 200 containers started and stopped in one process (normal exits, OOM
# kills, SIGKILLs, bad settings), then no leftovers and no leaked fds or
# goroutines; make test runs a short one.
soak: deps build
	VME50_E2E=1 VME50_SOAK_CYCLES=$${VME50_SOAK_CYCLES:-200} go test -count=1 -run '^TestSoak$$' -v ./e2e/

install: build
	install -D -m 0755 $(BIN) $(DESTDIR)$(PREFIX)/bin/$(BIN)

# The man pages, one per command, from the commands themselves (cobra's doc
# package, run in a test so that the binary does not carry it), into
# dist/man; dated by the last commit, so that a rebuild is the same.
man:
	rm -rf dist/man
	VME50_MAN_DIR=$(CURDIR)/dist/man SOURCE_DATE_EPOCH=$$(git log -1 --format=%ct 2>/dev/null || date +%s) \
		go test -count=1 -run '^TestManPages$$' .

# dist/vme50-tui_<version>_<arch>.deb, by dpkg-deb from a staged tree
# (packaging/build-deb.sh): the binary, man pages, completions, README.
deb: man
	VERSION='$(VERSION)' COMMIT='$(COMMIT)' packaging/build-deb.sh

# The package installed into a directory (dpkg --root), never the host's
# /usr: --version and one container from the installed binary, then
# remove and purge (packaging/check-deb.sh). As root; .ci/run runs it.
debcheck: deb deps
	VERSION='$(VERSION)' packaging/check-deb.sh dist/vme50-tui_*.deb

clean:
	rm -f $(BIN)
	rm -rf dist
	rm -rf .cache/vm/build
