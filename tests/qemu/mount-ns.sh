# bed: guests=1 luns=lun0:64M,lun1:64M mdc=vol1 deadline=180
# SPDX-License-Identifier: GPL-2.0
# mount without mdc=: mount.xsanfs reads /etc/xsanfs/fsnameservers, asks
# the real xsanmdc's name service (10.0.2.100:60868, relayed to the host)
# where vol1 is served, finds vol1's LUNs on this guest's disks with
# libblkid (-v), and hands the kernel mdc=ADDRESS:PORT, which the kernel's
# own sentence then names. Also: no fsnameservers, a dead first name
# server, a volume the name service does not know.
#
# The name service reports the MDC's real session port on the host, which
# the bed does not relay (it relays 60766 only), so the kernel's attempt
# fails; what is checked is that it was made with the address the name
# service gave.
set -euo pipefail
. /bed/lib.sh

mkdir -p /mnt/x
rm -f /etc/xsanfs/fsnameservers

# run_helper ARGS...: mount.xsanfs, bounded; sets out and rc.
run_helper() {
	set +e
	out=$(timeout 60 mount.xsanfs "$@" 2>&1)
	rc=$?
	set -e
	echo "mount.xsanfs $* -> status $rc:"
	echo "$out"
	[ "$rc" -ne 124 ] || fail "mount.xsanfs $* hung"
}

# 1. Neither mdc= nor fsnameservers: the sentence says what to do.
run_helper vol1 /mnt/x
[ "$rc" -eq 32 ] || fail "no fsnameservers: status $rc, want 32"
grep -qF 'mount.xsanfs: no metadata controller for volume vol1: give -o mdc=HOST or list name servers in /etc/xsanfs/fsnameservers' <<<"$out" ||
	fail "no fsnameservers: wrong sentence"

# 2. The name service answers; -f stops before the kernel.
printf '# name servers\n10.0.2.100\n' > /etc/xsanfs/fsnameservers
run_helper vol1 /mnt/x -fv
[ "$rc" -eq 0 ] || fail "-fv through the name service: status $rc"
addr=$(sed -n 's/^mount.xsanfs: name server 10\.0\.2\.100 port 60868: volume vol1 is served at \(10\.0\.2\.100:[0-9]*\)$/\1/p' <<<"$out")
[ -n "$addr" ] || fail "no answer from the name service in the -v output"
grep -qF "fsconfig(FSCONFIG_SET_STRING, \"mdc\", \"$addr\")" <<<"$out" ||
	fail "mdc=$addr is not what goes to the kernel"
# Both LUNs of vol1, found by their headers on this guest's sd disks.
for l in lun0 lun1; do
	grep -Eq "^mount.xsanfs: LUN $l is /dev/sd[a-z]+ partition 1 \(stripe group 0, disk [01]\)$" <<<"$out" ||
		fail "LUN $l of vol1 not found"
done

# 3. A dead first name server (nobody owns 10.0.2.101): the next answers.
printf '10.0.2.101\n10.0.2.100\n' > /etc/xsanfs/fsnameservers
run_helper vol1 /mnt/x -fv -o timeout=5
[ "$rc" -eq 0 ] || fail "first name server dead: status $rc"
grep -q '^mount.xsanfs: name server 10\.0\.2\.101 port 60868' <<<"$out" ||
	fail "the dead name server was not tried first"
grep -qF "fsconfig(FSCONFIG_SET_STRING, \"mdc\", \"$addr\")" <<<"$out" ||
	fail "first name server dead: mdc=$addr is not what goes to the kernel"
printf '10.0.2.100\n' > /etc/xsanfs/fsnameservers

# 4. A volume the name service does not know.
run_helper other /mnt/x -f
[ "$rc" -eq 32 ] || fail "unknown volume: status $rc, want 32"
grep -qF 'mount.xsanfs: volume other is unknown to the name service (asked 10.0.2.100 port 60868)' <<<"$out" ||
	fail "unknown volume: wrong sentence"

# 5. A real mount without mdc=: the kernel gets the name service's address.
insmod /opt/xsanfs/xsanfs.ko
set +e
out=$(timeout 90 mount -t xsanfs -o timeout=5 vol1 /mnt/x 2>&1)
rc=$?
set -e
echo "mount -t xsanfs -o timeout=5 vol1 /mnt/x -> status $rc:"
echo "$out"
[ "$rc" -ne 124 ] || fail "mount hung"
[ "$rc" -eq 0 ] || fail "mount through the name service failed: $out"
# /proc/mounts shows the address the name service gave, never a secret;
# the bed relays that port to the host's xsanmdc.
grep -E "^vol1 /mnt/x xsanfs .*mdc=$addr" /proc/mounts ||
	fail "/proc/mounts lacks mdc=$addr: $(grep xsanfs /proc/mounts)"
stat /mnt/x >/dev/null || fail "stat of the mounted root failed"
umount /mnt/x
secret=$(cat /etc/xsanfs/vol1.auth_secret)
grep -qF "$secret" /proc/mounts && fail "the volume secret is in /proc/mounts"
dmesg | grep -F "$secret" > /dev/null && fail "the volume secret is in the kernel log"
grep -q 'xsanfs:' /proc/keys && fail "an xsanfs key outlived the mount"
rmmod xsanfs
echo "mount-ns: ok"
