# bed: guests=1 luns=lun0:128M mdc=vol1 deadline=400 hostpost=tools/bin/fsck.xsanfs,-n,-S,@STATE,vol1
# SPDX-License-Identifier: GPL-2.0
# Issue 13: a file unlinked while open survives an MDC restart and is
# freed at its last close. A opens U (read-write, kept open on fd 3),
# writes 16 MiB to it and fsyncs, unlinks it; the bed kills xsanmdc
# (SIGKILL) and starts it again; the client reclaims and opens U again by
# fid (OPEN with RECLAIM: it has no name any more). Through the same
# descriptor A then reads back the 16 MiB, writes 8 MiB more, fsyncs and
# reads everything back; after the close the MDC frees U: the volume's
# free space comes back to what it was before U was written. Then the
# MDC is killed for good and umount -f must still free the mount. Without the
# reclaim the MDC freed U at its start: the reads and writes fail
# (ESTALE or EIO) and its blocks could be given to another file.
set -euo pipefail
. /bed/lib.sh
. /bed/data-lib.sh

M=/mnt/x
insmod /opt/xsanfs/xsanfs.ko
mkdir -p $M
out=$(timeout 60 mount -t xsanfs -o mdc=10.0.2.100 vol1 $M 2>&1) ||
	fail "mount of vol1 failed: $out"

free0=$(stat -f -c %f $M)
gen "orphan" $((24 << 20)) > /tmp/u
# U: 16 MiB written, fsynced, unlinked, held open; after the restart
# read back and 8 MiB more written through the same descriptor
xsanio orphan $M/U $((16 << 20)) /tmp/om < /tmp/u > /tmp/om.out 2>&1 &
pid=$!
wait_file /tmp/om.1
[ ! -e $M/U ] || fail "U still has a name"
echo "mdc-restart-orphan: U written (16 MiB) and unlinked, held open"
bed_mdc kill
sleep 5
bed_mdc start
echo "mdc-restart-orphan: xsanmdc started again"
touch /tmp/om.go.1
rc=0
timeout 300 tail --pid=$pid -f /dev/null || { kill $pid; fail "xsanio orphan hung"; }
wait $pid || rc=$?
cat /tmp/om.out
dmesg | grep -E "xsanfs: volume vol1: (reconnected|the metadata controller restarted|inode)" || true
[ $rc = 0 ] || fail "U did not survive the restart: $(cat /tmp/om.out)"
# freed at its last close, or (closed inside the MDC's grace window,
# lease + grace = 30 s from its start) when the window's time is up
for i in $(seq 90); do
	free1=$(stat -f -c %f $M)
	[ "$free1" -ge "$free0" ] && break
	sleep 1
done
echo "mdc-restart-orphan: free blocks before U $free0, after its last close $free1 (${i} s)"
[ "$free1" -ge "$free0" ] || fail "U's blocks were not freed after its last close ($free1 < $free0)"
# After the reclaim the MDC goes for good: umount -f still frees the
# mount and the task waiting on it (hard mount), as without a reclaim
# (mount-session.sh). xsanmdc is started again only for the bed's end.
bed_mdc kill
ls $M > /dev/null 2>&1 &
ls_pid=$!
sleep 2
kill -0 $ls_pid 2> /dev/null || fail "ls on a hard mount without its MDC did not wait"
timeout 20 umount -f -c $M 2> /dev/null || true
for _ in $(seq 50); do kill -0 $ls_pid 2> /dev/null || break; sleep 0.1; done
kill -0 $ls_pid 2> /dev/null && fail "umount -f after a reclaim did not free the task waiting for the MDC"
if grep -qs " $M " /proc/mounts; then
	timeout 20 umount -c $M 2> /dev/null || fail "the mount stays after umount -f with the MDC gone"
fi
echo "mdc-restart-orphan: umount -f with the MDC gone after a reclaim: done"
bed_mdc start
echo "mdc-restart-orphan: ok"
