# bed: guests=2 luns=lun0:800M,lun1:800M mdc=vol1 deadline=3000 memory=2048 hostpost=tools/bin/fsck.xsanfs,-n,-S,@STATE,vol1
# SPDX-License-Identifier: GPL-2.0
# Issue 13, the long variant of tests/qemu/mdc-restart.sh (make
# restart-long; not part of make check): three rounds in a row, each guest
# copying 504 MiB (A with cp, buffered; B with O_DIRECT through one open
# file, pausing with commits owed), xsanmdc killed with SIGKILL in the
# middle of each round and started again 10 s later. Every copy must read
# back with its source's sha256 on both guests, no kernel may log lost
# data, and fsck.xsanfs -n on the MDC's state must say clean. Each
# round's files are removed after its checks (the LUNs hold two rounds).
set -euo pipefail
. /bed/lib.sh
. /bed/data-lib.sh
. /bed/restart-lib.sh

M=/mnt/x
MIB=504
ROUNDS=3
insmod /opt/xsanfs/xsanfs.ko
mkdir -p $M
out=$(timeout 60 mount -t xsanfs -o mdc=10.0.2.100 vol1 $M 2>&1) ||
	fail "mount of vol1 failed: $out"
bad=0
for r in $(seq $ROUNDS); do
	restart_round "$r"
	[ $bad = 0 ] || fail "round $r: $bad check(s) failed, above"
	rm -f "$M/$BED_GUEST$r.bin"
	bed_barrier "removed$r"
done
timeout 60 umount $M || fail "umount failed"
echo "mdc-restart-big: $ROUNDS rounds of 2 x $MIB MiB, each across an MDC kill: ok"
