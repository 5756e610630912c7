# bed: guests=1 luns=lun0:64M mdc=vol1 deadline=150 linkcut=a
# SPDX-License-Identifier: GPL-2.0
# Issue 12, hole 8: fsync after O_DIRECT writes whose commit could not
# be made must fail. A soft mount (soft,timeout=3) writes 1 MiB with
# O_DIRECT into a new file through a descriptor it keeps open (xsanio
# held ... direct): the writes' LAYOUT_COMMIT is deferred (fs/data.c,
# "Deferred O_DIRECT commits"). The bed cuts the guest's network link
# (bed_link, linkcut=a; the LUN stays attached), and fsync on that
# descriptor runs: its commit times out (-ETIMEDOUT after 3 s). fsync
# must report an error (EIO or ETIMEDOUT: the data is on the LUN but not
# in the file). Without the fix fsync returns 0: __xsan_dio_commit()
# keeps -ETIMEDOUT as "retry later", xsan_data_fsync() ignores what
# xsan_dio_commit() returns, and nothing was put in the errseq; the test
# fails with "fsync returned 0 although its O_DIRECT commit was not
# made". The link comes back before close, which is printed (it may
# commit then, or report the error if fsync did not).
set -euo pipefail
. /bed/lib.sh
. /bed/data-lib.sh

M=/mnt/x
insmod /opt/xsanfs/xsanfs.ko
mkdir -p $M
out=$(timeout 60 mount -t xsanfs -o mdc=10.0.2.100,soft,timeout=3 vol1 $M 2>&1) ||
	fail "mount of vol1 failed: $out"
gen "fsyncerr" 1048576 > /tmp/p
xsanio held $M/f 0 /tmp/h direct < /tmp/p > /tmp/h.out 2>&1 &
pid=$!
wait_file /tmp/h.1
bed_link a off
t0=$(date +%s)
touch /tmp/h.go.1
wait_file /tmp/h.2
t1=$(date +%s)
bed_link a on
touch /tmp/h.go.2
wait $pid || { cat /tmp/h.out; fail "xsanio held failed"; }
cat /tmp/h.out
echo "fsync took $((t1 - t0)) s with the link down"
f=$(sed -n 's/^fsync: //p' /tmp/h.out)
c=$(sed -n 's/^close: //p' /tmp/h.out)
dmesg | grep -i xsanfs | tail -5
case "$f" in
"Input/output error" | "Connection timed out") ;;
0) fail "fsync returned 0 although its O_DIRECT commit was not made (the link was down; close said: $c)" ;;
*) fail "fsync said '$f', expected EIO or ETIMEDOUT" ;;
esac
timeout 60 umount $M || fail "umount failed"
echo "dio-fsync-err: ok"
