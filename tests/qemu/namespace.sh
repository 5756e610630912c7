# bed: guests=1 luns=lun0:64M,lun1:64M mdc=vol1 deadline=420
# SPDX-License-Identifier: GPL-2.0
# The kernel client's namespace against the real xsanmdc, one guest: every
# operation (create, mkdir, mknod, symlink/readlink, link, unlink, rmdir,
# rename with NOREPLACE, setattr, xattrs, readdir over several READDIR
# chunks) checked with stat/ls/getfattr, and the errors EEXIST, ENOENT,
# ENOTDIR, EISDIR, ENOTEMPTY, EACCES (uid 1000), ELOOP, ENAMETOOLONG and
# the sticky bit. Two-guest coherence is tests/qemu/coherence-*.sh.
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
# no data path yet: open works, read and write say so
: < $M/f
want_err "Operation not supported" sh -c "echo data > $M/f"
want_err "Operation not supported" cat $M/f

# --- xattrs -------------------------------------------------------------------
setfattr -n user.color -v blue $M/f
want_eq "getxattr" "$(getfattr --only-values -n user.color $M/f)" "blue"
setfattr -n user.empty $M/f
setfattr -n trusted.secret -v 42 $M/d
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

# --- the cache goes away cleanly ----------------------------------------------
echo 2 > /proc/sys/vm/drop_caches
ls -la $M > /dev/null
umount $M
rmmod xsanfs
dmesg | grep -i 'xsanfs.*\(bad\|MDC sent\)' && fail "the client logged bad input from the MDC"
echo "namespace: ok"
