# bed: guests=2 luns=lun0:64M,lun1:64M mdc=vol1 deadline=240
# SPDX-License-Identifier: GPL-2.0
# Issue 14: chattr +i (immutable) and +a (append-only) across two
# clients. The MDC keeps the flags and refuses what they forbid for every
# client (SETATTR with XSAN_SA_IFLAGS takes the others' tokens back
# first); each client's VFS enforces them too (S_IMMUTABLE, S_APPEND).
#   1. A makes a finished clip immutable: on B lsattr shows it, and
#      appending, truncating, chmod, rm, mv and ln are refused with
#      EPERM; reading works; root on A is refused too. A descriptor B
#      had open for writing before is refused as well.
#   2. B clears it: A may write again.
#   3. append-only: B appends (O_APPEND); truncating, overwriting
#      without O_APPEND, rm and chmod are refused on both guests.
#   4. only root (CAP_LINUX_IMMUTABLE) sets them; other flags are not
#      supported.
# Before this work: lsattr and chattr failed "Inappropriate ioctl for
# device".
set -euo pipefail
. /bed/lib.sh
export LC_ALL=C

M=/mnt/x
insmod /opt/xsanfs/xsanfs.ko
mkdir -p $M
out=$(timeout 60 mount -t xsanfs -o mdc=10.0.2.100 vol1 $M 2>&1) ||
	fail "mount of vol1 failed: $out"
bed_barrier mounted

# refused WHAT CMD...: CMD must fail with "Operation not permitted"
refused() {
	local what=$1 out
	shift
	if out=$("$@" 2>&1); then
		fail "$what succeeded on $BED_GUEST"
	fi
	echo "$out" | grep -q "Operation not permitted" ||
		fail "$what on $BED_GUEST: '$out', want Operation not permitted"
}

# flags FILE: the lsattr flags column
flags() {
	lsattr -d "$1" 2> /dev/null | cut -d' ' -f1
}

# 1. immutable, seen and enforced on the other guest
if [ "$BED_GUEST" = a ]; then
	head -c 100000 /dev/urandom > $M/clip
	md5sum < $M/clip > $M/clip.md5
	: > $M/open
fi
bed_barrier made
if [ "$BED_GUEST" = b ]; then
	exec 5>> $M/open
fi
bed_barrier opened
if [ "$BED_GUEST" = a ]; then
	out=$(chattr +i $M/clip $M/open 2>&1) || fail "chattr +i: $out"
	flags $M/clip | grep -q i || fail "lsattr on A after chattr +i: $(flags $M/clip)"
fi
bed_barrier immutable
if [ "$BED_GUEST" = b ]; then
	flags $M/clip | grep -q i || fail "lsattr on B does not show A's +i: $(flags $M/clip)"
	refused "append to an immutable file" bash -c "echo x >> $M/clip"
	refused "truncate of an immutable file" truncate -s 0 $M/clip
	refused "chmod of an immutable file" chmod 600 $M/clip
	refused "rm of an immutable file" rm -f $M/clip
	refused "mv of an immutable file" mv $M/clip $M/clip2
	refused "ln to an immutable file" ln $M/clip $M/clip3
	refused "setfattr of an immutable file" setfattr -n user.x -v 1 $M/clip
	if echo x >&5 2> /dev/null; then
		fail "a descriptor opened for writing before +i still writes"
	fi
	exec 5>&-
	[ "$(md5sum < $M/clip)" = "$(cat $M/clip.md5)" ] ||
		fail "immutable clip reads back different"
fi
bed_barrier checked1
if [ "$BED_GUEST" = a ]; then
	refused "root's append on A" bash -c "echo x >> $M/clip"
	[ "$(stat -c %s $M/open)" = 0 ] || fail "the immutable file 'open' grew to $(stat -c %s $M/open)"
fi
bed_barrier checked1a

# 2. cleared on B, writable on A
if [ "$BED_GUEST" = b ]; then
	chattr -i $M/clip $M/open
fi
bed_barrier cleared
if [ "$BED_GUEST" = a ]; then
	flags $M/clip | grep -q i && fail "lsattr on A still shows +i after B's chattr -i"
	echo more >> $M/clip || fail "A may not append after B's chattr -i"
	rm $M/open || fail "rm after chattr -i"
fi
bed_barrier checked2

# 3. append-only
if [ "$BED_GUEST" = a ]; then
	echo "line 1" > $M/log
	chattr +a $M/log
fi
bed_barrier appendonly
if [ "$BED_GUEST" = b ]; then
	flags $M/log | grep -q a || fail "lsattr on B does not show +a: $(flags $M/log)"
	echo "line 2" >> $M/log || fail "append (O_APPEND) to an append-only file refused on B"
	refused "O_TRUNC of an append-only file" bash -c "echo x > $M/log"
	refused "write without O_APPEND" dd if=/dev/zero of=$M/log bs=1 count=1 conv=notrunc status=none
	refused "truncate of an append-only file" truncate -s 0 $M/log
	refused "rm of an append-only file" rm -f $M/log
	refused "chmod of an append-only file" chmod 600 $M/log
fi
bed_barrier checked3
if [ "$BED_GUEST" = a ]; then
	[ "$(cat $M/log)" = "line 1
line 2" ] || fail "append-only log on A: '$(cat $M/log)'"
	refused "rm of an append-only file on A" rm -f $M/log
	chattr -a $M/log
	rm $M/log
fi
bed_barrier checked3a

# 4. who may set them; nothing else is supported
if [ "$BED_GUEST" = a ]; then
	: > $M/mine
	chown 1000:1000 $M/mine
	refused "chattr +i by the owner without CAP_LINUX_IMMUTABLE" \
		setpriv --reuid=1000 --regid=1000 --clear-groups chattr +i $M/mine
	if out=$(chattr +d $M/mine 2>&1); then
		fail "chattr +d (nodump) succeeded: not supported"
	fi
	echo "$out" | grep -q "Operation not supported" ||
		fail "chattr +d: '$out', want Operation not supported"
fi
bed_barrier done
umount $M
echo "chattr: ok"
