# bed: guests=2 deadline=90 killable=b
# SPDX-License-Identifier: GPL-2.0
# Bed self-test of killable=/bed_kill: guest a has the bed kill guest b's
# QEMU (a power cut); the value b put before is still there, a barrier
# that b never reaches is aborted at once, and the run passes though b
# never reported a result (it was killed on purpose).
set -u
. /bed/lib.sh
if [ "$BED_GUEST" = b ]; then
	bed_put before 1
	bed_barrier up
	sleep 600
	fail "b is still alive after bed_kill"
fi
bed_barrier up
[ "$(bed_get before)" = 1 ] || fail "b's put is lost"
bed_kill b
if (bed_barrier after) > /tmp/out 2>&1; then
	fail "barrier after the kill did not abort"
fi
grep -q 'abort guest b' /tmp/out || fail "barrier did not abort: $(cat /tmp/out)"
echo "bed-kill: ok"
