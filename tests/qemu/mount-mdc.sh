# bed: guests=2 luns=lun0:64M,lun1:64M mdc=vol1 deadline=150
# SPDX-License-Identifier: GPL-2.0
# Against the real xsanmdc on the host (the bed made volume vol1 on the
# shared LUN images with xsanlabel/mkfs.xsanfs): both guests see the labels
# mkfs wrote; the kernel's HELLO and AUTH, encoded by the same net/msg.c
# the MDC decodes, with the secret mount.xsanfs put in the keyring, open a
# session and the volume mounts (and unmounts); a wrong, unsafe or missing
# secret, and an unknown volume, get the sentences mount prints.
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

# The secret the bed put in /etc/xsanfs: both proofs check out, the MDC
# opens a session, the volume mounts, and unmounts in bounded time.
out=$(timeout 60 mount -t xsanfs -o mdc=10.0.2.100 vol1 /mnt/x 2>&1) ||
	fail "mount with the right secret failed (status $?): $out"
grep -qs ' /mnt/x xsanfs ' /proc/mounts || fail "vol1 is not in /proc/mounts after mount"
stat /mnt/x > /dev/null || fail "stat of the mounted root failed"
timeout 30 umount /mnt/x || fail "umount failed or hung (status $?)"
grep -qs ' /mnt/x ' /proc/mounts && fail "/mnt/x still mounted after umount"
# The key lived in mount.xsanfs's process keyring only.
grep -q 'xsanfs:' /proc/keys && fail "an xsanfs key outlived the mount: $(grep xsanfs: /proc/keys)"
secret=$(cat /etc/xsanfs/vol1.auth_secret)
if [ "$BED_GUEST" = a ]; then
	# A different secret: the MDC's proof does not match ours.
	mv /etc/xsanfs/vol1.auth_secret /tmp/vol1.auth_secret
	echo "not-the-volume-secret-at-all" > /etc/xsanfs/vol1.auth_secret
	chmod 600 /etc/xsanfs/vol1.auth_secret
	mnt_msg 'volume vol1: authentication failed: metadata controller 10\.0\.2\.100:60766 does not know this host.s secret for the volume' \
		-o mdc=10.0.2.100 vol1 /mnt/x
	# Readable by others: refused before anything is sent.
	chmod 644 /etc/xsanfs/vol1.auth_secret
	mnt_msg 'vol1\.auth_secret: readable or writable by group or others \(mode 0644\); chmod 600 it' \
		-o mdc=10.0.2.100 vol1 /mnt/x
	# No secret at all: the kernel says where it belongs.
	rm /etc/xsanfs/vol1.auth_secret
	mnt_msg 'volume vol1: no secret for it in the keyring: put it in /etc/xsanfs/vol1\.auth_secret' \
		-o mdc=10.0.2.100 vol1 /mnt/x
	mv /tmp/vol1.auth_secret /etc/xsanfs/vol1.auth_secret
fi
# A volume the MDC does not serve.
mnt_msg 'volume other: metadata controller 10\.0\.2\.100:60766 does not serve a volume of that name' \
	-o mdc=10.0.2.100 other /mnt/x
# The secret never reaches the kernel log.
dmesg | grep -F "$secret" > /dev/null && fail "the volume secret is in the kernel log"
bed_barrier mounted
rmmod xsanfs
echo "mount-mdc: ok"
