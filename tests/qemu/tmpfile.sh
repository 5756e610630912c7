# bed: guests=2 luns=lun0:64M mdc=vol1 deadline=200
# SPDX-License-Identifier: GPL-2.0
# Issue 14: O_TMPFILE (TMPFILE, fs/namei.c xsan_tmpfile). On A:
#   1. a file made with open(O_TMPFILE | O_RDWR) has 0 links, takes 8 MiB
#      of writes and an fsync, and linkat() through /proc/self/fd gives
#      it a name: B then sees the name, the size and the bytes (sha256);
#   2. one made with O_TMPFILE | O_EXCL cannot be linked (ENOENT, as
#      locally) and leaves nothing;
#   3. one written and closed with no name vanishes: its 8 MiB go back
#      to the free space;
#   4. an unprivileged user makes one in a directory it may write to.
# Before: open(O_TMPFILE) failed EOPNOTSUPP.
set -euo pipefail
. /bed/lib.sh
. /bed/data-lib.sh

M=/mnt/x
insmod /opt/xsanfs/xsanfs.ko
mkdir -p $M
out=$(timeout 60 mount -t xsanfs -o mdc=10.0.2.100 vol1 $M 2>&1) ||
	fail "mount of vol1 failed: $out"
bed_barrier mounted

if [ "$BED_GUEST" = a ]; then
	mkdir -m 1777 $M/t
	gen "tmpfile" $((8 << 20)) > /tmp/src
	bed_put sum "$(sum /tmp/src)"
	out=$(xsanio tmpfile $M/t $M/t/named < /tmp/src 2>&1) || fail "1: $out"
	echo "tmpfile: 1: $out"
	[ "$(stat -c '%h %s %a' $M/t/named)" = "1 $((8 << 20)) 640" ] ||
		fail "1: named: $(stat -c '%h %s %a' $M/t/named)"
	out=$(xsanio tmpfile $M/t $M/t/excl excl < /tmp/src 2>&1) || fail "2: $out"
	echo "tmpfile: 2: $out"
	[ "$out" = "tmpfile: link refused: No such file or directory" ] ||
		fail "2: O_TMPFILE | O_EXCL: $out"
	[ ! -e $M/t/excl ] || fail "2: the O_EXCL file got a name"
	sync
	free0=$(stat -f -c %f $M)
	out=$(xsanio tmpfile $M/t - < /tmp/src 2>&1) || fail "3: $out"
	for _ in $(seq 50); do
		free1=$(stat -f -c %f $M)
		[ "$free1" -ge "$free0" ] && break
		sleep 0.2
	done
	echo "tmpfile: 3: free blocks $free0 before, $free1 after the nameless close"
	[ "$free1" -ge "$free0" ] || fail "3: a nameless O_TMPFILE file kept its blocks ($free1 < $free0)"
	out=$(head -c 4096 /tmp/src | setpriv --reuid=1000 --regid=1000 --clear-groups \
		xsanio tmpfile $M/t $M/t/user 2>&1) || fail "4: $out"
	[ "$(stat -c '%U %h %s' $M/t/user)" = "xsan 1 4096" ] ||
		fail "4: user's file: $(stat -c '%U %h %s' $M/t/user)"
	[ "$(ls $M/t | tr '\n' ' ')" = "named user " ] ||
		fail "names in t: $(ls $M/t | tr '\n' ' ')"
fi
bed_barrier made
if [ "$BED_GUEST" = b ]; then
	[ "$(ls $M/t | tr '\n' ' ')" = "named user " ] ||
		fail "B sees in t: $(ls $M/t | tr '\n' ' ')"
	[ "$(sum $M/t/named)" = "$(bed_get sum)" ] ||
		fail "B reads other bytes in the linked O_TMPFILE file"
	echo "tmpfile: B sees the linked file, its 8 MiB intact"
fi
bed_barrier done
umount $M
echo "tmpfile: ok"
