# bed: guests=2 luns=lun0:96M,lun1:96M mdc=vol1 deadline=400 killable=a
# SPDX-License-Identifier: GPL-2.0
# The writer guest is killed mid-write (issue 6): A first fills most of
# the volume with an "old" pattern, fsyncs and deletes it, so the space
# it then reuses holds old bytes. A writes 16 files of 1 MiB, each with
# fsync, and publishes how many it fsynced; then it fallocates a 48 MiB
# stream file (durable size, unwritten blocks over the old bytes), writes
# it without fsync while writeback runs (dirty_background_bytes 1 MiB,
# expire 1 s), and has the bed kill its QEMU (bed_kill: a power cut,
# killable=a) in the middle. B, after A's lease runs out: every fsynced
# file reads back exactly; every byte of the stream is either zero or the
# new pattern's byte at that offset (each 32-byte line is checked at its
# place): no byte of the old pattern, nothing out of place.
set -euo pipefail
. /bed/lib.sh
export LC_ALL=C

M=/mnt/x
insmod /opt/xsanfs/xsanfs.ko
mkdir -p $M
out=$(timeout 60 mount -t xsanfs -o mdc=10.0.2.100 vol1 $M 2>&1) ||
	fail "mount of vol1 failed: $out"
bed_barrier mounted

# gen SEED BYTES: 32-byte lines "SEED-NNN...\n" (SEED is 12 characters)
gen() {
	{ seq -f "$1-%018.0f" 0 $(($2 / 32)) || true; } | head -c "$2"
}
N=16

case "$BED_GUEST" in
a)
	seed=$(head -c 6 /dev/urandom | xxd -p)
	old=$(head -c 6 /dev/urandom | xxd -p)
	bed_put seed "$seed"
	bed_put old "$old"
	# the old pattern over most of the free space, durable, then freed
	gen "$old" $((150 * 1048576)) | timeout 200 dd of=$M/old bs=1M \
		iflag=fullblock conv=fsync status=none || fail "write of old failed"
	rm $M/old
	sync
	for i in $(seq 1 $N); do
		gen "$(printf '%s' "${seed:0:10}")$(printf '%02d' "$i")" 1048576 |
			timeout 60 dd of=$M/f$i bs=64k iflag=fullblock conv=fsync \
			status=none || fail "write of f$i failed"
		bed_put synced "$i"
	done
	echo "crash: $N files fsynced"
	# the stream: allocated (unwritten) over the old bytes, size durable
	timeout 60 fallocate -l $((48 * 1048576)) $M/stream ||
		fail "fallocate of stream failed"
	sync $M/stream
	echo 1048576 > /proc/sys/vm/dirty_background_bytes
	echo 100 > /proc/sys/vm/dirty_expire_centisecs
	echo 50 > /proc/sys/vm/dirty_writeback_centisecs
	gen "$seed" $((48 * 1048576)) | dd of=$M/stream bs=64k conv=notrunc \
		iflag=fullblock status=none &
	sleep 10
	grep -E '^(Dirty|Writeback):' /proc/meminfo || true
	echo "crash: killing A now"
	bed_put killed 1
	bed_kill a
	sleep 600
	fail "A is still alive after bed_kill"
	;;
b)
	seed=$(bed_get seed)
	old=$(bed_get old)
	bed_get killed > /dev/null
	n=$(bed_get synced)
	[ "$n" = "$N" ] || fail "A fsynced $n files, expected $N"
	t0=$(date +%s)
	# A's tokens go when its lease runs out (20 s + 10 s grace)
	for i in $(seq 1 $N); do
		want=$(gen "${seed:0:10}$(printf '%02d' "$i")" 1048576 | sha256sum)
		got=$(timeout 120 cat $M/f$i | sha256sum) ||
			fail "B cannot read fsynced f$i"
		[ "$got" = "$want" ] || {
			ls -l $M/f$i
			fail "fsynced f$i differs after A's crash"
		}
	done
	echo "crash: B reads the $N fsynced files intact ($(( $(date +%s) - t0 )) s after the kill)"
	if [ -e $M/stream ]; then
		sz=$(stat -c %s $M/stream)
		timeout 120 cat $M/stream > /tmp/stream || fail "B cannot read stream"
		if grep -a -q "$old" /tmp/stream; then
			grep -a -b -o -m3 "$old-[0-9]*" /tmp/stream || true
			fail "the unfsynced stream shows bytes of the old (deleted) file"
		fi
		# new-pattern lines, each at its own offset (line N at 32 N) ...
		good=$(grep -a -b -o -E "$seed-[0-9]{18}" /tmp/stream |
			awk -F'[:-]' '{ if ($1 != $3 * 32) { print "misplaced " $0; exit 1 } n++ }
				END { print n + 0 }') || fail "stream: a line at the wrong offset: $good"
		# ... and zeros make up all the rest
		zeros=$(tr -cd '\000' < /tmp/stream | wc -c)
		[ $((good * 32 + zeros)) = "$sz" ] || {
			tr -d '\000' < /tmp/stream | grep -a -v -E "^$seed-[0-9]{18}\$" | head -3 | xxd | head -5
			fail "stream: $good new lines and $zeros zeros do not make its $sz bytes (garbage)"
		}
		[ "$sz" = $((48 * 1048576)) ] || fail "stream is $sz bytes, its fallocated size was durable"
		echo "crash: stream: $sz bytes after the crash, $((good * 32)) new data at their places, $zeros zeros, no old byte"
	else
		echo "crash: the stream file did not survive (its create was not committed)"
	fi
	timeout 60 umount $M || fail "umount failed"
	;;
esac
