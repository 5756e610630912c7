# bed: guests=2 luns=lun0:64M mdc=vol1 deadline=420 lease=4:2
# SPDX-License-Identifier: GPL-2.0
# Issue 12, hole 4: read(2) into a MAP_SHARED mapping of the file being
# read. A (xsanio mmapread, tests/qemu/helpers/xsanio.c) maps a 128 KiB
# file F read-write and shared and, in a loop until B is done, drops
# the page table entries of its second half and read(2)s F's first
# 64 KiB into it: the
# copy faults on F itself (page_mkwrite: DATA_WR) while the read holds
# F's data_sem shared. B meanwhile overwrites 4 KiB pieces of F, 80
# times: each write takes DATA_WR, which the MDC gets back from A with a
# REVOKE. Without the fix: the REVOKE waits for data_sem (held by A's
# read), A's fault asks for DATA_WR and its TOKEN_GET is parked at the
# MDC behind B's, so nothing moves until the MDC evicts A (lease 4 s +
# grace 2 s here: lease=4:2): "did not answer a revoke" in the MDC's
# log, "session lost" in A's, and A's read may fail. A fails on the
# first of: xsanio not ending within 100 s of B's last write ("mmapread
# did not finish"), an eviction in the MDC's log, "session lost" in A's
# log, xsanio's read or close error, fewer than 20 reads; B fails if a
# write fails. (No bound on time: the deadlock shows as an eviction,
# which the short lease brings within seconds.)
set -euo pipefail
. /bed/lib.sh
. /bed/data-lib.sh

M=/mnt/x
insmod /opt/xsanfs/xsanfs.ko
mkdir -p $M
out=$(timeout 60 mount -t xsanfs -o mdc=10.0.2.100 vol1 $M 2>&1) ||
	fail "mount of vol1 failed: $out"

case "$BED_GUEST" in
a)
	gen "mmapF" 131072 > /tmp/f
	cp /tmp/f $M/f
	sync
	bed_barrier ready
	t0=$(date +%s)
	rc=0
	xsanio mmapread $M/f /tmp/stop 64 > /tmp/mr.out 2>&1 &
	pid=$!
	bed_get bdone > /dev/null
	touch /tmp/stop
	hung=0
	timeout 100 tail --pid=$pid -f /dev/null || { kill $pid; hung=1; }
	wait $pid || rc=$?
	cat /tmp/mr.out
	echo "mmap-read-deadlock: xsanio mmapread ended with status $rc after $(($(date +%s) - t0)) s"
	n=$(bed_mdclog "(evicted host .* did not answer a revoke|lease expired, )")
	dmesg | grep xsanfs | tail -5
	[ $hung = 0 ] || fail "mmapread did not finish within 100 s of B's last write (deadlocked?)"
	[ "$n" = 0 ] || fail "the MDC evicted A $n time(s) (its log: did not answer a revoke / lease expired): deadlocked until the eviction"
	if dmesg | grep 'session lost' > /dev/null; then
		fail "A lost its session: $(dmesg | grep 'session lost' | head -1)"
	fi
	[ "$rc" = 0 ] || fail "mmapread failed (status $rc): a read into a mapping of the file it reads"
	it=$(sed -n 's/^mmapread: \([0-9]*\) iterations done.*/\1/p' /tmp/mr.out)
	[ "${it:-0}" -ge 20 ] || fail "only ${it:-0} reads while B wrote, expected 20 or more"
	;;
b)
	bed_barrier ready
	gen "mmapB" 4096 > /tmp/p
	n=0
	t0=$(date +%s)
	sleep 1
	bad=0
	for n in $(seq 80); do
		timeout 60 dd if=/tmp/p of=$M/f bs=4k seek=$((RANDOM % 32)) conv=notrunc status=none ||
			{ echo "B's write $n failed"; bad=$((bad + 1)); }
	done
	t=$(($(date +%s) - t0))
	echo "mmap-read-deadlock: B wrote $n times in $t s"
	bed_put bdone 1
	[ "$bad" = 0 ] || fail "$bad of B's 80 writes failed"
	;;
esac
timeout 60 umount $M || fail "umount failed"
echo "mmap-read-deadlock: ok"
