# bed: guests=1 deadline=90 expect=fail-log
# SPDX-License-Identifier: GPL-2.0
# Bed self-test: a guest whose kernel log shows an oops-like report fails
# the test even though the script itself exits 0.
. /bed/lib.sh
echo "<4>BUG: xsanbed self-test, not a real bug" > /dev/kmsg
sleep 1
exit 0
