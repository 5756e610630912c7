# SPDX-License-Identifier: GPL-2.0
# An MDC restart during two guests' copies (issue 13), as a function for
# tests/qemu/mdc-restart.sh (one round of 200 MiB, make check) and
# tests/qemu/long/mdc-restart-big.sh (several rounds of 500 MiB, make
# restart-long). The caller mounted the volume on $M and set MIB; it
# sources /bed/data-lib.sh.

# restart_round R: one copy of MIB MiB by each guest (A cp, B O_DIRECT)
# with xsanmdc killed in the middle and started again 10 s later; the
# copies must read back whole. Adds the failed checks to $bad. MIB must
# be a multiple of 8 (B's chunks).
restart_round() {
	local R=$1 g want got size s k pid rc t0 t1
	head -c $((MIB << 20)) /dev/urandom > /tmp/src
	bed_put "sum${R}_$BED_GUEST" "$(sum /tmp/src)"
	bed_barrier "ready$R"

	t0=$(date +%s)
	# A copies with cp (buffered: dirty pages). B writes with O_DIRECT through
	# one open file (xsanio dio: 8 MiB chunks, each waiting for a go): after
	# 40 MiB it pauses with those writes' commits still owed (deferred O_DIRECT
	# commits) until the MDC is back, then writes the rest and closes.
	if [ "$BED_GUEST" = a ]; then
		( timeout 600 cp /tmp/src $M/a$R.bin && timeout 300 sync ) \
			> /tmp/cp.out 2>&1 &
		pid=$!
		for _ in $(seq 1200); do
			s=$(stat -c %s $M/a$R.bin 2>/dev/null || echo 0)
			[ "$s" -ge $((40 << 20)) ] && break
			kill -0 $pid 2>/dev/null || break
			sleep 0.1
		done
		bed_get "bpaused$R" > /dev/null
		echo "mdc-restart: round $R: killing xsanmdc with A's copy at $s bytes"
		bed_mdc kill
		sleep 10
		bed_mdc start
		t1=$(date +%s%N)
		echo "mdc-restart: round $R: xsanmdc started again"
		bed_put "restarted$R" 1
		# a figure, not a check: from the start to the end of our reclaim
		for _ in $(seq 600); do
			[ "$(dmesg | grep -c "the metadata controller restarted:")" -ge "$R" ] && break
			sleep 0.1
		done
		echo "mdc-restart: round $R: figure: reclaim done $((($(date +%s%N) - t1) / 1000000)) ms after xsanmdc started (0.1 s polling)"
	else
		( timeout 600 xsanio dio $M/b$R.bin 8 /tmp/bm$R < /tmp/src &&
		  timeout 300 sync ) > /tmp/cp.out 2>&1 &
		pid=$!
		for k in $(seq 1 $((MIB / 8))); do
			wait_file /tmp/bm$R.$k
			if [ $k = 5 ]; then
				bed_put "bpaused$R" 1
				bed_get "restarted$R" > /dev/null
			fi
			touch /tmp/bm$R.go.$k
		done
	fi
	rc=0
	wait $pid || rc=$?
	echo "mdc-restart: round $R: cp + sync ended with status $rc after $(($(date +%s) - t0)) s: $(cat /tmp/cp.out)"
	dmesg | grep -E "xsanfs: volume vol1: (reconnected|the metadata controller restarted)" | tail -2 || true
	[ $rc = 0 ] || fail "cp or sync failed across the MDC restart (status $rc): $(cat /tmp/cp.out)"
	bed_barrier "copied$R"

	for g in a b; do
		want=$(bed_get "sum${R}_$g")
		got=$(timeout 300 sha256sum < $M/$g$R.bin | cut -d' ' -f1)
		size=$(stat -c %s $M/$g$R.bin)
		echo "mdc-restart: round $R: $g$R.bin: $size bytes, sha256 $got"
		if [ "$got" != "$want" ] || [ "$size" != $((MIB << 20)) ]; then
			echo "mdc-restart: round $R: $g$R.bin is not what $g copied (want $want)"
			bad=$((bad + 1))
		fi
	done
	if dmesg | grep -E "dirty data not written|not committed|LAYOUT_COMMIT of inode .* failed|not reclaimed"; then
		echo "mdc-restart: round $R: the kernel logged lost data (above)"
		bad=$((bad + 1))
	fi
	bed_barrier "checked$R"
}
