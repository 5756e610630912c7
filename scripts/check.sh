#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `make check`: every suite, in order of cost. Each step prints PASS:/FAIL:
# lines (one per test case); a step that fails without saying which case is
# counted as one failure under its own name. Full logs: results/check/.
# Ends with the one summary line CI reads: "N passed, N failed[, N skipped]".
set -uo pipefail
# depmod, ip and friends live in sbin, which a CI PATH may lack
export PATH=$PATH:/usr/local/sbin:/usr/sbin:/sbin
cd "$(dirname "$0")/.."
logs=results/check
rm -rf "$logs"
mkdir -p "$logs"
summary=$logs/summary
: > "$summary"
t_start=$(date +%s)

# step NAME CMD...: run CMD, keep its log, collect its PASS/FAIL/SKIP lines.
step() {
	local name=$1 t0 rc lines
	shift
	t0=$(date +%s)
	echo "== $name: $*"
	"$@" > "$logs/$name.log" 2>&1
	rc=$?
	lines=$(grep -E '^(PASS|FAIL|SKIP): ' "$logs/$name.log" || true)
	if [ -n "$lines" ]; then
		printf '%s\n' "$lines" | tee -a "$summary"
	fi
	if [ $rc -ne 0 ] && ! grep -q '^FAIL: ' <<<"$lines"; then
		echo "FAIL: $name (exit $rc)" | tee -a "$summary"
	elif [ $rc -eq 0 ] && [ -z "$lines" ]; then
		echo "PASS: $name" | tee -a "$summary"
	fi
	if [ $rc -ne 0 ]; then
		echo "-- last lines of $logs/$name.log:"
		tail -n 25 "$logs/$name.log" | sed 's/^/   | /'
	fi
	echo "== $name: $(( $(date +%s) - t0 )) s"
}

# A build step passes only if the compiler and modpost said nothing. It
# builds from clean: kbuild does not repeat warnings of up-to-date objects.
quiet_build() {
	local out rc
	out=$("$@" 2>&1)
	rc=$?
	printf '%s\n' "$out"
	[ $rc -eq 0 ] || return $rc
	if grep -iE 'warning:|error:' <<<"$out"; then
		return 1
	fi
}

sparse_clean() {
	local out
	out=$(make -s sparse 2>&1) || { printf '%s\n' "$out"; return 1; }
	printf '%s\n' "$out"
	# sparse reports as file:line:col: warning/error
	! grep -E ':[0-9]+:[0-9]+: (warning|error)' <<<"$out"
}

step deps scripts/deps.sh
make -s clean > /dev/null 2>&1
step build.module quiet_build make -s module
step build.tools quiet_build make -s tools
step sparse sparse_clean
step checkpatch scripts/checkpatch.sh
step docs scripts/doccheck.py
step unit make -s -C tests/unit run
step fuzzcheck scripts/qemu/fuzzcheck_test.py
step bedcheck scripts/qemu/bed_kernel_test.py
step mdc make -s -C tests/mdc run
step fuzz make -s -C tests/fuzz run
step kunit scripts/kunit.sh
step sim make -s -C tests/sim run
step qemu scripts/qemu/run-tests.sh

passed=$(grep -c '^PASS: ' "$summary")
failed=$(grep -c '^FAIL: ' "$summary")
skipped=$(grep -c '^SKIP: ' "$summary")
echo "make check took $(( $(date +%s) - t_start )) s; logs in $logs"
if [ "$skipped" -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
