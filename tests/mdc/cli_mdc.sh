#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# xsanmdc and xsanadmin as an administrator runs them: a volume made with
# xsanlabel and mkfs.xsanfs on image files, the daemon's refusals to start
# (each naming the file and the reason), fsports listeners, and
# xsanadmin's commands, one-shot and interactive, and its failures.
# Prints one line per test, "PASS: PREFIX.NAME" or "FAIL: PREFIX.NAME"
# (why on stderr); exits 1 if any failed.
#
# usage: cli_mdc.sh BINDIR PREFIX
#
# Every daemon listens on 127.0.0.1 only, on ports the kernel picks, and is
# stopped by its PID; every wait is bounded.
set -uo pipefail

. "$(dirname "$0")/cli_lib.sh"

# must_fail WANT-RC NEEDLE ARGS...: xsanmdc exits WANT-RC within 10 s and
# its stderr holds NEEDLE.
must_fail() {
	local want=$1 needle=$2 rc
	shift 2
	timeout 10 "$mdc" "$@" > /dev/null 2> err.log
	rc=$?
	[ "$rc" -eq "$want" ] || { echo "  $prefix.$name: exit $rc, want $want:" >&2; cat err.log >&2; return 1; }
	has "stderr" "$(cat err.log)" "$needle"
}

mdc_usage() {
	must_fail 2 "-c CONFIG_DIR is required" &&
	must_fail 2 "-p 70000: not a port number (0-65535)" -c . -p 70000 &&
	must_fail 2 "-l 0: not a number of seconds (1-3600)" -c . -l 0 &&
	must_fail 2 "unknown option -x" -c . -x &&
	must_fail 2 "-c needs an argument" -c &&
	must_fail 2 "unexpected argument 'extra'" -c . extra
}

mdc_no_volume() {
	mkdir config
	must_fail 1 "config: no VOLUME.cfgx file: nothing to serve" -c config -p 0 -n 0 -b 127.0.0.1
}

mdc_malformed_cfgx() {
	copyvol
	printf '<?xml version="1.0"?>\n<configDoc>\n  <config name="vol1">\n</configDoc>\n' \
		> config/vol1.cfgx
	must_fail 1 "config/vol1.cfgx:4:" -c config -S state -p 0 -n 0 -b 127.0.0.1
}

mdc_unknown_key_warns() {
	copyvol
	sed -i 's|<globals>|<globals><frobnicate>yes</frobnicate>|' config/vol1.cfgx
	start && has "log" "$(cat mdc.log)" "config/vol1.cfgx:4: unknown setting 'frobnicate' ignored" &&
	has "log" "$(cat mdc.log)" "serving volume vol1" && stop
}

mdc_secret_refused() {
	copyvol
	chmod 644 config/vol1.auth_secret
	must_fail 1 "config/vol1.auth_secret: readable or writable by group or others (mode 0644); chmod 600 it" \
		-c config -S state -p 0 -n 0 -b 127.0.0.1 &&
	rm config/vol1.auth_secret &&
	must_fail 1 "config/vol1.auth_secret: No such file or directory" \
		-c config -S state -p 0 -n 0 -b 127.0.0.1
}

mdc_no_metadata() {
	copyvol
	rm -rf state/vol1
	must_fail 1 "volume vol1:" -c config -S state -p 0 -n 0 -b 127.0.0.1 &&
	has "stderr" "$(cat err.log)" "(made by mkfs.xsanfs?)"
}

mdc_port_taken() {
	copyvol
	start || return 1
	must_fail 1 "port $sport on 127.0.0.1: Address already in use" \
		-c config -S state -p "$sport" -n 0 -b 127.0.0.1 &&
	stop
}

mdc_fsports() {
	copyvol
	local base=$(( 20000 + RANDOM % 20000 )) p
	printf 'MinPort %d\nMaxPort %d\n' "$base" $((base + 50)) > config/fsports
	start || return 1
	p=$(sed -n 's/.*serving volume vol1 .* on port \([0-9]*\),.*/\1/p' mdc.log)
	if [ -z "$p" ] || [ "$p" -lt "$base" ] || [ "$p" -gt $((base + 50)) ]; then
		echo "  $prefix.$name: volume port '$p' not in $base-$((base + 50))" >&2
		cat mdc.log >&2
		stop
		return 1
	fi
	# The name service reports it, and xsanadmin logs in through it.
	out=$("$admin" -H 127.0.0.1 -n "$nsport" -c config -e select -e stat 2>&1) || {
		echo "$out" >&2; stop; return 1; }
	has "select" "$out" "vol1 located on 127.0.0.1:$p" &&
	has "stat" "$out" "Disk Devices      :    3" &&
	has "log" "$(cat mdc.log)" "127.0.0.1" && stop
}

admin_oneshot() {
	copyvol
	start || return 1
	out=$("$admin" -H 127.0.0.1 -n "$nsport" -c config -e select -e stat -e show -e who 2>&1)
	rc=$?
	stop || return 1
	[ "$rc" -eq 0 ] || { echo "  exit $rc: $out" >&2; return 1; }
	has "output" "$out" " 1> vol1 located on 127.0.0.1:$sport uuid " &&
	has "output" "$out" "Select FSM \"vol1\"" &&
	has "output" "$out" "Fs Block Size     :    4K" &&
	has "output" "$out" "Stripe Groups     :    2" &&
	has "output" "$out" "Inodes In Use     :    1" &&
	has "output" "$out" "Fs Blocks         :    30208 (118.00 MB)" &&
	has "output" "$out" "Fs Blocks Free    :    30208 (118.00 MB) (100%)" &&
	has "output" "$out" "Stripe Group 0 [MetaFiles]  Status:Up,MetaData,Journal" &&
	has "output" "$out" "Stripe Group 1 [DataFiles]  Status:Up,UserData" &&
	has "output" "$out" "Total Blocks:30208  Free:30208  (100%)  Stripe Breadth:262144 bytes" &&
	has "output" "$out" "Stripe 1 [data1]  Sectors:122880  SectorSize:512" &&
	has "output" "$out" "vol1 Clients" &&
	has "output" "$out" "$(hostname | cut -c1-20)"
}

# The session port's byte counters: a client's bytes in and out are
# logged (-v) when it leaves (the last such line: xsanadmin talks to the
# name service first), and the volume's totals when the daemon stops.
mdc_byte_counters() {
	copyvol
	start -v || return 1
	out=$("$admin" -H 127.0.0.1 -n "$nsport" -c config -e 'select vol1' -e stat 2>&1)
	rc=$?
	stop || return 1
	[ "$rc" -eq 0 ] || { echo "  exit $rc: $out" >&2; return 1; }
	line=$(grep -o "volume vol1: session traffic [0-9]* bytes in, [0-9]* bytes out" mdc.log)
	[ -n "$line" ] || { echo "  no totals line:" >&2; cat mdc.log >&2; return 1; }
	read -r bin bout < <(sed 's/.*traffic \([0-9]*\) bytes in, \([0-9]*\) bytes out/\1 \2/' <<<"$line")
	conn=$(sed -n "s/.*: connection closed after \([0-9]*\) bytes in, \([0-9]*\) bytes out/\1 \2/p" mdc.log | tail -1)
	# HELLO, AUTH, ADMIN_STAT and GOODBYE: some hundreds of bytes each way
	[ "$bin" -gt 64 ] && [ "$bout" -gt 64 ] && [ "$bin" -lt 65536 ] &&
	[ "$conn" = "$bin $bout" ] ||
		{ echo "  counters: totals '$bin $bout', connection '$conn'" >&2; cat mdc.log >&2; return 1; }
}

# cfgx_disks CFGX: "SG ORDINAL LABEL" for each disk of the .cfgx.
cfgx_disks() {
	sed -n 's/.*<stripeGroup index="\([0-9]*\)".*/G \1/p
		s/.*<disk index="\([0-9]*\)" diskLabel="\([^"]*\)".*/D \1 \2/p' "$1" |
	awk '$1 == "G" { sg = $2 } $1 == "D" { print sg, $2, $3 }'
}

# DISK_TABLE, fetched with the client library (xsanadmin disks), holds
# for each LUN what `xsanlabel -l` reads from its header (label, sectors,
# sector size, LUN uuid, stripe group, ordinal, volume uuid) and where the
# .cfgx puts it.
admin_disks() {
	copyvol
	start || return 1
	out=$("$admin" -H 127.0.0.1 -n "$nsport" -c config -e 'select vol1' -e disks 2>&1)
	rc=$?
	stop || return 1
	[ "$rc" -eq 0 ] || { echo "  exit $rc: $out" >&2; return 1; }
	labels=$("$bindir/xsanlabel" -l "$tmp/vol/meta0.img" "$tmp/vol/data0.img" \
		 "$tmp/vol/data1.img" 2>&1) || { echo "  xsanlabel: $labels" >&2; return 1; }
	# table: SG ORDINAL LABEL SECTORS SECTOR_SIZE LUN_UUID, after two header lines
	table=$(sed -n '/^SG ORDINAL LABEL/,$p' <<<"$out" | tail -n +2)
	vuuid=$(sed -n 's/^LUN table of volume vol1 uuid \([0-9a-f-]*\), 3 LUNs$/\1/p' <<<"$out")
	[ -n "$vuuid" ] || { echo "  no volume line: $out" >&2; return 1; }
	[ "$(wc -l <<<"$table")" -eq 3 ] || { echo "  want 3 LUNs: $out" >&2; return 1; }
	# LABEL DEVICE SECTORS SECTOR_SIZE LUN_UUID volume UUID sg N ordinal M
	want=$(awk -v v="$vuuid" '$7 != v { print "volume " $7 " != " v > "/dev/stderr"; bad = 1 }
				  { print $9, $11, $1, $3, $4, $5 } END { exit bad }' <<<"$labels" |
	       sort) || return 1
	got=$(sort <<<"$table")
	[ "$want" = "$got" ] || {
		printf '  headers:\n%s\n  DISK_TABLE:\n%s\n' "$want" "$got" >&2; return 1; }
	# in (stripe group, ordinal) order, where the .cfgx puts each label
	want=$(cfgx_disks config/vol1.cfgx | sort -n -k1,1 -k2,2)
	got=$(awk '{ print $1, $2, $3 }' <<<"$table")
	[ "$want" = "$got" ] || {
		printf '  cfgx:\n%s\n  DISK_TABLE:\n%s\n' "$want" "$got" >&2; return 1; }
	# the stripe groups: one per .cfgx group, its LUN count the table's
	groups=$(sed -n '/^SG FLAGS BREADTH_BLOCKS/,/^LUN table/p' <<<"$out" | sed '1d;$d')
	want=$(awk '{ print $1 }' <<<"$table" | uniq -c | awk '{ print $2, $1 }')
	got=$(awk '{ print $1, $4 }' <<<"$groups")
	[ "$want" = "$got" ] || {
		printf '  groups (SG LUNS) from LUNs:\n%s\n  DISK_TABLE:\n%s\n' "$want" "$got" >&2
		return 1; }
	grep -q '^Stripe groups of volume vol1, block size [0-9]*, [0-9]* groups\?$' <<<"$out" || {
		echo "  no stripe group line: $out" >&2; return 1; }
	# breadth at least 1, blocks a multiple of breadth x LUNs, user data has blocks
	awk '$3 < 1 || $5 % ($3 * $4) { exit 1 } $2 ~ /D/ && $5 == 0 { exit 1 }' <<<"$groups" || {
		printf '  bad geometry:\n%s\n' "$groups" >&2; return 1; }
}

admin_interactive() {
	copyvol
	start || return 1
	out=$(printf 'help\nselect vol1\nstat\nbogus\nquit\nstat\n' |
	      "$admin" -H 127.0.0.1 -n "$nsport" -c config 2>&1)
	rc=$?
	stop || return 1
	# "bogus" fails the run; "quit" ends it before the last stat.
	[ "$rc" -eq 1 ] || { echo "  exit $rc, want 1: $out" >&2; return 1; }
	has "output" "$out" "select VOLUME   select a volume" &&
	has "output" "$out" "Active Connections:    1" &&
	has "output" "$out" "xsanadmin: unknown command 'bogus'; try 'help'" &&
	[ "$(grep -c 'Active Connections' <<<"$out")" -eq 1 ]
}

admin_wrong_secret() {
	copyvol
	start || return 1
	mkdir other
	echo "a-different-secret-for-this-host" > other/vol1.auth_secret
	chmod 600 other/vol1.auth_secret
	out=$("$admin" -H 127.0.0.1 -n "$nsport" -c other -e stat 2>&1)
	rc=$?
	sleep 0.3
	stop || return 1
	[ "$rc" -eq 1 ] || { echo "  exit $rc, want 1" >&2; return 1; }
	has "output" "$out" "authentication failed" &&
	has "log" "$(cat mdc.log)" "after HELLO without authenticating" &&
	! grep -q "a-different-secret\|cli-mdc-test-secret" mdc.log
}

admin_failures() {
	copyvol
	start || return 1
	out=$("$admin" -H 127.0.0.1 -n "$nsport" -c config -F nosuch -e stat 2>&1)
	rc1=$?
	out2=$("$admin" -H 127.0.0.1 -n "$nsport" -c config -e bogus 2>&1)
	rc2=$?
	out3=$("$admin" -H 127.0.0.1 -n "$nsport" -c config -e 'select bad/name' 2>&1)
	rc3=$?
	stop || return 1
	# Nothing listens there any more.
	out4=$("$admin" -H 127.0.0.1 -n "$nsport" -c config -e select 2>&1)
	rc4=$?
	out5=$("$admin" -n 0 2>&1)
	rc5=$?
	[ "$rc1$rc2$rc3$rc4$rc5" = 11112 ] || { echo "  exits $rc1$rc2$rc3$rc4$rc5, want 11112" >&2; return 1; }
	has "unknown volume" "$out" "xsanadmin: no volume 'nosuch' at 127.0.0.1 port $nsport" &&
	has "bad command" "$out2" "xsanadmin: unknown command 'bogus'; try 'help'" &&
	has "bad name" "$out3" "xsanadmin: 'bad/name' is not a volume name" &&
	has "no MDC" "$out4" "xsanadmin: name service at 127.0.0.1 port $nsport: 127.0.0.1 port $nsport: Connection refused" &&
	has "usage" "$out5" "-n 0: not a port number (1-65535)"
}

run_tests mdc_usage mdc_no_volume mdc_malformed_cfgx mdc_unknown_key_warns \
	  mdc_secret_refused mdc_no_metadata mdc_port_taken mdc_fsports \
	  admin_oneshot admin_disks admin_interactive admin_wrong_secret \
	  admin_failures mdc_byte_counters
