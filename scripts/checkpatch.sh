#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# checkpatch.pl --strict (from Debian's linux-source-6.1) on our kernel files.
# Exits non-zero if it reports anything.
set -euo pipefail
cd "$(dirname "$0")/.."
ksrc=$(scripts/ksrc.sh)
mapfile -t files < <(git ls-files -co --exclude-standard -- \
	'fs/*.[ch]' 'net/*.[ch]' 'include/*.h' 'tests/kunit/*.[ch]' Kbuild Kconfig | sort -u)
[ ${#files[@]} -gt 0 ] || { echo "checkpatch: no files"; exit 1; }
rc=0
out=$(perl "$ksrc/scripts/checkpatch.pl" --strict --no-tree --terse --show-types \
	-f "${files[@]}") || rc=$?
# --terse prints one line per problem plus a total line per file.
problems=$(printf '%s\n' "$out" | grep -E ': (ERROR|WARNING|CHECK):' || true)
# 0: clean, 1: problems found; anything else means it did not run
if [ $rc -gt 1 ] || { [ $rc -eq 1 ] && [ -z "$problems" ]; }; then
	printf '%s\n' "$out"
	echo "checkpatch: checkpatch.pl failed (exit $rc)"
	exit 1
fi
if [ -n "$problems" ]; then
	printf '%s\n' "$problems"
	echo "checkpatch: $(printf '%s\n' "$problems" | wc -l) problem(s) in ${#files[@]} files"
	exit 1
fi
echo "checkpatch: ${#files[@]} files, clean"
