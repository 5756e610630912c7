# SPDX-License-Identifier: GPL-2.0
# The multi-client coherence fuzzer's guest side (issue 13, part 2), in
# every guest as /bed/fuzz-lib.sh. tests/qemu/fuzz.sh (a short run, part
# of make check) and tests/qemu/long/fuzz-long.sh (make fuzz-long) set
# FZ_SECS (seconds per phase), FZ_SEED and FZ_PHASES and call fuzz_main.
#
# Both guests run xsanfuzz (tests/qemu/helpers/xsanfuzz.c: seeded random
# buffered, O_DIRECT, append, mmap, truncate, punch, fallocate, fsync,
# rename, link, unlink (of open files too) and readdir on four names, each
# write stamped unit by unit) for FZ_SECS seconds per phase, while guest a
# injects the phase's fault about 5 s in:
#   calm       none
#   mdc-kill   xsanmdc killed with SIGKILL, started again 6 s later on
#              the same state (the clients reclaim)
#   mdc-stop   xsanmdc stopped with SIGSTOP for 4 s, then SIGCONT
#   mdc-stop-long  the same for FZ_STOP_LONG s (default 35: longer than
#              the default lease + grace)
#   link-cut   guest b's network cut for 3 s (its LUNs stay), then back
#   slow-lun   guest b's LUNs throttled to 40 I/Os and 4 MB per second
#              for FZ_SLOW_SECS s (default 20), its network untouched
# Then both fsync everything, meet, and read every name whole (buffered
# and O_DIRECT). Each uploads its log (bed_upload fz-GUEST); the bed's
# hostpost runs scripts/qemu/fuzzcheck.py on them, which checks every unit
# every read returned and prints the figures.

FZ_DIR=/mnt/x/fz
FZ_LOG=/tmp/fz.log

fz_fault() {
	# the checker counts them (a file of its own: xsanfuzz appends to the log)
	echo "F $1" >> $FZ_LOG.faults
}

fz_conduct() {
	case "$1" in
	calm) ;;
	mdc-kill)
		sleep 5
		bed_mdc kill
		fz_fault mdc-kill
		sleep 6
		bed_mdc start
		;;
	mdc-stop)
		sleep 5
		bed_mdc stop
		fz_fault mdc-stop
		sleep 4
		bed_mdc cont
		;;
	mdc-stop-long)
		# longer than the lease and the grace: the clients' leases run
		# out while the MDC cannot answer; it must not evict them for
		# its own stall
		sleep 5
		bed_mdc stop
		fz_fault mdc-stop-long
		sleep "${FZ_STOP_LONG:-35}"
		bed_mdc cont
		;;
	link-cut)
		sleep 5
		bed_link b off
		fz_fault link-cut
		sleep 3
		bed_link b on
		;;
	slow-lun)
		# a slow array on one host: its writeback, O_DIRECT and
		# give-backs crawl while the other host keeps asking for its
		# tokens (REVOKEs answered late, never wrongly)
		sleep 5
		bed_slow b on
		fz_fault slow-lun
		sleep "${FZ_SLOW_SECS:-20}"
		bed_slow b off
		;;
	*) fail "no fuzz phase $1" ;;
	esac
}

fuzz_main() {
	local M=/mnt/x phase n=0 pid rc out
	insmod /opt/xsanfs/xsanfs.ko
	mkdir -p $M
	out=$(timeout 60 mount -t xsanfs -o mdc=10.0.2.100 vol1 $M 2>&1) ||
		fail "mount of vol1 failed: $out"
	[ "$BED_GUEST" != a ] || mkdir -p $FZ_DIR
	# a lease the MDC stops renewing means a REVOKE we do not answer:
	# dump every blocked task once (the run fails on the traces)
	(
		while sleep 2; do
			if dmesg | grep 'did not renew the lease' > /dev/null; then
				echo w > /proc/sysrq-trigger
				break
			fi
		done
	) &
	FZ_WATCH=$!
	bed_barrier mounted
	: > $FZ_LOG
	: > $FZ_LOG.faults
	echo "fuzz: seed $FZ_SEED, phases $FZ_PHASES, $FZ_SECS s each"
	for phase in $FZ_PHASES; do
		n=$((n + 1))
		bed_barrier "phase-$n"
		xsanfuzz run -d $FZ_DIR -g "$BED_INDEX" -s $((FZ_SEED * 100 + n)) \
			-q $((n * 10000000)) -n 100000000 -t "$FZ_SECS" \
			-o $FZ_LOG -c "$BED_FD" &
		pid=$!
		[ "$BED_GUEST" != a ] || fz_conduct "$phase"
		# the run ends FZ_SECS s in, or later if a fault held it up
		rc=0
		timeout $((FZ_SECS + 240)) tail --pid=$pid -f /dev/null || rc=$?
		if [ $rc != 0 ]; then
			# what it waits for: its stack, every blocked task's
			echo "xsanfuzz (pid $pid) stack:"
			cat /proc/$pid/stack || true
			echo w > /proc/sysrq-trigger
			sleep 1
			fail "phase $phase: xsanfuzz still running $((FZ_SECS + 240)) s in"
		fi
		wait $pid || fail "phase $phase: xsanfuzz failed"
		# no fault here may cost a session or a reclaim (an eviction
		# whose writes happened to be clean would otherwise pass)
		if dmesg | grep -E 'session lost|not reclaimed'; then
			fail "phase $phase: the client lost its session or a reclaim"
		fi
		echo "fuzz: phase $n ($phase) done, $(wc -l < $FZ_LOG) log lines"
	done
	bed_barrier quiet
	timeout 120 xsanfuzz sync -d $FZ_DIR || fail "final fsync failed"
	bed_barrier synced
	timeout 120 xsanfuzz final -d $FZ_DIR -g "$BED_INDEX" -q 999000000 \
		-o $FZ_LOG -c "$BED_FD" || fail "final reads failed"
	cat $FZ_LOG.faults >> $FZ_LOG
	bed_upload "fz-$BED_GUEST" $FZ_LOG
	echo "fuzz: $(grep -c '^[WRSN] ' $FZ_LOG) operations logged, $(grep -c '^X ' $FZ_LOG || true) seen wrong in the guest"
	bed_barrier uploaded
	kill $FZ_WATCH 2>/dev/null || true
	timeout 60 umount $M || fail "umount failed"
	echo "fuzz: ok"
}
