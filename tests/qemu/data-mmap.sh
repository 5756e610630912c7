# bed: guests=2 luns=lun0:64M,lun1:64M mdc=vol1 deadline=400
# SPDX-License-Identifier: GPL-2.0
# mmap of xsanfs files between two clients of one volume (one stripe group
# of two LUNs, 256 KiB stripe units, so every file here spans both LUNs).
# fio's mmap engine does the mapped I/O (MAP_SHARED, msync at fsync); its
# verify pattern is a per-run seed followed by the offset of each 64 KiB
# block, so bytes from an earlier run or at the wrong offset fail:
#   1. A writes through mmap and msyncs; A and B read() the same bytes,
#      B also through mmap;
#   2. A writes with write(2); B reads through mmap;
#   3. A writes through mmap without msync: B's read() makes A's revoke
#      write the mmap-dirtied pages back first;
#   4. B overwrites file 1 with write(2); A, which had it cached and
#      mapped before, reads the new bytes through mmap;
#   5. on A alone: mmap write, read(), truncate down into a block and up
#      again (zeros past the cut, through read() and mmap), mmap write
#      again, then read from the LUNs with the page cache dropped.
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
out=$(timeout 60 mount -t xsanfs -o mdc=10.0.2.100 vol1 $M 2>&1) ||
	fail "mount of vol1 failed: $out"
bed_barrier mounted

# fj FILE ENGINE SIZE SEED [fio options]: a sequential 64 KiB-block write
# job whose blocks hold SEED and their offset; with --verify_only it
# checks what an earlier run of the same job wrote
fj() {
	local f=$1 eng=$2 size=$3 seed=$4 rc=0
	shift 4
	timeout 120 fio --name=j --filename="$f" --ioengine="$eng" --rw=write \
		--bs=64k --size="$size" --verify=pattern \
		--verify_pattern="$seed%o" --verify_state_save=0 \
		--output=/tmp/fio.out "$@" || rc=$?
	[ $rc -eq 0 ] || { grep -i 'fio:\|verify\|err' /tmp/fio.out | head -8 || true; }
	return $rc
}
# zeros FILE FROM TO: bytes [FROM, TO) of FILE are zeros
zeros() {
	tail -c +$(($2 + 1)) "$1" | head -c $(($3 - $2)) > /tmp/zf
	head -c $(($3 - $2)) /dev/zero > /tmp/zz
	cmp -s /tmp/zf /tmp/zz
}
dmesg_tail() { dmesg | grep -v 'revoke\|idle' | tail -40; }

case "$BED_GUEST" in
a)
	seed=0x$(head -c 4 /dev/urandom | xxd -p)
	bed_put seed "$seed"
	# 1. mmap write + msync, 8 MiB
	fj $M/m1 mmap 8m "${seed}01" --do_verify=0 --end_fsync=1 ||
		{ dmesg_tail; fail "mmap write of m1 failed"; }
	fj $M/m1 psync 8m "${seed}01" --verify_only ||
		fail "A's read() of m1 differs from its mmap write"
	bed_barrier m1
	# 2. write(2) + fsync, B reads through mmap
	fj $M/m2 psync 4m "${seed}02" --do_verify=0 --end_fsync=1 ||
		fail "write of m2 failed"
	bed_barrier m2
	bed_barrier m2-read
	# 3. mmap write, no msync: B's read recalls the dirty pages
	fj $M/m3 mmap 4m "${seed}03" --do_verify=0 ||
		fail "mmap write of m3 failed"
	bed_barrier m3
	bed_barrier m3-read
	# 4. A has m1 cached (and maps it here); B overwrites 1 MiB of it
	fj $M/m1 mmap 8m "${seed}01" --verify_only ||
		fail "A's mmap read of m1 before B's overwrite differs"
	bed_barrier m1-cached
	bed_barrier m1-over
	fj $M/m1 mmap 8m "${seed}04" --verify_only ||
		fail "A's mmap read misses B's overwrite of m1"
	echo "data-mmap: A's mapping sees B's overwrite"
	# 5. same guest: mmap write, read, truncate, mmap write again
	fj $M/m5 mmap 1m "${seed}05" --do_verify=0 ||
		fail "mmap write of m5 failed"
	fj $M/m5 psync 1m "${seed}05" --verify_only ||
		fail "read() of m5 misses its mmap write (not synced)"
	head -c 100000 $M/m5 > /tmp/m5h
	truncate -s 100000 $M/m5
	truncate -s 1048576 $M/m5
	head -c 100000 $M/m5 > /tmp/m5c
	cmp /tmp/m5c /tmp/m5h || fail "m5 below the cut changed"
	zeros $M/m5 100000 1048576 || fail "m5 past the cut is not zeros (read)"
	fj $M/m5 mmap 64k "${seed}05" --verify_only ||
		fail "mmap read of m5's first block after truncate differs"
	fj $M/m5 mmap 1m "${seed}06" --do_verify=0 --end_fsync=1 ||
		fail "mmap write of m5 after truncate failed"
	echo 3 > /proc/sys/vm/drop_caches
	fj $M/m5 psync 1m "${seed}06" --verify_only ||
		fail "m5 read from the LUNs differs from its last mmap write"
	fj $M/m5 mmap 1m "${seed}06" --verify_only ||
		fail "m5 mmap read from the LUNs differs from its last mmap write"
	echo "data-mmap: same-guest mmap write, read, truncate"
	;;
b)
	bed_barrier m1
	seed=$(bed_get seed)
	fj $M/m1 psync 8m "${seed}01" --verify_only ||
		{ dmesg_tail; fail "B's read() misses A's mmap write of m1"; }
	fj $M/m1 mmap 8m "${seed}01" --verify_only ||
		fail "B's mmap read of m1 differs"
	echo "data-mmap: B reads A's mmap write after msync"
	bed_barrier m2
	fj $M/m2 mmap 4m "${seed}02" --verify_only ||
		fail "B's mmap read misses A's write of m2"
	echo "data-mmap: B's mmap reads A's write"
	bed_barrier m2-read
	bed_barrier m3
	fj $M/m3 psync 4m "${seed}03" --verify_only ||
		{ dmesg_tail; fail "B's read() misses A's unsynced mmap write of m3"; }
	echo "data-mmap: B reads A's mmap write without msync"
	bed_barrier m3-read
	bed_barrier m1-cached
	fj $M/m1 psync 8m "${seed}04" --do_verify=0 --end_fsync=1 ||
		fail "B's overwrite of m1 failed"
	bed_barrier m1-over
	;;
esac
bed_barrier done
timeout 60 umount $M || fail "umount failed"
