# bed: guests=2 luns=lun0:320M,lun1:320M mdc=vol1 deadline=900 hostpost=tools/bin/fsck.xsanfs,-n,-S,@STATE,vol1
# SPDX-License-Identifier: GPL-2.0
# Issue 13: an MDC restart costs the clients nothing. Both guests copy a
# 200 MiB file onto the volume, A with cp (buffered), B with O_DIRECT
# through one open file, then sync (a hard mount, the default). When A's
# copy has passed 40 MiB (and B paused with commits owed), the bed kills
# xsanmdc with SIGKILL and starts it again 10 s later on the same state:
# the clients reconnect, are told RECLAIM, take back the tokens of their
# dirty files (fs/token.c, xsan_tok_reclaim) and carry on. Both copies
# and syncs must succeed, each guest must read both files back with the
# sha256 of their sources, and neither kernel may log lost data;
# afterwards fsck.xsanfs -n on the MDC's state must find nothing wrong.
# Before the reclaim (the client dropped its caches on RECLAIM as on a
# lost session): cp failed with EIO and the data was lost.
set -euo pipefail
. /bed/lib.sh
. /bed/data-lib.sh

M=/mnt/x
MIB=200
insmod /opt/xsanfs/xsanfs.ko
mkdir -p $M
out=$(timeout 60 mount -t xsanfs -o mdc=10.0.2.100 vol1 $M 2>&1) ||
	fail "mount of vol1 failed: $out"
head -c $((MIB << 20)) /dev/urandom > /tmp/src
bed_put "sum_$BED_GUEST" "$(sum /tmp/src)"
bed_barrier ready

t0=$(date +%s)
# A copies with cp (buffered: dirty pages). B writes with O_DIRECT through
# one open file (xsanio dio: 8 MiB chunks, each waiting for a go): after
# 40 MiB it pauses with those writes' commits still owed (deferred O_DIRECT
# commits) until the MDC is back, then writes the rest and closes.
if [ "$BED_GUEST" = a ]; then
	( timeout 600 cp /tmp/src $M/a.bin && timeout 300 sync ) \
		> /tmp/cp.out 2>&1 &
	pid=$!
	for _ in $(seq 1200); do
		s=$(stat -c %s $M/a.bin 2>/dev/null || echo 0)
		[ "$s" -ge $((40 << 20)) ] && break
		kill -0 $pid 2>/dev/null || break
		sleep 0.1
	done
	bed_get bpaused > /dev/null
	echo "mdc-restart: killing xsanmdc with A's copy at $s bytes"
	bed_mdc kill
	sleep 10
	bed_mdc start
	t1=$(date +%s%N)
	echo "mdc-restart: xsanmdc started again"
	bed_put restarted 1
	# a figure, not a check: from the start to the end of our reclaim
	for _ in $(seq 600); do
		dmesg | grep "the metadata controller restarted:" > /dev/null && break
		sleep 0.1
	done
	echo "mdc-restart: figure: reclaim done $((($(date +%s%N) - t1) / 1000000)) ms after xsanmdc started (0.1 s polling)"
else
	( timeout 600 xsanio dio $M/b.bin 8 /tmp/bm < /tmp/src &&
	  timeout 300 sync ) > /tmp/cp.out 2>&1 &
	pid=$!
	for k in $(seq 1 $((MIB / 8))); do
		wait_file /tmp/bm.$k
		if [ $k = 5 ]; then
			bed_put bpaused 1
			bed_get restarted > /dev/null
		fi
		touch /tmp/bm.go.$k
	done
fi
rc=0
wait $pid || rc=$?
echo "mdc-restart: cp + sync ended with status $rc after $(($(date +%s) - t0)) s: $(cat /tmp/cp.out)"
dmesg | grep -E "xsanfs: volume vol1: (reconnected|the metadata controller restarted)" || true
[ $rc = 0 ] || fail "cp or sync failed across the MDC restart (status $rc): $(cat /tmp/cp.out)"
bed_barrier copied

bad=0
for g in a b; do
	want=$(bed_get "sum_$g")
	got=$(timeout 300 sha256sum < $M/$g.bin | cut -d' ' -f1)
	size=$(stat -c %s $M/$g.bin)
	echo "mdc-restart: $g.bin: $size bytes, sha256 $got"
	if [ "$got" != "$want" ] || [ "$size" != $((MIB << 20)) ]; then
		echo "mdc-restart: $g.bin is not what $g copied (want $want)"
		bad=$((bad + 1))
	fi
done
if dmesg | grep -E "dirty data not written|not committed|LAYOUT_COMMIT of inode .* failed|not reclaimed"; then
	echo "mdc-restart: the kernel logged lost data (above)"
	bad=$((bad + 1))
fi
bed_barrier checked
timeout 60 umount $M || fail "umount failed"
[ $bad = 0 ] || fail "$bad check(s) failed, above"
echo "mdc-restart: ok"
