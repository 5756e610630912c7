# bed: guests=2 luns=lun0:64M,lun1:64M mdc=vol1 deadline=400
# SPDX-License-Identifier: GPL-2.0
# The data path between two clients of one volume (one stripe group of two
# LUNs, 256 KiB stripe units, so every file here spans both LUNs):
#   1. A writes a file buffered, B reads the same bytes at once (buffered
#      and O_DIRECT);
#   2. A writes a file with O_DIRECT, B reads it (buffered and O_DIRECT);
#   3. B overwrites the middle of the first file, A sees it;
#   4. no stale data: A writes a file, deletes it, and makes others that
#      reuse the space (fallocate, sparse writes): every byte not written
#      reads as zeros, on A and on B;
#   5. fiemap (filefrag) and SEEK_DATA/SEEK_HOLE (through cp) agree with
#      what was written;
#   6. B reads what A wrote without fsync (the revoke of A's DATA_WR
#      writes it back first), and A's truncate down (to a partial block)
#      and up again: zeros past the cut; a punched hole reads as zeros;
#   7. a write past the free space fails with ENOSPC.
# The data is made of numbered 32-byte lines with a seed per run, so bytes
# at the wrong offset, from the wrong LUN or from an earlier run differ.
set -euo pipefail
. /bed/lib.sh
export LC_ALL=C

M=/mnt/x
insmod /opt/xsanfs/xsanfs.ko
if [ -n "${XSAN_DEBUG:-}" ]; then
	mount -t debugfs none /sys/kernel/debug 2>/dev/null || true
	echo 'module xsanfs +p' > /sys/kernel/debug/dynamic_debug/control
fi
mkdir -p $M
# mount.xsanfs finds the LUNs of vol1 by their headers (lun=)
out=$(timeout 60 mount -t xsanfs -o mdc=10.0.2.100 vol1 $M 2>&1) ||
	fail "mount of vol1 failed: $out"
bed_barrier mounted

# gen SEED BYTES: the pattern (numbered lines of 16 bytes or more)
gen() {
	{ seq -f "$1-%014.0f" 0 $(($2 / 16)) || true; } | head -c "$2"
}
# diag EXPECTED FILE: where FILE differs from EXPECTED
diag() {
	cmp -l "$1" "$2" | head -5 || true
	echo "$(cmp -l "$1" "$2" 2>/dev/null | wc -l) bytes differ"
	ls -l "$1" "$2"
	dmesg | grep -v 'revoke\|idle' | tail -60
}
sum() { sha256sum < "$1" | cut -d' ' -f1; }
# rd FILE [direct]: the sha256 of FILE read through the page cache or O_DIRECT
rd() {
	if [ "${2:-}" = direct ]; then
		timeout 60 dd if="$1" bs=1M iflag=direct status=none | sha256sum | cut -d' ' -f1
	else
		timeout 60 cat "$1" | sha256sum | cut -d' ' -f1
	fi
}

case "$BED_GUEST" in
a)
	seed=$(head -c 6 /dev/urandom | xxd -p)
	bed_put seed "$seed"
	# 1. buffered write, 3 MiB + 100 bytes (a partial last block)
	gen "a1$seed" $((3 * 1048576 + 100)) > /tmp/p1
	timeout 60 dd if=/tmp/p1 of=$M/f1 bs=64k conv=fsync status=none ||
		fail "buffered write of f1 failed"
	if ! cmp /tmp/p1 $M/f1; then
		cmp -l /tmp/p1 $M/f1 | head -5 || true
		cmp -l /tmp/p1 $M/f1 | wc -l || true
		xxd /tmp/p1 | head -3; xxd $M/f1 | head -3
		ls -l /tmp/p1 $M/f1
		dmesg | grep -v 'revoke\|idle' | tail -150
		fail "A reads back f1 differently"
	fi
	bed_put f1 "$(sum /tmp/p1)"
	bed_barrier f1
	# 2. O_DIRECT write, 2 MiB
	gen "a2$seed" $((2 * 1048576)) > /tmp/p2
	timeout 60 dd if=/tmp/p2 of=$M/f2 bs=1M oflag=direct status=none ||
		fail "O_DIRECT write of f2 failed"
	bed_put f2 "$(sum /tmp/p2)"
	bed_barrier f2
	bed_barrier f2-read
	# 3. B overwrote 256 KiB at 1 MiB - 4 KiB (across a stripe unit)
	bed_barrier mid
	gen "bm$seed" 262144 > /tmp/mid
	cp /tmp/p1 /tmp/p1b
	dd if=/tmp/mid of=/tmp/p1b bs=4096 seek=255 conv=notrunc status=none
	cmp /tmp/p1b $M/f1 || fail "A does not see B's overwrite of f1 (cmp above)"
	[ "$(rd $M/f1 direct)" = "$(sum /tmp/p1b)" ] ||
		fail "A's O_DIRECT read of f1 misses B's overwrite"
	echo "data: A sees B's overwrite"
	# 4. stale data: fill, delete, reuse
	gen "a4$seed" $((8 * 1048576)) > /tmp/p4
	timeout 60 dd if=/tmp/p4 of=$M/old bs=1M conv=fsync status=none
	rm $M/old
	sync
	timeout 60 fallocate -l $((8 * 1048576)) $M/fa || fail "fallocate failed"
	cmp -n $((8 * 1048576)) $M/fa /dev/zero || fail "fallocated file is not all zeros"
	# sparse: 4 KiB at 0 and 8 KiB at 5 MiB + 4 KiB in an 8 MiB file
	truncate -s $((8 * 1048576)) $M/sp
	gen "a5$seed" 4096 > /tmp/s0
	gen "a6$seed" 8192 > /tmp/s1
	dd if=/tmp/s0 of=$M/sp bs=4096 conv=notrunc status=none
	dd if=/tmp/s1 of=$M/sp bs=4096 seek=1281 conv=notrunc,fsync status=none
	head -c $((8 * 1048576)) /dev/zero > /tmp/spx
	dd if=/tmp/s0 of=/tmp/spx bs=4096 conv=notrunc status=none
	dd if=/tmp/s1 of=/tmp/spx bs=4096 seek=1281 conv=notrunc status=none
	cmp /tmp/spx $M/sp || fail "sparse file reads other than zeros where not written"
	# a write of 100 bytes into a fresh block: the rest of it is zeros
	gen "a7$seed" 100 > /tmp/s2
	dd if=/tmp/s2 of=$M/small conv=fsync status=none
	head -c 4096 /dev/zero > /tmp/smx
	dd if=/tmp/s2 of=/tmp/smx conv=notrunc status=none
	truncate -s 4096 $M/small
	cmp /tmp/smx $M/small || fail "bytes past a short write are not zeros"
	bed_put sp "$(sum /tmp/spx)"
	bed_put small "$(sum /tmp/smx)"
	bed_barrier stale
	# 5. fiemap: f1 mapped, no unwritten extent left after fsync; sp has
	# data at 0 and at 5 MiB + 4 KiB only
	fr=$(filefrag -v $M/f1) || fail "filefrag f1 failed: $fr"
	echo "$fr"
	grep -q unwritten <<<"$fr" && fail "f1 still has unwritten extents after fsync"
	fr=$(filefrag -v $M/sp) || fail "filefrag sp failed: $fr"
	echo "$fr"
	# logical ranges (4 KiB blocks) of the extents not marked unwritten
	got=$(awk -F'[:. ]+' '/^ *[0-9]+:/ && !/unwritten/ {print $3"-"$4}' <<<"$fr" | tr '\n' ' ')
	[ "$got" = "0-0 1281-1282 " ] || fail "fiemap of sp shows written blocks '$got', expected '0-0 1281-1282 '"
	echo "data: fiemap agrees ($got)"
	# SEEK_DATA/SEEK_HOLE: cp copies only the data that lseek finds, so
	# the copy has data in the same blocks (checked by fiemap again)
	timeout 60 cp --sparse=auto $M/sp $M/spc || fail "cp of sp failed"
	cmp /tmp/spx $M/spc || fail "the sparse copy differs (cmp above)"
	fr=$(filefrag -v $M/spc) || fail "filefrag spc failed: $fr"
	got=$(awk -F'[:. ]+' '/^ *[0-9]+:/ && !/unwritten/ {print $3"-"$4}' <<<"$fr" | tr '\n' ' ')
	[ "$got" = "0-0 1281-1282 " ] || fail "cp (SEEK_DATA/SEEK_HOLE) wrote blocks '$got', expected '0-0 1281-1282 ': $fr"
	echo "data: SEEK_DATA/SEEK_HOLE agree ($got)"
	# 6. dirty pages not fsynced: B's read makes A write them back first;
	# truncate down to a partial block, then up: zeros past the cut
	gen "a8$seed" $((1048576 + 12345)) > /tmp/p6
	timeout 60 dd if=/tmp/p6 of=$M/f6 bs=64k status=none
	stat -c %s $M/f6 > /dev/null
	cp /tmp/p1 /tmp/p1t
	truncate -s 1000000 $M/f1 /tmp/p1t
	truncate -s $((2 * 1048576)) $M/f1 /tmp/p1t
	cmp /tmp/p1t $M/f1 || fail "f1 after truncate down and up (cmp above)"
	# O_DIRECT over written and new blocks at once (f2 is 2 MiB; its
	# layout cached by a read first)
	rd $M/f2 direct > /dev/null
	gen "a9$seed" $((2 * 1048576)) > /tmp/p2b
	timeout 60 dd if=/tmp/p2b of=$M/f2 bs=1M seek=1 oflag=direct conv=notrunc status=none ||
		fail "O_DIRECT write across written and new blocks of f2 failed"
	head -c 1048576 /tmp/p2 > /tmp/p2x
	cat /tmp/p2b >> /tmp/p2x
	cmp /tmp/p2x $M/f2 || fail "f2 after the O_DIRECT rewrite (cmp above)"
	bed_put f2x "$(sum /tmp/p2x)"
	# truncate of unsynced data into a partial block, then up: on the
	# LUN too (page cache dropped), the cut-off bytes are zeros
	gen "a10$seed" 10000 > /tmp/p7
	dd if=/tmp/p7 of=$M/f7 status=none
	truncate -s 5000 $M/f7 /tmp/p7
	truncate -s 8192 $M/f7 /tmp/p7
	sync
	echo 3 > /proc/sys/vm/drop_caches
	cmp /tmp/p7 $M/f7 || fail "f7: bytes cut by truncate came back (cmp above)"
	# punch a hole with partial blocks at both edges into f6 (dirty)
	timeout 60 fallocate -p -o 4196 -l 20000 $M/f6 || fail "punch hole failed"
	head -c 20000 /dev/zero | dd of=/tmp/p6 bs=1 seek=4196 conv=notrunc status=none
	cmp /tmp/p6 $M/f6 || fail "f6 after the punched hole (cmp above)"
	# ENOSPC: the volume is 2 x 60 MiB; write reports it, and space comes
	# back with the file
	set +e
	out=$(timeout 120 dd if=/dev/zero of=$M/fill bs=1M count=200 conv=fsync 2>&1)
	rc=$?
	set -e
	[ $rc -ne 0 ] && grep -q "No space left" <<<"$out" ||
		fail "filling the volume: status $rc, '$out'; expected ENOSPC"
	rm $M/fill
	timeout 60 dd if=/dev/zero of=$M/after bs=1M count=8 conv=fsync status=none ||
		fail "no space after the filler was removed"
	echo "data: ENOSPC reported, space back after rm"
	# the same with O_DIRECT, which asks for 64 MiB ahead while it can:
	# near the end it must still get what it writes, up to the last MiB
	free=$(stat -f -c '%a %S' $M | awk '{ print $1 * $2 }')
	set +e
	out=$(timeout 120 dd if=/dev/zero of=$M/fill bs=1M count=200 oflag=direct 2>&1)
	rc=$?
	set -e
	[ $rc -ne 0 ] && grep -q "No space left" <<<"$out" ||
		fail "filling the volume with O_DIRECT: status $rc, '$out'; expected ENOSPC"
	got=$(stat -c %s $M/fill)
	[ "$got" -ge $((free - 1048576)) ] ||
		fail "O_DIRECT filled $got bytes of $free free before ENOSPC"
	rm $M/fill
	left=$(stat -f -c '%a %S' $M | awk '{ print $1 * $2 }')
	[ "$left" = "$free" ] || fail "after the O_DIRECT filler went: $left bytes free, $free before"
	echo "data: O_DIRECT ENOSPC after $got of $free bytes, space back after rm"
	bed_put f6 "$(sum /tmp/p6)"
	bed_put f1t "$(sum /tmp/p1t)"
	bed_barrier dirty
	;;
b)
	bed_barrier f1
	seed=$(bed_get seed)
	want=$(bed_get f1)
	gen "a1$seed" $((3 * 1048576 + 100)) > /tmp/p1
	if [ "$(rd $M/f1)" != "$want" ]; then
		diag /tmp/p1 $M/f1
		fail "B's buffered read of f1 differs from A's write"
	fi
	[ "$(rd $M/f1 direct)" = "$want" ] || fail "B's O_DIRECT read of f1 differs"
	echo "data: B reads A's buffered write"
	bed_barrier f2
	want=$(bed_get f2)
	[ "$(rd $M/f2 direct)" = "$want" ] || fail "B's O_DIRECT read of f2 differs"
	[ "$(rd $M/f2)" = "$want" ] || fail "B's buffered read of f2 differs"
	echo "data: B reads A's O_DIRECT write"
	bed_barrier f2-read
	gen "bm$seed" 262144 > /tmp/mid
	timeout 60 dd if=/tmp/mid of=$M/f1 bs=4096 seek=255 conv=notrunc,fsync status=none ||
		fail "B's overwrite failed"
	bed_barrier mid
	bed_barrier stale
	[ "$(rd $M/sp)" = "$(bed_get sp)" ] || fail "B reads the sparse file differently"
	[ "$(rd $M/small)" = "$(bed_get small)" ] || fail "B reads the short write differently"
	cmp -n $((8 * 1048576)) $M/fa /dev/zero || fail "B: fallocated file is not all zeros"
	echo "data: B sees zeros where nothing was written"
	bed_barrier dirty
	[ "$(rd $M/f6)" = "$(bed_get f6)" ] || fail "B misses A's unsynced write of f6"
	[ "$(rd $M/f1)" = "$(bed_get f1t)" ] || fail "B reads f1 after A's truncates differently"
	[ "$(rd $M/f1 direct)" = "$(bed_get f1t)" ] || fail "B's O_DIRECT read of f1 after truncates differs"
	[ "$(rd $M/f2 direct)" = "$(bed_get f2x)" ] || fail "B's read of f2 after A's O_DIRECT rewrite differs"
	echo "data: B sees A's unsynced write, truncates and O_DIRECT rewrite"
	;;
esac
bed_barrier done
timeout 60 umount $M || fail "umount failed"
