#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `xsanadmin tokens` (ADMIN_TOKENS) as an administrator runs it, in the
# style of cli_mdc.sh: a volume made with mkfs.xsanfs on image files,
# xsanmdc on 127.0.0.1, and build/tokhold (two simulated clients that
# hold tokens, ignore a REVOKE and leave a TOKEN_GET and a CREATE parked).
# Prints one line per test, "PASS: PREFIX.NAME" or "FAIL: PREFIX.NAME"
# (why on stderr); exits 1 if any failed.
#
# usage: cli_tokens.sh BINDIR PREFIX
#
# Every process is stopped by its PID; every wait is bounded.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
. "$here/cli_lib.sh"
tokhold=$here/build/tokhold

# hold: start tokhold against the running daemon; sets hpid, waits (10 s
# at most) for its "ready" line. It exits when fd 3 closes.
hold() {
	local i
	mkfifo hold.in
	"$tokhold" 127.0.0.1 "$sport" vol1 config/vol1.auth_secret \
		< hold.in > hold.out 2> hold.err &
	hpid=$!
	echo "$hpid" >> "$tmp/pids"
	exec 3> hold.in
	for i in $(seq 200); do
		grep -q '^ready' hold.out && return 0
		kill -0 "$hpid" 2>/dev/null || break
		sleep 0.05
	done
	echo "  $prefix.$name: tokhold not ready:" >&2
	cat hold.err >&2
	return 1
}

unhold() {
	local i
	exec 3>&-
	for i in $(seq 200); do
		kill -0 "$hpid" 2>/dev/null || break
		sleep 0.05
	done
	kill -KILL "$hpid" 2>/dev/null
	wait "$hpid" 2>/dev/null
	return 0
}

admin_tokens_empty() {
	copyvol
	start || return 1
	out=$("$admin" -H 127.0.0.1 -n "$nsport" -c config -e tokens 2>&1)
	rc=$?
	stop || return 1
	[ "$rc" -eq 0 ] || { echo "  exit $rc: $out" >&2; return 1; }
	has "output" "$out" "Tokens of volume vol1" &&
	has "output" "$out" " INODE        GEN        SESSION          HOST                 STATE    TOKENS" &&
	has "output" "$out" "0 held, 0 waiting TOKEN_GETs, 0 parked namespace requests" &&
	! grep -q '^ [0-9]' <<<"$out" || { echo "  entries in an empty table: $out" >&2; return 1; }
}

admin_tokens_held() {
	copyvol
	start || return 1
	hold || { unhold; stop; return 1; }
	f=$(awk '/^ready/ { print $3 }' hold.out)
	out=$("$admin" -H 127.0.0.1 -n "$nsport" -c config -e tokens 2>&1)
	rc=$?
	unhold
	# after the holders are gone the table is empty again
	out2=$("$admin" -H 127.0.0.1 -n "$nsport" -c config -e tokens 2>&1)
	stop || return 1
	[ "$rc" -eq 0 ] || { echo "  exit $rc: $out" >&2; return 1; }
	# root: holderA holds ATTR_RD|DIR and is asked for both back; the
	# CREATE of holderB waits for that
	grep -Eq "^ 1 +1 +[0-9a-f]{16} holderA +held +ATTR_RD\|DIR  revoking ATTR_RD\|DIR for [0-9.]+ s$" <<<"$out" &&
	grep -Eq "^ 1 +1 +[0-9a-f]{16} holderB +parked +ATTR_RD\|ATTR_WR\|DIR  \(CREATE takes them back\)$" <<<"$out" &&
	grep -Eq "^ $f +[0-9]+ +[0-9a-f]{16} holderA +held +DATA_WR  revoking DATA_WR for [0-9.]+ s$" <<<"$out" &&
	grep -Eq "^ $f +[0-9]+ +[0-9a-f]{16} holderB +waiting +DATA_RD  \(TOKEN_GET\)$" <<<"$out" ||
		{ printf '  unexpected table:\n%s\n' "$out" >&2; return 1; }
	has "output" "$out" "2 held, 1 waiting TOKEN_GET, 1 parked namespace request" &&
	has "after" "$out2" "0 held, 0 waiting TOKEN_GETs, 0 parked namespace requests"
}

run_tests admin_tokens_empty admin_tokens_held
