# bed: guests=2 luns=lun0:64M mdc=vol1 deadline=600
# SPDX-License-Identifier: GPL-2.0
# Issue 12, hole 9: REVOKE callbacks racing umount. A mounts, reads 16
# files (DATA_RD and ATTR_RD on each: tokens the MDC must take back
# before B writes them), rewrites them with write(2) (DATA_WR and dirty
# pages: a REVOKE then writes them back, holding the inode, while
# umount's own sync runs) and unmounts at once, 8 times; B overwrites
# the start of each file in turn the whole time (bash's own printf
# through a 1<> redirection: no process per write), and every fourth
# write creates and removes a file in the root directory (a REVOKE of
# A's DIR token), so REVOKEs to A arrive all through A's umount (inodes
# being evicted, the session ending). The
# callback work must be over before the superblock and its workqueues
# go. Without the fix: "VFS: Busy inodes after unmount" (the test greps
# A's kernel log for it: the bed's log scan does not know it), a WARNING
# or an oops (queue_work on a destroyed workqueue, a use after free),
# which the bed's log scan catches, or a mount, read or umount that
# fails or hangs.
set -euo pipefail
. /bed/lib.sh
. /bed/data-lib.sh

M=/mnt/x
N=8
NF=16
insmod /opt/xsanfs/xsanfs.ko
mkdir -p $M
mnt() {
	out=$(timeout 60 mount -t xsanfs -o mdc=10.0.2.100 vol1 $M 2>&1) ||
		fail "mount of vol1 failed: $out"
}

case "$BED_GUEST" in
a)
	mnt
	gen "umountF" 65536 > /tmp/f
	for j in $(seq 1 $NF); do
		cp /tmp/f "$M/f$j"
	done
	sync
	timeout 60 umount $M || fail "umount failed"
	bed_barrier ready
	t0=$(date +%s)
	for i in $(seq 1 $N); do
		mnt
		[ "$i" != $N ] || touch $M/done
		timeout 60 cat $M/f* > /dev/null || fail "round $i: read failed"
		for j in $(seq 1 $NF); do
			cat /tmp/f > "$M/f$j" || fail "round $i: write of f$j failed"
		done
		timeout 60 umount $M || fail "round $i: umount failed"
		if dmesg | grep 'Busy inodes' > /dev/null; then
			dmesg | grep -B2 -A2 'Busy inodes'
			fail "round $i: Busy inodes after unmount"
		fi
	done
	echo "umount-race: $N rounds of mount, read and write $NF files, umount in $(($(date +%s) - t0)) s"
	bed_barrier finished
	;;
b)
	mnt
	bed_barrier ready
	data=$(gen "umountB" 4096)
	n=0
	t0=$SECONDS
	while [ ! -e $M/done ] && [ $((SECONDS - t0)) -lt 300 ]; do
		j=$((n % NF + 1))
		printf '%s' "$data" 1<> "$M/f$j" || fail "B's write $n failed"
		if [ $((n % 4)) = 0 ]; then
			: > $M/t || fail "B's create $n failed"
			rm $M/t || fail "B's unlink $n failed"
		fi
		n=$((n + 1))
	done
	echo "umount-race: B wrote $n times"
	bed_barrier finished
	timeout 60 umount $M || fail "umount failed"
	;;
esac
echo "umount-race: ok"
