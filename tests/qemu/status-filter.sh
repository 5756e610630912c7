# bed: guests=1 luns=lun0:64M mdc=vol1 deadline=150
# SPDX-License-Identifier: GPL-2.0
# Issue 12, hole 10: an MDC's error status is turned into an errno as it
# is (net/messenger.c: -status if below MAX_ERRNO), so a status that is
# one of the kernel's internal codes (512 ERESTARTSYS, 529 EIOCBQUEUED,
# which must never reach user space) goes to the system call as it is.
# A relay in the guest (xsanio tamper, tests/qemu/helpers/xsanio.c)
# stands between the client and the real MDC and rewrites one reply into
# an error reply of the status chosen; the handshake (HELLO, AUTH) goes
# through untouched (its replies go through net/con.c, which maps any
# unknown status to EREMOTEIO already: no hole there).
#   1. STATFS, the mount's first call, answered with status 512: mount(2)
#      must fail with EIO ("Input/output error"). Without the fix:
#      "Unknown error 512" (xsan_mount_bad() passes -ERESTARTSYS on).
#   2. STATFS answered with 529: EIO (passes today: xsan_mount_bad()
#      turns what it does not know into EIO; kept as a guard).
#   3. A good mount through the relay, then the LOOKUP of a stat(1)
#      answered with 529: stat must fail with EIO. Without the fix:
#      "Unknown error 529".
# After each, the kernel's log must name the bad status (one line, new
# since the step began).
set -euo pipefail
. /bed/lib.sh

insmod /opt/xsanfs/xsanfs.ko
mkdir -p /mnt/x
PORT=7005

# wait_listen PORT: until a TCP socket listens on PORT (no fixed sleep).
wait_listen() {
	local port
	port=$(printf ':%04X' "$1")
	for _ in $(seq 100); do
		awk -v p="$port" 'substr($2, length($2) - 4) == p && $4 == "0A" { f = 1 }
			END { exit !f }' /proc/net/tcp && return 0
		sleep 0.1
	done
	fail "nothing listens on port $1 after 10 s"
}

# relay OPCODE STATUS: start the tampering relay, wait until it listens
relay() {
	xsanio tamper $PORT 10.0.2.100 60766 "$1" "$2" 2> /tmp/relay.log &
	relay_pid=$!
	wait_listen $PORT
}

relay_end() {
	timeout 20 tail --pid="$relay_pid" -f /dev/null || kill "$relay_pid" 2>/dev/null || true
	wait "$relay_pid" 2>/dev/null || true
	cat /tmp/relay.log
	grep -q "status .* -> $1" /tmp/relay.log || fail "the relay did not rewrite a reply to status $1"
}

# every step runs; what went wrong is collected and fails the test at the end
bad=()
# logged STATUS LINES-BEFORE: a kernel log line since then names STATUS
logged() {
	dmesg | tail -n +$(($2 + 1)) | grep -E "xsanfs.*\\b$1\\b" ||
		bad+=("no kernel log line names the MDC's bad status $1")
}

# --- 1, 2: STATFS (29) answered with an internal errno ---------------------
for st in 512 529; do
	n=$(dmesg | wc -l)
	relay 29 $st
	set +e
	out=$(timeout 60 mount -t xsanfs -o mdc=127.0.0.1:$PORT vol1 /mnt/x 2>&1)
	rc=$?
	set -e
	echo "STATFS status $st: mount -> status $rc: $out"
	relay_end $st
	[ "$rc" -ne 124 ] || fail "mount hung"
	[ "$rc" -ne 0 ] || fail "mount succeeded although STATFS failed with $st"
	grep -qs ' /mnt/x ' /proc/mounts && fail "something is mounted on /mnt/x"
	grep -q "Input/output error" <<<"$out" ||
		bad+=("STATFS status $st: mount said '$(tail -1 <<<"$out")', expected 'Input/output error' (EIO)")
	logged $st "$n"
done

# --- 3: a LOOKUP (16) answered with 529 on a mounted volume ---------------
relay 16 529
out=$(timeout 60 mount -t xsanfs -o mdc=127.0.0.1:$PORT vol1 /mnt/x 2>&1) ||
	fail "mount through the relay failed: $out"
n=$(dmesg | wc -l)
set +e
out=$(timeout 60 stat /mnt/x/nofile 2>&1)
rc=$?
set -e
echo "LOOKUP status 529: stat -> status $rc: $out"
[ "$rc" -ne 124 ] || fail "stat hung"
umount /mnt/x
relay_end 529
grep -q "Input/output error" <<<"$out" ||
	bad+=("LOOKUP status 529: stat said '$out', expected 'Input/output error' (EIO)")
logged 529 "$n"
rmmod xsanfs
for b in "${bad[@]}"; do
	echo "xsanbed[$BED_GUEST]: FAILED: $b"
done
[ ${#bad[@]} = 0 ] || fail "${#bad[@]} failure(s), above"
echo "status-filter: ok"
