#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Run the QEMU suite: the bed's self-tests first (a bed that cannot catch a
# failure proves nothing), then every tests/qemu/*.sh. One PASS:/FAIL: line
# per test; exits non-zero if any failed. Guests run one test at a time:
# this machine has 2 cores and TCG is CPU-bound. Benchmarks
# (tests/qemu/bench-*.sh) are not tests: they run only when named.
# Usage: run-tests.sh [TEST...]
set -uo pipefail
cd "$(dirname "$0")/../.."
if [ $# -gt 0 ]; then
	tests=("$@")
else
	tests=(tests/qemu/selftest/*.sh)
	for t in tests/qemu/*.sh; do
		case "${t##*/}" in bench-*) continue ;; esac
		tests+=("$t")
	done
fi
failed=0
for t in "${tests[@]}"; do
	scripts/qemu/bed.py "$t" || failed=1
done
exit $failed
