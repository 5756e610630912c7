# bed: guests=2 luns=lun0:128M,lun1:128M mdc=vol1 deadline=400
# SPDX-License-Identifier: GPL-2.0
# O_DIRECT writes whose LAYOUT_COMMIT is deferred (fs/data.c, "Deferred
# O_DIRECT commits"). A writes through one open file (xsanio dio,
# tests/qemu/helpers/xsanio.c) and neither fsyncs nor closes it; B must
# still see the size and the bytes at once: its stat and its read take
# A's ATTR_WR back, and A commits before it gives it up.
#   1. A writes 8 MiB to a new file (the MDC allocates 64 MiB ahead of it);
#      B: stat says 8 MiB, an O_DIRECT read gives A's bytes (and leaves
#      B's layout cache holding the rest of A's allocation, UNWRITTEN);
#   2. A appends 8 MiB into that allocation; B: stat says 16 MiB and an
#      O_DIRECT read gives all of it (a layout cache kept from step 1
#      would read the new half as zeros), so does a buffered read;
#   3. A closes: what it was given ahead and did not write goes back
#      (B: the file holds 16 MiB of blocks, and the volume's free space
#      is what it was before, less those 16 MiB);
#   4. B overwrites 1 MiB in the middle with O_DIRECT, keeps it open,
#      and A sees it, by stat and by both kinds of read;
#   5. O_DIRECT writes of 512 bytes (the LUNs' sector, an eighth of the
#      volume's block) in a row through one descriptor: iomap zeroes
#      the rest of an UNWRITTEN block around each, so each must be
#      committed before the next lands in the same block (else A and B
#      read zeros where the earlier ones were);
#   6. SB_NOSEC: uid 1000 appends to a file on A (A learns "no setuid
#      bit, no security xattr"), B sets the setuid bit, uid 1000 appends
#      again on A: the bit must go, as on a local file system (A must
#      have forgotten S_NOSEC when B's chmod took its ATTR_RD back).
set -euo pipefail
. /bed/lib.sh
export LC_ALL=C

M=/mnt/x
MIB=1048576
user="setpriv --reuid=1000 --regid=1000 --clear-groups"
insmod /opt/xsanfs/xsanfs.ko
mkdir -p $M
out=$(timeout 60 mount -t xsanfs -o mdc=10.0.2.100 vol1 $M 2>&1) ||
	fail "mount of vol1 failed: $out"

. /bed/data-lib.sh
# avail: the volume's free bytes (STATFS from the MDC)
avail() { stat -f -c '%a %S' $M | awk '{ print $1 * $2 }'; }
# expect_size FILE BYTES WHAT
expect_size() {
	local s
	s=$(stat -c %s "$1") || fail "stat of $1 failed"
	[ "$s" = "$2" ] || fail "$3: size $s, expected $2"
}

case "$BED_GUEST" in
a)
	seed=$(head -c 6 /dev/urandom | xxd -p)
	bed_put seed "$seed"
	bed_put avail0 "$(avail)"
	gen "d1$seed" $((8 * MIB)) > /tmp/p1
	gen "d2$seed" $((8 * MIB)) > /tmp/p2
	cat /tmp/p1 /tmp/p2 | xsanio dio $M/dh 8 /tmp/dh &
	pid=$!
	wait_file /tmp/dh.1
	bed_barrier held1
	bed_barrier checked1
	touch /tmp/dh.go.1
	wait_file /tmp/dh.2
	bed_barrier held2
	bed_barrier checked2
	touch /tmp/dh.go.2
	wait $pid || fail "xsanio dio failed"
	bed_barrier closed
	bed_barrier checked3
	# 4. B's overwrite, its file still open
	bed_barrier b-wrote
	cat /tmp/p1 /tmp/p2 > /tmp/p12
	gen "d3$seed" $MIB > /tmp/p3
	dd if=/tmp/p3 of=/tmp/p12 bs=1M seek=5 conv=notrunc status=none
	expect_size $M/dh $((16 * MIB)) "A after B's overwrite"
	[ "$(rd $M/dh direct)" = "$(sum /tmp/p12)" ] ||
		fail "A's O_DIRECT read misses B's uncommitted overwrite"
	[ "$(rd $M/dh)" = "$(sum /tmp/p12)" ] ||
		fail "A's buffered read misses B's uncommitted overwrite"
	bed_barrier checked4
	# 5.
	gen "d5$seed" 8192 > /tmp/p5
	timeout 60 dd if=/tmp/p5 of=$M/small bs=512 oflag=direct status=none ||
		fail "step 5: 512-byte O_DIRECT writes failed"
	cmp /tmp/p5 $M/small ||
		fail "step 5: 512-byte O_DIRECT writes read back differently on A (cmp above)"
	bed_barrier small
	bed_barrier checked5
	# 6.
	touch $M/suid
	chmod 666 $M/suid
	$user sh -c "echo one >> $M/suid" || fail "step 6: uid 1000 cannot append"
	bed_barrier appended
	bed_barrier setuid
	$user sh -c "echo two >> $M/suid" || fail "step 6: uid 1000 cannot append again"
	m=$(stat -c %a $M/suid)
	[ "$m" = 777 ] || fail "step 6: mode $m on A after uid 1000's write, expected 777 (setuid kept?)"
	bed_barrier appended2
	;;
b)
	seed=$(bed_get seed)
	avail0=$(bed_get avail0)
	gen "d1$seed" $((8 * MIB)) > /tmp/p1
	gen "d2$seed" $((8 * MIB)) > /tmp/p2
	cat /tmp/p1 /tmp/p2 > /tmp/p12
	# 1. (fd 3 stays open until step 2: a close would empty B's layout
	# cache, which step 2 must find emptied by the REVOKE instead)
	bed_barrier held1
	expect_size $M/dh $((8 * MIB)) "step 1, while A holds its writes"
	exec 3<$M/dh
	h=$(timeout 60 dd bs=1M iflag=direct status=none <&3 | sha256sum | cut -d' ' -f1)
	[ "$h" = "$(sum /tmp/p1)" ] ||
		fail "step 1: B's O_DIRECT read differs from what A wrote"
	bed_barrier checked1
	# 2.
	bed_barrier held2
	expect_size $M/dh $((16 * MIB)) "step 2, while A holds its writes"
	# on from where step 1 stopped: the 8 MiB A appended
	h=$(timeout 60 dd bs=1M iflag=direct status=none <&3 | sha256sum | cut -d' ' -f1)
	[ "$h" = "$(sum /tmp/p2)" ] ||
		fail "step 2: B's O_DIRECT read of A's second 8 MiB differs (a layout cached in step 1?)"
	exec 3<&-
	[ "$(rd $M/dh direct)" = "$(sum /tmp/p12)" ] ||
		fail "step 2: B's O_DIRECT read differs"
	[ "$(rd $M/dh)" = "$(sum /tmp/p12)" ] ||
		fail "step 2: B's buffered read differs"
	bed_barrier checked2
	# 3.
	bed_barrier closed
	blocks=$(stat -c %b $M/dh)
	[ "$blocks" = $((16 * MIB / 512)) ] ||
		fail "step 3: the file holds $blocks blocks of 512 bytes after A's close, expected $((16 * MIB / 512))"
	a=$(avail)
	[ "$a" = $((avail0 - 16 * MIB)) ] ||
		fail "step 3: $a bytes free after A's close, expected $((avail0 - 16 * MIB)) ($avail0 before)"
	bed_barrier checked3
	# 4.
	gen "d3$seed" $MIB > /tmp/p3
	exec 3<>$M/dh
	timeout 60 dd if=/tmp/p3 of=/proc/self/fd/3 bs=1M seek=5 oflag=direct conv=notrunc status=none ||
		fail "step 4: B's O_DIRECT overwrite failed"
	bed_barrier b-wrote
	bed_barrier checked4
	exec 3>&-
	# 5.
	gen "d5$seed" 8192 > /tmp/p5
	bed_barrier small
	[ "$(rd $M/small direct)" = "$(sum /tmp/p5)" ] ||
		fail "step 5: B reads A's 512-byte O_DIRECT writes differently"
	bed_barrier checked5
	# 6.
	bed_barrier appended
	chmod 4777 $M/suid
	bed_barrier setuid
	bed_barrier appended2
	m=$(stat -c %a $M/suid)
	[ "$m" = 777 ] || fail "step 6: mode $m on B after uid 1000's write on A, expected 777"
	;;
esac
timeout 60 umount $M || fail "umount failed"
echo "data-dio-defer: ok"
