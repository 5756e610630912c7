# bed: guests=1 luns=lun0:64M,lun1:64M mdc=vol1 deadline=150
# SPDX-License-Identifier: GPL-2.0
# A mount that stays mounted: against the real xsanmdc on the host, mount
# opens a session through the messenger, reads the block size (STATFS) and
# the root inode (GETATTR); the root can be stat'ed, df asks the MDC,
# /proc/mounts shows the volume and the options and never the secret, the
# session survives a heartbeat, and umount ends it in bounded time. Through
# a relay in the guest that the test cuts: a hard mount reconnects (HELLO,
# AUTH, RECONNECT) and its calls go on; a soft mount's calls fail after
# timeout=; umount of a mount whose MDC is gone finishes.
set -euo pipefail
. /bed/lib.sh

[ -s /etc/xsanfs/vol1.auth_secret ] || fail "the volume secret is not in the guest"
secret=$(cat /etc/xsanfs/vol1.auth_secret)
insmod /opt/xsanfs/xsanfs.ko
mkdir -p /mnt/x

# mnt ARGS...: mount must succeed within 60 s
mnt() {
	local out rc
	set +e
	out=$(timeout 60 mount -t xsanfs "$@" 2>&1)
	rc=$?
	set -e
	echo "mount $* -> status $rc: $out"
	[ "$rc" -ne 124 ] || fail "mount $* hung"
	[ "$rc" -eq 0 ] || fail "mount $* failed: $out"
}
# umnt [ARGS]: umount [ARGS] /mnt/x within 30 s
umnt() {
	local t0 rc
	t0=$(date +%s)
	set +e
	timeout 30 umount "$@" /mnt/x
	rc=$?
	set -e
	[ "$rc" -ne 124 ] || fail "umount hung"
	[ "$rc" -eq 0 ] || fail "umount failed ($rc)"
	echo "umount took $(( $(date +%s) - t0 )) s"
	grep -qs ' /mnt/x ' /proc/mounts && fail "/mnt/x still mounted after umount"
	return 0
}

mnt -o mdc=10.0.2.100,timeout=7,nrtiotokentimeout=30,cvnode_max=5000 vol1 /mnt/x
line=$(grep ' /mnt/x ' /proc/mounts) || fail "mount succeeded but /mnt/x is not in /proc/mounts"
echo "/proc/mounts: $line"
read -r src _ type opts _ <<<"$line"
[ "$src" = vol1 ] || fail "/proc/mounts shows source '$src', want vol1"
[ "$type" = xsanfs ] || fail "/proc/mounts shows type '$type', want xsanfs"
for o in rw mdc=10.0.2.100:60766 timeout=7 hard nrtiotokentimeout=30 cvnode_max=5000; do
	grep -q ",$o\(,\|$\)\|^$o," <<<"$opts" || fail "/proc/mounts options '$opts' lack $o"
done
grep -qF "$secret" /proc/mounts && fail "the volume secret is in /proc/mounts"
grep -q 'xsanfs:' /proc/keys && fail "an xsanfs key outlived the mount: $(grep xsanfs: /proc/keys)"

# The root directory, from GETATTR of fid 1/1.
st=$(stat -c '%F %i' /mnt/x) || fail "stat /mnt/x failed"
echo "stat /mnt/x: $st"
[ "$st" = "directory 1" ] || fail "stat /mnt/x says '$st', want 'directory 1'"

# statfs goes to the MDC: a volume of two 64 MiB LUNs has blocks.
df_out=$(timeout 30 df -P /mnt/x) || fail "df /mnt/x failed"
echo "$df_out"
total=$(awk 'NR == 2 { print $2 }' <<<"$df_out")
[ "${total:-0}" -gt 0 ] || fail "df shows no blocks for /mnt/x"
ftype=$(stat -f -c '%t' /mnt/x)
[ "$ftype" = 5853414e ] || fail "statfs f_type is $ftype, want 5853414e"

# A heartbeat later (lease/3 < 8 s; the bed's lease is 20 s) it still answers.
sleep 8
stat /mnt/x > /dev/null || fail "stat /mnt/x failed after a heartbeat"
timeout 30 df -P /mnt/x > /dev/null || fail "df failed after a heartbeat"
umnt

# ro and soft, a second session.
mnt -o mdc=10.0.2.100,ro,soft vol1 /mnt/x
line=$(grep ' /mnt/x ' /proc/mounts) || fail "ro mount not in /proc/mounts"
echo "/proc/mounts: $line"
grep -q ' ro,' <<<"$line" || fail "ro mount is not ro in /proc/mounts"
grep -q ',soft' <<<"$line" || fail "soft mount does not show soft"
expect_fail touch /mnt/x/newfile
stat /mnt/x > /dev/null || fail "stat of the ro mount failed"
umnt

# Two mounts of the same volume at once: two sessions.
mkdir -p /mnt/y
mnt -o mdc=10.0.2.100 vol1 /mnt/x
mnt -o mdc=10.0.2.100 vol1 /mnt/y
stat /mnt/y > /dev/null || fail "stat of the second mount failed"
timeout 30 umount /mnt/y || fail "umount /mnt/y failed"
umnt

# wait_listen PORT: until a TCP socket listens on PORT
wait_listen() {
	local port
	port=$(printf ':%04X' "$1")
	for _ in $(seq 100); do
		awk -v p="$port" 'substr($2, length($2) - 4) == p && $4 == "0A" { f = 1 }
			END { exit !f }' /proc/net/tcp /proc/net/tcp6 && return 0
		sleep 0.1
	done
	fail "nothing listens on port $1 after 10 s"
}
# relay PORT [nowait]: accept one connection on 127.0.0.1:PORT and join it
# to the MDC. nowait: a reconnecting client may be accepted (and the
# listener gone) before wait_listen would look.
relay() {
	exec 3<>/dev/tcp/10.0.2.100/60766 || fail "cannot reach the MDC for the relay"
	nc -l -p "$1" <&3 >&3 &
	relay_pid=$!
	exec 3>&-
	[ "${2:-}" = nowait ] || wait_listen "$1"
}
cut_relay() {
	kill "$relay_pid" 2> /dev/null || true
	wait "$relay_pid" 2> /dev/null || true
}

# Hard: the connection breaks, the messenger reconnects, df goes on.
relay 7010
mnt -o mdc=127.0.0.1:7010,timeout=5 vol1 /mnt/x
timeout 30 df -P /mnt/x > /dev/null || fail "df through the relay failed"
cut_relay
relay 7010 nowait
timeout 60 df -P /mnt/x > /dev/null || fail "df after the reconnect failed or hung"
dmesg | grep 'volume vol1: reconnected to metadata controller 127\.0\.0\.1:7010' > /dev/null ||
	fail "no reconnect in the kernel log"
dmesg | grep 'volume vol1: reconnected' | tail -1
umnt
cut_relay

# Soft: with the MDC gone a call fails after timeout=, and umount finishes.
relay 7011
mnt -o mdc=127.0.0.1:7011,timeout=3,soft vol1 /mnt/x
cut_relay
t0=$(date +%s)
timeout 60 df -P /mnt/x > /dev/null 2>&1 && fail "df on a soft mount without its MDC succeeded"
t1=$(date +%s)
echo "soft df failed after $((t1 - t0)) s"
[ $((t1 - t0)) -lt 30 ] || fail "soft df took $((t1 - t0)) s with timeout=3"
umnt

# Hard, MDC gone for good: umount still finishes. umount(8) would stat
# /mnt/x first, which on a hard mount waits for the MDC (killably, as on
# NFS); -c (--no-canonicalize) goes straight to umount(2), whose part
# (GOODBYE skipped, reconnects stopped) is bounded; -f also fails the
# calls that wait (umount_begin).
relay 7012
mnt -o mdc=127.0.0.1:7012 vol1 /mnt/x
cut_relay
# A task waiting on the hard mount: umount -f fails its call (EIO).
ls /mnt/x > /dev/null 2>&1 &
ls_pid=$!
sleep 2
kill -0 "$ls_pid" 2> /dev/null || fail "ls on a hard mount without its MDC did not wait"
timeout 20 umount -f -c /mnt/x 2> /dev/null || true
for _ in $(seq 50); do kill -0 "$ls_pid" 2> /dev/null || break; sleep 0.1; done
kill -0 "$ls_pid" 2> /dev/null && fail "umount -f did not free the task waiting for the MDC"
wait "$ls_pid" && fail "ls succeeded on a hard mount without its MDC"
grep -qs ' /mnt/x ' /proc/mounts && umnt -c

dmesg | grep -F "$secret" > /dev/null && fail "the volume secret is in the kernel log"
rmmod xsanfs
echo "mount-session: ok"
