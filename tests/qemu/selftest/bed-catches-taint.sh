# bed: guests=1 deadline=90 expect=fail-log
# SPDX-License-Identifier: GPL-2.0
# Bed self-test: a kernel report that never reached the console (here the
# console loglevel is turned down first) is still caught through the taint
# flags /init reports at the end. Taint bit 9 (W) is what WARN sets.
. /bed/lib.sh
dmesg -n 1
echo 512 > /proc/sys/kernel/tainted
exit 0
