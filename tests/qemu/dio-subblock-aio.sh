# bed: guests=1 luns=lun0:64M mdc=vol1 deadline=150
# SPDX-License-Identifier: GPL-2.0
# Issue 12, hole 7: two 512-byte O_DIRECT writes into two sectors (1 and
# 6) of one fresh 4 KiB block, in flight together (one io_submit of two
# iocbs: xsanio aio512, raw io_setup/io_submit/io_getevents, iodepth 2),
# on 256 fresh blocks; read back, every block must hold both patterns
# and zeros elsewhere. Two kinds of fresh block: past the end of a new
# file, and inside a fallocated (UNWRITTEN) range. iomap zeroes the rest
# of an UNWRITTEN or new block around a sub-block write; the fix made
# sequential sub-block writes commit at once (data-dio-defer step 5) but
# two in flight together still each zero the other's sector: without
# the fix, xsanio prints "aio512: 256 blocks, N bad" with N > 0 and a
# few "block B: sector 1 WRONG" lines.
# The LUNs' logical block size must be 512 and the volume's block 4096.
set -euo pipefail
. /bed/lib.sh

M=/mnt/x
insmod /opt/xsanfs/xsanfs.ko
mkdir -p $M
out=$(timeout 60 mount -t xsanfs -o mdc=10.0.2.100 vol1 $M 2>&1) ||
	fail "mount of vol1 failed: $out"
lbs=$(cat /sys/block/"$(basename "$(readlink -f /dev/lun/lun0)")"/queue/logical_block_size)
bs=$(stat -f -c %S $M)
echo "LUN logical block size $lbs, volume block size $bs"
[ "$lbs" = 512 ] || fail "the LUN's logical block size is $lbs, not 512"
[ "$bs" = 4096 ] || fail "the volume's block size is $bs, not 4096"

bad=0
for kind in eof falloc; do
	arg=
	[ $kind = falloc ] && arg=falloc
	# shellcheck disable=SC2086 # $arg is one word or none
	if ! out=$(timeout 120 xsanio aio512 $M/aio-$kind 256 $arg 2>&1); then
		echo "$out"
		echo "aio512 ($kind): FAILED"
		bad=1
	else
		echo "$out"
	fi
	# and what another open reads, through the page cache
	sync
	echo 3 > /proc/sys/vm/drop_caches
done
[ $bad = 0 ] || fail "concurrent 512-byte O_DIRECT writes into one fresh block lost one of them (see above)"
timeout 60 umount $M || fail "umount failed"
echo "dio-subblock-aio: ok"
