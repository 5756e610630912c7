#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Tests of the mount.xsanfs binary as mount(8) runs it: exit codes, the
# exact sentences, a fake mount, option checks, the name service lookup
# against a real xsanmdc (made with xsanlabel and mkfs.xsanfs from the same
# directory as the binary, listening on 127.0.0.1 only, on ports the
# kernel picks, stopped by its PID), and a real attempt. Prints one line per
# test, "PASS: PREFIX.NAME" or "FAIL: PREFIX.NAME" (why on stderr); exits 1
# if any failed.
#
# usage: cli.sh BINARY PREFIX [valgrind]
#   valgrind: also run the binary under valgrind (not for an ASan build)
#
# The real attempt runs in new user, mount and network namespaces when the
# kernel allows it, so that nothing it does can be seen outside, and any
# connection stays on a loopback interface of its own.
set -uo pipefail

bin=$1
prefix=$2
with_valgrind=${3:-}
bindir=$(cd "$(dirname "$bin")" && pwd) || exit 1
failed=0
tmp=$(mktemp -d)
pids=()
cleanup() {
	local p
	for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT
mkdir "$tmp/mnt" "$tmp/etc"
# fsnameservers and secrets come from here, never from /etc/xsanfs.
export XSANFS_CONFIG_DIR=$tmp/etc

# run ARGS...: run the binary; sets rc, out, err.
run() {
	timeout 60 "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	out=$(cat "$tmp/out")
	err=$(cat "$tmp/err")
}

# result NAME STATUS: report a test whose body exited with STATUS (it said
# why on stderr).
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

# t NAME: run the function NAME in a subshell and report it.
t() {
	name=$1
	("$name")
	result "$name" $?
}

usage_line='Usage: mount.xsanfs VOLUME DIR [-sfnv] [-N NAMESPACE] [-o OPTIONS] [-t xsanfs]'
try_line="Try 'mount.xsanfs -h' for more information."

cli_help() {
	run "$bin" -h
	expect "exit status" 0 "$rc" &&
	expect "first line" "$usage_line" "$(head -n1 <<<"$out")" &&
	expect "stderr" "" "$err"
}

cli_missing_dir() {
	run "$bin" vol1
	expect "exit status" 1 "$rc" &&
	expect "stderr" "mount.xsanfs: no mount point given
$usage_line
$try_line" "$err" &&
	expect "stdout" "" "$out"
}

cli_unknown_flag() {
	run "$bin" vol1 "$tmp/mnt" -x
	expect "exit status" 1 "$rc" &&
	expect "stderr" "mount.xsanfs: unknown option '-x'
$usage_line
$try_line" "$err"
}

cli_wrong_type() {
	run "$bin" vol1 "$tmp/mnt" -t ext4
	expect "exit status" 1 "$rc" &&
	expect "stderr line 1" "mount.xsanfs: -t ext4: this helper mounts only xsanfs" \
		"$(head -n1 <<<"$err")"
}

cli_fake_verbose() {
	run "$bin" vol1 "$tmp/mnt" -fnv -o ro,nosuid,defaults,mdc=127.1:6000,timeout=5,x-a=b -t xsanfs
	expect "exit status" 0 "$rc" &&
	expect "stderr" "" "$err" &&
	expect "stdout" "mount.xsanfs: metadata controller 127.1:6000 is 127.0.0.1:6000
mount.xsanfs: fsopen(\"xsanfs\", FSOPEN_CLOEXEC)
mount.xsanfs: fsconfig(FSCONFIG_SET_STRING, \"source\", \"vol1\")
mount.xsanfs: fsconfig(FSCONFIG_SET_STRING, \"mdc\", \"127.0.0.1:6000\")
mount.xsanfs: fsconfig(FSCONFIG_SET_STRING, \"timeout\", \"5\")
mount.xsanfs: fsconfig(FSCONFIG_SET_FLAG, \"ro\")
mount.xsanfs: fsconfig(FSCONFIG_CMD_CREATE)
mount.xsanfs: fsmount(FSMOUNT_CLOEXEC, ro,nosuid,relatime)
mount.xsanfs: move_mount(onto \"$tmp/mnt\")" "$out"
}

cli_bad_port() {
	run "$bin" vol1 "$tmp/mnt" -f -o mdc=127.0.0.1:65536
	expect "exit status" 32 "$rc" &&
	expect "stderr" "mount.xsanfs: mdc=127.0.0.1:65536: '65536' is not a port number (1-65535)" "$err"
}

cli_bad_option_list() {
	run "$bin" vol1 "$tmp/mnt" -f -o ro,=x
	expect "exit status" 32 "$rc" &&
	expect "stderr" "mount.xsanfs: option '=x' has no name" "$err"
}

# Options: what xsanfs takes goes to the kernel in order; the helper's own
# and StorNext's meaningless ones do not; the rest is refused with a reason.
cli_opts_passthrough() {
	run "$bin" vol1 "$tmp/mnt" -fv -o rw,mdc=127.0.0.1,hard,soft,nrtiotokentimeout=30,dircachesize=1000,cvnode_max=5000,timeout=5,sync,threads=8,cachebufsize=64k,buffercachecap=1024
	expect "exit status" 0 "$rc" &&
	expect "stderr" "" "$err" &&
	expect "stdout" "mount.xsanfs: option 'threads=8' ignored: the kernel client has no pool of I/O threads to size (the block layer queues the I/O)
mount.xsanfs: option 'cachebufsize=64k' ignored: file data is cached in the Linux page cache, not in xsanfs buffers
mount.xsanfs: option 'buffercachecap=1024' ignored: file data is cached in the Linux page cache, not in xsanfs buffers
mount.xsanfs: fsopen(\"xsanfs\", FSOPEN_CLOEXEC)
mount.xsanfs: fsconfig(FSCONFIG_SET_STRING, \"source\", \"vol1\")
mount.xsanfs: fsconfig(FSCONFIG_SET_STRING, \"mdc\", \"127.0.0.1\")
mount.xsanfs: fsconfig(FSCONFIG_SET_FLAG, \"hard\")
mount.xsanfs: fsconfig(FSCONFIG_SET_FLAG, \"soft\")
mount.xsanfs: fsconfig(FSCONFIG_SET_STRING, \"nrtiotokentimeout\", \"30\")
mount.xsanfs: fsconfig(FSCONFIG_SET_STRING, \"dircachesize\", \"1000\")
mount.xsanfs: fsconfig(FSCONFIG_SET_STRING, \"cvnode_max\", \"5000\")
mount.xsanfs: fsconfig(FSCONFIG_SET_STRING, \"timeout\", \"5\")
mount.xsanfs: fsconfig(FSCONFIG_SET_FLAG, \"sync\")
mount.xsanfs: fsconfig(FSCONFIG_CMD_CREATE)
mount.xsanfs: fsmount(FSMOUNT_CLOEXEC, rw,relatime)
mount.xsanfs: move_mount(onto \"$tmp/mnt\")" "$out"
}

# refused OPTIONS SENTENCE: -f -o OPTIONS exits 32 saying SENTENCE.
refused() {
	run "$bin" vol1 "$tmp/mnt" -f -o "$1"
	expect "exit status for $1" 32 "$rc" &&
	expect "stderr for $1" "mount.xsanfs: $2" "$err" &&
	expect "stdout for $1" "" "$out"
}

cli_opts_refused() {
	refused mdc=127.0.0.1,bogus "unknown option 'bogus': see mount.xsanfs(8) for the options xsanfs takes (-s skips unknown options)" &&
	refused mdc=127.0.0.1,Hard "unknown option 'Hard': see mount.xsanfs(8) for the options xsanfs takes (-s skips unknown options)" &&
	refused mdc=127.0.0.1,lease=30 "option 'lease' is not accepted: the metadata controller sets one lease period for all its clients (xsanmdc -l SECONDS); a client cannot choose it" &&
	refused mdc=127.0.0.1,hard=1 "option 'hard' takes no value, but 'hard=1' was given" &&
	refused mdc=127.0.0.1,timeout "option 'timeout' needs a value: timeout=SECONDS" &&
	refused mdc "option 'mdc' needs a value: mdc=HOST[:PORT]" &&
	refused nsport=0 "nsport=0: not a port number (1-65535)" &&
	refused nsport=65536 "nsport=65536: not a port number (1-65535)" &&
	refused nameserver= "nameserver= is empty: give nameserver=HOST"
}

cli_opts_sloppy() {
	run "$bin" vol1 "$tmp/mnt" -fsv -o mdc=127.0.0.1,bogus=1,soft
	expect "exit status" 0 "$rc" &&
	expect "stderr" "mount.xsanfs: ignoring unknown option 'bogus=1' (-s)" "$err" &&
	expect "soft passed" 1 "$(grep -c 'FSCONFIG_SET_FLAG, "soft"' <<<"$out")" &&
	expect "bogus not passed" 0 "$(grep -c bogus <<<"$out")"
}

# ---- the name service: a real xsanmdc on 127.0.0.1 ----

# A labelled, made volume vol1 and an xsanmdc serving it; sets mdcpid,
# sport (sessions) and nsport (name service). Empty ports if it fails.
sport=
nsport=
start_mdc() {
	local d=$tmp/vol l i
	mkdir -p "$d/config" "$d/state"
	for l in meta0 data0; do
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
      </stripeGroup>
    </stripeGroups>
  </config>
</configDoc>
XML
	echo "cli-mount-test-secret-0123456789" > "$d/config/vol1.auth_secret"
	chmod 600 "$d/config/vol1.auth_secret"
	timeout 120 "$bindir/mkfs.xsanfs" -l "$d/labels" -S "$d/state" -d "$d/meta0.img" \
		-d "$d/data0.img" "$d/config/vol1.cfgx" > "$d/mkfs.out" 2>&1 ||
		{ echo "  $prefix: mkfs.xsanfs failed:" >&2; cat "$d/mkfs.out" >&2; return 1; }
	"$bindir/xsanmdc" -c "$d/config" -S "$d/state" -b 127.0.0.1 -p 0 -n 0 \
		2> "$d/mdc.log" &
	mdcpid=$!
	pids+=("$mdcpid")
	for i in $(seq 200); do
		if grep -qs 'name service port' "$d/mdc.log"; then
			sport=$(sed -n 's/.*sessions port \([0-9]*\),.*/\1/p' "$d/mdc.log")
			nsport=$(sed -n 's/.*name service port \([0-9]*\).*/\1/p' "$d/mdc.log")
			return 0
		fi
		kill -0 "$mdcpid" 2>/dev/null || break
		sleep 0.05
	done
	echo "  $prefix: xsanmdc did not start:" >&2
	cat "$d/mdc.log" >&2
	return 1
}

stop_mdc() {
	local i
	[ -n "${mdcpid:-}" ] || return 0
	kill -TERM "$mdcpid" 2>/dev/null
	for i in $(seq 200); do
		kill -0 "$mdcpid" 2>/dev/null || break
		sleep 0.05
	done
	kill -KILL "$mdcpid" 2>/dev/null
	wait "$mdcpid" 2>/dev/null
}

# fsns LINE...: write fsnameservers, one argument a line.
fsns() {
	printf '%s\n' "$@" > "$tmp/etc/fsnameservers"
}

need_mdc() {
	[ -n "$nsport" ] && return 0
	echo "  $prefix.$name: xsanmdc is not running" >&2
	return 1
}

# The kernel's options as -fv shows them (only the mdc= line).
mdc_line() {
	grep -F 'fsconfig(FSCONFIG_SET_STRING, "mdc"' <<<"$out"
}

ns_lookup() {
	need_mdc || return 1
	fsns "# the volume's metadata controller" "127.0.0.1   # ns1"
	run "$bin" vol1 "$tmp/mnt" -fv -o nsport=$nsport,ro
	expect "exit status" 0 "$rc" &&
	expect "stderr" "" "$err" &&
	expect "answer" "mount.xsanfs: name server 127.0.0.1 port $nsport: volume vol1 is served at 127.0.0.1:$sport" \
		"$(grep 'name server' <<<"$out")" &&
	expect "kernel option" "mount.xsanfs: fsconfig(FSCONFIG_SET_STRING, \"mdc\", \"127.0.0.1:$sport\")" \
		"$(mdc_line)" &&
	expect "LUN summary" 1 "$(grep -c '^mount.xsanfs: no LUN of volume vol1 on this host (' <<<"$out")"
}

ns_quiet_without_v() {
	need_mdc || return 1
	fsns 127.0.0.1
	run "$bin" vol1 "$tmp/mnt" -f -o nsport=$nsport
	expect "exit status" 0 "$rc" && expect "stderr" "" "$err" && expect "stdout" "" "$out"
}

ns_first_dead() {
	need_mdc || return 1
	fsns 127.0.0.2 127.0.0.1
	run "$bin" vol1 "$tmp/mnt" -fv -o nsport=$nsport
	expect "exit status" 0 "$rc" &&
	expect "stderr" "" "$err" &&
	expect "dead one" "mount.xsanfs: name server 127.0.0.2 port $nsport: Connection refused" \
		"$(grep -F '127.0.0.2' <<<"$out")" &&
	expect "kernel option" "mount.xsanfs: fsconfig(FSCONFIG_SET_STRING, \"mdc\", \"127.0.0.1:$sport\")" \
		"$(mdc_line)"
}

# The first name server accepts but never answers: timeout= bounds it.
ns_first_silent() {
	need_mdc || return 1
	local lpid t0 t1
	python3 -c '
import socket, sys, time
s = socket.socket()
s.bind(("127.0.0.3", int(sys.argv[1])))
s.listen(8)
print("ready", flush=True)
time.sleep(30)
' "$nsport" > "$tmp/silent.out" 2>&1 &
	lpid=$!
	for i in $(seq 100); do
		grep -q ready "$tmp/silent.out" && break
		sleep 0.05
	done
	fsns 127.0.0.3 127.0.0.1
	t0=$(date +%s)
	run "$bin" vol1 "$tmp/mnt" -fv -o nsport=$nsport,timeout=1
	t1=$(date +%s)
	kill -KILL "$lpid" 2>/dev/null
	wait "$lpid" 2>/dev/null
	expect "exit status" 0 "$rc" &&
	expect "stderr" "" "$err" &&
	expect "silent one" 1 "$(grep -c "^mount.xsanfs: name server 127.0.0.3 port $nsport: .*timed out" <<<"$out")" &&
	expect "kernel option" "mount.xsanfs: fsconfig(FSCONFIG_SET_STRING, \"mdc\", \"127.0.0.1:$sport\")" \
		"$(mdc_line)" &&
	expect "took less than 5 s" 1 $(( t1 - t0 < 5 ))
}

ns_none_answered() {
	need_mdc || return 1
	fsns 127.0.0.2 127.0.0.4
	run "$bin" vol1 "$tmp/mnt" -f -o nsport=$nsport
	expect "exit status" 32 "$rc" &&
	expect "stderr" "mount.xsanfs: no name server answered for volume vol1: tried 127.0.0.2 port $nsport: Connection refused; 127.0.0.4 port $nsport: Connection refused" "$err"
}

ns_unknown_volume() {
	need_mdc || return 1
	fsns 127.0.0.1
	run "$bin" vol9 "$tmp/mnt" -f -o nsport=$nsport
	expect "exit status" 32 "$rc" &&
	expect "stderr" "mount.xsanfs: volume vol9 is unknown to the name service (asked 127.0.0.1 port $nsport): check the name, and that its metadata controller is running" "$err" &&
	fsns 127.0.0.2 127.0.0.1 &&
	run "$bin" vol9 "$tmp/mnt" -f -o nsport=$nsport &&
	expect "exit status (one dead)" 32 "$rc" &&
	expect "stderr (one dead)" "mount.xsanfs: volume vol9 is unknown to the name servers that answered (127.0.0.1 port $nsport), and no answer came from 127.0.0.2 port $nsport: Connection refused" "$err"
}

ns_bad_volume_name() {
	fsns 127.0.0.1
	run "$bin" 'vol/1' "$tmp/mnt" -f -o nsport=9
	expect "exit status" 32 "$rc" &&
	expect "stderr" "mount.xsanfs: 'vol/1' is not a volume name: give 1 to 64 characters of A-Z a-z 0-9 _ - . starting with a letter or digit" "$err"
}

ns_no_file() {
	rm -f "$tmp/etc/fsnameservers"
	run "$bin" vol1 "$tmp/mnt" -f
	expect "exit status" 32 "$rc" &&
	expect "stderr" "mount.xsanfs: no metadata controller for volume vol1: give -o mdc=HOST or list name servers in $tmp/etc/fsnameservers" "$err"
}

ns_bad_file() {
	fsns "127.0.0.1 127.0.0.2"
	run "$bin" vol1 "$tmp/mnt" -f
	expect "exit status" 32 "$rc" &&
	expect "stderr" "mount.xsanfs: $tmp/etc/fsnameservers:1: one host per line, not '127.0.0.1 127.0.0.2'" "$err" || return 1
	fsns "# ok" "ns_1!" 
	run "$bin" vol1 "$tmp/mnt" -f
	expect "exit status" 32 "$rc" &&
	expect "stderr" "mount.xsanfs: $tmp/etc/fsnameservers:2: 'ns_1!' is not a host name or IP address" "$err" || return 1
	fsns "# nothing but comments" ""
	run "$bin" vol1 "$tmp/mnt" -f
	expect "exit status" 32 "$rc" &&
	expect "stderr" "mount.xsanfs: no metadata controller for volume vol1: $tmp/etc/fsnameservers lists no name server; give -o mdc=HOST or add one" "$err"
}

# A duplicate line is a warning; the lookup goes on.
ns_duplicate_warns() {
	need_mdc || return 1
	fsns 127.0.0.1 127.0.0.1
	run "$bin" vol1 "$tmp/mnt" -f -o nsport=$nsport
	expect "exit status" 0 "$rc" &&
	expect "stderr" "mount.xsanfs: $tmp/etc/fsnameservers:2: duplicate name server '127.0.0.1' ignored" "$err"
}

# nameserver= replaces the file, which need not exist.
ns_option() {
	need_mdc || return 1
	rm -f "$tmp/etc/fsnameservers"
	run "$bin" vol1 "$tmp/mnt" -fv -o nameserver=127.0.0.2,nameserver=localhost,nsport=$nsport
	expect "exit status" 0 "$rc" &&
	expect "stderr" "" "$err" &&
	expect "kernel option" "mount.xsanfs: fsconfig(FSCONFIG_SET_STRING, \"mdc\", \"127.0.0.1:$sport\")" \
		"$(mdc_line)"
}

# With mdc= the name service is not asked, even when it is listed.
ns_mdc_given() {
	fsns 127.0.0.2
	run "$bin" vol1 "$tmp/mnt" -fv -o mdc=127.0.0.1:6000,nsport=9
	expect "exit status" 0 "$rc" &&
	expect "stderr" "" "$err" &&
	expect "asked nobody" 0 "$(grep -c 'name server' <<<"$out")" &&
	expect "kernel option" "mount.xsanfs: fsconfig(FSCONFIG_SET_STRING, \"mdc\", \"127.0.0.1:6000\")" \
		"$(mdc_line)"
}

# lun= given: passed to the kernel as given, in order, and no disk is
# scanned (with mdc= or the name service); a fake mount with mdc= does
# not scan either.
cli_lun_passthrough() {
	run "$bin" vol1 "$tmp/mnt" -fv -o mdc=127.0.0.1:6000,lun=/dev/sdb1,ro,lun=/dev/disk/by-partlabel/data1
	expect "exit status" 0 "$rc" &&
	expect "stderr" "" "$err" &&
	expect "lun lines" "mount.xsanfs: fsconfig(FSCONFIG_SET_STRING, \"lun\", \"/dev/sdb1\")
mount.xsanfs: fsconfig(FSCONFIG_SET_STRING, \"lun\", \"/dev/disk/by-partlabel/data1\")" \
		"$(grep '"lun"' <<<"$out")" &&
	expect "no scan" 0 "$(grep -c 'LUN' <<<"$out")"
}

ns_lun_given_no_scan() {
	need_mdc || return 1
	fsns 127.0.0.1
	run "$bin" vol1 "$tmp/mnt" -fv -o nsport=$nsport,lun=/dev/vdb1
	expect "exit status" 0 "$rc" &&
	expect "stderr" "" "$err" &&
	expect "lun line" "mount.xsanfs: fsconfig(FSCONFIG_SET_STRING, \"lun\", \"/dev/vdb1\")" \
		"$(grep '"lun"' <<<"$out")" &&
	expect "no scan" 0 "$(grep -c 'LUN of volume' <<<"$out")"
}

# The secret is read from the config dir, and never shows up in -v.
ns_secret_not_shown() {
	need_mdc || return 1
	fsns 127.0.0.1
	run "$bin" vol1 "$tmp/mnt" -fv -o nsport=$nsport
	expect "exit status" 0 "$rc" &&
	expect "secret" 0 "$(grep -c cli-mount-test-secret <<<"$out$err")"
}

# Namespaces to run a real attempt in, if this kernel lets us have them.
if unshare -Urmn true 2>/dev/null; then
	ns=(unshare -Urmn)
else
	ns=()
fi

# A real mount attempt. Without xsanfs in the kernel: the "not loaded"
# sentence and ENODEV. With it (as in the QEMU guests): the kernel's own
# sentence read back from the fs context (no MDC can answer on port 1).
# Without privilege: fsopen() is refused.
cli_real_attempt() {
	run "${ns[@]}" "$bin" vol1 "$tmp/mnt" -o mdc=127.0.0.1:1,timeout=2
	expect "exit status" 32 "$rc" || return 1
	if [ ${#ns[@]} -eq 0 ] && [ "$(id -u)" != 0 ]; then
		expect "stderr" "mount.xsanfs: mounting vol1 on $tmp/mnt failed: Operation not permitted" "$err"
	elif grep -qw xsanfs /proc/filesystems; then
		expect "a kernel sentence" 1 "$(grep -c '^mount.xsanfs: xsanfs: volume vol1: ' <<<"$err")" &&
		expect "last line" 1 "$(tail -n1 <<<"$err" | grep -c "^mount.xsanfs: mounting vol1 on $tmp/mnt failed: ")"
	else
		# modprobe may add its own line first.
		expect "stderr" "mount.xsanfs: xsanfs is not loaded (modprobe xsanfs)
mount.xsanfs: mounting vol1 on $tmp/mnt failed: No such device" \
			"$(grep '^mount.xsanfs: ' <<<"$err")"
	fi
}

# mdc= and no lun=, a real mount: this host's disks are scanned for LUNs
# of any volume, each passed as lunprobe= (the kernel skips other
# volumes'); here none, normally, and the summary line says so.
cli_real_scans_luns() {
	run "${ns[@]}" "$bin" vol1 "$tmp/mnt" -v -o mdc=127.0.0.1:1,timeout=2
	expect "exit status" 32 "$rc" || return 1
	local n
	n=$(grep -c '^mount.xsanfs: no xsanfs LUN on this host (\|"lunprobe"' <<<"$out")
	[ "$n" -ge 1 ] || { printf '  %s: no LUN summary nor lunprobe= in:\n%s\n' "$prefix.$name" "$out" >&2; return 1; }
	expect "lun=" 0 "$(grep -c '"lun"' <<<"$out")"
}

# valgrind: no error, no leak, and the same exit status as without it.
vg=(valgrind -q --error-exitcode=99 --leak-check=full
    --errors-for-leak-kinds=definite,indirect,possible)

cli_valgrind_help() {
	run "${vg[@]}" "$bin" -h
	expect "exit status" 0 "$rc" && expect "stderr" "" "$err"
}

cli_valgrind_usage_error() {
	run "${vg[@]}" "$bin" vol1 -o ro
	expect "exit status" 1 "$rc"
}

cli_valgrind_fake() {
	run "${vg[@]}" "$bin" vol1 "$tmp/mnt" -fsv -o ro,mdc=127.0.0.1:6000,timeout=5,bogus,rshared,threads=2
	expect "exit status" 0 "$rc" &&
	expect "stderr" "mount.xsanfs: ignoring unknown option 'bogus' (-s)" "$err"
}

cli_valgrind_ns() {
	[ -n "$nsport" ] || { echo "  $prefix.$name: no xsanmdc" >&2; return 1; }
	printf '127.0.0.2\n127.0.0.1\n' > "$tmp/etc/fsnameservers"
	run "${vg[@]}" "$bin" vol1 "$tmp/mnt" -fv -o nsport=$nsport
	rm -f "$tmp/etc/fsnameservers"
	expect "exit status" 0 "$rc" && expect "stderr" "" "$err"
}

cli_valgrind_bad_mdc() {
	run "${vg[@]}" "$bin" vol1 "$tmp/mnt" -o mdc=[::1
	expect "exit status" 32 "$rc" &&
	expect "stderr" "mount.xsanfs: mdc=[::1: missing ']'" "$err"
}

t cli_help
t cli_missing_dir
t cli_unknown_flag
t cli_wrong_type
t cli_fake_verbose
t cli_bad_port
t cli_bad_option_list
t cli_opts_passthrough
t cli_lun_passthrough
t cli_opts_refused
t cli_opts_sloppy
t cli_real_attempt
t cli_real_scans_luns
if start_mdc; then
	cp "$tmp/vol/config/vol1.auth_secret" "$tmp/etc/"
fi
t ns_lookup
t ns_quiet_without_v
t ns_first_dead
t ns_first_silent
t ns_none_answered
t ns_unknown_volume
t ns_bad_volume_name
t ns_no_file
t ns_bad_file
t ns_duplicate_warns
t ns_option
t ns_mdc_given
t ns_lun_given_no_scan
t ns_secret_not_shown
if [ "$with_valgrind" = valgrind ]; then
	t cli_valgrind_help
	t cli_valgrind_usage_error
	t cli_valgrind_fake
	t cli_valgrind_bad_mdc
	t cli_valgrind_ns
fi
stop_mdc
exit $failed
