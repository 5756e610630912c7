# bed: guests=1 luns=lun0:64M,lun1:64M mdc=vol1 deadline=150
# SPDX-License-Identifier: GPL-2.0
# A mount that stays mounted: against the real xsanmdc on the host, mount
# opens a session through the messenger, reads the block size (STATFS) and
# the root inode (GETATTR); the root can be stat'ed, df asks the MDC,
# /proc/mounts shows the volume and the options and never the secret, the
# session survives a few heartbeats, and umount ends it in bounded time.
set -euo pipefail
. /bed/lib.sh

[ -s /etc/xsanfs/vol1.auth_secret ] || fail "the volume secret is not in the guest"
secret=$(cat /etc/xsanfs/vol1.auth_secret)
insmod /opt/xsanfs/xsanfs.ko
mkdir -p /mnt/x

# mnt ARGS...: mount must succeed within 60 s
mnt() {
	local out rc
	set +e
	out=$(timeout 60 mount -t xsanfs "$@" 2>&1)
	rc=$?
	set -e
	echo "mount $* -> status $rc: $out"
	[ "$rc" -ne 124 ] || fail "mount $* hung"
	[ "$rc" -eq 0 ] || fail "mount $* failed: $out"
}
# umnt: umount /mnt/x within 30 s
umnt() {
	local t0 rc
	t0=$(date +%s)
	set +e
	timeout 30 umount /mnt/x
	rc=$?
	set -e
	[ "$rc" -ne 124 ] || fail "umount hung"
	[ "$rc" -eq 0 ] || fail "umount failed ($rc)"
	echo "umount took $(( $(date +%s) - t0 )) s"
	grep -qs ' /mnt/x ' /proc/mounts && fail "/mnt/x still mounted after umount"
	return 0
}

mnt -o mdc=10.0.2.100,timeout=7,nrtiotokentimeout=30,cvnode_max=5000 vol1 /mnt/x
line=$(grep ' /mnt/x ' /proc/mounts) || fail "mount succeeded but /mnt/x is not in /proc/mounts"
echo "/proc/mounts: $line"
set -- $line
[ "$1" = vol1 ] || fail "/proc/mounts shows source '$1', want vol1"
[ "$3" = xsanfs ] || fail "/proc/mounts shows type '$3', want xsanfs"
for o in rw mdc=10.0.2.100:60766 timeout=7 hard nrtiotokentimeout=30 cvnode_max=5000; do
	grep -q ",$o\(,\|$\)\|^$o," <<<"$4" || fail "/proc/mounts options '$4' lack $o"
done
grep -qF "$secret" /proc/mounts && fail "the volume secret is in /proc/mounts"
grep -q 'xsanfs:' /proc/keys && fail "an xsanfs key outlived the mount: $(grep xsanfs: /proc/keys)"

# The root directory, from GETATTR of fid 1/1.
st=$(stat -c '%F %i' /mnt/x) || fail "stat /mnt/x failed"
echo "stat /mnt/x: $st"
[ "$st" = "directory 1" ] || fail "stat /mnt/x says '$st', want 'directory 1'"

# statfs goes to the MDC: a volume of two 64 MiB LUNs has blocks.
df_out=$(timeout 30 df -P /mnt/x) || fail "df /mnt/x failed"
echo "$df_out"
total=$(awk 'NR == 2 { print $2 }' <<<"$df_out")
[ "${total:-0}" -gt 0 ] || fail "df shows no blocks for /mnt/x"
ftype=$(stat -f -c '%t' /mnt/x)
[ "$ftype" = 5853414e ] || fail "statfs f_type is $ftype, want 5853414e"

# A heartbeat later (lease/3 is under 8 s with the bed's 20 s lease) the session still answers.
sleep 8
stat /mnt/x > /dev/null || fail "stat /mnt/x failed after a heartbeat"
timeout 30 df -P /mnt/x > /dev/null || fail "df failed after a heartbeat"
umnt

# ro and soft, a second session.
mnt -o mdc=10.0.2.100,ro,soft vol1 /mnt/x
line=$(grep ' /mnt/x ' /proc/mounts) || fail "ro mount not in /proc/mounts"
echo "/proc/mounts: $line"
grep -q ' ro,' <<<"$line" || fail "ro mount is not ro in /proc/mounts"
grep -q ',soft' <<<"$line" || fail "soft mount does not show soft"
expect_fail touch /mnt/x/newfile
stat /mnt/x > /dev/null || fail "stat of the ro mount failed"
umnt

# Two mounts of the same volume at once: two sessions.
mkdir -p /mnt/y
mnt -o mdc=10.0.2.100 vol1 /mnt/x
mnt -o mdc=10.0.2.100 vol1 /mnt/y
stat /mnt/y > /dev/null || fail "stat of the second mount failed"
timeout 30 umount /mnt/y || fail "umount /mnt/y failed"
umnt

dmesg | grep -qF "$secret" && fail "the volume secret is in the kernel log"
rmmod xsanfs
echo "mount-session: ok"
