# bed: guests=1 luns=lun0:640M,raw:640M:spare,local:640M:spare mdc=vol1 deadline=1200 memory=1024
# SPDX-License-Identifier: GPL-2.0
# Data path benchmark (figures, not a test; `make bench-data`, never part
# of `make check`, which skips tests/qemu/bench-*). In one guest, three
# LUN images of the same size on the same virtio-scsi controller and cache
# mode: lun0 (the volume vol1, one LUN), raw (a spare LUN used as a raw
# block device) and local (a spare LUN with ext4). With dd, 1 MiB blocks,
# SIZE MiB (default 256) each, page cache dropped before every run:
#   dio-write   O_DIRECT write: xsanfs (a new file: allocation included)
#               vs the raw device
#   dio-rewrite O_DIRECT overwrite of that file (blocks allocated and
#               written already: no LAYOUT_GET allocation, no conversion)
#               vs the raw device
#   dio-read    O_DIRECT read of what was written: xsanfs vs raw
#   buf-write   buffered write + fsync (conv=fsync): xsanfs vs ext4
# Each is run 3 times; the best MB/s of each is kept. Lines "bench-data:"
# are the results: MB/s of both and the ratio (goal for O_DIRECT >= 0.95).
set -euo pipefail
. /bed/lib.sh
export LC_ALL=C

SIZE=${BENCH_SIZE:-256}
X=/mnt/xsan
E=/mnt/ext4
RAW=/dev/lun/raw
mkdir -p $X $E
insmod /opt/xsanfs/xsanfs.ko
mkfs.ext4 -q -F /dev/lun/local
mount /dev/lun/local $E
out=$(timeout 60 mount -t xsanfs -o mdc=10.0.2.100 vol1 $X 2>&1) ||
	fail "mount of vol1 failed: $out"

# mbs CMD...: run dd CMD, print MB/s (bytes / elapsed)
mbs() {
	local t0 t1
	sync
	echo 3 > /proc/sys/vm/drop_caches
	t0=$(date +%s%N)
	timeout 600 dd "$@" bs=1M count=$SIZE status=none || fail "dd $* failed"
	t1=$(date +%s%N)
	awk -v b=$((SIZE * 1048576)) -v ns=$((t1 - t0)) 'BEGIN { printf "%.1f\n", b / 1e6 / (ns / 1e9) }'
}
best() { printf '%s\n' "$@" | sort -g | tail -1; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f\n", a / b }'; }

xw=() xo=() xr=() rw=() ro=() rr=() xb=() eb=()
for run in 1 2 3; do
	rm -f $X/d $X/b $E/b
	xw+=("$(mbs if=/dev/zero of=$X/d oflag=direct)")
	rw+=("$(mbs if=/dev/zero of=$RAW oflag=direct)")
	xo+=("$(mbs if=/dev/zero of=$X/d oflag=direct conv=notrunc)")
	ro+=("$(mbs if=/dev/zero of=$RAW oflag=direct conv=notrunc)")
	xr+=("$(mbs if=$X/d of=/dev/null iflag=direct)")
	rr+=("$(mbs if=$RAW of=/dev/null iflag=direct)")
	xb+=("$(mbs if=/dev/zero of=$X/b conv=fsync)")
	eb+=("$(mbs if=/dev/zero of=$E/b conv=fsync)")
	echo "bench-data: run $run: xsan dio-w ${xw[-1]} raw ${rw[-1]}, xsan dio-rw ${xo[-1]} raw ${ro[-1]}, xsan dio-r ${xr[-1]} raw ${rr[-1]}, xsan buf-w ${xb[-1]} ext4 ${eb[-1]} MB/s"
done
a=$(best "${xw[@]}") b=$(best "${rw[@]}")
echo "bench-data: dio-write ${SIZE} MiB: xsanfs $a MB/s, raw $b MB/s, ratio $(ratio "$a" "$b")"
a=$(best "${xo[@]}") b=$(best "${ro[@]}")
echo "bench-data: dio-rewrite ${SIZE} MiB: xsanfs $a MB/s, raw $b MB/s, ratio $(ratio "$a" "$b")"
a=$(best "${xr[@]}") b=$(best "${rr[@]}")
echo "bench-data: dio-read  ${SIZE} MiB: xsanfs $a MB/s, raw $b MB/s, ratio $(ratio "$a" "$b")"
a=$(best "${xb[@]}") b=$(best "${eb[@]}")
echo "bench-data: buf-write ${SIZE} MiB: xsanfs $a MB/s, ext4 $b MB/s, ratio $(ratio "$a" "$b")"
timeout 60 umount $X || fail "umount of xsanfs failed"
umount $E
