# bed: guests=1 luns=lun0:64M,lun1:64M mdc=vol1 lease=20:10 deadline=150
# SPDX-License-Identifier: GPL-2.0
# Issue 12, the I/O deadline (Documentation/tokens.rst, "Fencing and the
# timing argument"): a write in flight when the lease runs out must end
# before the MDC gives its blocks away, grace - lease/100 after the lease
# (10 s - 0.2 s = 9800 ms here). The mount compares each LUN's command
# timeout (sd's default: 30 s) with that:
#   1. a default mount (iodeadline=warn) mounts and names each LUN, its
#      timeout and the deadline in the kernel's log;
#   2. iodeadline=strict refuses the mount with that sentence;
#   3. with io_timeout lowered to 9000 ms on both LUN disks, the strict
#      mount succeeds, says nothing, and /proc/mounts shows the option;
#   4. one disk back at 9900 ms: refused again, naming that LUN only.
set -euo pipefail
. /bed/lib.sh

insmod /opt/xsanfs/xsanfs.ko
mkdir -p /mnt/x

disk() { basename "$(readlink -f "/dev/lun/$1")"; }
d0=$(disk lun0)
d1=$(disk lun1)
echo "lun0 on $d0, lun1 on $d1"
for d in "$d0" "$d1"; do
	echo "$d: io_timeout $(cat /sys/block/$d/queue/io_timeout) ms"
done

# newlog MARK: the kernel log lines after the line MARK.
mark() { dmesg | wc -l; }
newlog() { dmesg | tail -n +"$(( $1 + 1 ))"; }

# --- 1. the default warns and mounts ---------------------------------
m=$(mark)
out=$(timeout 60 mount -t xsanfs -o mdc=10.0.2.100 vol1 /mnt/x 2>&1) ||
	fail "default mount failed (status $?): $out"
log=$(newlog "$m")
echo "$log"
for l in lun0 lun1; do
	grep -q "LUN '$l' .* command timeout of 30000 ms, longer than the I/O deadline of 9800 ms .*lease (20000 ms) and grace (10000 ms)" <<<"$log" ||
		fail "the default mount did not name LUN $l's 30 s timeout against 9800 ms"
done
grep -q "iodeadline" /proc/mounts && fail "/proc/mounts shows iodeadline= not asked for"
timeout 30 umount /mnt/x || fail "umount failed"

# --- 2. strict refuses -------------------------------------------------
set +e
out=$(timeout 60 mount -t xsanfs -o mdc=10.0.2.100,iodeadline=strict vol1 /mnt/x 2>&1)
rc=$?
set -e
echo "strict mount -> status $rc: $out"
[ "$rc" -ne 124 ] || fail "strict mount hung"
[ "$rc" -ne 0 ] || fail "iodeadline=strict mounted LUNs with a 30 s command timeout"
grep -Eq "command timeout of 30000 ms, longer than the I/O deadline of 9800 ms.*io_timeout" <<<"$out" ||
	fail "mount did not print the sentence: $out"
grep -qs ' /mnt/x ' /proc/mounts && fail "something is mounted on /mnt/x"

# --- 3. timeouts lowered: strict mounts, silently ----------------------
echo 9000 > "/sys/block/$d0/queue/io_timeout"
echo 9000 > "/sys/block/$d1/queue/io_timeout"
m=$(mark)
out=$(timeout 60 mount -t xsanfs -o mdc=10.0.2.100,iodeadline=strict vol1 /mnt/x 2>&1) ||
	fail "strict mount with 9 s timeouts failed (status $?): $out"
log=$(newlog "$m")
grep -q "command timeout" <<<"$log" && fail "a LUN within the deadline was reported: $log"
grep ' /mnt/x ' /proc/mounts | grep -q "iodeadline=strict" ||
	fail "/proc/mounts lacks iodeadline=strict"
echo data > /mnt/x/f
[ "$(cat /mnt/x/f)" = data ] || fail "the strict mount does not work"
timeout 30 umount /mnt/x || fail "umount failed"

# --- 4. one LUN a millisecond over ------------------------------------
echo 9900 > "/sys/block/$d1/queue/io_timeout"
set +e
out=$(timeout 60 mount -t xsanfs -o mdc=10.0.2.100,iodeadline=strict vol1 /mnt/x 2>&1)
rc=$?
set -e
echo "strict mount, lun1 at 9900 ms -> status $rc: $out"
[ "$rc" -ne 0 ] && [ "$rc" -ne 124 ] || fail "strict mount with lun1 at 9900 ms: status $rc"
grep -q "LUN 'lun1' .*command timeout of 9900 ms" <<<"$out" ||
	fail "the refusal does not name lun1 at 9900 ms: $out"
grep -q "LUN 'lun0'" <<<"$out" && fail "lun0 (9000 ms) named: $out"
echo "PASS"
