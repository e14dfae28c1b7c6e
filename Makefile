# skbtop: top for the Linux network stack.
# Every product goes under $(OUT); `make V=1` shows the commands.

# `make SAN=1` builds everything with AddressSanitizer and UndefinedBehaviorSanitizer into build-san/
# (CC=clang works too); the BPF objects are always built by clang without them. SAN=fuzz is the
# same with clang and libFuzzer's coverage, into build-fuzz/ (what `make fuzz` builds).
SAN ?=
SAN_OUT ?= build-san
FUZZ_OUT ?= build-fuzz
FUZZ_SECONDS ?= 20
SAN_COMMON := -O1 -g -fno-omit-frame-pointer -fno-sanitize-recover=undefined
ifeq ($(SAN),1)
OUT ?= $(SAN_OUT)
SAN_FLAGS := $(SAN_COMMON) -fsanitize=address,undefined
else ifeq ($(SAN),fuzz)
OUT ?= $(FUZZ_OUT)
override CC := $(or $(CLANG),clang)
SAN_FLAGS := $(SAN_COMMON) -fsanitize=fuzzer-no-link,address,undefined
else
OUT ?= build
SAN_FLAGS :=
endif
prefix ?= /usr/local
DESTDIR ?=
CC ?= gcc
CLANG ?= clang
BPFTOOL ?= bpftool
LLVM_STRIP ?= llvm-strip

ifeq ($(V),1)
Q :=
msg :=
else
Q := @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

ARCH := $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/')
# bpf/vmlinux.h holds the kernel types of this one architecture; CO-RE relocates field offsets,
# but not the layout of pt_regs, so another architecture needs its own file.
VMLINUX_ARCH := x86

CFLAGS ?= -O2 -g
CFLAGS += $(SAN_FLAGS) -std=gnu11 -Wall -Wextra -Werror -D_GNU_SOURCE -I$(OUT) -Isrc -Ibpf
CFLAGS += -DSKBTOP_CONFIG_DIR='"$(CURDIR)/config"'
LDLIBS := -lbpf -lelf -lz -lyaml -ljansson -lpcap -lmicrohttpd -lncursesw -ltinfo -lpthread
# Debian's libpcap.a pulls in D-Bus (and through it two systemd calls, see src/static_shims.c);
# libmicrohttpd.a cannot be linked statically (src/static_no_metrics.c replaces it).
STATIC_LDLIBS := $(filter-out -lmicrohttpd,$(LDLIBS)) -ldbus-1
BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) -Ibpf -I$(OUT) -Wall -Werror

BPF_SRCS := $(wildcard bpf/*.bpf.c)
BPF_OBJS := $(patsubst bpf/%.bpf.c,$(OUT)/bpf/%.bpf.o,$(BPF_SRCS))
SKELS := $(patsubst bpf/%.bpf.c,$(OUT)/%.skel.h,$(BPF_SRCS))

CORE_SRCS := $(wildcard src/core/*/*.c)
UI_SRCS := $(wildcard src/ui/*.c)
STATIC_SRCS := src/static_shims.c src/static_no_metrics.c
CLI_SRCS := $(filter-out $(STATIC_SRCS),$(wildcard src/*.c))
CORE_OBJS := $(patsubst src/%.c,$(OUT)/obj/%.o,$(CORE_SRCS))
UI_OBJS := $(patsubst src/%.c,$(OUT)/obj/%.o,$(UI_SRCS))
CLI_OBJS := $(patsubst src/%.c,$(OUT)/obj/%.o,$(CLI_SRCS))
CORE_LIB := $(OUT)/libskbtop-core.a
UI_LIB := $(OUT)/libskbtop-ui.a

UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(OUT)/tests/%,$(UNIT_SRCS))
TOOL_SRCS := $(wildcard tests/tools/*.c)
TOOL_BINS := $(patsubst tests/tools/%.c,$(OUT)/tools/%,$(TOOL_SRCS))
FUZZ_SRCS := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BINS := $(patsubst tests/fuzz/%.c,$(OUT)/fuzz/%,$(FUZZ_SRCS))
BENCH_SRCS := $(wildcard bench/*.c)
BENCH_BINS := $(patsubst bench/%.c,$(OUT)/bench/%,$(BENCH_SRCS))

# Everything the build, the tests and the QEMU test bed need, from Debian's registry.
DEPS := clang llvm libbpf-dev bpftool libelf-dev zlib1g-dev libncurses-dev libyaml-dev \
	libjansson-dev libpcap-dev libmicrohttpd-dev libdbus-1-dev libcmocka-dev pkg-config nftables iproute2 tmux kmod \
	qemu-system-x86 busybox-static cpio xz-utils procps jq libclang-rt-dev
# Only `make screenshots` needs these: a browser is a large install that tests never use.
SCREENSHOT_DEPS := aha chromium fonts-dejavu-core
# Only `make bench` needs these: the peer bench/cost.sh measures skbtop against.
BENCH_DEPS := bpftrace
# Only the tests need these: the real programs that read what skbtop writes (the man page, the
# completion, pcapng files, /metrics), and strace to slow the start down. A user who only runs skbtop
# does not download them.
TEST_DEPS := mandoc bash-completion tshark wireshark-common prometheus curl strace

.DELETE_ON_ERROR:
# The BPF objects are intermediate (only the skeletons name them): keep them, or every make rebuilds.
.SECONDARY:
.PHONY: all deps deps-screenshots bench-deps test-deps static install uninstall format clean test check check-vm bench \
	tools screenshots fuzz san-build fuzz-build fuzz-bins unit-bins

all: $(OUT)/skbtop

deps: PKGS = $(DEPS)
deps-screenshots: PKGS = $(SCREENSHOT_DEPS)
bench-deps: PKGS = $(BENCH_DEPS)
test-deps: PKGS = $(TEST_DEPS)
deps deps-screenshots bench-deps test-deps:
	@missing=$$(for p in $(PKGS); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | \
		grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing:" $$missing; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

$(OUT)/bpf/%.bpf.o: bpf/%.bpf.c $(wildcard bpf/*.h) | $(OUT)/bpf
	$(if $(filter-out $(VMLINUX_ARCH),$(ARCH)),$(error bpf/vmlinux.h is $(VMLINUX_ARCH)'s kernel types, not \
		$(ARCH)'s: generate it with bpftool btf dump file /sys/kernel/btf/vmlinux format c and set VMLINUX_ARCH))
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@
	$(Q)$(LLVM_STRIP) -g $@

$(OUT)/%.skel.h: $(OUT)/bpf/%.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< > $@

# The skeletons are generated before any compile; the dependency files then say which source
# includes which skeleton, so a BPF change recompiles only those.
$(OUT)/obj/%.o: src/%.c | $(SKELS)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

$(CORE_LIB): $(CORE_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(UI_LIB): $(UI_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(OUT)/skbtop: $(CLI_OBJS) $(UI_LIB) $(CORE_LIB)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $(CLI_OBJS) $(UI_LIB) $(CORE_LIB) $(LDLIBS) -o $@

static: $(OUT)/skbtop-static

$(OUT)/skbtop-static: $(CLI_OBJS) $(patsubst src/%.c,$(OUT)/obj/%.o,$(STATIC_SRCS)) $(UI_LIB) \
		$(CORE_LIB)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) -static $^ $(STATIC_LDLIBS) -o $@

$(OUT)/tests/%: tests/unit/%.c $(CORE_LIB) $(UI_LIB) | $(OUT)/tests
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -Itests $< $(UI_LIB) $(CORE_LIB) $(LDLIBS) -lcmocka -o $@

# Static, so that they run in any namespace or guest; never sanitized (-static excludes ASan).
$(OUT)/tools/%: tests/tools/%.c | $(OUT)/tools
	$(call msg,CC,$@)
	$(Q)$(CC) $(filter-out -fsanitize=% -fno-sanitize-recover=%,$(CFLAGS)) -static $< -o $@

# The UI benchmark runs ui__run itself, so it links the UI library too.
$(OUT)/bench/bench_ui: bench/bench_ui.c $(UI_LIB) $(CORE_LIB) | $(OUT)/bench
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $< $(UI_LIB) $(CORE_LIB) $(LDLIBS) -o $@

$(OUT)/bench/%: bench/%.c $(CORE_LIB) | $(OUT)/bench
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $< $(CORE_LIB) $(LDLIBS) -o $@

# libFuzzer harnesses (SAN=fuzz only): tests/fuzz/fuzz_NAME.c, seeds in tests/fuzz/corpus/NAME/.
$(OUT)/fuzz/%: tests/fuzz/%.c $(CORE_LIB) | $(OUT)/fuzz
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -fsanitize=fuzzer -Itests $< $(CORE_LIB) $(LDLIBS) -o $@

$(OUT)/bpf $(OUT)/tests $(OUT)/tools $(OUT)/bench $(OUT)/fuzz:
	$(Q)mkdir -p $@

tools: $(TOOL_BINS)
unit-bins: $(UNIT_BINS)
fuzz-bins: $(FUZZ_BINS)

san-build:
	$(Q)$(MAKE) --no-print-directory SAN=1 OUT=$(SAN_OUT) all unit-bins

fuzz-build:
	$(Q)$(MAKE) --no-print-directory SAN=fuzz OUT=$(FUZZ_OUT) fuzz-bins

# Each harness over its seed corpus, then FUZZ_SECONDS of fuzzing.
fuzz: fuzz-build
	$(Q)FUZZ_OUT=$(FUZZ_OUT) FUZZ_SECONDS=$(FUZZ_SECONDS) tests/run fuzz

# The whole suite: unit, host integration, TUI, the QEMU guests, then the unit and host
# integration tests again under the sanitizers, and the fuzz harnesses. Its last line is the tally.
# Its three builds go side by side on every core even under a plain `make test`: one after the
# other they took three minutes of the suite's thirty.
TEST_JOBS ?= $(shell nproc)
test check: test-deps
	$(Q)$(MAKE) --no-print-directory -j$(TEST_JOBS) $(OUT)/skbtop $(OUT)/skbtop-static $(UNIT_BINS) \
		$(TOOL_BINS) san-build fuzz-build
	$(Q)OUT=$(OUT) SAN_OUT=$(SAN_OUT) FUZZ_OUT=$(FUZZ_OUT) FUZZ_SECONDS=$(FUZZ_SECONDS) tests/run

check-vm: $(OUT)/skbtop-static $(TOOL_BINS)
	$(Q)OUT=$(OUT) tests/run vm

bench: bench-deps $(OUT)/skbtop $(OUT)/skbtop-static $(BENCH_BINS) $(TOOL_BINS)
	$(Q)OUT=$(OUT) bench/run

# PNGs of real runs (live on this host as root, and a replay of a QEMU session with nftables
# verdicts) rendered from tmux's colour capture; not part of `make test`.
screenshots: deps-screenshots $(OUT)/skbtop $(TOOL_BINS)
	$(Q)OUT=$(OUT) screenshots/make.sh

install: $(OUT)/skbtop
	install -D -m 0755 $(OUT)/skbtop $(DESTDIR)$(prefix)/sbin/skbtop
	install -D -m 0644 config/skbtop.yaml $(DESTDIR)$(prefix)/share/skbtop/skbtop.yaml
	install -D -m 0644 config/layers.yaml $(DESTDIR)$(prefix)/share/skbtop/layers.yaml
	install -D -m 0644 man/skbtop.8 $(DESTDIR)$(prefix)/share/man/man8/skbtop.8
	install -D -m 0644 completion/skbtop.bash \
		$(DESTDIR)$(prefix)/share/bash-completion/completions/skbtop

uninstall:
	rm -f $(DESTDIR)$(prefix)/sbin/skbtop
	rm -rf $(DESTDIR)$(prefix)/share/skbtop
	rm -f $(DESTDIR)$(prefix)/share/man/man8/skbtop.8
	rm -f $(DESTDIR)$(prefix)/share/bash-completion/completions/skbtop

format:
	clang-format -i $$(git ls-files '*.c' '*.h' | grep -v '^bpf/vmlinux.h$$')

clean:
	rm -rf $(OUT)

-include $(wildcard $(OUT)/obj/*.d $(OUT)/obj/*/*.d $(OUT)/obj/core/*/*.d)

# The YAML defaults are compiled in with .incbin; make must know they are inputs.
$(OUT)/obj/core/base/builtin_config.o: config/skbtop.yaml config/layers.yaml
