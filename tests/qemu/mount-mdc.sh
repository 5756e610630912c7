# bed: guests=2 luns=lun0:64M,lun1:64M mdc=vol1 deadline=150
# SPDX-License-Identifier: GPL-2.0
# Against the real xsanmdc on the host (the bed made volume vol1 on the
# shared LUN images with xsanlabel/mkfs.xsanfs): both guests see the labels
# mkfs wrote, and the kernel's HELLO, encoded by the same net/msg.c the MDC
# decodes, gets the answers the mount sentences name. The volume secret is
# in the guest for the day the client authenticates.
set -euo pipefail
. /bed/lib.sh

# The GPT partition of every LUN carries its label as the partition name.
for l in lun0 lun1; do
	dev=$(readlink -f "/dev/lun/$l")
	part=${dev}1
	for i in $(seq 50); do [ -b "$part" ] && break; sleep 0.1; done
	[ -b "$part" ] || fail "$l: no partition $part on the labelled LUN"
	name=$(blkid -p -o value -s PART_ENTRY_NAME "$part") || fail "$l: blkid failed on $part"
	[ "$name" = "$l" ] || fail "$l: partition name '$name', expected '$l'"
	echo "$l: $part labelled '$name'"
done
[ -s /etc/xsanfs/vol1.auth_secret ] || fail "the volume secret is not in the guest"

insmod /opt/xsanfs/xsanfs.ko
mkdir -p /mnt/x
# mnt_msg EXPECTED-ERRNO-NAME EXPECTED-REGEX MOUNT-ARGS...
mnt_msg() {
	local want=$1 out rc
	shift
	set +e
	out=$(timeout 60 mount -t xsanfs "$@" 2>&1)
	rc=$?
	set -e
	echo "mount $* -> status $rc: $out"
	[ "$rc" -ne 124 ] || fail "mount $* hung"
	[ "$rc" -ne 0 ] || fail "mount $* succeeded"
	grep -Eq "$want" <<<"$out" || fail "mount $* printed '$out', expected /$want/"
}

# The MDC serves vol1 and answers HELLO; this client stops before AUTH.
mnt_msg 'volume vol1: metadata controller 10\.0\.2\.100:60766 answered \(protocol version 1\), but this client cannot authenticate' \
	-o mdc=10.0.2.100 vol1 /mnt/x
# A volume the MDC does not serve.
mnt_msg 'volume other: metadata controller 10\.0\.2\.100:60766 does not serve a volume of that name' \
	-o mdc=10.0.2.100 other /mnt/x
bed_barrier mounted
rmmod xsanfs
echo "mount-mdc: ok"
