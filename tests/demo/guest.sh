# bed: guests=2 luns=lun0:128M,lun1:128M mdc=demo deadline=300
# SPDX-License-Identifier: GPL-2.0
# `make demo`, guest side: two hosts mount one volume and share a clip.
# Every line it prints is checked: a step that does not do what it says
# fails the demo.
set -uo pipefail
. /bed/lib.sh
say() { echo "demo[$BED_GUEST]: $*"; }
M=/mnt/demo

say "booted $(uname -sr) under QEMU; LUNs: $(cd /dev/lun && for l in *; do printf '%s=%s ' "$l" "$(readlink -f "$l")"; done)"
for l in lun0 lun1; do
	lab=$(blkid -p -o value -s PART_ENTRY_NAME "$(readlink -f /dev/lun/$l)1" 2>/dev/null) ||
		fail "no label on $l"
	say "label of $l, as mkfs.xsanfs on the host wrote it: $lab"
done

insmod /opt/xsanfs/xsanfs.ko || fail "insmod xsanfs.ko failed"
say "insmod xsanfs.ko: ok ($(grep -w xsanfs /proc/filesystems | tr -s '\t ' ' '))"
# A write in flight when a host's lease runs out must end before the MDC
# gives its blocks away: 9.8 s with the MDC's defaults. Linux's SCSI disks
# time out after 30 s, so the admin lowers it (admin guide, iodeadline=)
# and the strict mount checks it.
for l in lun0 lun1; do
	d=$(basename "$(readlink -f /dev/lun/$l)")
	echo 9000 > /sys/block/$d/queue/io_timeout || fail "cannot set $d's io_timeout"
done
say "LUN command timeouts set to 9 s: \$ echo 9000 > /sys/block/sdX/queue/io_timeout"
mkdir -p $M
say "\$ mount -t xsanfs -o mdc=$BED_MDC,iodeadline=strict demo $M"
out=$(timeout 60 mount -t xsanfs -o "mdc=$BED_MDC,iodeadline=strict" demo $M 2>&1) || fail "mount failed: $out"
say "mounted: $(grep " $M " /proc/mounts | cut -d' ' -f1-3)"
bed_barrier mounted

if [ "$BED_GUEST" = a ]; then
	head -c $((96 << 20)) /dev/urandom > /tmp/clip
	sum=$(sha256sum < /tmp/clip | cut -c1-16)
	t0=$(date +%s%N)
	dd if=/tmp/clip of=$M/clip.raw bs=1M oflag=direct conv=fsync status=none ||
		fail "O_DIRECT copy failed"
	ms=$((($(date +%s%N) - t0) / 1000000))
	say "copied a 96 MiB clip in with O_DIRECT in $ms ms; sha256 $sum..."
	bed_put sum "$sum"
fi
bed_barrier copied
sum=$(bed_get sum)
if [ "$BED_GUEST" = b ]; then
	size=$(stat -c %s $M/clip.raw) || fail "B cannot stat the clip"
	[ "$size" = $((96 << 20)) ] || fail "B sees $size bytes, not 96 MiB"
	got=$(dd if=$M/clip.raw bs=1M iflag=direct status=none | sha256sum | cut -c1-16)
	[ "$got" = "$sum" ] || fail "B read sha256 $got..., A wrote $sum..."
	say "B sees the clip at once: $size bytes, sha256 $got..., the same bytes A wrote"
fi
bed_barrier checked
if [ "$BED_GUEST" = a ]; then
	mv $M/clip.raw $M/clip-final.raw || fail "rename failed"
	say "renamed it to clip-final.raw"
fi
bed_barrier renamed
if [ "$BED_GUEST" = b ]; then
	[ -e $M/clip-final.raw ] && [ ! -e $M/clip.raw ] ||
		fail "B does not see the rename"
	say "B sees the new name at once: $(ls $M | tr '\n' ' ')"
	echo "notes from b" > $M/notes.txt || fail "B cannot write"
fi
bed_barrier noted
if [ "$BED_GUEST" = a ]; then
	[ "$(cat $M/notes.txt)" = "notes from b" ] || fail "A does not read B's file"
	say "A reads what B wrote: '$(cat $M/notes.txt)'"
fi
bed_barrier done
umount $M || fail "umount failed"
rmmod xsanfs || fail "rmmod failed"
say "umount, rmmod: ok"
exit 0
