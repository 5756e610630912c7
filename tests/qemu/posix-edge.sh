# bed: guests=1 luns=lun0:64M mdc=vol1 deadline=200
# SPDX-License-Identifier: GPL-2.0
# Issue 14: POSIX details that standard file system test suites check.
#   1. fallocate(FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE) and
#      PUNCH_HOLE over ranges that run past EOF never change the size
#      (before: ZERO_RANGE | KEEP_SIZE moved it to the end of the range,
#      iomap_zero_range() of the edge block past EOF); the bytes below
#      EOF are zeroed or kept as asked; without KEEP_SIZE the size is the
#      range's end.
#   2. An unprivileged user who creates a file with mode 0 may use the
#      descriptor for everything the open allowed: write, ftruncate,
#      fallocate, futimens, fchmod (before: ftruncate failed EACCES, the
#      MDC checked the mode instead of the open).
#   3. fallocate past the file-size limit (ulimit -f) fails EFBIG, as
#      write(2) does (before: it succeeded).
#   4. truncate to the size a file already has frees the blocks
#      preallocated past EOF (before: fallocate -k 10 MiB, 5 MiB written,
#      truncate 5 MiB left 10 MiB allocated).
#   5. a program its user may execute but not read (0711) runs (before:
#      execve failed EACCES, the MDC checked read for the exec's open).
set -euo pipefail
. /bed/lib.sh

M=/mnt/x
insmod /opt/xsanfs/xsanfs.ko
mkdir -p $M
out=$(timeout 60 mount -t xsanfs -o mdc=10.0.2.100 vol1 $M 2>&1) ||
	fail "mount of vol1 failed: $out"

# size_is FILE SIZE WHAT
size_is() {
	local got
	got=$(stat -c %s "$1")
	[ "$got" = "$2" ] || fail "$3: size $got, want $2"
}

mkdir -m 1777 $M/pub

# 1. sizes
head -c 5000 /dev/urandom > /tmp/orig
for f in z zk p; do cp /tmp/orig $M/$f; done
fallocate -z -n -o 4500 -l 10000 $M/zk
size_is $M/zk 5000 "ZERO_RANGE|KEEP_SIZE past EOF"
fallocate -p -o 4000 -l 20000 $M/p
size_is $M/p 5000 "PUNCH_HOLE past EOF"
fallocate -z -o 4500 -l 10000 $M/z
size_is $M/z 14500 "ZERO_RANGE past EOF"
# the same after the caches are dropped (the MDC's size)
echo 3 > /proc/sys/vm/drop_caches
size_is $M/zk 5000 "ZERO_RANGE|KEEP_SIZE past EOF (MDC)"
size_is $M/p 5000 "PUNCH_HOLE past EOF (MDC)"
size_is $M/z 14500 "ZERO_RANGE past EOF (MDC)"
# contents: the head kept, the zeroed or punched part zeros
cmp -n 4500 /tmp/orig $M/zk || fail "ZERO_RANGE|KEEP_SIZE changed bytes before the range"
cmp -n 4000 /tmp/orig $M/p || fail "PUNCH_HOLE changed bytes before the range"
[ "$(tail -c 500 $M/zk | tr -d '\0' | wc -c)" = 0 ] ||
	fail "ZERO_RANGE|KEEP_SIZE left data in the range"
[ "$(tail -c 1000 $M/p | tr -d '\0' | wc -c)" = 0 ] ||
	fail "PUNCH_HOLE left data in the range"
[ "$(tail -c 10000 $M/z | tr -d '\0' | wc -c)" = 0 ] ||
	fail "ZERO_RANGE left data in the range"
echo "posix-edge: fallocate past EOF: sizes 5000, 5000, 14500 as asked"
# past the file-size limit (ulimit -f, 1 KiB units): EFBIG, as write(2)
# (SIGXFSZ ignored, so that the error is what fallocate reports)
out=$( (trap '' XFSZ; ulimit -f 1024; fallocate -l 2M $M/big) 2>&1) &&
	fail "fallocate of 2 MiB under ulimit -f 1024 succeeded"
case "$out" in
*"File too large"*) ;;
*) fail "fallocate past ulimit -f: '$out', want File too large (EFBIG)" ;;
esac
[ "$(stat -c %s $M/big)" = 0 ] || fail "fallocate past ulimit -f changed the size"
(trap '' XFSZ; ulimit -f 4096; fallocate -l 2M $M/big) ||
	fail "fallocate of 2 MiB under ulimit -f 4096 failed"
echo "posix-edge: fallocate past ulimit -f: EFBIG"

# a truncate frees what was preallocated past EOF (ext4, XFS)
free0=$(stat -f -c %f $M)
: > $M/pre
fallocate -n -l 10M $M/pre
head -c $((5 << 20)) /dev/urandom > /tmp/5m
dd if=/tmp/5m of=$M/pre conv=notrunc,fsync status=none
truncate -s 5M $M/pre
sync
free1=$(stat -f -c %f $M)
bs=$(stat -f -c %S $M)
used=$(( (free0 - free1) * bs ))
[ $used -le $(( (5 << 20) + 2 * bs )) ] ||
	fail "truncate to 5 MiB left $used bytes allocated (10 MiB preallocated)"
cmp /tmp/5m $M/pre || fail "the 5 MiB written under the preallocation changed"
echo "posix-edge: truncate freed the preallocation past EOF ($used bytes in use)"

# execute-only: a program its user may run but not read
cp /usr/bin/true $M/pub/prog
chmod 0711 $M/pub/prog
setpriv --reuid=1000 --regid=1000 --clear-groups $M/pub/prog ||
	fail "an execute-only program (0711) did not run for another user"
if setpriv --reuid=1000 --regid=1000 --clear-groups cat $M/pub/prog > /dev/null 2>&1; then
	fail "another user read a 0711 program"
fi
echo "posix-edge: an execute-only program runs and cannot be read"

# 2. a mode-0 file used through its descriptor by its unprivileged owner
out=$(setpriv --reuid=1000 --regid=1000 --clear-groups \
	xsanio mode0 $M/pub/m0 2>&1) || fail "mode 0 file: $out"
echo "posix-edge: $out"
[ "$(stat -c '%a %U %s' $M/pub/m0)" = "0 xsan 16384" ] ||
	fail "mode 0 file: $(stat -c '%a %U %s' $M/pub/m0)"
# and without the open, the mode still counts: truncate(2) by path fails
if setpriv --reuid=1000 --regid=1000 --clear-groups \
	truncate -s 0 $M/pub/m0 2> /dev/null; then
	fail "truncate by path of a mode 0 file succeeded"
fi
umount $M
echo "posix-edge: ok"
