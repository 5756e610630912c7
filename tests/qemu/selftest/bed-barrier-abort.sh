# bed: guests=2 deadline=90
# SPDX-License-Identifier: GPL-2.0
# Bed self-test: when a guest ends without reaching a barrier, the guests
# waiting there are told at once (no wait for the deadline).
set -u
. /bed/lib.sh
if [ "$BED_GUEST" = a ]; then
	exit 0
fi
if (bed_barrier never) 2>&1 | tee /tmp/out; then
	grep -q 'abort guest a ended before barrier never' /tmp/out ||
		fail "barrier did not report the ended guest"
fi
grep -q 'abort guest a' /tmp/out || fail "barrier did not abort: $(cat /tmp/out)"
echo "bed-barrier-abort: ok"
