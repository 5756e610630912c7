# bed: guests=1 deadline=90 expect=fail-log
# SPDX-License-Identifier: GPL-2.0
# Bed self-test: a WARNING with a Call Trace (as WARN_ON prints) in the
# kernel log fails the test.
. /bed/lib.sh
printf '<4>WARNING: CPU: 0 PID: 1 at fs/xsanfs/selftest.c:1 selftest\n' > /dev/kmsg
printf '<4>Call Trace:\n' > /dev/kmsg
sleep 1
exit 0
