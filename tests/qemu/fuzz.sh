# bed: guests=2 luns=lun0:64M mdc=vol1 deadline=900 lease=8:4 linkcut=b hostpost=scripts/qemu/fuzzcheck.py,@RUNDIR
# SPDX-License-Identifier: GPL-2.0
# The multi-client coherence fuzzer, short run (issue 13, part 2): two
# guests run seeded random file operations on four shared names for 30 s
# in each of five phases (calm; xsanmdc killed and restarted; xsanmdc
# stopped for 4 s; xsanmdc stopped for 14 s, longer than its lease +
# grace of 8 + 4 s; guest b's network cut and restored), then read
# everything back; scripts/qemu/fuzzcheck.py checks every 16-byte unit
# every read returned against the writes, truncates and punches of both
# guests in time (tests/qemu/lib/fuzz-lib.sh says how). Fails on any
# violation, any failed operation, a lost session or reclaim, or a guest
# report. The figures are in
# the bed's output and RESULTS/qemu/fuzz/hostpost.log.
set -euo pipefail
. /bed/lib.sh
. /bed/fuzz-lib.sh

FZ_SECS=30
FZ_SEED=1
FZ_PHASES="calm mdc-kill mdc-stop mdc-stop-long link-cut"
FZ_STOP_LONG=14
fuzz_main
