# bed: guests=2 luns=lun0:64M,lun1:64M deadline=180
# SPDX-License-Identifier: GPL-2.0
# `make demo`, guest side: what exists today, shown step by step.
set -uo pipefail
. /bed/lib.sh
say() { echo "demo[$BED_GUEST]: $*"; }

say "booted $(uname -sr) under QEMU; LUNs: $(cd /dev/lun && for l in *; do printf '%s=%s ' "$l" "$(readlink -f "$l")"; done)"
if [ "$BED_GUEST" = a ]; then
	msg="written by guest a at $(date -u +%T)"
	printf '%-512s' "$msg" | dd of=/dev/lun/lun0 bs=512 seek=8 oflag=direct conv=fsync status=none
	say "wrote '$msg' raw to sector 8 of lun0"
fi
bed_barrier written
if [ "$BED_GUEST" = b ]; then
	say "read back raw from sector 8 of lun0: '$(dd if=/dev/lun/lun0 bs=512 skip=8 count=1 iflag=direct status=none | tr -d '\0' | sed 's/ *$//')'"
fi
bed_barrier read

insmod /opt/xsanfs/xsanfs.ko && say "insmod xsanfs.ko: ok ($(grep -w xsanfs /proc/filesystems | tr -s '\t ' ' '))"
mkdir -p /mnt/demo
say "\$ mount -t xsanfs -o mdc=$BED_MDC demo /mnt/demo"
mount -t xsanfs -o "mdc=$BED_MDC" demo /mnt/demo 2>&1 | sed "s/^/demo[$BED_GUEST]:   /"
rmmod xsanfs && say "rmmod xsanfs: ok"
exit 0
