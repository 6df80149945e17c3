# vme50-tui: build, run, test, bench, install.
# `sudo make run` and `sudo make test` work on a fresh Debian/Ubuntu machine
# with Go: they install the Debian packages they need themselves.

BIN     := vme50-tui
ROOTFS  ?= /var/lib/vme50/rootfs/busybox
PREFIX  ?= /usr/local
# sudo resets PATH; Go's usual home is added so `sudo make` finds it.
export PATH := $(PATH):/usr/local/go/bin
# Static, so the re-exec'd init needs nothing from the container's rootfs.
export CGO_ENABLED := 0

.PHONY: build run rootfs deps test vmtest unit bench install clean soak

build:
	go build -o $(BIN) .

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

bench: deps build
	go test -count=1 -run '^$$' -bench . -benchtime 40x ./e2e/

# 200 containers started and stopped in one process (normal exits, OOM
# kills, SIGKILLs, bad settings), then no leftovers and no leaked fds or
# goroutines; make test runs a short one.
soak: deps build
	VME50_E2E=1 VME50_SOAK_CYCLES=$${VME50_SOAK_CYCLES:-200} go test -count=1 -run '^TestSoak$$' -v ./e2e/

install: build
	install -D -m 0755 $(BIN) $(DESTDIR)$(PREFIX)/bin/$(BIN)

clean:
	rm -f $(BIN)
	rm -rf .cache/vm/build
