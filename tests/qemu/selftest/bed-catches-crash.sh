# bed: guests=1 deadline=90 expect=fail-log
# SPDX-License-Identifier: GPL-2.0
# Bed self-test: a real kernel crash (sysrq c: a panic with a Call Trace;
# oops=panic ends the guest) fails the test. The script never gets to
# report a result, and the console must show what happened.
. /bed/lib.sh
echo 1 > /proc/sys/kernel/sysrq
echo c > /proc/sysrq-trigger
sleep 30
exit 0
