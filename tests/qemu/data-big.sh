# bed: guests=2 luns=lun0:3G,lun1:3G mdc=vol1 deadline=600
# SPDX-License-Identifier: GPL-2.0
# Big files (issue 6), on a volume of two sparse 3 GiB LUN images:
#   1. a 5 GiB file (past 4 GiB: 32-bit offsets and block numbers would
#      wrap) written by A with O_DIRECT 4 MiB writes and fio crc32c verify
#      headers; B verifies it all (fio --verify_only); fiemap covers
#      exactly 5 GiB with no hole;
#   2. a sparse 3 TiB file, 1 MiB of data at its very end (the file offset
#      is not the disk offset: the volume is 6 GiB): fiemap shows one
#      extent at 3 TiB - 1 MiB, lseek SEEK_DATA from 0 returns it and
#      SEEK_HOLE the size (strace of cp --sparse=auto), B reads the data
#      at the end and zeros before it.
set -euo pipefail
. /bed/lib.sh
export LC_ALL=C

M=/mnt/x
G5=$((5 << 30))
T3=$((3 << 40))
MB=1048576
insmod /opt/xsanfs/xsanfs.ko
mkdir -p $M
out=$(timeout 60 mount -t xsanfs -o mdc=10.0.2.100 vol1 $M 2>&1) ||
	fail "mount of vol1 failed: $out"
bed_barrier mounted

fiojob() {
	timeout 400 fio --name=big --filename=$M/big --size=$G5 --bs=4M \
		--rw=write --direct=1 --ioengine=psync --verify=crc32c \
		--verify_fatal=1 "$@" > /tmp/fio.out 2>&1 || {
		tail -20 /tmp/fio.out
		fail "fio on the 5 GiB file failed ($*)"
	}
}
# tiles FIRST EXTENTS: where extents starting at block FIRST and following
# each other without a gap end (one past the last block), or "gap at N"
tiles() {
	awk -v RS=' ' -F- -v next_="$1" 'NF == 2 {
		if ($1 != next_) { print "gap at " $1; exit }
		next_ = $2 + 1 } END { print next_ }' <<<"$2"
}
# extents FILE: "LOGICAL_START-LOGICAL_END " in blocks, from filefrag -v
extents() {
	filefrag -v "$1" | awk '$1 ~ /^[0-9]+:$/ {
		gsub(/[.:]/, " "); split($0, f, " "); printf "%s-%s ", f[2], f[3] }'
}

case "$BED_GUEST" in
a)
	t0=$(date +%s)
	fiojob --do_verify=0
	echo "big: A wrote 5 GiB with O_DIRECT in $(( $(date +%s) - t0 )) s"
	[ "$(stat -c %s $M/big)" = $G5 ] || fail "big is $(stat -c %s $M/big) bytes"
	bs=$(stat -f -c %S $M)
	# the extents must tile 0 .. 5 GiB
	ext=$(extents $M/big)
	end=$(tiles 0 "$ext")
	[ "$end" = $((G5 / bs)) ] || fail "fiemap of big ends at block '$end', expected $((G5 / bs))"
	echo "big: fiemap covers the 5 GiB ($(wc -w <<<"$ext") extents)"
	# 2. 3 TiB sparse, data at the end
	head -c $MB /dev/urandom > /tmp/tail
	bed_put tail "$(sha256sum < /tmp/tail | cut -d' ' -f1)"
	timeout 60 dd if=/tmp/tail of=$M/sparse bs=$MB seek=$((T3 / MB - 1)) \
		conv=fsync status=none || fail "write at 3 TiB - 1 MiB failed"
	[ "$(stat -c %s $M/sparse)" = $T3 ] || fail "sparse is $(stat -c %s $M/sparse) bytes"
	ext=$(extents $M/sparse)
	first=$(((T3 - MB) / bs))
	# one extent per 256 KiB stripe unit, from 3 TiB - 1 MiB to the end
	[ "$(tiles $first "$ext")" = $((T3 / bs)) ] ||
		fail "fiemap of sparse: '$ext', expected blocks $first to $((T3 / bs - 1))"
	# cp finds the data with SEEK_DATA/SEEK_HOLE (else it reads 3 TiB)
	timeout 120 strace -f -e trace=lseek -o /tmp/cp.trace \
		cp --sparse=always $M/sparse $M/sparse2 || fail "cp of sparse failed"
	grep -q -E "0, SEEK_DATA\) += $((T3 - MB))\$" /tmp/cp.trace &&
		grep -q -E "SEEK_HOLE\) += $T3\$" /tmp/cp.trace || {
		cat /tmp/cp.trace
		fail "SEEK_DATA/SEEK_HOLE did not report the data at 3 TiB - 1 MiB"
	}
	[ "$(extents $M/sparse2)" = "$ext" ] || fail "the copy's fiemap: '$(extents $M/sparse2)', not '$ext'"
	echo "big: 3 TiB sparse: fiemap '$ext', SEEK_DATA/SEEK_HOLE agree"
	;;
esac
bed_barrier written
case "$BED_GUEST" in
b)
	t0=$(date +%s)
	fiojob --verify_only
	echo "big: B verified 5 GiB in $(( $(date +%s) - t0 )) s"
	want=$(bed_get tail)
	got=$(timeout 60 dd if=$M/sparse bs=$MB skip=$((3 * MB - 1)) status=none | sha256sum | cut -d' ' -f1)
	[ "$got" = "$want" ] || fail "B reads the last MiB of sparse differently"
	z=$(timeout 60 dd if=$M/sparse bs=$MB skip=$((3 * MB - 9)) count=8 status=none | tr -d '\000' | wc -c)
	[ "$z" = 0 ] || fail "the hole before the data is not zeros ($z bytes)"
	[ "$(timeout 60 dd if=$M/sparse2 bs=$MB skip=$((3 * MB - 1)) status=none | sha256sum | cut -d' ' -f1)" = "$want" ] ||
		fail "B reads the copy's last MiB differently"
	echo "big: B reads the 3 TiB file's end and zeros before it"
	;;
esac
bed_barrier read
timeout 60 umount $M || fail "umount failed"
