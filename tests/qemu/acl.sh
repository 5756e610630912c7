# bed: guests=2 luns=lun0:64M,lun1:64M mdc=vol1 deadline=300
# SPDX-License-Identifier: GPL-2.0
# Issue 14: POSIX ACLs across two clients (fs/acl.c, tools/mdc/acl.c).
# The MDC keeps and enforces them; each client caches them under ATTR_RD,
# so a change on one guest must count on the other at once.
#   1. grant: user 1001 may not write A's file f (0640 root) on B; A
#      grants u:1001:rw with setfacl; B's next write as 1001 works. The
#      mode shows the mask (0660), getfacl agrees on both guests, and
#      user 1002 is still refused.
#   2. chmod sets the mask: A's chmod 0640 makes the mask r--, so 1001's
#      write on B is refused again, and getfacl on B shows the mask.
#   3. a default ACL made on A applies to what B creates: B (umask 077)
#      creates a file and a directory under it; the file gets 1001's
#      entry masked by the mode, the directory the default ACL as its
#      own; 1001 writes the file on A; getfacl agrees on both guests.
#      Without a default ACL the umask applies (a file, a directory, a
#      FIFO made with umask 027).
#   4. only the owner sets ACLs (EPERM for 1001); setfacl -b removes the
#      ACL and the mode stays; a non-directory takes no default ACL.
# Before this work: setfacl failed "Operation not supported".
set -euo pipefail
. /bed/lib.sh
export LC_ALL=C

command -v setfacl > /dev/null ||
	fail "setfacl is not in the guest image (scripts/qemu/mkinitramfs.sh PKGS needs the acl package)"
M=/mnt/x
insmod /opt/xsanfs/xsanfs.ko
mkdir -p $M
out=$(timeout 60 mount -t xsanfs -o mdc=10.0.2.100 vol1 $M 2>&1) ||
	fail "mount of vol1 failed: $out"
bed_barrier mounted

as() {
	local uid=$1
	shift
	setpriv --reuid="$uid" --regid="$uid" --clear-groups "$@"
}

# can_write UID FILE: does UID's append to FILE succeed?
can_write() {
	as "$1" bash -c "echo $BED_GUEST >> '$2'" 2> /dev/null
}

# acl_of FILE: its ACL, numeric, without the header
acl_of() {
	getfacl -n --omit-header "$1" 2> /dev/null
}

# same_acl FILE WHAT: the ACL here is the one the other guest saved in
# FILE.acl.OTHER
same_acl() {
	local other=a
	[ "$BED_GUEST" = a ] && other=b
	local mine theirs
	mine=$(acl_of "$1")
	theirs=$(cat "$1.acl.$other")
	[ "$mine" = "$theirs" ] ||
		fail "$2: getfacl on $BED_GUEST differs from $other's:
$mine
--- $other:
$theirs"
}

# 1. a grant made on A counts on B at once
if [ "$BED_GUEST" = a ]; then
	mkdir -m 0755 $M/proj
	head -c 100 /dev/zero > $M/proj/f
	chmod 0640 $M/proj/f
fi
bed_barrier made
if [ "$BED_GUEST" = b ]; then
	can_write 1001 $M/proj/f && fail "1001 wrote a 0640 root file before any ACL"
	true
fi
bed_barrier refused
if [ "$BED_GUEST" = a ]; then
	out=$(setfacl -m u:1001:rw $M/proj/f 2>&1) || fail "setfacl -m u:1001:rw: $out"
	[ "$(stat -c %a $M/proj/f)" = 660 ] ||
		fail "mode after setfacl: $(stat -c %a $M/proj/f), want 660 (the mask)"
	acl_of $M/proj/f > $M/proj/f.acl.a
fi
bed_barrier granted
if [ "$BED_GUEST" = b ]; then
	can_write 1001 $M/proj/f || fail "1001 may not write on B after A's setfacl u:1001:rw"
	can_write 1002 $M/proj/f && fail "1002 wrote, granted nothing"
	[ "$(stat -c %a $M/proj/f)" = 660 ] ||
		fail "mode on B: $(stat -c %a $M/proj/f), want 660"
	same_acl $M/proj/f "after setfacl on A"
	acl_of $M/proj/f | grep -qx 'user:1001:rw-' || fail "B's getfacl has no user:1001:rw-"
fi
bed_barrier checked1

# 2. chmod sets the mask, on the other guest too
if [ "$BED_GUEST" = a ]; then
	chmod 0640 $M/proj/f
	acl_of $M/proj/f | grep -qx 'mask::r--' || fail "mask after chmod 0640: $(acl_of $M/proj/f)"
	acl_of $M/proj/f > $M/proj/f.acl.a
fi
bed_barrier chmod
if [ "$BED_GUEST" = b ]; then
	can_write 1001 $M/proj/f && fail "1001 wrote on B through a mask of r--"
	as 1001 cat $M/proj/f > /dev/null || fail "1001 may not read through user:1001:rw- and mask r--"
	same_acl $M/proj/f "after chmod on A"
fi
bed_barrier checked2

# 3. a default ACL made on A applies to what B creates
if [ "$BED_GUEST" = a ]; then
	mkdir -m 0755 $M/shared
	out=$(setfacl -d -m u:1001:rwx,g:2000:rx $M/shared 2>&1) || fail "setfacl -d: $out"
fi
bed_barrier default
if [ "$BED_GUEST" = b ]; then
	# without a default ACL the umask applies (the MDC applies it now)
	(umask 027; echo b > $M/proj/um; mkdir $M/proj/umd; mkfifo $M/proj/ump)
	[ "$(stat -c %a $M/proj/um $M/proj/umd $M/proj/ump | tr '\n' ' ')" = "640 750 640 " ] ||
		fail "umask 027 not applied: $(stat -c '%n %a' $M/proj/um $M/proj/umd $M/proj/ump)"
	(umask 077; echo b > $M/shared/fromb; mkdir $M/shared/dirb)
	a=$(acl_of $M/shared/fromb)
	echo "$a" | grep -qx 'user:1001:rwx[[:space:]]*#effective:rw-' ||
		fail "file made on B under a default ACL lacks user:1001 (effective rw-):
$a"
	[ "$(stat -c %a $M/shared/fromb)" = 664 ] ||
		fail "mode of the file made on B: $(stat -c %a $M/shared/fromb), want 664 (the umask does not apply)"
	acl_of $M/shared/dirb | grep -qx 'default:user:1001:rwx' ||
		fail "directory made on B did not inherit the default ACL: $(acl_of $M/shared/dirb)"
	acl_of $M/shared/fromb > $M/shared/fromb.acl.b
	acl_of $M/shared/dirb > $M/shared/dirb.acl.b
fi
bed_barrier created
if [ "$BED_GUEST" = a ]; then
	can_write 1001 $M/shared/fromb || fail "1001 may not write on A a file B made under the default ACL"
	can_write 1002 $M/shared/fromb && fail "1002 wrote the inherited-ACL file"
	same_acl $M/shared/fromb "of the file B made"
	same_acl $M/shared/dirb "of the directory B made"
fi
bed_barrier checked3

# 4. who may set, removing, default ACLs on files
if [ "$BED_GUEST" = a ]; then
	out=$(as 1001 setfacl -m u:1002:r $M/proj/f 2>&1) &&
		fail "1001 (not the owner) set an ACL"
	echo "$out" | grep -q "Operation not permitted" ||
		fail "non-owner setfacl: '$out', want Operation not permitted"
	out=$(setfacl -d -m u:1001:r $M/proj/f 2>&1) &&
		fail "a default ACL was set on a file"
	setfacl -b $M/proj/f
	[ "$(acl_of $M/proj/f | grep -c '^user:[0-9]')" = 0 ] ||
		fail "setfacl -b left entries: $(acl_of $M/proj/f)"
	[ "$(stat -c %a $M/proj/f)" = 640 ] || fail "mode after setfacl -b: $(stat -c %a $M/proj/f)"
fi
bed_barrier removed
if [ "$BED_GUEST" = b ]; then
	[ "$(acl_of $M/proj/f | grep -c '^user:[0-9]')" = 0 ] ||
		fail "B still sees named entries after setfacl -b on A: $(acl_of $M/proj/f)"
	getfattr -m - -d $M/proj/f 2> /dev/null | grep -q posix_acl &&
		fail "B still lists an ACL xattr after setfacl -b on A"
	as 1001 cat $M/proj/f > /dev/null 2>&1 &&
		fail "1001 read a 0640 root file after its ACL went"
	true
fi
bed_barrier done
umount $M
echo "acl: ok"
