# bed: guests=1 luns=lun0:64M mdc=vol1 deadline=400
# SPDX-License-Identifier: GPL-2.0
# Issue 12, hole 11: truncate against an mmap writer. A process maps a
# 1 MiB file's first 64 KiB MAP_SHARED and, in a loop, stores into every
# page of its second half and msync()s it (xsanio mmapwr); meanwhile the
# file is
# truncated to 4 KiB. page_mkwrite must not dirty a page past the new
# size while the truncate's SETATTR is on its way, or the writeback of
# that page commits the old size back after the SETATTR: the file would
# be 4 KiB here and larger at the MDC. The writer ends with SIGBUS (or
# the stop file); then, after sync, the size must be 4096 on this mount
# and on a second mount of the volume in the same guest (another
# session, so it asks the MDC), and the first 4 KiB must be intact.
# The first mount goes through a relay (xsanio delay) that holds every
# SETATTR reply 300 ms: the truncate's round trip, the window of the
# race, is then long enough to be hit in most rounds (without the fix:
# page_mkwrite without the invalidate lock, as before a46acff: 12 of 12
# rounds end with 4096 here and 65536 at the MDC).
# 12 rounds, each growing the file to 1 MiB first (a hole past 4 KiB, so
# that the stores allocate and their commits carry a size).
set -euo pipefail
. /bed/lib.sh
. /bed/data-lib.sh

X=/mnt/x
Y=/mnt/y
PORT=7006
insmod /opt/xsanfs/xsanfs.ko
mkdir -p $X $Y
xsanio delay $PORT 10.0.2.100 60766 18 300 2> /tmp/relay.log &
relay_pid=$!
port=$(printf ':%04X' $PORT)
for _ in $(seq 100); do
	awk -v p="$port" 'substr($2, length($2) - 4) == p && $4 == "0A" { f = 1 }
		END { exit !f }' /proc/net/tcp && break
	sleep 0.1
done
out=$(timeout 60 mount -t xsanfs -o mdc=127.0.0.1:$PORT vol1 $X 2>&1) ||
	fail "mount of vol1 on $X through the relay failed: $out"
out=$(timeout 60 mount -t xsanfs -o mdc=10.0.2.100 vol1 $Y 2>&1) ||
	fail "mount of vol1 on $Y failed: $out"

gen "truncmmap" 4096 > /tmp/head
bad=0
for r in $(seq 12); do
	# its first 4 KiB written, the rest a hole: the mapped stores
	# allocate, and their commits carry a size
	timeout 60 dd if=/tmp/head of=$X/f bs=4k conv=notrunc status=none ||
		fail "round $r: writing 4 KiB failed"
	timeout 60 truncate -s 1M $X/f || fail "round $r: truncate -s 1M failed"
	timeout 60 sync $X/f || fail "round $r: sync failed"
	rm -f /tmp/stop
	xsanio mmapwr $X/f 64 /tmp/stop > /tmp/mw.out 2>&1 &
	pid=$!
	sleep 1.$((r % 5 * 2))
	timeout 60 truncate -s 4096 $X/f || fail "round $r: truncate failed or hung"
	sleep 0.2
	touch /tmp/stop
	rc=0
	timeout 60 tail --pid=$pid -f /dev/null || { kill $pid; fail "round $r: xsanio mmapwr hung"; }
	wait $pid || rc=$?
	[ $rc = 0 ] || { cat /tmp/mw.out; fail "round $r: xsanio mmapwr failed ($rc)"; }
	timeout 60 sync -f $X || fail "round $r: sync failed"
	sx=$(stat -c %s $X/f)
	sy=$(stat -c %s $Y/f)
	echo "round $r: $(cat /tmp/mw.out); size here $sx, on the other mount $sy"
	if [ "$sx" != 4096 ] || [ "$sy" != 4096 ]; then
		echo "round $r: size $sx / $sy after truncate to 4096"
		bad=$((bad + 1))
	fi
	for m in $X $Y; do
		head -c 4096 $m/f > /tmp/got
		cmp /tmp/got /tmp/head || { echo "round $r: first 4 KiB changed on $m"; bad=$((bad + 1)); }
	done
done
timeout 30 umount $X || fail "umount $X failed"
timeout 20 tail --pid=$relay_pid -f /dev/null || kill $relay_pid
cat /tmp/relay.log
[ $bad = 0 ] || fail "$bad bad round(s), above"
echo "trunc-mmap: ok"
