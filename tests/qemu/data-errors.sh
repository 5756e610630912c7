# bed: guests=1 luns=lun0:64M,lun1:64M mdc=vol1 deadline=360
# SPDX-License-Identifier: GPL-2.0
# I/O errors of the data path reach the caller (one stripe group of two
# LUNs; both are taken offline at once through the SCSI midlayer,
# /sys/block/sdX/device/state, so every file here fails whatever its
# stripe):
#   1. dirty pages whose writeback fails: fsync reports EIO, once per open
#      file (errseq), so does close(2) of the descriptor that wrote them:
#      with the LUNs back, the next fsync of the file succeeds; the lost
#      range reads as zeros (its extents stayed UNWRITTEN), never as stale
#      bytes;
#      close(2) of a descriptor whose dirty pages fail to write back
#      returns EIO;
#   2. an O_DIRECT write and a read of uncached data fail with EIO;
#   3. with the LUNs back, writes and fsync work again and the bytes are on
#      the LUNs;
#   4. a lost session: a second mount reaches the MDC through a relay in
#      the guest, keeps dirty pages, and the relay is cut for longer than
#      lease + grace (20 + 10 s), so the MDC drops the session; after the
#      reconnect (a new session) the dirty pages are dropped and fsync
#      reports EIO, once.
set -euo pipefail
. /bed/lib.sh
. /bed/data-lib.sh
export LC_ALL=C

M=/mnt/x
insmod /opt/xsanfs/xsanfs.ko
if [ -n "${XSAN_DEBUG:-}" ]; then
	mount -t debugfs none /sys/kernel/debug 2>/dev/null || true
	echo 'module xsanfs +p' > /sys/kernel/debug/dynamic_debug/control
fi
mkdir -p $M
out=$(timeout 60 mount -t xsanfs -o mdc=10.0.2.100 vol1 $M 2>&1) ||
	fail "mount of vol1 failed: $out"

disks=()
for l in lun0 lun1; do
	d=$(basename "$(readlink -f /dev/lun/$l)")
	[ -w /sys/block/$d/device/state ] || fail "$l ($d): no SCSI device state to set"
	disks+=("$d")
done
# luns STATE: set the SCSI state (offline, running) of both LUNs
luns() {
	local d
	for d in "${disks[@]}"; do echo "$1" > /sys/block/$d/device/state; done
}
gen() { { seq -f "$1-%014.0f" 0 $(($2 / 16)) || true; } | head -c "$2"; }
# fsync_rc FILE: open FILE, fsync it, print the exit status and message
fsync_rc() {
	local out rc=0
	out=$(timeout 60 sync "$1" 2>&1) || rc=$?
	echo "$rc $out"
}
seed=$(head -c 6 /dev/urandom | xxd -p)
# hold FILE SRC MARK: write SRC to FILE (buffered) through one descriptor
# that stays open until `release MARK` (xsanio closeerr): a close writes
# back (->flush), and this one must not until the test says so
hold() {
	xsanio closeerr "$1" "$3" < "$2" > "$3.out" &
	hold_pid=$!
	wait_file "$3.1"
}
# release MARK: close that descriptor; MARK.out holds what close(2)
# returned (not in a $(...) subshell: it waits for the writer)
release() {
	touch "$1.go.1"
	wait "$hold_pid" || fail "xsanio closeerr failed"
}

# 1. writeback fails
gen "e1$seed" 1048576 > /tmp/e1
# written through a descriptor that stays open (hold): a close of a
# writer writes back and commits, which would write it before the failure
hold $M/e1 /tmp/e1 /tmp/h1
luns offline
r=$(fsync_rc $M/e1)
echo "fsync with the LUNs offline: $r"
case "$r" in
"1 "*"Input/output error"*) ;;
*) luns running; fail "fsync of e1 with the LUNs offline: '$r', expected EIO" ;;
esac
luns running
# the descriptor that wrote e1 has not been told: its close is EIO
release /tmp/h1
r=$(cat /tmp/h1.out)
[ "$r" = "Input/output error" ] ||
	fail "close of the descriptor that wrote e1 returned '$r', expected EIO"
r=$(fsync_rc $M/e1)
[ "$r" = "0 " ] || fail "second fsync of e1 (LUNs back, error reported already): '$r', expected 0"
echo 3 > /proc/sys/vm/drop_caches
# its size may or may not have been committed; whatever it is, zeros
sz=$(stat -c %s $M/e1)
echo "e1 after the failed writeback: $sz bytes"
head -c "$sz" /dev/zero > /tmp/z1
cmp $M/e1 /tmp/z1 || fail "e1, whose writeback failed, does not read as zeros (cmp above)"
echo "data-errors: failed writeback is EIO at fsync, once; the range reads zeros"

# 1b. close(2) reports it too: dirty pages written through a descriptor
# that close writes back while the LUNs are offline (xsanio closeerr
# keeps the file open until told to close)
gen "c1$seed" 1048576 > /tmp/c1
xsanio closeerr $M/c1 /tmp/ce < /tmp/c1 > /tmp/ce.out &
pid=$!
wait_file /tmp/ce.1
luns offline
touch /tmp/ce.go.1
wait $pid || { luns running; fail "xsanio closeerr failed"; }
luns running
r=$(cat /tmp/ce.out)
[ "$r" = "Input/output error" ] ||
	fail "close of c1 whose writeback failed returned '$r', expected EIO"
# as on NFS, close does not consume it: the next fsync still reports it,
# once
r=$(fsync_rc $M/c1)
case "$r" in
"1 "*"Input/output error"*) ;;
*) fail "fsync of c1 after close: '$r', expected EIO (close reported it, fsync has not)" ;;
esac
r=$(fsync_rc $M/c1)
[ "$r" = "0 " ] || fail "second fsync of c1 after close: '$r', expected 0"
echo "data-errors: close reports the failed writeback (EIO), fsync still does once"

# 2. O_DIRECT write and uncached read
gen "e2$seed" 1048576 > /tmp/e2
timeout 60 dd if=/tmp/e2 of=$M/e2 bs=64k conv=fsync status=none || fail "write of e2 failed"
echo 3 > /proc/sys/vm/drop_caches
luns offline
rc=0
out=$(timeout 60 dd if=/tmp/e2 of=$M/e2 bs=1M oflag=direct conv=notrunc status=none 2>&1) || rc=$?
[ $rc -ne 0 ] && grep -q "Input/output error" <<<"$out" ||
	{ luns running; fail "O_DIRECT write with the LUNs offline: status $rc, '$out'"; }
rc=0
out=$(timeout 60 cat $M/e2 2>&1 >/dev/null) || rc=$?
[ $rc -ne 0 ] && grep -q "Input/output error" <<<"$out" ||
	{ luns running; fail "read of e2 with the LUNs offline: status $rc, '$out'"; }
luns running
echo 3 > /proc/sys/vm/drop_caches
cmp /tmp/e2 $M/e2 || fail "e2 changed by the failed O_DIRECT write"
echo "data-errors: O_DIRECT write and read fail with EIO"

# 3. back to work
timeout 60 dd if=/tmp/e1 of=$M/e1 bs=64k conv=fsync status=none ||
	fail "write of e1 with the LUNs back failed"
echo 3 > /proc/sys/vm/drop_caches
cmp /tmp/e1 $M/e1 || fail "e1 rewritten with the LUNs back differs"
echo "data-errors: writes work again with the LUNs back"

# 4. lost session
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
# to the MDC (as mount-session.sh)
relay() {
	exec 5<>/dev/tcp/10.0.2.100/60766 || fail "cannot reach the MDC for the relay"
	nc -l -p "$1" <&5 >&5 4>&- &
	relay_pid=$!
	exec 5>&-
	[ "${2:-}" = nowait ] || wait_listen "$1"
}
cut_relay() {
	kill "$relay_pid" 2> /dev/null || true
	wait "$relay_pid" 2> /dev/null || true
}
# no periodic writeback: the dirty pages stay dirty across the cut
echo 0 > /proc/sys/vm/dirty_writeback_centisecs
Y=/mnt/y
mkdir -p $Y
relay 7010
out=$(timeout 60 mount -t xsanfs -o mdc=127.0.0.1:7010,timeout=5 vol1 $Y 2>&1) ||
	fail "mount of vol1 through the relay failed: $out"
hold $Y/s1 /tmp/e1 /tmp/h4
cut_relay
echo "relay cut; waiting for the MDC to drop the session (lease + grace)"
sleep 33
relay 7010 nowait
for _ in $(seq 300); do
	dmesg | grep 'session lost, dirty data not written' > /dev/null && break
	sleep 0.1
done
dmesg | grep 'vol1: \(reconnected\|session lost\)' | tail -3
dmesg | grep 'session lost, dirty data not written' > /dev/null ||
	fail "no drop of the dirty pages after the session was lost"
r=$(fsync_rc $Y/s1)
echo "fsync after the lost session: $r"
case "$r" in
"1 "*"Input/output error"*) ;;
*) fail "fsync of s1 after the lost session: '$r', expected EIO" ;;
esac
r=$(fsync_rc $Y/s1)
[ "$r" = "0 " ] || fail "second fsync of s1 after the lost session: '$r', expected 0"
release /tmp/h4
r=$(cat /tmp/h4.out)
[ "$r" = "Input/output error" ] ||
	fail "close of the descriptor that wrote s1 returned '$r', expected EIO"
sz=$(stat -c %s $Y/s1)
head -c "$sz" /dev/zero > /tmp/z1
cmp $Y/s1 /tmp/z1 || fail "s1, whose dirty pages were dropped, is not zeros (cmp above)"
echo "data-errors: lost session: dirty pages dropped, EIO at fsync once ($sz bytes left)"
timeout 60 umount $Y || fail "umount of $Y failed"
cut_relay
timeout 60 umount $M || fail "umount failed"
