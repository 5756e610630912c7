# bed: guests=2 luns=lun0:64M mdc=vol1 deadline=600
# SPDX-License-Identifier: GPL-2.0
# Issue 12, hole 3: a write that races the idle give-back of its tokens.
# A mounts with nrtiotokentimeout=1: a token unused for 1 s goes back to
# the MDC (fs/token.c, xsan_tok_idle_work: the bits are dropped, the
# data caches written back and emptied under data_sem, then TOKEN_PUT).
# In each of 40 steps A (xsanio idlewr, one open file) writes 1 MiB (a
# TOKEN_GET, since B's read took the token back), sleeps 960 to 1079 ms
# (a different pause each step) so that the idle give-back is about due,
# then writes 4 KiB more, and publishes the sha256 of what the file must
# hold (a local copy written alike). B reads the whole file: its DATA_RD
# must make A write back everything. A write whose TOKEN_GET was
# answered while the give-back was under way (before its TOKEN_PUT) finds
# the token valid once data_sem is free, dirties pages, and then the
# PUT's reply takes the token away: the MDC thinks A holds nothing, no
# REVOKE comes, and B reads the old bytes (or the old size: the size
# the write extended is not committed either). Such pages may stay lost
# (later steps show them too: counted apart). Without the fix some steps
# lose a write; the test fails with "B read something else than A
# wrote: N of 40 steps lost a write of theirs" (all steps run).
set -euo pipefail
. /bed/lib.sh
. /bed/data-lib.sh

M=/mnt/x
STEPS=40
insmod /opt/xsanfs/xsanfs.ko
mkdir -p $M
opts=mdc=10.0.2.100
[ "$BED_GUEST" = a ] && opts=$opts,nrtiotokentimeout=1
out=$(timeout 60 mount -t xsanfs -o $opts vol1 $M 2>&1) ||
	fail "mount of vol1 failed: $out"
bed_barrier mounted

case "$BED_GUEST" in
a)
	xsanio idlewr $M/f /tmp/shadow $STEPS /tmp/iw 960 120 &
	pid=$!
	for k in $(seq 1 $STEPS); do
		wait_file "/tmp/iw.$k"
		bed_put "s$k" "$(sum /tmp/shadow) $(cat "/tmp/iw.$k") $(stat -c %s /tmp/shadow)"
		bed_get "r$k" > /dev/null
		touch "/tmp/iw.go.$k"
	done
	wait $pid || fail "xsanio idlewr failed"
	bed_get result > /dev/null
	;;
b)
	hits=0
	old=0
	for k in $(seq 1 $STEPS); do
		read -r want pause size <<<"$(bed_get "s$k")"
		# what the file must hold, built here alike (a check of A's sum)
		# shellcheck disable=SC2059 # the format is the octal escape
		C=$(printf "\\$(printf '%03o' $((65 + k % 26)))")
		# shellcheck disable=SC2059
		c=$(printf "\\$(printf '%03o' $((97 + k % 26)))")
		head -c 1048576 /dev/zero | tr '\0' "$C" |
			dd of=/tmp/exp bs=1M conv=notrunc status=none
		head -c 4096 /dev/zero | tr '\0' "$c" |
			dd of=/tmp/exp bs=4096 seek=$((256 + k % 64)) conv=notrunc status=none
		[ "$(sum /tmp/exp)" = "$want" ] || fail "step $k: the expected content built on B differs from A's (test bug)"
		timeout 60 cat $M/f > /tmp/got || fail "step $k: B's read failed"
		if ! cmp -s /tmp/got /tmp/exp; then
			# the 4 KiB pages that differ: page number, byte read / due
			# (octal); pages below 256 and page 256 + K % 64 are this
			# step's, others an earlier step's loss still showing
			cmp -l /tmp/got /tmp/exp 2> /dev/null |
				awk '{ p = int(($1 - 1) / 4096); if (p != last) print p, $2, $3; last = p }' > /tmp/pages || true
			gs=$(stat -c %s /tmp/got)
			new=$(awk -v s=$((256 + k % 64)) '$1 < 256 || $1 == s { n++ } END { print n + 0 }' /tmp/pages)
			[ "$gs" = "$size" ] || new=$((new + 1))
			if [ "$new" -gt 0 ]; then
				hits=$((hits + 1))
				what="lost this step's write"
			else
				old=$((old + 1))
				what="shows only an earlier step's loss"
			fi
			echo "idle-giveback: step $k (pause $pause ms): B $what: pages (read/due) $(awk '{ printf "%s:%s/%s ", $1, $2, $3 }' /tmp/pages | head -c 200); size $gs, A's $size"
		fi
		bed_put "r$k" 1
	done
	echo "idle-giveback: $hits of $STEPS steps lost a write of theirs, $old more show only an earlier loss"
	bed_put result $hits
	[ $((hits + old)) = 0 ] ||
		fail "B read something else than A wrote: $hits of $STEPS steps lost a write of theirs ($old more show only an earlier loss)"
	;;
esac
timeout 60 umount $M || fail "umount failed"
echo "idle-giveback: ok"
