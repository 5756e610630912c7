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
tokhold=$here/build/tokhold
bindir=$(cd "$1" && pwd) || exit 1
prefix=$2
mdc=$bindir/xsanmdc
admin=$bindir/xsanadmin
failed=0
tmp=$(mktemp -d)
pids=()
cleanup() {
	local p
	for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT

result() {
	if [ "$2" -eq 0 ]; then
		echo "PASS: $prefix.$1"
	else
		echo "FAIL: $prefix.$1"
		failed=1
	fi
}

# t NAME: run the function NAME in a subshell, in its own directory.
t() {
	name=$1
	mkdir "$tmp/$name"
	(cd "$tmp/$name" && "$name")
	result "$name" $?
}

# has WHAT TEXT NEEDLE: TEXT contains NEEDLE, or say so.
has() {
	grep -qF -- "$3" <<<"$2" && return 0
	printf '  %s: %s lacks %q:\n%s\n' "$prefix.$name" "$1" "$3" "$2" >&2
	return 1
}

# The volume every test copies: three LUN images, labelled and made.
mkvol() {
	local d=$tmp/vol l
	mkdir -p "$d/config" "$d/state"
	for l in meta0 data0 data1; do
		truncate -s 64M "$d/$l.img"
		echo "$l $d/$l.img"
	done > "$d/labels"
	cat > "$d/config/vol1.cfgx" <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<configDoc xmlns="http://www.quantum.com/snfs" version="1.0">
  <config configVersion="0" name="vol1">
    <globals><fsBlockSize>4096</fsBlockSize></globals>
    <diskTypes><diskType typeName="Lun" sectors="122880" sectorSize="512"/></diskTypes>
    <stripeGroups>
      <stripeGroup index="0" name="MetaFiles" stripeBreadth="65536" metadata="true" journal="true" userdata="false">
        <disk index="0" diskLabel="meta0" diskType="Lun"/>
      </stripeGroup>
      <stripeGroup index="1" name="DataFiles" stripeBreadth="262144" metadata="false" journal="false" userdata="true">
        <disk index="0" diskLabel="data0" diskType="Lun"/>
        <disk index="1" diskLabel="data1" diskType="Lun"/>
      </stripeGroup>
    </stripeGroups>
  </config>
</configDoc>
XML
	echo "cli-mdc-test-secret-0123456789" > "$d/config/vol1.auth_secret"
	chmod 600 "$d/config/vol1.auth_secret"
	"$bindir/mkfs.xsanfs" -l "$d/labels" -S "$d/state" -d "$d/meta0.img" \
		-d "$d/data0.img" -d "$d/data1.img" "$d/config/vol1.cfgx" > "$d/mkfs.out" 2>&1 ||
		{ cat "$d/mkfs.out" >&2; return 1; }
}

# A private copy of the volume's config and state in the current directory.
copyvol() {
	cp -a "$tmp/vol/config" "$tmp/vol/state" .
}

# start [ARGS...]: start xsanmdc on ./config and ./state; sets pid, sport,
# nsport. Fails if it does not listen within 10 s.
start() {
	local i
	"$mdc" -c config -S state -b 127.0.0.1 -p 0 -n 0 "$@" 2> mdc.log &
	pid=$!
	echo "$pid" >> "$tmp/pids"
	for i in $(seq 200); do
		if grep -q 'name service port' mdc.log; then
			sport=$(sed -n 's/.*sessions port \([0-9]*\),.*/\1/p' mdc.log)
			nsport=$(sed -n 's/.*name service port \([0-9]*\).*/\1/p' mdc.log)
			return 0
		fi
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	echo "  $prefix.$name: xsanmdc did not start:" >&2
	cat mdc.log >&2
	return 1
}

# stop: SIGTERM; xsanmdc must exit 0 within 10 s.
stop() {
	local i
	kill -TERM "$pid"
	for i in $(seq 200); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	if kill -0 "$pid" 2>/dev/null; then
		kill -KILL "$pid"
		echo "  $prefix.$name: xsanmdc ignored SIGTERM for 10 s" >&2
		return 1
	fi
	wait "$pid"
	local rc=$?
	[ "$rc" -eq 0 ] || { echo "  $prefix.$name: xsanmdc exited $rc" >&2; return 1; }
}

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

if ! mkvol; then
	echo "FAIL: $prefix.cli_mkvol"
	exit 1
fi
: > "$tmp/pids"
for test in admin_tokens_empty admin_tokens_held; do
	t "$test"
done
# Any process a failed test left behind is stopped by its PID.
while read -r p; do pids+=("$p"); done < "$tmp/pids"
exit $failed
