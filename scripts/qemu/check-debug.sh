#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `make check-debug`: the QEMU suite (scripts/qemu/run-tests.sh) on the debug
# guest kernel of scripts/qemu/debug-kernel.sh (lockdep, KASAN, debug
# objects, ...). Builds that kernel if it is not cached, builds xsanfs.ko
# against it from clean in results/debug-module/ (a copy of the sources: the
# normal build in the tree is left alone; W=1, any warning fails), then runs
# the suite with every deadline scaled by XSAN_BED_DEADLINE_SCALE (default
# 4). Guest logs: results/qemu-debug/TEST/. Prints PASS:/FAIL: lines and
# "N passed, N failed" as scripts/check.sh does.
# Usage: check-debug.sh [TEST...]   (default: the whole suite)
set -uo pipefail
export PATH=$PATH:/usr/local/sbin:/usr/sbin:/sbin
cd "$(dirname "$0")/../.."
top=$(pwd)
logs=results/check-debug
mod=$top/results/debug-module
rm -rf "$logs"
mkdir -p "$logs" "$mod"
summary=$logs/summary
: > "$summary"
t_start=$(date +%s)

finish() {
	local passed failed
	passed=$(grep -c '^PASS: ' "$summary")
	failed=$(grep -c '^FAIL: ' "$summary")
	echo "make check-debug took $(( $(date +%s) - t_start )) s; logs in $logs"
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
	exit
}
say() { echo "$*" | tee -a "$summary"; }

# 1. the kernel (cached; a cold build is long)
t0=$(date +%s)
if kdir=$(scripts/qemu/debug-kernel.sh 2> >(tee "$logs/debug-kernel.log" >&2)); then
	say "PASS: debug.kernel [$(cat "$kdir/include/config/kernel.release"), $(( $(date +%s) - t0 )) s]"
else
	say "FAIL: debug.kernel [see $logs/debug-kernel.log]"
	finish
fi

# 2. xsanfs.ko against it, from clean, no warnings at W=1
t0=$(date +%s)
rm -rf "$mod"
mkdir -p "$mod"
tar -cf - Kbuild Kconfig fs net include | tar -C "$mod" -xf -
make -C "$kdir" M="$mod" CONFIG_XSANFS_FS=m W=1 modules > "$logs/module.log" 2>&1
rc=$?
if [ $rc -ne 0 ] || grep -iE 'warning:|error:' "$logs/module.log"; then
	say "FAIL: debug.module [see $logs/module.log]"
	finish
fi
say "PASS: debug.module [$(( $(date +%s) - t0 )) s]"

# 3. the QEMU suite on it
export XSAN_KDIR=$kdir
export XSAN_GUEST_KERNEL=$kdir/arch/x86/boot/bzImage
export XSAN_MODULE=$mod/xsanfs.ko
export XSAN_BED_DEADLINE_SCALE=${XSAN_BED_DEADLINE_SCALE:-4}
export XSAN_BED_RESULTS=$top/results/qemu-debug
t0=$(date +%s)
scripts/qemu/run-tests.sh "$@" 2>&1 | tee "$logs/qemu.log"
grep -E '^(PASS|FAIL): ' "$logs/qemu.log" >> "$summary"
grep -q '^PASS: \|^FAIL: ' "$logs/qemu.log" || say "FAIL: debug.qemu [no test ran]"
echo "qemu suite on the debug kernel: $(( $(date +%s) - t0 )) s"
finish
