# bed: guests=1 luns=lun0:64M mdc=vol1 deadline=300 hostprep=tests/mdc/build/populate,@HOST,@PORT,@VOLUME,@SECRET,big,100000
# SPDX-License-Identifier: GPL-2.0
# A 100,000-entry directory (issue 5: readdir with stable cookies). The
# guest could not make it in time under TCG (~200 creates/s), so the bed's
# hostprep runs tests/mdc/build/populate on the host first: it creates
# /big with 100,000 empty files over the protocol and publishes the
# count (`ls -f` lines, . and .. included) and the SHA-256 of the sorted
# list. Here, one guest:
#   1. ls -f lists every name exactly once: count and checksum match;
#   2. a second listing runs while this guest removes 300 of the names and
#      creates 300 new ones: every name left untouched is listed exactly
#      once, no name twice (cookies stay valid across changes);
#   3. a fresh listing after a remount (no cache) matches the changes.
set -euo pipefail
. /bed/lib.sh
export LC_ALL=C

M=/mnt/x
D=$M/big
CHANGES=300
want_eq() {
	[ "$2" = "$3" ] || fail "$1: got '$2', expected '$3'"
	echo "ok: $1 = $3"
}
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

count=$(bed_get populate-count)
sum=$(bed_get populate-sha256)
insmod /opt/xsanfs/xsanfs.ko
mkdir -p $M
timeout 60 mount -t xsanfs -o mdc="$BED_MDC" vol1 $M || fail "mount failed"

# 1. the whole listing, once
t0=$(now)
timeout 120 ls -f $D > /tmp/l1 || fail "ls -f $D failed"
t1=$(now)
echo "bigdir: ls -f of $(wc -l < /tmp/l1) entries in $(secs "$t0" "$t1") s"
want_eq "entries listed" "$(wc -l < /tmp/l1)" "$count"
want_eq "names listed twice" "$(sort /tmp/l1 | uniq -d | wc -l)" "0"
want_eq "sha256 of the sorted listing" "$(sort /tmp/l1 | sha256sum | cut -d' ' -f1)" "$sum"

# 2. a listing while names go and come
name() { printf 'entry-with-a-rather-long-name-%06u' "$1"; }
gone=/tmp/gone
: > $gone
# spread over the whole directory: every 333rd entry
for i in $(seq 0 $((CHANGES - 1))); do
	name $((i * 333)) >> $gone
	echo >> $gone
done
timeout 120 ls -f $D > /tmp/l2 &
lspid=$!
t0=$(now)
(cd $D && xargs rm -f < $gone)
for i in $(seq 1 $CHANGES); do
	: > "$D/new-$i"
done
t1=$(now)
wait $lspid || fail "ls -f during changes failed"
t2=$(now)
echo "bigdir: $CHANGES unlinks and $CHANGES creates in $(secs "$t0" "$t1") s, concurrent listing done $(secs "$t1" "$t2") s later"
want_eq "names listed twice during changes" "$(sort /tmp/l2 | uniq -d | wc -l)" "0"
# untouched = the first listing minus the removed names
sort /tmp/l1 > /tmp/s1
sort $gone > /tmp/sg
comm -23 /tmp/s1 /tmp/sg > /tmp/untouched
sort /tmp/l2 > /tmp/s2
missing=$(comm -23 /tmp/untouched /tmp/s2 | wc -l)
want_eq "untouched names missing from the concurrent listing" "$missing" "0"
extra=$(comm -13 /tmp/s1 /tmp/s2 | grep -vc '^new-' || true)
want_eq "names listed that never existed" "$extra" "0"

# 3. after a remount: exactly the changes
umount $M
timeout 60 mount -t xsanfs -o mdc="$BED_MDC" vol1 $M || fail "remount failed"
timeout 120 ls -f $D | sort > /tmp/s3
{ cat /tmp/untouched; for i in $(seq 1 $CHANGES); do echo "new-$i"; done; } |
	sort > /tmp/want3
cmp -s /tmp/want3 /tmp/s3 || fail "listing after the changes differs: $(diff /tmp/want3 /tmp/s3 | head -5)"
echo "ok: listing after remount = $(wc -l < /tmp/s3) entries"
umount $M
rmmod xsanfs
echo "bigdir: ok"
