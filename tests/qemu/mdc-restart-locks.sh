# bed: guests=2 luns=lun0:64M mdc=vol1 deadline=600 hostpost=tools/bin/fsck.xsanfs,-n,-S,@STATE,vol1
# SPDX-License-Identifier: GPL-2.0
# Issues 13 and 14: cluster-wide locks survive an MDC restart. Both
# guests increment one counter file under an fcntl write lock (xsanlock
# counter: F_SETLKW, pread, +1, pwrite, unlock), 300 times each, at once;
# meanwhile A holds a write lock on [0, 100) of a second file and a flock
# LOCK_EX on a third for the whole run. When the counter has passed 40,
# the bed kills xsanmdc (SIGKILL) and starts it again 5 s later on the
# same state. The clients reclaim their tokens and then their locks
# (LOCK with RECLAIM, fs/lock.c); waiters whose MDC registration went with
# the restart ask again. Afterwards: the counter is exactly 600 on both
# guests (no increment lost, no lock granted twice), B is still refused
# A's held locks (they were taken back, not lost), and both kernels log
# the locks reclaimed and none lost.
set -euo pipefail
. /bed/lib.sh
. /bed/data-lib.sh

M=/mnt/x
N=300
L=/tmp/rl
mkdir -p $L
insmod /opt/xsanfs/xsanfs.ko
mkdir -p $M
out=$(timeout 60 mount -t xsanfs -o mdc=10.0.2.100 vol1 $M 2>&1) ||
	fail "mount of vol1 failed: $out"

pids=()
trap 'for p in "${pids[@]}"; do kill -9 "$p" 2> /dev/null || true; done' EXIT

# counter_value: the counter file's little-endian u64
counter_value() {
	od -An -t u8 -N 8 $M/ctr | tr -d ' '
}

if [ "$BED_GUEST" = a ]; then
	: > $M/ctr
	xsanlock hold $M/held wr 0 100 $L/held 400 > $L/held.out 2>&1 &
	pids+=($!)
	xsanlock flock $M/fheld ex $L/fheld 400 > $L/fheld.out 2>&1 &
	pids+=($!)
	wait_file $L/held.1
	wait_file $L/fheld.1
fi
bed_barrier ready
t0=$(date +%s)
xsanlock counter $M/ctr $N > $L/ctr.out 2>&1 &
cpid=$!
pids+=($cpid)

if [ "$BED_GUEST" = a ]; then
	for _ in $(seq 600); do
		v=$(counter_value 2> /dev/null || echo 0)
		[ "${v:-0}" -ge 40 ] && break
		sleep 0.2
	done
	echo "mdc-restart-locks: counter at $v: killing xsanmdc"
	bed_mdc kill
	sleep 5
	bed_mdc start
	echo "mdc-restart-locks: xsanmdc started again"
fi

rc=0
timeout 400 tail --pid=$cpid -f /dev/null || fail "xsanlock counter hung: $(cat $L/ctr.out)"
wait $cpid || rc=$?
cat $L/ctr.out
[ $rc = 0 ] || fail "the counter failed: $(cat $L/ctr.out)"
echo "mdc-restart-locks: $N increments in $(( $(date +%s) - t0 )) s"
bed_barrier counted
v=$(counter_value)
[ "$v" = $((2 * N)) ] || fail "counter is $v after 2 x $N increments: increments lost"

# A's locks held across the restart still keep B out
if [ "$BED_GUEST" = b ]; then
	r=$(xsanlock try $M/held wr 50 10)
	[ "$r" = EAGAIN ] || fail "A's fcntl lock held across the restart: B's F_SETLK says '$r'"
	r=$(xsanlock flocktry $M/fheld ex)
	[ "$r" = EWOULDBLOCK ] || fail "A's flock held across the restart: B's LOCK_EX|LOCK_NB says '$r'"
	echo "mdc-restart-locks: A's fcntl and flock locks still keep B out"
fi
bed_barrier checked
if [ "$BED_GUEST" = a ]; then
	touch $L/held.go $L/fheld.go
	wait_file $L/held.2
	wait_file $L/fheld.2
fi
bed_barrier released
if [ "$BED_GUEST" = b ]; then
	r=$(xsanlock try $M/held wr 50 10)
	[ "$r" = ok ] || fail "A released its fcntl lock, B's F_SETLK says '$r'"
	r=$(xsanlock flocktry $M/fheld ex)
	[ "$r" = ok ] || fail "A released its flock, B's LOCK_EX|LOCK_NB says '$r'"
fi
dmesg | grep -E "xsanfs: volume vol1: (the metadata controller restarted|inode .*lock)" || true
if dmesg | grep -E "not reclaimed|lost with the session|session lost" > /dev/null; then
	fail "tokens or locks were lost in the restart"
fi
if [ "$BED_GUEST" = a ]; then
	dmesg | grep -E "the metadata controller restarted: .* [1-9][0-9]* lock\(s\) reclaimed, 0 lost" > /dev/null ||
		fail "A did not reclaim its locks"
fi
bed_barrier done
umount $M
echo "mdc-restart-locks: ok"
