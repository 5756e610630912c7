# bed: guests=1 luns=lun0:64M,lun1:64M mdc=vol1 deadline=420
# SPDX-License-Identifier: GPL-2.0
# The kernel client's namespace against the real xsanmdc, one guest: every
# operation (create, mkdir, mknod, symlink/readlink, link, unlink, rmdir,
# rename with NOREPLACE, setattr, xattrs, readdir over several READDIR
# chunks) checked with stat/ls/getfattr, and the errors EEXIST, ENOENT,
# ENOTDIR, EISDIR, ENOTEMPTY, EACCES (uid 1000), ELOOP, ENAMETOOLONG, the
# sticky bit, EXDEV (rename and link to tmpfs and to a second mount of the
# same volume), EBUSY from umount with an open file or a cwd inside (the
# mount stays usable), and an unlinked open file (fstat: nlink 0).
# Two-guest coherence is tests/qemu/coherence-*.sh.
set -euo pipefail
. /bed/lib.sh

M=/mnt/x
# entries for the large directory (NS_BIG=100000 for the full size)
BIG=${NS_BIG:-3000}
# commands run as other users (words, so that timeout can run them)
user="setpriv --reuid=1000 --regid=1000 --clear-groups"
other="setpriv --reuid=1001 --regid=1001 --clear-groups"

# want_err MESSAGE CMD...: CMD fails and says MESSAGE (strerror text)
want_err() {
	local want=$1 out rc
	shift
	set +e
	out=$(timeout 60 "$@" 2>&1)
	rc=$?
	set -e
	[ "$rc" -ne 124 ] || fail "$* hung"
	[ "$rc" -ne 0 ] || fail "$* succeeded, expected '$want'"
	grep -qF "$want" <<<"$out" || fail "$* said '$out', expected '$want'"
	echo "ok: $* -> $want"
}
# want_eq WHAT GOT EXPECTED
want_eq() {
	[ "$2" = "$3" ] || fail "$1: got '$2', expected '$3'"
	echo "ok: $1 = ${3:0:60}"
}

# renameat2(AT_FDCWD, $1, AT_FDCWD, $2, FLAG) with its errno as exit status
# (0: done). Nothing in the Debian 12 guest calls renameat2 with
# RENAME_EXCHANGE (mv --exchange is coreutils 9.5), so the test writes this
# 161-byte static x86-64 program: an ELF header, one PT_LOAD of the whole
# file at 0x400000, and at 0x400078
#   mov rsi,[rsp+16]  mov r10,[rsp+24]  mov edi,-100  mov edx,edi
#   mov r8d,FLAG  mov eax,316 (renameat2)  syscall
#   mov edi,eax  neg edi  mov eax,60 (exit)  syscall
# mk_renameat2 FLAG-BYTE-HEX FILE
mk_renameat2() {
	local elf=""
	elf+='\x7f\x45\x4c\x46\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00'
	elf+='\x02\x00\x3e\x00\x01\x00\x00\x00\x78\x00\x40\x00\x00\x00\x00\x00'
	elf+='\x40\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00'
	elf+='\x00\x00\x00\x00\x40\x00\x38\x00\x01\x00\x00\x00\x00\x00\x00\x00'
	elf+='\x01\x00\x00\x00\x05\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00'
	elf+='\x00\x00\x40\x00\x00\x00\x00\x00\x00\x00\x40\x00\x00\x00\x00\x00'
	elf+='\xa1\x00\x00\x00\x00\x00\x00\x00\xa1\x00\x00\x00\x00\x00\x00\x00'
	elf+='\x00\x10\x00\x00\x00\x00\x00\x00'
	elf+='\x48\x8b\x74\x24\x10\x4c\x8b\x54\x24\x18\xbf\x9c\xff\xff\xff\x89\xfa'
	elf+="\\x41\\xb8\\x$1\\x00\\x00\\x00"
	elf+='\xb8\x3c\x01\x00\x00\x0f\x05\x89\xc7\xf7\xdf\xb8\x3c\x00\x00\x00\x0f\x05'
	# shellcheck disable=SC2059 # the escapes are the program
	printf "$elf" > "$2"
	chmod 755 "$2"
}
# want_rc ERRNO CMD...: CMD exits with status ERRNO
want_rc() {
	local want=$1 rc=0
	shift
	timeout 60 "$@" || rc=$?
	[ "$rc" -eq "$want" ] || fail "$*: exit status $rc, expected $want"
	echo "ok: $* -> $want"
}

insmod /opt/xsanfs/xsanfs.ko
mkdir -p $M
timeout 60 mount -t xsanfs -o mdc="$BED_MDC" vol1 $M || fail "mount failed"
grep -q " $M xsanfs " /proc/mounts || fail "not in /proc/mounts"
want_eq "root type" "$(stat -c %F $M)" "directory"
chmod 755 $M
root_links=$(stat -c %h $M)

# --- creating ---------------------------------------------------------------
umask 022
touch $M/f
want_eq "new file" "$(stat -c '%F %s %h %a %u %g' $M/f)" "regular empty file 0 1 644 0 0"
mkdir $M/d
want_eq "new dir" "$(stat -c '%F %h %a' $M/d)" "directory 2 755"
want_eq "parent nlink after mkdir" "$(stat -c %h $M)" "$((root_links + 1))"
mknod $M/p p
want_eq "fifo" "$(stat -c %F $M/p)" "fifo"
mknod $M/c c 1 3
want_eq "char device" "$(stat -c '%F %t %T' $M/c)" "character special file 1 3"
mknod $M/b b 8 17
want_eq "block device" "$(stat -c '%F %t %T' $M/b)" "block special file 8 11"
ln -s f $M/l
want_eq "symlink" "$(stat -c %F $M/l)" "symbolic link"
want_eq "readlink" "$(readlink $M/l)" "f"
want_eq "follow" "$(stat -L -c %i $M/l)" "$(stat -c %i $M/f)"
long=$(printf 'x%.0s' $(seq 4000))
ln -s "$long" $M/longlink
want_eq "4000-byte target" "$(readlink $M/longlink | md5sum)" "$(printf "%s\n" "$long" | md5sum)"
ln $M/f $M/f2
want_eq "hard link nlink" "$(stat -c %h $M/f)" "2"
want_eq "hard link inode" "$(stat -c %i $M/f2)" "$(stat -c %i $M/f)"

# --- attributes ---------------------------------------------------------------
chmod 640 $M/f
want_eq "chmod" "$(stat -c %a $M/f2)" "640"
chown 1000:1000 $M/f
want_eq "chown" "$(stat -c '%u %g' $M/f)" "1000 1000"
touch -m -d '2001-02-03 04:05:06 UTC' $M/f
want_eq "utimes mtime" "$(stat -c %Y $M/f)" "981173106"
touch -a -d '@1234567890.5' $M/f
want_eq "utimes atime" "$(stat -c %X $M/f)" "1234567890"
truncate -s 123456 $M/f
want_eq "truncate up" "$(stat -c %s $M/f)" "123456"
truncate -s 0 $M/f
want_eq "truncate to 0" "$(stat -c %s $M/f)" "0"
ctime0=$(stat -c %Z $M/f)
sleep 1.1
chmod 600 $M/f
[ "$(stat -c %Z $M/f)" -gt "$ctime0" ] || fail "chmod did not move ctime"
# the data path: what is written reads back
echo data > $M/f
want_eq "read back" "$(cat $M/f)" "data"

# --- xattrs -------------------------------------------------------------------
setfattr -n user.color -v blue $M/f
want_eq "getxattr" "$(getfattr --only-values -n user.color $M/f)" "blue"
setfattr -n user.empty $M/f
setfattr -n trusted.secret -v 42 $M/d
setfattr -n security.label -v 'x y' $M/d
want_eq "security getxattr" "$(getfattr --only-values -n security.label $M/d)" "x y"
want_eq "trusted getxattr" "$(getfattr --only-values -n trusted.secret $M/d)" "42"
big=$(head -c 3000 /dev/urandom | xxd -p | tr -d '\n')
setfattr -n user.big -v "0x$big" $M/f
want_eq "3000-byte value" "$(getfattr --only-values -n user.big $M/f | md5sum)" \
	"$(printf '%s' "$big" | xxd -r -p | md5sum)"
want_eq "listxattr" "$(getfattr -m - --absolute-names $M/f | grep -v '^#' | sort | tr '\n' ' ')" \
	" user.big user.color user.empty "
setfattr -x user.color $M/f
want_err "No such attribute" getfattr -n user.color $M/f
want_err "No such attribute" setfattr -x user.color $M/f
want_eq "trusted hidden from users" "$($user getfattr -m - --absolute-names $M/d 2>&1 | grep -c trusted || true)" "0"
want_err "Permission denied" $user setfattr -n user.x -v 1 $M/d

# --- rename -------------------------------------------------------------------
ino=$(stat -c %i $M/f2)
mv $M/f2 $M/g
[ ! -e $M/f2 ] || fail "f2 still there after rename"
want_eq "renamed inode" "$(stat -c %i $M/g)" "$ino"
mv $M/g $M/d/g
want_eq "rename across dirs" "$(stat -c %i $M/d/g)" "$ino"
touch $M/victim
mv $M/d/g $M/victim
want_eq "rename over a file" "$(stat -c '%i %h' $M/victim)" "$ino 2"
mkdir $M/d2
mv $M/d2 $M/d/d2
want_eq "dir moved: old parent nlink" "$(stat -c %h $M)" "$((root_links + 1))"
want_eq "dir moved: new parent nlink" "$(stat -c %h $M/d)" "3"
# RENAME_NOREPLACE: mv -n calls renameat2 with it; the kernel says EEXIST
touch $M/n1 $M/n2
out=$(strace -f -e trace=renameat2 mv -n $M/n1 $M/n2 2>&1 || true)
grep -q 'RENAME_NOREPLACE) = -1 EEXIST' <<<"$out" ||
	fail "renameat2(NOREPLACE) onto an existing name: $out"
[ -e $M/n1 ] || fail "NOREPLACE rename moved n1 anyway"
rm $M/n2
out=$(strace -f -e trace=renameat2 mv -n $M/n1 $M/n2 2>&1 || true)
grep -q 'RENAME_NOREPLACE) = 0' <<<"$out" || fail "renameat2(NOREPLACE) to a free name: $out"
[ -e $M/n2 ] && [ ! -e $M/n1 ] || fail "NOREPLACE rename to a free name did not move"

# RENAME_EXCHANGE: a file and a directory, then across directories
mk_renameat2 02 /tmp/rename-exchange
mk_renameat2 04 /tmp/rename-whiteout
mkdir $M/xa
touch $M/xb
ia=$(stat -c %i $M/xa)
ib=$(stat -c %i $M/xb)
want_rc 0 /tmp/rename-exchange $M/xa $M/xb
want_eq "exchanged: xa" "$(stat -c '%F %i' $M/xa)" "regular empty file $ib"
want_eq "exchanged: xb" "$(stat -c '%F %i' $M/xb)" "directory $ia"
touch $M/d/xc
ic=$(stat -c %i $M/d/xc)
want_rc 0 /tmp/rename-exchange $M/xb $M/d/xc
want_eq "exchanged across dirs: d/xc" "$(stat -c '%F %i' $M/d/xc)" "directory $ia"
want_eq "exchanged across dirs: xb" "$(stat -c '%F %i' $M/xb)" "regular empty file $ic"
want_eq "exchanged dir: nlink of d" "$(stat -c %h $M/d)" "4"
want_rc 2 /tmp/rename-exchange $M/xa $M/nothing
want_rc 22 /tmp/rename-whiteout $M/xa $M/xw
[ -e $M/xa ] && [ ! -e $M/xw ] || fail "RENAME_WHITEOUT changed something"
rm $M/xa $M/xb
rmdir $M/d/xc

# --- errors -------------------------------------------------------------------
want_err "File exists" mkdir $M/d
want_err "File exists" ln -s x $M/p
want_err "File exists" mknod $M/p p
want_err "File exists" ln $M/victim $M/l
want_err "No such file or directory" stat $M/nothing
want_err "No such file or directory" rm $M/nothing
want_err "No such file or directory" mv $M/nothing $M/else
want_err "Not a directory" stat $M/victim/x
want_err "Not a directory" mkdir $M/victim/x
want_err "Not a directory" rmdir $M/victim
want_err "Is a directory" sh -c ": > $M/d"
want_err "Is a directory" unlink $M/d
want_err "Directory not empty" rmdir $M/d
want_err "Too many levels of symbolic links" sh -c "ln -s loop2 $M/loop1 && ln -s loop1 $M/loop2 && cat $M/loop1"
want_err "File name too long" touch "$M/$(printf 'a%.0s' $(seq 256))"
touch "$M/$(printf 'a%.0s' $(seq 255))"
[ -e "$M/$(printf 'a%.0s' $(seq 255))" ] || fail "255-byte name not found"
# EACCES for a user: a 755 directory of root, a 700 one, a 600 file
want_err "Permission denied" $user touch $M/d/mine
want_err "Permission denied" $user mkdir $M/d/mine
want_err "Permission denied" $user rm $M/victim
mkdir -m 700 $M/private
want_err "Permission denied" $user ls $M/private
want_err "Permission denied" $user stat $M/private/x
want_err "Operation not permitted" $user chmod 777 $M/d
want_err "Operation not permitted" $user chown 1000 $M/c
# sticky: in a 1777 directory only the owner (or root) removes or renames
mkdir $M/tmp
chmod 1777 $M/tmp
want_eq "sticky mode" "$(stat -c %a $M/tmp)" "1777"
$user touch $M/tmp/users
want_eq "created as user" "$(stat -c '%u %g' $M/tmp/users)" "1000 1000"
want_err "Operation not permitted" $other rm -f $M/tmp/users
want_err "Operation not permitted" $other mv $M/tmp/users $M/tmp/stolen
$user mv $M/tmp/users $M/tmp/users2
$user rm $M/tmp/users2
$user mkdir $M/tmp/udir
$user touch $M/tmp/udir/x
want_eq "user's own dir" "$(ls $M/tmp/udir)" "x"

# --- a large directory: several READDIR chunks, stable cookies --------------
mkdir $M/big
t0=$(date +%s.%N)
for i in $(seq -w 1 "$BIG"); do
	: > "$M/big/entry-with-a-rather-long-name-$i"
done
t1=$(date +%s.%N)
ls -f $M/big | sort > /tmp/got
{ echo .; echo ..; for i in $(seq -w 1 "$BIG"); do echo "entry-with-a-rather-long-name-$i"; done; } |
	sort > /tmp/want
diff -q /tmp/want /tmp/got > /dev/null || fail "big: listing differs: $(diff /tmp/want /tmp/got | head -5)"
t2=$(date +%s.%N)
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
echo "big: $BIG creates in $(secs "$t0" "$t1") s, ls -f of $(wc -l < /tmp/got) entries in $(secs "$t1" "$t2") s"
want_eq "big: find count" "$(find $M/big -mindepth 1 | wc -l)" "$BIG"
# after removals the cookies of the rest still list each once
rm $M/big/entry-with-a-rather-long-name-*[13579]
want_eq "big: after removing half" "$(ls $M/big | wc -l)" "$(( BIG - (BIG + 1) / 2 ))"
want_eq "big: no duplicates" "$(ls $M/big | sort | uniq -d | wc -l)" "0"
rm -r $M/big

# --- removing -------------------------------------------------------------------
rm $M/victim
want_eq "unlink drops nlink" "$(stat -c %h $M/d/../f)" "1"
rm $M/l $M/longlink $M/p $M/c $M/b $M/loop1 $M/loop2 $M/n2
rm "$M/$(printf 'a%.0s' $(seq 255))"
rmdir $M/d/d2
rm -r $M/d $M/tmp $M/private
rm $M/f
want_eq "root empty" "$(ls -A $M | tr '\n' ' ')" ""
want_eq "root nlink back" "$(stat -c %h $M)" "$root_links"

# --- EXDEV: rename and link never cross a mount ------------------------------
mk_renameat2 00 /tmp/rename0
mkdir -p /mnt/t /mnt/x2
mount -t tmpfs none /mnt/t
touch $M/xdev /mnt/t/xdev-t
want_rc 18 /tmp/rename0 $M/xdev /mnt/t/xdev
want_rc 18 /tmp/rename0 /mnt/t/xdev-t $M/xdev-t
want_err "Invalid cross-device link" ln $M/xdev /mnt/t/xdev-l
# a second mount of the same volume is another mount: EXDEV too
timeout 60 mount -t xsanfs -o mdc="$BED_MDC" vol1 /mnt/x2 ||
	fail "second mount of vol1 failed"
want_eq "second mount sees the file" "$(stat -c %i /mnt/x2/xdev)" "$(stat -c %i $M/xdev)"
want_rc 18 /tmp/rename0 $M/xdev /mnt/x2/xdev-moved
want_err "Invalid cross-device link" ln $M/xdev /mnt/x2/xdev-l
want_eq "nothing moved" "$(ls $M | grep -c xdev)" "1"
rm /mnt/x2/xdev
want_eq "first mount sees the removal" "$(ls $M | grep -c xdev || true)" "0"
umount /mnt/x2
umount /mnt/t

# --- umount of a busy mount: EBUSY, and the mount stays usable ---------------
touch $M/busy
exec 7< $M/busy
want_err "target is busy" umount $M
want_eq "usable after EBUSY (open file)" "$(ls $M)" "busy"
exec 7<&-
mkdir $M/cwd
(cd $M/cwd && exec sleep 120) &
cwd_pid=$!
sleep 0.5
want_err "target is busy" umount $M
touch $M/cwd/still-works
want_eq "usable after EBUSY (cwd)" "$(ls $M/cwd)" "still-works"
kill "$cwd_pid"
wait "$cwd_pid" || true
rm -r $M/cwd $M/busy
want_eq "root empty after busy" "$(ls -A $M | tr '\n' ' ')" ""

# --- an open file outlives its last name -------------------------------------
touch $M/ou
exec 8< $M/ou
rm $M/ou
want_eq "fstat of an unlinked open file" "$(stat -L -c '%h %s' /proc/self/fd/8)" "0 0"
exec 8<&-
want_eq "gone after close" "$(ls -A $M | tr '\n' ' ')" ""

# --- the cache goes away cleanly ----------------------------------------------
echo 2 > /proc/sys/vm/drop_caches
ls -la $M > /dev/null
umount $M

# --- idle tokens go back (nrtiotokentimeout=1) and come again ---------------
mountpoint -q /sys/kernel/debug || mount -t debugfs none /sys/kernel/debug
echo 'module xsanfs file token.c +p' > /sys/kernel/debug/dynamic_debug/control ||
	fail "no dynamic debug for fs/token.c"
timeout 60 mount -t xsanfs -o mdc="$BED_MDC",nrtiotokentimeout=1 vol1 $M ||
	fail "mount with nrtiotokentimeout=1 failed"
mkdir $M/idle
touch $M/idle/f
chmod 604 $M/idle/f
want_eq "before idle" "$(stat -c %a $M/idle/f)" "604"
sleep 2.5
dmesg | grep 'idle: giving back' > /dev/null || fail "no token was given back when idle"
want_eq "after idle release" "$(stat -c '%a %h' $M/idle/f)" "604 1"
want_eq "lookup after idle release" "$(ls $M/idle)" "f"
$user stat $M/idle/f > /dev/null
sleep 2.5
rm $M/idle/f
rmdir $M/idle
want_eq "root empty again" "$(ls -A $M | tr '\n' ' ')" ""
umount $M
rmmod xsanfs
dmesg | grep -i 'xsanfs.*\(bad\|MDC sent\)' && fail "the client logged bad input from the MDC"
echo "namespace: ok"
