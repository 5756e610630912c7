# bed: guests=2 luns=lun0:64M mdc=vol1 deadline=4500 lease=8:4 linkcut=b hostpost=scripts/qemu/fuzzcheck.py,@RUNDIR
# SPDX-License-Identifier: GPL-2.0
# The coherence fuzzer's long run (make fuzz-long; not part of make
# check): tests/qemu/fuzz.sh's five phases and slow-lun, six phases five
# times over, 60 s each: about 110,000 operations with 25 faults. The seed is fixed: edit
# FZ_SEED here to try another. Figures: the bed's output and
# RESULTS/qemu/fuzz-long/hostpost.log.
set -euo pipefail
. /bed/lib.sh
. /bed/fuzz-lib.sh

FZ_SECS=60
FZ_SEED=2
FZ_PHASES=$(for i in 1 2 3 4 5; do
	echo calm mdc-kill mdc-stop mdc-stop-long link-cut slow-lun
done)
FZ_STOP_LONG=14
fuzz_main
