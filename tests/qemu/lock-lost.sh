# bed: guests=2 luns=lun0:28M mdc=vol1 deadline=300 linkcut=a lease=4:2 killable=a
# SPDX-License-Identifier: GPL-2.0
# Issue 14: a lock lost with the session is never silently kept. A holds
# an fcntl write lock on [0, 100) of F (xsanlock lost) and has written
# under it. A's network link goes down (its LUN stays) for longer than
# its lease (4 s) + grace (2 s): the MDC evicts A and drops its locks, and
# B's F_SETLKW on the same range is granted. A's link comes back; A finds
# its session gone ("lost with the session" in its log) and A's next
# write through the descriptor that held the lock fails EIO instead of
# overwriting what B may have written under the lock it now holds; once
# A unlocks, its writes work again. Without the check (fs/lock.c,
# xsan_lock_check) A's write succeeded: two hosts wrote under one lock.
# Then A takes a lock on K and the bed kills A's QEMU outright (a power
# cut, killable=a): B's F_SETLKW on K is granted once A's lease and grace
# ran out (the MDC ends A's session and its locks with it).
set -euo pipefail
. /bed/lib.sh
. /bed/data-lib.sh

M=/mnt/x
insmod /opt/xsanfs/xsanfs.ko
mkdir -p $M
out=$(timeout 60 mount -t xsanfs -o mdc=10.0.2.100 vol1 $M 2>&1) ||
	fail "mount of vol1 failed: $out"
bed_barrier mounted

case "$BED_GUEST" in
a)
	xsanlock lost $M/F /tmp/lk > /tmp/lk.out 2>&1 &
	pid=$!
	wait_file /tmp/lk.1
	bed_put locked 1
	bed_get checked > /dev/null
	bed_link a off
	bed_put cut 1
	bed_get blocked > /dev/null
	bed_link a on
	# the reconnect finds the session gone (ESTALE): locks marked lost
	for _ in $(seq 300); do
		dmesg | grep "lost with the session" > /dev/null && break
		sleep 0.1
	done
	dmesg | grep xsanfs | tail -6
	dmesg | grep "lost with the session" > /dev/null ||
		fail "no 'lost with the session' in the log 30 s after the link came back"
	touch /tmp/lk.go
	timeout 120 tail --pid=$pid -f /dev/null || fail "xsanlock lost hung"
	wait $pid || fail "xsanlock lost failed: $(cat /tmp/lk.out)"
	cat /tmp/lk.out
	grep -q "^write under the lock: Input/output error$" /tmp/lk.out ||
		fail "A wrote under a lock it had lost: $(tr '\n' ' ' < /tmp/lk.out)"
	grep -q "^write after the unlock: ok$" /tmp/lk.out ||
		fail "A's write after its unlock failed: $(tr '\n' ' ' < /tmp/lk.out)"
	bed_put adone 1
	# part 2: a guest that dies holding a lock
	xsanlock hold $M/K wr 0 0 /tmp/kh 300 > /tmp/kh.out 2>&1 &
	wait_file /tmp/kh.1
	bed_put kheld 1
	bed_get kchecked > /dev/null
	echo "lock-lost: killing A while it holds a lock on K"
	bed_kill a
	sleep 600
	fail "A is still alive after bed_kill"
	;;
b)
	bed_get locked > /dev/null
	r=$(xsanlock try $M/F wr 0 100)
	[ "$r" = EAGAIN ] || fail "A's lock before the cut: B's F_SETLK says '$r'"
	bed_put checked 1
	bed_get cut > /dev/null
	t0=$(date +%s)
	# granted once the MDC evicted A (lease + grace after its last renewal)
	xsanlock hold $M/F wr 0 100 /tmp/bh 120 > /tmp/bh.out 2>&1 &
	pid=$!
	wait_file /tmp/bh.1
	echo "lock-lost: B got A's lock $(( $(date +%s) - t0 )) s after A's link went down"
	bed_put blocked 1
	bed_get adone > /dev/null
	touch /tmp/bh.go
	wait $pid || fail "xsanlock hold on B failed: $(cat /tmp/bh.out)"
	# part 2: A dies holding a lock on K
	bed_get kheld > /dev/null
	r=$(xsanlock try $M/K wr 0 0)
	[ "$r" = EAGAIN ] || fail "A's lock on K: B's F_SETLK says '$r'"
	bed_put kchecked 1
	t0=$(date +%s)
	xsanlock hold $M/K wr 0 0 /tmp/bk 120 > /tmp/bk.out 2>&1 &
	pid=$!
	wait_file /tmp/bk.1
	echo "lock-lost: B got the lock of the killed A $(( $(date +%s) - t0 )) s after the kill (lease 4 s + grace 2 s)"
	touch /tmp/bk.go
	wait $pid || fail "xsanlock hold of K on B failed: $(cat /tmp/bk.out)"
	timeout 60 umount $M || fail "umount failed"
	echo "lock-lost: ok"
	;;
esac
