# bed: guests=2 luns=lun0:64M,lun1:64M mdc=vol1 deadline=400
# SPDX-License-Identifier: GPL-2.0
# The range system calls of the data path (tests/qemu/helpers/xsanio.c):
#   1. sync_file_range: A writes 4 MiB + 100 bytes with write(2) and calls
#      sync_file_range(WAIT_BEFORE | WRITE | WAIT_AFTER), keeping the file
#      open (no fsync, no close). B's stat must show the whole size: only
#      writeback and its LAYOUT_COMMIT tell the MDC (B's stat takes no
#      data token from A), so a sync_file_range that wrote nothing would
#      leave the size at 0. Then B reads the same bytes.
#   2. copy_file_range from one xsanfs file to another (the kernel's
#      splice copy), on A; A and B read the copy.
#   3. sendfile from xsanfs to a local file and from a local file to
#      xsanfs; A and B read the results.
set -euo pipefail
. /bed/lib.sh
export LC_ALL=C

M=/mnt/x
MIB=1048576
insmod /opt/xsanfs/xsanfs.ko
mkdir -p $M
out=$(timeout 60 mount -t xsanfs -o mdc=10.0.2.100 vol1 $M 2>&1) ||
	fail "mount of vol1 failed: $out"

. /bed/data-lib.sh
# same EXPECTED FILE WHAT
same() {
	cmp -s "$1" "$2" || fail "$3: $2 differs from what was written ($(cmp "$1" "$2" 2>&1 | head -1))"
}

case "$BED_GUEST" in
a)
	seed=$(head -c 6 /dev/urandom | xxd -p)
	bed_put seed "$seed"
	# 1.
	gen "r1$seed" $((4 * MIB + 100)) > /tmp/p1
	xsanio srange $M/sr /tmp/sr < /tmp/p1 &
	pid=$!
	wait_file /tmp/sr.1
	bed_barrier synced
	bed_barrier checked1
	touch /tmp/sr.go.1
	wait $pid || fail "xsanio srange failed"
	# 2.
	gen "r2$seed" $((3 * MIB + 100)) > /tmp/p2
	cp /tmp/p2 $M/src
	n=$(xsanio cfr $M/src $M/cfr) || fail "copy_file_range failed"
	[ "$n" = $((3 * MIB + 100)) ] || fail "copy_file_range copied $n bytes"
	same /tmp/p2 $M/cfr "A after copy_file_range"
	# 3.
	n=$(xsanio sendfile $M/src /tmp/sf) || fail "sendfile from xsanfs failed"
	same /tmp/p2 /tmp/sf "A after sendfile from xsanfs"
	n=$(xsanio sendfile /tmp/p1 $M/sf) || fail "sendfile to xsanfs failed"
	same /tmp/p1 $M/sf "A after sendfile to xsanfs"
	bed_barrier copied
	bed_barrier checked2
	;;
b)
	seed=$(bed_get seed)
	gen "r1$seed" $((4 * MIB + 100)) > /tmp/p1
	gen "r2$seed" $((3 * MIB + 100)) > /tmp/p2
	bed_barrier synced
	s=$(stat -c %s $M/sr)
	[ "$s" = $((4 * MIB + 100)) ] ||
		fail "after A's sync_file_range B sees size $s, expected $((4 * MIB + 100))"
	same /tmp/p1 $M/sr "B after A's sync_file_range"
	bed_barrier checked1
	bed_barrier copied
	same /tmp/p2 $M/cfr "B after A's copy_file_range"
	same /tmp/p1 $M/sf "B after A's sendfile"
	bed_barrier checked2
	;;
esac
timeout 60 umount $M || fail "umount failed"
echo "data-ranges: ok"
