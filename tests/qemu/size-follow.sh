# bed: guests=2 luns=lun0:128M mdc=vol1 deadline=300
# SPDX-License-Identifier: GPL-2.0
# Issue 14: a buffered writer's size and mtime reach the other host at
# once. A appends 1 MiB chunks to a clip with buffered writes (no fsync,
# no close in between); after each chunk B stats the clip at once and
# must see exactly the size A's stat gives, and A's mtime. Then the other
# way round, B writing, A following. Before the fix (a buffered write
# held DATA_WR but not ATTR_WR, so B's ATTR_RD did not take anything back
# from A) B saw the size of A's last writeback: 0 for the first chunks,
# then steps of tens of MiB up to 30 s late.
set -euo pipefail
. /bed/lib.sh

M=/mnt/x
N=12
insmod /opt/xsanfs/xsanfs.ko
mkdir -p $M
out=$(timeout 60 mount -t xsanfs -o mdc=10.0.2.100 vol1 $M 2>&1) ||
	fail "mount of vol1 failed: $out"
bed_barrier mounted

# follow WRITER FILE: WRITER appends N chunks, the other stats after each
follow() {
	local writer=$1 f=$2 k i want got
	k=$(basename "$f")
	if [ "$BED_GUEST" = "$writer" ]; then
		exec 5>> "$f"
		for i in $(seq $N); do
			head -c $((1 << 20)) /dev/urandom >&5
			# a distinct mtime per chunk (one-second resolution in %Y)
			bed_put "$k.$i" "$(stat -c '%s %Y' "$f")"
			bed_barrier "$k.$i"
			bed_barrier "$k.$i.seen"
			sleep 1.1
		done
		exec 5>&-
	else
		for i in $(seq $N); do
			bed_barrier "$k.$i"
			want=$(bed_get "$k.$i")
			got=$(stat -c '%s %Y' "$f")
			[ "$got" = "$want" ] ||
				fail "chunk $i of $f: $BED_GUEST sees size/mtime '$got', $writer has '$want'"
			bed_barrier "$k.$i.seen"
		done
		echo "size-follow: $BED_GUEST saw each of $N chunks $writer appended to $k at once (size $(stat -c %s "$f"))"
	fi
}

[ "$BED_GUEST" = a ] && : > $M/clip-a
bed_barrier created-a
follow a $M/clip-a
# once A's writeback is done, st_blocks agrees too (blocks are allocated
# at writeback: compared after it, not during the ingest)
if [ "$BED_GUEST" = a ]; then
	sync
	bed_put blocks-a "$(stat -c '%s %b' $M/clip-a)"
fi
bed_barrier synced-a
if [ "$BED_GUEST" = b ]; then
	want=$(bed_get blocks-a)
	got=$(stat -c '%s %b' $M/clip-a)
	[ "$got" = "$want" ] || fail "after A's sync: b sees size/blocks '$got', a has '$want'"
fi
[ "$BED_GUEST" = b ] && : > $M/clip-b
bed_barrier created-b
follow b $M/clip-b

# O_DIRECT: A appends 1 MiB chunks through one open file (xsanio dio: no
# fsync, commits owed); after each B must see A's size and st_blocks
# (blocks the MDC allocated ahead count on both hosts alike)
if [ "$BED_GUEST" = a ]; then
	head -c $((N << 20)) /dev/urandom > /tmp/dsrc
	xsanio dio $M/clip-d 1 /tmp/dmark < /tmp/dsrc &
	dpid=$!
	for i in $(seq $N); do
		for _ in $(seq 600); do
			[ -e /tmp/dmark.$i ] && break
			sleep 0.1
		done
		[ -e /tmp/dmark.$i ] || fail "xsanio dio wrote no chunk $i in 60 s"
		bed_put "d.$i" "$(stat -c '%s %b' $M/clip-d)"
		bed_barrier "d.$i"
		bed_barrier "d.$i.seen"
		touch /tmp/dmark.go.$i
	done
	wait $dpid || fail "xsanio dio failed"
	bed_put "d.end" "$(stat -c '%s %b' $M/clip-d)"
	bed_barrier "d.end"
else
	for i in $(seq $N); do
		bed_barrier "d.$i"
		want=$(bed_get "d.$i")
		got=$(stat -c '%s %b' $M/clip-d)
		[ "$got" = "$want" ] ||
			fail "O_DIRECT chunk $i: b sees size/blocks '$got', a has '$want'"
		bed_barrier "d.$i.seen"
	done
	bed_barrier "d.end"
	want=$(bed_get "d.end")
	got=$(stat -c '%s %b' $M/clip-d)
	[ "$got" = "$want" ] || fail "O_DIRECT after close: b sees size/blocks '$got', a has '$want'"
	echo "size-follow: b saw each of $N O_DIRECT chunks with a's size and st_blocks"
fi
bed_barrier done
umount $M
echo "size-follow: ok"
