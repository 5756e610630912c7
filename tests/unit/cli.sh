#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Tests of the mount.xsanfs binary as mount(8) runs it: exit codes, the
# exact sentences, a fake mount, and a real attempt. Prints one line per
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
failed=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/mnt"

# run ARGS...: run the binary; sets rc, out, err.
run() {
	"$@" >"$tmp/out" 2>"$tmp/err"
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

# valgrind: no error, no leak, and the same exit status as without it.
vg() {
	valgrind -q --error-exitcode=99 --leak-check=full \
		--errors-for-leak-kinds=definite,indirect,possible "$@"
}

cli_valgrind_help() {
	run vg "$bin" -h
	expect "exit status" 0 "$rc" && expect "stderr" "" "$err"
}

cli_valgrind_usage_error() {
	run vg "$bin" vol1 -o ro
	expect "exit status" 1 "$rc"
}

cli_valgrind_fake() {
	run vg "$bin" vol1 "$tmp/mnt" -fv -o ro,mdc=127.0.0.1:6000,timeout=5,bogus,rshared
	expect "exit status" 0 "$rc" && expect "stderr" "" "$err"
}

cli_valgrind_bad_mdc() {
	run vg "$bin" vol1 "$tmp/mnt" -o mdc=[::1
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
t cli_real_attempt
if [ "$with_valgrind" = valgrind ]; then
	t cli_valgrind_help
	t cli_valgrind_usage_error
	t cli_valgrind_fake
	t cli_valgrind_bad_mdc
fi
exit $failed
