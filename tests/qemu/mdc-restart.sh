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
. /bed/restart-lib.sh

M=/mnt/x
MIB=200
insmod /opt/xsanfs/xsanfs.ko
mkdir -p $M
out=$(timeout 60 mount -t xsanfs -o mdc=10.0.2.100 vol1 $M 2>&1) ||
	fail "mount of vol1 failed: $out"
bad=0
restart_round 1
timeout 60 umount $M || fail "umount failed"
[ $bad = 0 ] || fail "$bad check(s) failed, above"
echo "mdc-restart: ok"
