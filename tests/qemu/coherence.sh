# bed: guests=2 luns=lun0:64M,lun1:64M mdc=vol1 deadline=300
# SPDX-License-Identifier: GPL-2.0
# Namespace coherence between two clients of one volume. Guest A changes
# the namespace one operation at a time (create, mkdir, rename, chmod,
# chown, utimes, symlink, hard link, user.* xattrs, rename over a file,
# unlink, rmdir, a name re-created, a directory renamed, permissions seen
# by an unprivileged user), then guest B does the same to A. Last, an open
# file outlives its last name: B holds it open while A unlinks it, and
# each client opens, unlinks and fstats a file of its own.
#
# Each step has three phases, separated by barriers:
#   1. the checker looks at the paths the step touches (stat, ls -l of the
#      directories, readlink, getfattr), so that it holds them cached:
#      dentries, negative dentries of names not there yet, attributes,
#      directory listings;
#   2. the doer runs the operation and publishes its own view of the paths
#      (one canonical text, via bed_put);
#   3. the checker, at once (no sleep, no retry), looks again and must see
#      exactly the doer's view; it must also differ from what it cached in
#      phase 1, or the step tested nothing.
# A difference fails the test with a diff of both views.
#
# COH_SELFTEST=1 in the environment (a debug copy of this script with
# guests=1 and no mdc=) runs both sides in one guest on ext4 made on lun0,
# to debug the script itself without a working client.
set -euo pipefail
. /bed/lib.sh
export LC_ALL=C TZ=UTC

M=/mnt/x
selftest=${COH_SELFTEST:-0}
if [ "$selftest" = 1 ]; then
	mkdir -p $M
	mkfs.ext4 -q -F /dev/lun/lun0
	mount -t ext4 /dev/lun/lun0 $M
else
	insmod /opt/xsanfs/xsanfs.ko
	mkdir -p $M
	out=$(timeout 60 mount -t xsanfs -o mdc=10.0.2.100 vol1 $M 2>&1) ||
		fail "mount of vol1 failed: $out"
fi
bed_barrier mounted

# view PATH...: the canonical text of what this client sees at PATHs.
view() {
	local p
	for p in "$@"; do
		# @PATH: whether the unprivileged user xsan may read PATH
		# (permission checks follow the other client's chmod)
		if [ "${p#@}" != "$p" ]; then
			if setpriv --reuid=1000 --regid=1000 --clear-groups \
				head -c 0 -- "${p#@}" 2> /dev/null; then
				echo "$p: readable by uid 1000"
			else
				echo "$p: not readable by uid 1000"
			fi
			continue
		fi
		if [ ! -e "$p" ] && [ ! -L "$p" ]; then
			echo "$p: absent"
			continue
		fi
		stat -c '%n: %F mode=%a uid=%u gid=%g size=%s mtime=%Y ctime=%Z nlink=%h ino=%i' -- "$p"
		if [ -L "$p" ]; then
			echo "$p: -> $(readlink -- "$p")"
		elif [ -d "$p" ]; then
			# shellcheck disable=SC2012 # ls -l is what is checked
			ls -lAn --time-style=+%s -- "$p" | sed "s|^|$p: |"
		fi
		{ getfattr -h -d -m '^user\.' --absolute-names -- "$p" 2>&1 ||
			echo "getfattr failed"; } |
			sed -e '/^$/d' -e '/^# file:/d' -e "s|^|$p: |"
	done
}

nstep=0
# step DOER NAME COMMAND PATH...: one operation, checked as described above.
step() {
	local doer=$1 name=$2 cmd=$3 key
	shift 3
	nstep=$((nstep + 1))
	key=$(printf 's%02d-%s-%s' "$nstep" "$doer" "$name")
	local doing=0 checking=0
	if [ "$selftest" = 1 ]; then
		doing=1 checking=1
	elif [ "$BED_GUEST" = "$doer" ]; then
		doing=1
	else
		checking=1
	fi
	if [ $checking = 1 ]; then
		view "$@" > /tmp/pre
	fi
	bed_barrier "$key-cached"
	if [ $doing = 1 ]; then
		eval "$cmd" || fail "$key: '$cmd' failed on $BED_GUEST"
		view "$@" > /tmp/want
		bed_put "$key" "$(base64 -w0 < /tmp/want)"
	fi
	bed_barrier "$key-done"
	if [ $checking = 1 ]; then
		view "$@" > /tmp/got
		bed_get "$key" | base64 -d > /tmp/want
		if ! diff -u /tmp/want /tmp/got > /tmp/diff; then
			echo "$key: $BED_GUEST sees (+) not what $doer made (-):"
			cat /tmp/diff
			fail "$key: guest $BED_GUEST does not see $doer's '$cmd'"
		fi
		if cmp -s /tmp/pre /tmp/got; then
			fail "$key: '$cmd' changed nothing in the view (a test bug)"
		fi
		echo "$key: ok ($(wc -l < /tmp/got) lines equal)"
	fi
}

# scenario DOER DIR: every operation, made by DOER in $M/DIR.
scenario() {
	local w=$1 D=$M/$2
	step "$w" mkdir-top "mkdir $D" $M "$D"
	# The checker looked up f1 and found nothing: a negative dentry.
	step "$w" create "touch $D/f1" "$D" "$D/f1"
	step "$w" mkdir "mkdir $D/sub" "$D" "$D/sub"
	step "$w" rename "mv $D/f1 $D/sub/f2" "$D" "$D/sub" "$D/f1" "$D/sub/f2"
	step "$w" chmod "chmod 640 $D/sub/f2" "$D/sub/f2"
	step "$w" chown "chown 1000:1001 $D/sub/f2" "$D/sub/f2"
	step "$w" utimes "touch -d '2001-02-03 04:05:06' $D/sub/f2" "$D/sub/f2"
	step "$w" utimes-dir "touch -m -d '1999-12-31 23:59:59' $D/sub" "$D/sub"
	step "$w" symlink "ln -s sub/f2 $D/l1" "$D" "$D/l1"
	step "$w" link "ln $D/sub/f2 $D/h1" "$D" "$D/h1" "$D/sub/f2"
	step "$w" setxattr "setfattr -n user.color -v blue $D/sub/f2" "$D/sub/f2" "$D/h1"
	step "$w" setxattr-replace "setfattr -n user.color -v green $D/h1" "$D/sub/f2" "$D/h1"
	step "$w" setxattr-dir "setfattr -n user.tag -v 0x00ff10 $D/sub" "$D/sub"
	step "$w" removexattr "setfattr -x user.color $D/sub/f2" "$D/sub/f2" "$D/h1"
	step "$w" create2 "touch $D/t1" "$D" "$D/t1"
	# rename over an existing name: h1 (a link to f2) goes, f2 has 1 link
	step "$w" rename-over "mv -f $D/t1 $D/h1" "$D" "$D/t1" "$D/h1" "$D/sub/f2"
	step "$w" unlink "rm $D/h1" "$D" "$D/h1"
	step "$w" chmod-dir "chmod 700 $D/sub" "$D/sub"
	step "$w" chown-dir "chown 1001:1000 $D/sub" "$D/sub"
	step "$w" unlink-last "rm $D/sub/f2" "$D/sub" "$D/sub/f2"
	step "$w" rmdir "rmdir $D/sub" "$D" "$D/sub"
	# The checker held sub (and its inode) cached: a new directory of the
	# same name is another inode, seen as such.
	step "$w" mkdir-again "mkdir -m 751 $D/sub" "$D" "$D/sub"
	step "$w" unlink-symlink "rm $D/l1" "$D" "$D/l1"
	step "$w" create-in-new "touch $D/sub/g" "$D/sub" "$D/sub/g" "@$D/sub/g"
	# rename a directory whose entry and child the checker holds cached
	step "$w" rename-dir "mv $D/sub $D/moved" "$D" "$D/sub" "$D/sub/g" \
		"$D/moved" "$D/moved/g" "@$D/moved/g"
	step "$w" chmod-access "chmod 600 $D/moved/g" "$D/moved/g" "@$D/moved/g"
	step "$w" chmod-access-dir "chmod 700 $D/moved; chmod 644 $D/moved/g" \
		"$D/moved" "$D/moved/g" "@$D/moved/g"
}

scenario a a2b
scenario b b2a

# read_empty FD: a read of the (empty) open file gives 0 bytes.
read_empty() {
	local out
	out=$(timeout 10 cat <&"$1" 2>&1) || fail "read of the unlinked open file: $out"
	[ -z "$out" ] || fail "read of the unlinked empty file gave '$out'"
}

# An open file outlives its last name (POSIX): guest b opens, guest a
# unlinks; b's fstat says nlink 0 and the file still works until b closes.
# fstat is stat -L of /proc/self/fd/N (getattr on the open file, no new open).
is_a=0 is_b=0
if [ "$selftest" = 1 ]; then
	is_a=1 is_b=1
elif [ "$BED_GUEST" = a ]; then
	is_a=1
else
	is_b=1
fi
if [ $is_a = 1 ]; then
	touch $M/open-unlink
fi
bed_barrier ou-made
if [ $is_b = 1 ]; then
	exec 5< $M/open-unlink
	[ "$(stat -L -c %h /proc/self/fd/5)" = 1 ] || fail "open-unlink: nlink before unlink"
fi
bed_barrier ou-open
if [ $is_a = 1 ]; then
	rm $M/open-unlink
fi
bed_barrier ou-gone
if [ $is_b = 1 ]; then
	[ ! -e $M/open-unlink ] || fail "open-unlink: the name is still there on $BED_GUEST"
	out=$(stat -L -c '%h %s %F' /proc/self/fd/5 2>&1) ||
		fail "open-unlink: fstat of the open file after the other client's unlink: $out"
	[ "$out" = "0 0 regular empty file" ] ||
		fail "open-unlink: fstat after the other client's unlink says '$out', want nlink 0"
	read_empty 5
	out=$(stat -L -c %h /proc/self/fd/5) && [ "$out" = 0 ] ||
		fail "open-unlink: second fstat: $out"
	exec 5<&-
	echo "open-unlink: ok (fstat nlink 0 on $BED_GUEST after the unlink elsewhere)"
fi
bed_barrier ou-closed
# The same on one client: open, unlink, fstat, close.
f=$M/open-unlink-$BED_GUEST
touch "$f"
exec 6< "$f"
rm "$f"
out=$(stat -L -c '%h %s' /proc/self/fd/6 2>&1) || fail "open-unlink-local: fstat: $out"
[ "$out" = "0 0" ] || fail "open-unlink-local: fstat says '$out', want nlink 0"
read_empty 6
exec 6<&-
[ ! -e "$f" ] || fail "open-unlink-local: $f is back"
echo "open-unlink-local: ok"
bed_barrier checked
if [ "$selftest" != 1 ]; then
	umount $M
	rmmod xsanfs
fi
echo "coherence: ok ($nstep steps)"
