# bed: guests=2 luns=lun0:64M mdc=vol1 deadline=300
# SPDX-License-Identifier: GPL-2.0
# Issue 12, hole 9, made certain: a REVOKE in progress when umount
# begins. umount-race.sh loops through the race and hopes to hit it;
# here A holds the window open. A writes and reads a file F (its data
# and attribute tokens), sets the module's test knob revoke_delay_ms to
# 4000 (each revoke queue waits that long before it runs, holding its
# inode reference) and tells B, which overwrites F: the MDC sends A a
# REVOKE, whose work now sleeps with F's inode held. As soon as A's log
# shows it ("revoke of inode N held"), A unmounts. The umount must wait
# for that work before it evicts the inodes (xsan_kill_sb calls
# xsan_tok_stop_callbacks() first). Without that: evict_inodes() skips
# the held inode, "VFS: Busy inodes after unmount" (grepped here: the
# bed's log scan does not know it), and the work then answers the
# REVOKE through a superblock and workqueues already gone (an oops, or
# KASAN under make check-debug). B's write must succeed and read back.
set -euo pipefail
. /bed/lib.sh
. /bed/data-lib.sh

M=/mnt/x
P=/sys/module/xsanfs/parameters/revoke_delay_ms
insmod /opt/xsanfs/xsanfs.ko
mkdir -p $M
out=$(timeout 60 mount -t xsanfs -o mdc=10.0.2.100 vol1 $M 2>&1) ||
	fail "mount of vol1 failed: $out"

case "$BED_GUEST" in
a)
	gen "revokeA" 65536 > /tmp/f
	cp /tmp/f $M/F
	sync
	[ "$(sum $M/F)" = "$(sum /tmp/f)" ] || fail "F does not read back"
	echo 4000 > $P
	bed_barrier ready
	t0=$SECONDS
	until dmesg | grep 'revoke of inode .* held' > /dev/null; do
		[ $((SECONDS - t0)) -lt 60 ] ||
			fail "no REVOKE reached A within 60 s of B's write"
		sleep 0.1
	done
	t1=$(date +%s%N)
	timeout 60 umount $M || fail "umount failed"
	t2=$(date +%s%N)
	echo 0 > $P
	if dmesg | grep 'Busy inodes' > /dev/null; then
		dmesg | grep -B2 -A2 'Busy inodes'
		fail "Busy inodes after unmount"
	fi
	echo "umount-revoke: umount took $(((t2 - t1) / 1000000)) ms with a revoke held 4000 ms"
	# the module is still sound: mount again and read B's bytes
	out=$(timeout 60 mount -t xsanfs -o mdc=10.0.2.100 vol1 $M 2>&1) ||
		fail "mount after the race failed: $out"
	bed_barrier written
	head -c 4096 $M/F | grep '^revokeB' > /dev/null || fail "A does not read B's write"
	timeout 60 umount $M || fail "second umount failed"
	;;
b)
	bed_barrier ready
	data=$(gen "revokeB" 4096)
	timeout 120 bash -c "printf '%s' \"\$1\" 1<> $M/F" _ "$data" ||
		fail "B's write to F failed"
	[ "$(head -c 4096 $M/F)" = "$data" ] || fail "B does not read its write back"
	bed_barrier written
	timeout 60 umount $M || fail "umount failed"
	;;
esac
echo "umount-revoke: ok"
