#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Run the xsanfs KUnit suites on UML with KASAN and lockdep, through
# tools/testing/kunit/kunit.py of Debian's linux-source-6.1 (scripts/ksrc.sh).
# This checkout is grafted into that tree as fs/xsanfs (a symlink, one
# `source` line in fs/Kconfig, one `obj-` line in fs/Makefile) and built in.
# Prints "PASS: kunit.SUITE.CASE" or "FAIL: kunit.SUITE.CASE" per test case
# (a parameterised case is one line: it passes if every parameter passed;
# "SKIP:" for a case that skipped itself),
# then "PASS:"/"FAIL: kunit.log-clean" (no BUG:, WARNING:, lockdep splat or
# Call Trace in the kernel log). Exits non-zero on any FAIL, if kunit.py
# fails, or if no case ran. Build dir and logs live under $XSAN_CACHE.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd -P)
cache=${XSAN_CACHE:-/var/cache/xsanfs}
build=$cache/kunit-build
log=$cache/kunit.log
json=$cache/kunit.json
# Bound on the whole run: a cold KASAN+lockdep UML build takes ~5 min on
# 2 cores, more when QEMU shares the CPU. kunit.py's own --timeout bounds
# only the boot and the tests.
limit=${XSAN_KUNIT_TIMEOUT:-1500}

ksrc=$(scripts/ksrc.sh)
mkdir -p "$cache"

# One run at a time: the graft and the build dir are shared.
exec 9>"$cache/kunit.lock"
if ! flock -w "$limit" 9; then
	echo "FAIL: kunit.run (another kunit.sh held $cache/kunit.lock for $limit s)"
	exit 1
fi

# Graft this checkout; CI clones elsewhere, so re-point the link every run.
if [ -e "$ksrc/fs/xsanfs" ] && [ ! -L "$ksrc/fs/xsanfs" ]; then
	echo "FAIL: kunit.run ($ksrc/fs/xsanfs exists and is not our symlink)"
	exit 1
fi
ln -sfn "$repo" "$ksrc/fs/xsanfs"
grep -qxF 'source "fs/xsanfs/Kconfig"' "$ksrc/fs/Kconfig" ||
	echo 'source "fs/xsanfs/Kconfig"' >> "$ksrc/fs/Kconfig"
# shellcheck disable=SC2016 # make syntax, meant literally
grep -qxF 'obj-$(CONFIG_XSANFS_FS) += xsanfs/' "$ksrc/fs/Makefile" ||
	echo 'obj-$(CONFIG_XSANFS_FS) += xsanfs/' >> "$ksrc/fs/Makefile"
# make goes by mtime, and the link may now point at another checkout whose
# files are older than the objects built from the last one: without this,
# those stale objects get tested. Our few files rebuild in seconds.
rm -rf "$build/fs/xsanfs"

# Only our suites: CONFIG_KASAN_KUNIT_TEST (needed so that a KASAN report
# fails the running case) also builds the kasan suite, which provokes
# reports on purpose.
echo "kunit: $ksrc, build dir $build, log $log"
rm -f "$json" "$build/test.log"
t0=$(date +%s)
rc=0
(cd "$ksrc" && timeout --kill-after=30 "$limit" \
	python3 tools/testing/kunit/kunit.py run --arch=um \
		--build_dir="$build" --kunitconfig="$repo/tests/kunit/.kunitconfig" \
		--jobs="$(nproc)" --timeout=300 --json="$json" 'xsanfs*') \
	> "$log" 2>&1 || rc=$?
echo "kunit: kunit.py exited $rc after $(( $(date +%s) - t0 )) s"
[ $rc -ne 124 ] || echo "kunit: kunit.py killed after $limit s"

# One line per case from kunit.py's own KTAP parser (its JSON). A
# parameterised case passes only if every parameter passed; the failing
# parameters are named on the line after.
results=$(python3 - "$json" <<'EOF' || true
import json, sys

def walk(group, suite):
    for case in group.get("test_cases", []):
        yield suite or group["name"], case["name"], case["status"], []
    for sub in group.get("sub_groups", []):
        if suite is None:
            yield from walk(sub, sub["name"])
            continue
        params = list(walk(sub, suite))
        bad = [p[1] for p in params if p[2] not in ("PASS", "SKIP")]
        if bad or not params:
            status = "FAIL"
        elif all(p[2] == "SKIP" for p in params):
            status = "SKIP"
        else:
            status = "PASS"
        yield suite, sub["name"], status, bad

try:
    with open(sys.argv[1]) as f:
        top = json.load(f)
except (OSError, ValueError):
    sys.exit(0)
for suite, case, status, bad in walk(top, None):
    verdict = status if status in ("PASS", "SKIP") else "FAIL"
    print(f"{verdict}: kunit.{suite}.{case}")
    for p in bad:
        print(f"  failed parameter: {p}")
EOF
)
[ -z "$results" ] || printf '%s\n' "$results"
cases=$(grep -cE '^(PASS|FAIL|SKIP): ' <<<"$results" || true)
failed=$(grep -c '^FAIL: ' <<<"$results" || true)

# A lockdep splat or a WARN never fails a case by itself.
testlog=$build/test.log
if [ -s "$testlog" ]; then
	dirty=$(grep -nE 'BUG:|WARNING:|possible circular|Call Trace' "$testlog" || true)
	if [ -n "$dirty" ]; then
		sed -n '1,20s/^/   | /p' <<<"$dirty"
		echo "FAIL: kunit.log-clean (see $testlog)"
		failed=$((failed + 1))
	else
		echo "PASS: kunit.log-clean"
	fi
else
	echo "FAIL: kunit.log-clean (no kernel log at $testlog)"
	failed=$((failed + 1))
fi

# A failure no line above names counts once, under kunit.run.
if [ $rc -ne 0 ] && [ "$failed" -eq 0 ]; then
	echo "FAIL: kunit.run (kunit.py exited $rc)"
	failed=1
elif [ "$cases" -eq 0 ] && [ "$failed" -eq 0 ]; then
	echo "FAIL: kunit.run (no test case ran)"
	failed=1
fi

echo "kunit: $cases case(s), $failed failure(s); kunit.py log: $log, kernel log: $testlog"
if [ "$failed" -ne 0 ]; then
	if grep -qE '(EXPECTATION|ASSERTION) FAILED' "$log"; then
		echo "-- failed expectations (first 40 lines):"
		grep -E -A4 '(EXPECTATION|ASSERTION) FAILED' "$log" | sed -n '1,40s/^/   | /p'
	fi
	echo "-- last lines of $log:"
	tail -n 60 "$log" | sed 's/^/   | /'
	exit 1
fi
