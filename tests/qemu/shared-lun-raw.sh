# bed: guests=2 luns=lun0:64M deadline=150
# SPDX-License-Identifier: GPL-2.0
# Two guests on one shared LUN image: a block written raw on guest A is read
# back raw on guest B. The data is random per run, so a stale image or a
# cached read cannot pass.
set -euo pipefail
. /bed/lib.sh

dev=/dev/lun/lun0
[ -b "$dev" ] || fail "$dev missing: $(ls -l /dev/lun/ 2>&1)"
[ "$(blockdev --getsize64 "$dev")" = $((64 << 20)) ] || fail "lun0 is not 64 MiB"
wwid=$(cat "/sys/block/$(basename "$(readlink -f "$dev")")/device/wwid")
bed_put "wwid_$BED_GUEST" "$wwid"

case "$BED_GUEST" in
a)
	head -c 1048576 /dev/urandom > /tmp/blk
	dd if=/tmp/blk of="$dev" bs=1M seek=17 oflag=direct conv=fsync status=none
	bed_put sum "$(sha256sum < /tmp/blk | cut -d' ' -f1)"
	bed_barrier written
	;;
b)
	[ "$(bed_get wwid_a)" = "$wwid" ] || fail "guests see different WWNs"
	bed_barrier written
	want=$(bed_get sum)
	got=$(dd if="$dev" bs=1M skip=17 count=1 iflag=direct status=none | sha256sum | cut -d' ' -f1)
	[ "$got" = "$want" ] || fail "B read $got, A wrote $want"
	echo "shared-lun-raw: B reads A's block ($got)"
	;;
esac
bed_barrier done
