# bed: guests=1 luns=lun0:64M mdc=vol1 deadline=300
# SPDX-License-Identifier: GPL-2.0
# Issue 12, hole 12: work that waits for writeback must not share a queue
# with writeback's completion. Under memory pressure a WQ_MEM_RECLAIM
# queue may be left to its rescuer, which runs one item at a time: an
# idle give-back (xsan_tok_idle_work, on tok_wq) that writes back and
# waits would then wait for a completion queued behind it on the same
# queue, for ever. The module parameter wq_max_active=1 makes every
# queue of a mount run one item at a time, as its rescuer alone would.
# With nrtiotokentimeout=1, 6 rounds: 1 MiB written with write(2) to a
# file held open (xsanio held: close would write it back itself) and
# left dirty, 3 s for the idle give-back to write it back, then fsync
# and close (at most 60 s) and the bytes read back. Without the fix (completion
# queued on tok_wq, as before the queues were split) the first give-back
# hangs, and so do sync and the test.
set -euo pipefail
. /bed/lib.sh
. /bed/data-lib.sh

M=/mnt/x
insmod /opt/xsanfs/xsanfs.ko wq_max_active=1
[ "$(cat /sys/module/xsanfs/parameters/wq_max_active)" = 1 ] ||
	fail "wq_max_active is not 1"
mkdir -p $M
out=$(timeout 60 mount -t xsanfs -o mdc=10.0.2.100,nrtiotokentimeout=1 vol1 $M 2>&1) ||
	fail "mount of vol1 failed: $out"

for r in $(seq 6); do
	gen "wq$r" 1048576 > /tmp/f
	rm -f /tmp/h$r.*
	# held open (close would write it back itself): xsanio held writes,
	# makes /tmp/h$r.1, waits for /tmp/h$r.go.1, then fsyncs
	xsanio held $M/f$r 0 /tmp/h$r < /tmp/f > /tmp/h$r.out 2>&1 &
	pid=$!
	wait_file /tmp/h$r.1
	sleep 3
	touch /tmp/h$r.go.1
	wait_file /tmp/h$r.2
	touch /tmp/h$r.go.2
	timeout 60 tail --pid=$pid -f /dev/null ||
		{ kill $pid; fail "round $r: fsync or close hung: a give-back waits for a completion queued behind it?"; }
	wait $pid || fail "round $r: xsanio held failed: $(cat /tmp/h$r.out)"
	grep -q "^fsync: 0" /tmp/h$r.out || fail "round $r: $(cat /tmp/h$r.out)"
	timeout 60 sync || fail "round $r: sync hung (status $?)"
	[ "$(sum $M/f$r)" = "$(sum /tmp/f)" ] || fail "round $r: read back something else"
	echo "round $r: written and held open, given back idle, fsynced, read back"
done
timeout 60 umount $M || fail "umount failed or hung"
echo "wq-rescuer: ok"
