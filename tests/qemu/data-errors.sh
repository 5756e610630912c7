# bed: guests=1 luns=lun0:64M,lun1:64M mdc=vol1 deadline=300
# SPDX-License-Identifier: GPL-2.0
# I/O errors of the data path reach the caller (one stripe group of two
# LUNs; both are taken offline at once through the SCSI midlayer,
# /sys/block/sdX/device/state, so every file here fails whatever its
# stripe):
#   1. dirty pages whose writeback fails: fsync reports EIO, once (errseq):
#      with the LUNs back, the next fsync of the file succeeds; the lost
#      range reads as zeros (its extents stayed UNWRITTEN), never as stale
#      bytes;
#   2. an O_DIRECT write and a read of uncached data fail with EIO;
#   3. with the LUNs back, writes and fsync work again and the bytes are on
#      the LUNs.
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

disks=()
for l in lun0 lun1; do
	d=$(basename "$(readlink -f /dev/lun/$l)")
	[ -w /sys/block/$d/device/state ] || fail "$l ($d): no SCSI device state to set"
	disks+=("$d")
done
# luns STATE: set the SCSI state (offline, running) of both LUNs
luns() {
	local d
	for d in "${disks[@]}"; do echo "$1" > /sys/block/$d/device/state; done
}
gen() { { seq -f "$1-%014.0f" 0 $(($2 / 16)) || true; } | head -c "$2"; }
# fsync_rc FILE: open FILE, fsync it, print the exit status and message
fsync_rc() {
	local out rc=0
	out=$(timeout 60 sync "$1" 2>&1) || rc=$?
	echo "$rc $out"
}
seed=$(head -c 6 /dev/urandom | xxd -p)

# 1. writeback fails
gen "e1$seed" 1048576 > /tmp/e1
# written through a descriptor that stays open: the last close of a file
# writes back and commits (release), which would write it before the
# failure
exec 3<>$M/e1
timeout 60 dd if=/tmp/e1 bs=64k status=none >&3 || fail "buffered write of e1 failed"
luns offline
r=$(fsync_rc $M/e1)
echo "fsync with the LUNs offline: $r"
case "$r" in
"1 "*"Input/output error"*) ;;
*) luns running; fail "fsync of e1 with the LUNs offline: '$r', expected EIO" ;;
esac
luns running
exec 3>&-
r=$(fsync_rc $M/e1)
[ "$r" = "0 " ] || fail "second fsync of e1 (LUNs back, error reported already): '$r', expected 0"
echo 3 > /proc/sys/vm/drop_caches
# its size may or may not have been committed; whatever it is, zeros
sz=$(stat -c %s $M/e1)
echo "e1 after the failed writeback: $sz bytes"
head -c "$sz" /dev/zero > /tmp/z1
cmp $M/e1 /tmp/z1 || fail "e1, whose writeback failed, does not read as zeros (cmp above)"
echo "data-errors: failed writeback is EIO at fsync, once; the range reads zeros"

# 2. O_DIRECT write and uncached read
gen "e2$seed" 1048576 > /tmp/e2
timeout 60 dd if=/tmp/e2 of=$M/e2 bs=64k conv=fsync status=none || fail "write of e2 failed"
echo 3 > /proc/sys/vm/drop_caches
luns offline
rc=0
out=$(timeout 60 dd if=/tmp/e2 of=$M/e2 bs=1M oflag=direct conv=notrunc status=none 2>&1) || rc=$?
[ $rc -ne 0 ] && grep -q "Input/output error" <<<"$out" ||
	{ luns running; fail "O_DIRECT write with the LUNs offline: status $rc, '$out'"; }
rc=0
out=$(timeout 60 cat $M/e2 2>&1 >/dev/null) || rc=$?
[ $rc -ne 0 ] && grep -q "Input/output error" <<<"$out" ||
	{ luns running; fail "read of e2 with the LUNs offline: status $rc, '$out'"; }
luns running
echo 3 > /proc/sys/vm/drop_caches
cmp /tmp/e2 $M/e2 || fail "e2 changed by the failed O_DIRECT write"
echo "data-errors: O_DIRECT write and read fail with EIO"

# 3. back to work
timeout 60 dd if=/tmp/e1 of=$M/e1 bs=64k conv=fsync status=none ||
	fail "write of e1 with the LUNs back failed"
echo 3 > /proc/sys/vm/drop_caches
cmp /tmp/e1 $M/e1 || fail "e1 rewritten with the LUNs back differs"
echo "data-errors: writes work again with the LUNs back"
timeout 60 umount $M || fail "umount failed"
