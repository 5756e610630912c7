# bed: guests=2 luns=lun0:256M,lun1:256M mdc=vol1 deadline=360 memory=1024
# SPDX-License-Identifier: GPL-2.0
# Coherence at scale: guest A makes 10,000 files in 100 directories; B
# lists the whole tree, so it holds all of it cached; then A gives the
# files 8 modes, 4 owners and 5 mtimes spread over them (sizes stay 0:
# there is no data path yet), and each directory a mode, owner and mtime.
# A and B each list the whole tree with find (path, mode, uid, gid, size,
# mtime to the nanosecond), sorted. The two listings must be identical:
# every attribute B had cached must have been taken back. Line counts and
# checksums are compared, and on a difference the first lines that
# differ are shown. Each phase prints how long it took.
#
# COH_SELFTEST=1 (a debug copy with guests=1 and no mdc=) runs A's and B's
# part in one guest on ext4 made on lun0.
set -euo pipefail
. /bed/lib.sh
export LC_ALL=C TZ=UTC

M=/mnt/x
T=$M/scale
NDIRS=100
NFILES=100	# per directory
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

now() { date +%s.%N; }
# took T0 WHAT: print the seconds since T0
took() { awk -v t0="$1" -v t1="$(now)" -v w="$2" 'BEGIN { printf "%s: %.1f s\n", w, t1 - t0 }'; }

# listing FILE: the canonical listing of the tree, sorted
listing() {
	find $T -printf '%p %m %U %G %s %T@\n' | sort > "$1"
}

modes=(644 600 640 444 755 700 750 604)
owners=(0:0 1000:1000 1001:1001 1000:1001)
dates=('2001-01-01 00:00:01' '2010-06-15 12:30:00.25' '1999-12-31 23:59:59'
       '2020-02-29 06:07:08.123456789' '1980-01-02 03:04:05')

# make_tree: an exec costs about 50-100 ms under TCG, so the tree is not
# made file by file: awk writes the path lists once, and xargs hands each
# list to one command (a few execs for all 10,000 files). File i of
# directory d gets mode, owner and mtime number (i + d) mod K of each list;
# directory d gets number d mod K, set last (after its entries changed).
# make_tree makes the names, set_attrs changes their attributes.
#
# One process waits for each reply in turn (about 2 ms a round trip under
# TCG, 4 ms with a revoke to B), so xargs runs PAR commands at once: the
# client pipelines their requests and the MDC commits them in groups.
PAR=(-P 8 -n 125)
make_tree() {
	local c
	mkdir $T
	awk -v t=$T -v nd=$NDIRS -v nf=$NFILES -v km=${#modes[@]} \
	    -v ko=${#owners[@]} -v kt=${#dates[@]} 'BEGIN {
		for (d = 0; d < nd; d++) {
			dir = sprintf("%s/d%03d", t, d)
			print dir > "/tmp/t.dirs"
			print dir > ("/tmp/t.dmode." (d % km))
			print dir > ("/tmp/t.downer." (d % ko))
			print dir > ("/tmp/t.ddate." (d % kt))
			for (i = 0; i < nf; i++) {
				f = sprintf("%s/f%03d", dir, i)
				print f > "/tmp/t.files"
				print f > ("/tmp/t.mode." ((i + d) % km))
				print f > ("/tmp/t.owner." ((i + d) % ko))
				print f > ("/tmp/t.date." ((i + d) % kt))
			}
		}
	}'
	xargs -a /tmp/t.dirs mkdir
	xargs "${PAR[@]}" -a /tmp/t.files touch
}

# set_attrs: the modes, owners and mtimes
set_attrs() {
	local c
	for ((c = 0; c < ${#modes[@]}; c++)); do
		xargs "${PAR[@]}" -a /tmp/t.mode.$c chmod "${modes[c]}"
	done
	for ((c = 0; c < ${#owners[@]}; c++)); do
		xargs "${PAR[@]}" -a /tmp/t.owner.$c chown "${owners[c]}"
	done
	for ((c = 0; c < ${#dates[@]}; c++)); do
		xargs "${PAR[@]}" -a /tmp/t.date.$c touch -m -d "${dates[c]}"
	done
	for ((c = 0; c < ${#modes[@]}; c++)); do
		xargs -r -a /tmp/t.dmode.$c chmod "${modes[c]}"
	done
	for ((c = 0; c < ${#owners[@]}; c++)); do
		xargs -r -a /tmp/t.downer.$c chown "${owners[c]}"
	done
	for ((c = 0; c < ${#dates[@]}; c++)); do
		xargs -r -a /tmp/t.ddate.$c touch -m -d "${dates[c]}"
	done
}

ntotal=$((NDIRS * NFILES + NDIRS + 1))
if [ "$BED_GUEST" = a ]; then
	t0=$(now)
	make_tree
	took "$t0" "A: made $((NDIRS * NFILES)) files in $NDIRS directories"
fi
bed_barrier created
# B looks at the whole tree first, so that it holds every dentry, inode
# and attribute cached when A changes them all.
if [ "$BED_GUEST" = b ] || [ "$selftest" = 1 ]; then
	t0=$(now)
	listing /tmp/list.b0
	took "$t0" "B: listed the new tree (nothing cached before)"
	n=$(wc -l < /tmp/list.b0)
	[ "$n" -eq $ntotal ] || fail "B lists $n entries of the new tree, not $ntotal"
fi
bed_barrier cached
if [ "$BED_GUEST" = a ]; then
	t0=$(now)
	set_attrs
	took "$t0" "A: changed mode, owner and mtime of every file and directory"
	t0=$(now)
	listing /tmp/list.a
	took "$t0" "A: listed the tree"
	n=$(wc -l < /tmp/list.a)
	[ "$n" -eq $ntotal ] || fail "A lists $n entries"
	# the tree varies as intended (guards against a quietly broken maker)
	v=$(awk '{ m[$2]; o[$3 ":" $4]; t[$6] }
		END { printf "%d %d %d", length(m), length(o), length(t) }' /tmp/list.a)
	echo "A: modes, owners, mtimes in the tree: $v"
	read -r vm vo vt <<<"$v"
	if [ "$vm" -lt ${#modes[@]} ] || [ "$vo" -lt ${#owners[@]} ] ||
		[ "$vt" -lt ${#dates[@]} ]; then
		fail "the tree does not vary: $v"
	fi
	bed_put count "$n"
	bed_put sum "$(sha256sum < /tmp/list.a | cut -c1-64)"
	# the whole listing, for a diff if B's differs (about 60 KB)
	bed_put list "$(gzip -9 < /tmp/list.a | base64 -w0)"
fi
bed_barrier made
if [ "$BED_GUEST" = b ] || [ "$selftest" = 1 ]; then
	t0=$(now)
	listing /tmp/list.b
	took "$t0" "B: listed the tree A changed (all of it cached before)"
	n=$(wc -l < /tmp/list.b)
	sum=$(sha256sum < /tmp/list.b | cut -c1-64)
	want_n=$(bed_get count)
	want_sum=$(bed_get sum)
	echo "B: $n entries, sha256 $sum; A: $want_n entries, sha256 $want_sum"
	if [ "$n" != "$want_n" ] || [ "$sum" != "$want_sum" ]; then
		bed_get list | base64 -d | gunzip > /tmp/list.a
		echo "first differences, A (-) and B (+):"
		diff -U0 /tmp/list.a /tmp/list.b | head -40 || true
		fail "B's listing differs from A's ($n/$want_n entries)"
	fi
	# the directories' attributes as B cached them just now, once more
	t0=$(now)
	listing /tmp/list.b2
	took "$t0" "B: listed the tree again (cached)"
	cmp -s /tmp/list.b /tmp/list.b2 || fail "B's second listing differs from its first"
fi
bed_barrier checked
if [ "$selftest" != 1 ]; then
	umount $M
	rmmod xsanfs
fi
echo "coherence-scale: ok"
