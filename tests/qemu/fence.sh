# bed: guests=2 luns=lun0:28M mdc=vol1 deadline=600 linkcut=a lease=4:2
# SPDX-License-Identifier: GPL-2.0
# Issue 12, hole 1: no fencing at lease expiry. A client cut off from the
# MDC (its network link down, bed_link; its LUN still attached) must not
# write to the LUNs once its lease has run out: the MDC has evicted it
# and may have given its blocks, and its files, to others.
#   A (lease 4 s + grace 2 s: lease=4:2) writes 8 MiB to a new file FA
#   with write(2) and keeps them dirty (periodic writeback off, no sync):
#   the blocks were allocated to A at write time (not committed). It
#   also overwrites 256 KiB of F2, a committed 1 MiB file B made, dirty
#   too. Both files stay open (xsanio held: fsync and close come later).
#   A's link goes down. B overwrites all of F2 (its DATA_WR waits until
#   the MDC evicts A: "did not answer a revoke" or "lease expired"),
#   then fills the volume's free space with 1 MiB files of its own (A's
#   uncommitted blocks went back to the free space with A's session),
#   and syncs. A's tokens are never given back for being idle
#   (nrtiotokentimeout=0: that path writes back too). Then A runs sync (in the background, bounded): with
#   the fix, writeback of a lapsed lease waits (a hard mount) and never
#   reaches the LUN; B reads all of its files back with O_DIRECT (from
#   the LUN) and must find its own bytes. A's link comes back, A
#   reconnects, the MDC answers ESTALE (session gone): A's sync ends,
#   the fsync of FA and F2 on the held descriptors reports EIO, and the
#   kernel logs "session lost, dirty data not written". B checks again.
# Without the fix A's sync writes A's dirty pages to the LUN through its
# cached layout, into blocks that are B's now: B fails with "after A's
# sync: bN (or f2) differs from what B wrote".
set -euo pipefail
. /bed/lib.sh
. /bed/data-lib.sh
export LC_ALL=C

M=/mnt/x
MIB=1048576
insmod /opt/xsanfs/xsanfs.ko
mkdir -p $M
# A gives no token back for being idle (nrtiotokentimeout=0): only its
# sync may write its dirty pages
opts=mdc=10.0.2.100
[ "$BED_GUEST" = a ] && opts=$opts,nrtiotokentimeout=0
out=$(timeout 60 mount -t xsanfs -o $opts vol1 $M 2>&1) ||
	fail "mount of vol1 failed: $out"
bed_barrier mounted

# whose: which writers' lines FILE holds, read with O_DIRECT
whose() {
	timeout 60 dd if="$1" bs=1M iflag=direct status=none |
		grep -a -o -E '(bOLD|bF2|aF2|aFA|b[0-9]+)-' | sort | uniq -c | tr '\n' ' '
}

# checkb TAG: B's files, read from the LUN, hold what B wrote
checkb() {
	local i n bad=
	n=$(bed_get nb)
	sync
	echo 3 > /proc/sys/vm/drop_caches
	[ "$(rd $M/f2 direct)" = "$(cat /tmp/sum.f2)" ] || {
		echo "fence: $1: f2 holds lines $(whose $M/f2)"
		bad+=" f2"
	}
	for i in $(seq 1 "$n"); do
		[ "$(rd "$M/b$i" direct)" = "$(cat "/tmp/sum.b$i")" ] || {
			echo "fence: $1: b$i holds lines $(whose "$M/b$i")"
			bad+=" b$i"
		}
	done
	if [ -n "$bad" ]; then
		failed+=("$1: B's files$bad differ from what B wrote (A's dirty pages reached the LUN after A was evicted)")
		return 1
	fi
	echo "fence: $1: f2 and b1-b$n hold B's bytes"
}

# B's failures, reported at the end: A waits for B's keys either way
failed=()

case "$BED_GUEST" in
a)
	sess=$(dmesg | sed -n 's/.*volume vol1: mounted from .*, session \([0-9a-f]*\),.*/\1/p' | tail -1)
	[ -n "$sess" ] || fail "no session id in the kernel log"
	bed_put asess "$sess"
	bed_barrier f2
	echo 0 > /proc/sys/vm/dirty_writeback_centisecs
	echo 360000 > /proc/sys/vm/dirty_expire_centisecs
	echo 50 > /proc/sys/vm/dirty_background_ratio
	echo 80 > /proc/sys/vm/dirty_ratio
	gen aFA $((8 * MIB)) | xsanio held $M/fa 0 /tmp/fa > /tmp/fa.out 2>&1 &
	pfa=$!
	gen aF2 $((256 * 1024)) | xsanio held $M/f2 262144 /tmp/f2 > /tmp/f2.out 2>&1 &
	pf2=$!
	wait_file /tmp/fa.1
	wait_file /tmp/f2.1
	grep -E '^(Dirty|Writeback):' /proc/meminfo
	bed_link a off
	bed_put cut 1
	bed_get bfilled > /dev/null
	grep -E '^(Dirty|Writeback):' /proc/meminfo
	# the writeback a lapsed lease must not do
	timeout 200 sync &
	psync=$!
	for i in $(seq 40); do
		d=$(awk '/^Dirty:/ { print $2 }' /proc/meminfo)
		[ "$d" -lt 256 ] && break
		sleep 0.5
	done
	grep -E '^(Dirty|Writeback):' /proc/meminfo
	sleep 2
	bed_put flushed 1
	bed_get checked1 > /dev/null
	bed_link a on
	t0=$(date +%s)
	rc=0
	wait $psync || rc=$?
	echo "fence: A's sync ended (status $rc) $(($(date +%s) - t0)) s after the link came back"
	[ $rc -ne 124 ] || fail "A's sync did not end within 200 s"
	touch /tmp/fa.go.1 /tmp/f2.go.1
	wait_file /tmp/fa.2
	wait_file /tmp/f2.2
	touch /tmp/fa.go.2 /tmp/f2.go.2
	wait $pfa || fail "xsanio held fa failed: $(cat /tmp/fa.out)"
	wait $pf2 || fail "xsanio held f2 failed: $(cat /tmp/f2.out)"
	echo "fa: $(tr '\n' ' ' < /tmp/fa.out)"
	echo "f2: $(tr '\n' ' ' < /tmp/f2.out)"
	dmesg | grep xsanfs | tail -8
	bed_put adone 1
	bad=()
	grep -q '^fsync: Input/output error' /tmp/fa.out ||
		bad+=("fsync of FA (written while the lease held, A evicted before its writeback) did not report EIO")
	grep -q '^fsync: Input/output error' /tmp/f2.out ||
		bad+=("fsync of F2 (overwritten while the lease held) did not report EIO")
	dmesg | grep 'session lost, dirty data not written' > /dev/null ||
		bad+=("the kernel did not log 'session lost, dirty data not written'")
	for f in "${bad[@]}"; do
		echo "xsanbed[$BED_GUEST]: FAILED: $f"
	done
	[ ${#bad[@]} = 0 ] || fail "${bad[0]}"
	;;
b)
	gen bOLD $MIB | timeout 60 dd of=$M/f2 bs=1M conv=fsync status=none ||
		fail "write of f2 failed"
	bed_barrier f2
	sess=$(bed_get asess)
	bed_get cut > /dev/null
	t0=$(date +%s)
	# waits for A's eviction: A holds F2's DATA_WR
	gen bF2 $MIB > /tmp/p
	sum /tmp/p > /tmp/sum.f2
	timeout 60 dd if=/tmp/p of=$M/f2 bs=1M conv=notrunc,fsync status=none ||
		fail "B's overwrite of f2 failed"
	echo "fence: B's overwrite of f2 done $(($(date +%s) - t0)) s after the cut"
	bed_mdclog_wait "session $sess: (lease expired|did not answer)" 30
	stat -f -c 'free before the fill: %a blocks of %S' $M
	n=0
	while :; do
		i=$((n + 1))
		gen "b$i" $MIB > /tmp/p
		sum /tmp/p > /tmp/sum.b$i
		if ! timeout 60 dd if=/tmp/p of=$M/b$i bs=1M status=none 2> /tmp/dd.err; then
			echo "fence: b$i: $(cat /tmp/dd.err)"
			rm -f $M/b$i
			break
		fi
		n=$i
		[ $n -lt 64 ] || fail "the volume did not fill up with 64 MiB"
	done
	timeout 60 sync || fail "B's sync failed"
	stat -f -c 'free after the fill: %a blocks of %S' $M
	[ $n -ge 8 ] || fail "B wrote only $n MiB before ENOSPC"
	bed_put nb $n
	checkb "before A's sync" || fail "${failed[0]}"
	bed_put bfilled 1
	bed_get flushed > /dev/null
	checkb "after A's sync" || true
	bed_put checked1 1
	bed_get adone > /dev/null
	checkb "after A reconnected" || true
	for f in "${failed[@]}"; do
		echo "xsanbed[$BED_GUEST]: FAILED: $f"
	done
	[ ${#failed[@]} = 0 ] || fail "${failed[0]}"
	;;
esac
timeout 60 umount $M || fail "umount failed"
echo "fence: ok"
