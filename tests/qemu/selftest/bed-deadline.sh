# bed: guests=2 deadline=60 expect=fail-deadline
# SPDX-License-Identifier: GPL-2.0
# Bed self-test: a guest that never finishes is killed at the deadline and
# the run is reported as failed, while the other guest waits at a barrier.
. /bed/lib.sh
if [ "$BED_GUEST" = a ]; then
	while :; do sleep 60; done
fi
bed_barrier never
