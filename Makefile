# SPDX-License-Identifier: GPL-2.0
#
# xsanfs top-level build. `make` builds xsanfs.ko (out of tree, against
# KDIR) and the userspace tools; `make check` runs every test suite;
# `make demo` shows what works today. See Documentation/testing.rst.

# Kbuild owns the module; this file is only read when make runs here.
KDIR ?= $(shell scripts/kdir.sh)
DEPS := scripts/deps.sh
KMAKE = $(MAKE) -C $(KDIR) M=$(CURDIR) CONFIG_XSANFS_FS=m W=1

.PHONY: fuzz-long restart-long bench-restart all deps module tools sparse checkpatch unit mdc sim sim-long bench-mdc bench-ns bench-data fuzz kunit qemu check demo clean \
	debug-kernel check-debug

all: module tools

deps:
	@$(DEPS)

module: deps
	$(KMAKE) modules

tools: deps
	$(MAKE) -C tools

# C=2 checks every file; -D__CHECK_ENDIAN__ is on by default in 6.1's sparse
# flags, repeated so an older tree checks endianness too.
sparse: deps
	$(KMAKE) C=2 CF="-D__CHECK_ENDIAN__" modules

checkpatch: deps
	scripts/checkpatch.sh

unit: tools
	$(MAKE) -C tests/unit run

# The integration suite against a live xsanmdc on 127.0.0.1.
mdc: tools
	$(MAKE) -C tests/mdc run

# The token protocol simulation: the MDC's real token code driven by
# simulated clients (tests/sim, Documentation/testing.rst). `make sim` is
# the short run of `make check`; `make sim-long` the long one, with its
# figures (SIM_SEED=N starts the seeds elsewhere).
sim:
	$(MAKE) -C tests/sim run

sim-long:
	$(MAKE) -C tests/sim long

# The multi-client coherence fuzzer's long run in QEMU (tests/qemu/fuzz.sh
# is its short run in `make check`): about 100,000 operations with faults,
# figures in the bed's output.
fuzz-long: module tools
	scripts/qemu/bed.py tests/qemu/long/fuzz-long.sh

# Three rounds of 504 MiB copies by two guests, each across an MDC kill.
restart-long: module tools
	scripts/qemu/bed.py tests/qemu/long/mdc-restart-big.sh

# Load generator against a live xsanmdc (figures, not a test; not part of
# `make check`). BENCH_SECONDS, BENCH_CLIENTS, BENCH_WINDOW: see bench.c;
# BENCH_TOKEN_CLIENTS: see bench_tokens.c (revoke round trips).
bench-mdc: tools
	$(MAKE) -C tests/mdc build/bench build/bench_tokens
	cd tests/mdc && BENCH_COMMIT=$$(git describe --always --dirty 2>/dev/null) \
		XSANMDC=../../tools/bin/xsanmdc build/bench
	cd tests/mdc && BENCH_COMMIT=$$(git describe --always --dirty 2>/dev/null) \
		XSANMDC=../../tools/bin/xsanmdc build/bench_tokens

# Namespace benchmark in one QEMU guest: xsanfs against ext4 on an equal
# local LUN (figures, not a test; not part of `make check`, whose QEMU step
# skips tests/qemu/bench-*.sh). Results: the "bench-ns:" lines printed here,
# from results/qemu/bench-ns/a.console.log.
bench-ns: module tools
	scripts/qemu/bed.py tests/qemu/bench-ns.sh; rc=$$?; \
		echo "bench-ns: commit $$(git describe --always --dirty 2>/dev/null), $$(date -u '+%Y-%m-%d %H:%M UTC')"; \
		grep -a '^bench-ns:' results/qemu/bench-ns/a.console.log; exit $$rc

# Data path benchmark: tests/qemu/bench-data.sh in one QEMU guest (O_DIRECT
# xsanfs vs the raw LUN device, buffered xsanfs vs ext4), once with the LUN
# images in the host's page cache (cache=writeback) and once without
# (cache=none: writes reach the host disk, as on an array); not part of
# `make check`. Results: the "bench-data:" lines, from
# results/qemu/bench-data/a.console.log; record them in
# Documentation/performance.rst.
bench-data: module tools
	@rc=0; for c in writeback none; do \
		XSAN_BED_CACHE=$$c scripts/qemu/bed.py tests/qemu/bench-data.sh || rc=1; \
		echo "bench-data: LUN images cache=$$c, commit $$(git describe --always --dirty 2>/dev/null), $$(date -u '+%Y-%m-%d %H:%M UTC')"; \
		grep -a '^bench-data:' results/qemu/bench-data/a.console.log; \
	done; exit $$rc

# Time from an MDC restart to the clients writing again (issue 13):
# tests/qemu/mdc-restart.sh (also part of `make check`) run alone, its
# figure printed; record it in Documentation/performance.rst.
bench-restart: module tools
	scripts/qemu/bed.py tests/qemu/mdc-restart.sh; rc=$$?; \
		echo "bench-restart: commit $$(git describe --always --dirty 2>/dev/null), $$(date -u '+%Y-%m-%d %H:%M UTC')"; \
		grep -ah 'mdc-restart: figure:' results/qemu/mdc-restart/*.console.log; exit $$rc

# FUZZ_SECONDS=N per target (default 60)
fuzz: deps
	$(MAKE) -C tests/fuzz run

kunit: deps
	scripts/kunit.sh

qemu: module tools
	scripts/qemu/run-tests.sh

# The QEMU suite on a debug guest kernel (lockdep, KASAN, debug objects),
# built once from Debian's linux-source-6.1 and cached outside the tree;
# xsanfs.ko is built for it in results/debug-module/, guest logs go to
# results/qemu-debug/. Not part of `make check`: too slow (figures in
# Documentation/testing.rst). TESTS="tests/qemu/x.sh ..." runs only those.
debug-kernel: deps
	scripts/qemu/debug-kernel.sh

check-debug: tools
	scripts/qemu/check-debug.sh $(TESTS)

# check.sh installs dependencies as its first counted step, so that an apt
# failure still ends with the summary line.
check:
	scripts/check.sh

demo: module tools
	scripts/demo.sh

clean:
	-$(KMAKE) clean
	$(MAKE) -C tools clean
	$(MAKE) -C tests/unit clean
	$(MAKE) -C tests/mdc clean
	$(MAKE) -C tests/fuzz clean
	$(MAKE) -C tests/sim clean
	$(MAKE) -C tests/qemu/helpers clean
