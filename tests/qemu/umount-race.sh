# bed: guests=2 luns=lun0:64M mdc=vol1 deadline=400
# SPDX-License-Identifier: GPL-2.0
# Issue 12, hole 9: REVOKE callbacks racing umount. A mounts, reads F
# (DATA_RD and ATTR_RD: tokens the MDC must take back before B writes),
# and unmounts, 40 times; B writes 4 KiB pieces of F in a loop the whole
# time, each write a REVOKE to A that may arrive while A unmounts. The
# callback work must be over before the superblock and its workqueues
# go. Without the fix: "VFS: Busy inodes after unmount" (the test greps
# for it: the bed's log scan does not know it), a WARNING or an oops
# (queue_work on a destroyed workqueue, a use after free), which the
# bed's log scan catches, or a mount / umount that fails or hangs.
set -euo pipefail
. /bed/lib.sh
. /bed/data-lib.sh

M=/mnt/x
N=40
insmod /opt/xsanfs/xsanfs.ko
mkdir -p $M
mnt() {
	out=$(timeout 60 mount -t xsanfs -o mdc=10.0.2.100 vol1 $M 2>&1) ||
		fail "mount of vol1 failed: $out"
}

case "$BED_GUEST" in
a)
	mnt
	gen "umountF" 131072 > $M/f
	sync
	timeout 60 umount $M || fail "umount failed"
	bed_barrier ready
	t0=$(date +%s)
	for i in $(seq 1 $N); do
		mnt
		timeout 60 cat $M/f > /dev/null || fail "round $i: read failed"
		stat $M/f > /dev/null || fail "round $i: stat failed"
		[ $i != $N ] || touch $M/done
		timeout 60 umount $M || fail "round $i: umount failed"
		if dmesg | grep -q 'Busy inodes'; then
			dmesg | grep -B2 -A2 'Busy inodes'
			fail "round $i: Busy inodes after unmount"
		fi
	done
	echo "umount-race: $N rounds of mount, read, umount in $(($(date +%s) - t0)) s"
	bed_barrier done
	;;
b)
	mnt
	bed_barrier ready
	gen "umountB" 4096 > /tmp/p
	n=0
	t0=$(date +%s)
	while [ ! -e $M/done ] && [ $(($(date +%s) - t0)) -lt 300 ]; do
		timeout 60 dd if=/tmp/p of=$M/f bs=4k seek=$((RANDOM % 32)) conv=notrunc status=none ||
			fail "B's write $n failed"
		n=$((n + 1))
	done
	echo "umount-race: B wrote $n times"
	bed_barrier done
	timeout 60 umount $M || fail "umount failed"
	;;
esac
echo "umount-race: ok"
