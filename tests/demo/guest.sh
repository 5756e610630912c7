# bed: guests=2 luns=lun0:64M,lun1:64M mdc=demo deadline=180
# SPDX-License-Identifier: GPL-2.0
# `make demo`, guest side: what exists today, shown step by step.
set -uo pipefail
. /bed/lib.sh
say() { echo "demo[$BED_GUEST]: $*"; }

say "booted $(uname -sr) under QEMU; LUNs: $(cd /dev/lun && for l in *; do printf '%s=%s ' "$l" "$(readlink -f "$l")"; done)"
for l in lun0 lun1; do
	say "label of $l, as mkfs.xsanfs on the host wrote it: $(blkid -p -o value -s PART_ENTRY_NAME "$(readlink -f /dev/lun/$l)1" 2>/dev/null || echo '(none)')"
done
if [ "$BED_GUEST" = a ]; then
	msg="written by guest a at $(date -u +%T)"
	printf '%-512s' "$msg" | dd of=/dev/lun/lun0 bs=512 seek=4096 oflag=direct conv=fsync status=none
	say "wrote '$msg' raw to sector 4096 of lun0 (a data block of the volume)"
fi
bed_barrier written
if [ "$BED_GUEST" = b ]; then
	say "read back raw from sector 4096 of lun0 (a data block of the volume): '$(dd if=/dev/lun/lun0 bs=512 skip=4096 count=1 iflag=direct status=none | tr -d '\0' | sed 's/ *$//')'"
fi
bed_barrier read

insmod /opt/xsanfs/xsanfs.ko && say "insmod xsanfs.ko: ok ($(grep -w xsanfs /proc/filesystems | tr -s '\t ' ' '))"
mkdir -p /mnt/demo
say "\$ mount -t xsanfs -o mdc=$BED_MDC demo /mnt/demo"
mount -t xsanfs -o "mdc=$BED_MDC" demo /mnt/demo 2>&1 | sed "s/^/demo[$BED_GUEST]:   /"
rmmod xsanfs && say "rmmod xsanfs: ok"
exit 0
