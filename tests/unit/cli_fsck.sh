#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Tests of the fsck.xsanfs binary: usage errors, and e2fsck's exit codes
# on a clean volume (0), a corrupted one without -y (4, nothing changed)
# and with -y (1, then 0). Volumes come from build/fsck_mkvol. Prints one
# line per test, "PASS: PREFIX.NAME" or "FAIL: PREFIX.NAME" (why on
# stderr); exits 1 if any failed.
#
# usage: cli_fsck.sh BINARY PREFIX [valgrind]
#   valgrind: also run the binary under valgrind (not for an ASan build)
set -uo pipefail

bin=$1
prefix=$2
with_valgrind=${3:-}
mkvol=${MKVOL:-$(dirname "$0")/build/fsck_mkvol}
failed=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# run ARGS...: run the binary; sets rc, out, err.
run() {
	timeout 120 "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	out=$(cat "$tmp/out")
	err=$(cat "$tmp/err")
}

result() {
	local name=$1 status=$2
	if [ "$status" -eq 0 ]; then
		echo "PASS: $prefix.$name"
	else
		echo "FAIL: $prefix.$name"
		failed=1
	fi
}

# expect WHAT WANT GOT
expect() {
	if [ "$2" != "$3" ]; then
		printf '  %s: %s\n  want: %q\n  got:  %q\n' "$prefix.$name" "$1" "$2" "$3" >&2
		return 1
	fi
}

t() {
	name=$1
	("$name")
	result "$name" $?
}

# vol NAME [corrupt]: a fresh volume in $tmp/state/NAME
vol() {
	rm -rf "$tmp/state/$1"
	mkdir -p "$tmp/state"
	"$mkvol" "$tmp/state/$1" ${2:-} || { echo "  $prefix.$name: fsck_mkvol failed" >&2; return 1; }
}

usage_line='Usage: fsck.xsanfs [-n] [-y] [-d METADIR | -S STATEDIR] VOLUME'

fsck_help() {
	run "$bin" -h
	expect "exit status" 0 "$rc" &&
	expect "first line" "$usage_line" "$(head -n1 <<<"$out")"
}

fsck_no_volume() {
	run "$bin"
	expect "exit status" 16 "$rc" &&
	expect "stderr" "fsck.xsanfs: no volume given
$usage_line" "$err"
}

fsck_unknown_option() {
	run "$bin" -x vol
	expect "exit status" 16 "$rc" &&
	expect "first line" "fsck.xsanfs: unknown option '-x'" "$(head -n1 <<<"$err")"
}

fsck_missing_argument() {
	run "$bin" vol -S
	expect "exit status" 16 "$rc" &&
	expect "first line" "fsck.xsanfs: option -S needs an argument" "$(head -n1 <<<"$err")"
}

fsck_n_and_y() {
	run "$bin" -n -y vol
	expect "exit status" 16 "$rc" &&
	expect "first line" "fsck.xsanfs: -n and -y exclude each other" "$(head -n1 <<<"$err")"
}

fsck_d_and_S() {
	run "$bin" -d /x -S /y vol
	expect "exit status" 16 "$rc"
}

fsck_too_many() {
	run "$bin" a b
	expect "exit status" 16 "$rc" &&
	expect "first line" "fsck.xsanfs: too many arguments" "$(head -n1 <<<"$err")"
}

fsck_bad_volume_name() {
	run "$bin" -S "$tmp" ../etc
	expect "exit status" 16 "$rc"
}

fsck_missing_volume() {
	run "$bin" -S "$tmp/state" novol
	expect "exit status" 8 "$rc" &&
	expect "stdout" "" "$out" &&
	expect "stderr" "fsck.xsanfs: $tmp/state/novol: No such file or directory" "$err"
}

fsck_clean() {
	vol v1 &&
	run "$bin" -S "$tmp/state" v1 &&
	expect "exit status" 0 "$rc" &&
	expect "stdout" "v1: clean, 4 inodes, 2 directories" "$out" &&
	expect "stderr" "" "$err"
}

fsck_clean_metadir() {
	vol v2 &&
	run "$bin" -n -d "$tmp/state/v2"
	expect "exit status" 0 "$rc" &&
	expect "stdout" "$tmp/state/v2: clean, 4 inodes, 2 directories" "$out"
}

fsck_corrupt() {
	vol v3 corrupt || return 1
	run "$bin" -S "$tmp/state" v3
	expect "exit status" 4 "$rc" &&
	expect "problem lines" 2 "$(grep -c -e "^Entry 'ghost' in directory 1 points to missing inode 999; clearing it\.$" \
		-e '^Inode 3 has link count 3, should be 1\.$' <<<"$out")" &&
	expect "summary" "v3: 2 problems found, 0 fixed; 4 inodes, 2 directories" \
		"$(sed -n 3p <<<"$out")" || return 1
	# read-only: a second run finds the same
	run "$bin" -n -S "$tmp/state" v3
	expect "exit status again" 4 "$rc" || return 1
	run "$bin" -y -S "$tmp/state" v3
	expect "exit status -y" 1 "$rc" &&
	expect "summary -y" "v3: 2 problems found, 2 fixed; 4 inodes, 2 directories" \
		"$(tail -n1 <<<"$out")" || return 1
	run "$bin" -S "$tmp/state" v3
	expect "exit status after -y" 0 "$rc"
}

fsck_space_corrupt() {
	vol v6 space || return 1
	run "$bin" -S "$tmp/state" v6
	expect "exit status" 4 "$rc" &&
	expect "problem line" 1 "$(grep -c -e '^Free space map of stripe group 0 is wrong; rebuilding it from the files.* extents\.$' <<<"$out")" || return 1
	run "$bin" -y -S "$tmp/state" v6
	expect "exit status -y" 1 "$rc" || return 1
	run "$bin" -S "$tmp/state" v6
	expect "exit status after -y" 0 "$rc"
}

# valgrind: no error, no leak, and the same exit status as without it.
vg=(valgrind -q --error-exitcode=99 --leak-check=full
    --errors-for-leak-kinds=definite,indirect,possible)

fsck_valgrind_usage() {
	run "${vg[@]}" "$bin" -x
	expect "exit status" 16 "$rc"
}

fsck_valgrind_clean() {
	vol v4 &&
	run "${vg[@]}" "$bin" -S "$tmp/state" v4
	expect "exit status" 0 "$rc" && expect "stderr" "" "$err"
}

fsck_valgrind_repair() {
	vol v5 corrupt &&
	run "${vg[@]}" "$bin" -S "$tmp/state" v5
	expect "exit status" 4 "$rc" && expect "stderr" "" "$err" || return 1
	run "${vg[@]}" "$bin" -y -S "$tmp/state" v5
	expect "exit status -y" 1 "$rc" && expect "stderr -y" "" "$err"
}

t fsck_help
t fsck_no_volume
t fsck_unknown_option
t fsck_missing_argument
t fsck_n_and_y
t fsck_d_and_S
t fsck_too_many
t fsck_bad_volume_name
t fsck_missing_volume
t fsck_clean
t fsck_clean_metadir
t fsck_corrupt
t fsck_space_corrupt
if [ "$with_valgrind" = valgrind ]; then
	t fsck_valgrind_usage
	t fsck_valgrind_clean
	t fsck_valgrind_repair
fi
exit $failed
