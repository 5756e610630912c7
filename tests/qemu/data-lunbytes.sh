# bed: guests=2 luns=lun0:320M,lun1:320M mdc=vol1 deadline=400 hostpost=scripts/qemu/check-lunbytes.py
# SPDX-License-Identifier: GPL-2.0
# Data goes to the LUNs, not the network (issue 6): A writes 256 MiB
# (numbered 32-byte lines with a seed per run) and publishes the file's
# fiemap; B reads the same bytes; both unmount. Then, on the host
# (hostpost=, scripts/qemu/check-lunbytes.py, after xsanmdc stopped):
# the LUN images hold the pattern's bytes at the places fiemap reported,
# each extent on exactly one LUN, and the MDC's session-port byte counters
# (both clients, whole run) stay under 1% of the 256 MiB.
set -euo pipefail
. /bed/lib.sh
export LC_ALL=C

M=/mnt/x
SIZE=$((256 * 1048576))
insmod /opt/xsanfs/xsanfs.ko
mkdir -p $M
out=$(timeout 60 mount -t xsanfs -o mdc=10.0.2.100 vol1 $M 2>&1) ||
	fail "mount of vol1 failed: $out"
bed_barrier mounted

# gen SEED BYTES: 32-byte lines "SEED-NNN...\n" (SEED is 12 characters)
gen() {
	{ seq -f "$1-%018.0f" 0 $(($2 / 32)) || true; } | head -c "$2"
}

case "$BED_GUEST" in
a)
	seed=$(head -c 6 /dev/urandom | xxd -p)
	t0=$(date +%s)
	gen "$seed" $SIZE | timeout 300 dd of=$M/big bs=1M iflag=fullblock \
		conv=fsync status=none || fail "write of 256 MiB failed"
	t1=$(date +%s)
	echo "lunbytes: A wrote $SIZE bytes in $((t1 - t0)) s"
	sum=$(gen "$seed" $SIZE | sha256sum | cut -d' ' -f1)
	[ "$(timeout 120 sha256sum < $M/big | cut -d' ' -f1)" = "$sum" ] ||
		fail "A reads back big differently"
	fr=$(filefrag -v $M/big) || fail "filefrag failed: $fr"
	bs=$(sed -n 's/.* blocks of \([0-9]*\) bytes.*/\1/p' <<<"$fr")
	[ -n "$bs" ] || fail "no block size in filefrag's output: $fr"
	# "N: L0.. L1: P0.. P1: LEN: ..." -> LOGICAL:PHYSICAL:LENGTH in bytes
	map=$(awk -v bs="$bs" '$1 ~ /^[0-9]+:$/ {
		gsub(/[.:]/, " "); split($0, f, " ")
		printf "%s%d:%d:%d", sep, f[2] * bs, f[4] * bs, f[6] * bs; sep = ","
	}' <<<"$fr")
	[ -n "$map" ] || fail "no extents in filefrag's output: $fr"
	echo "lunbytes: $(tr ',' '\n' <<<"$map" | wc -l) extents"
	bed_put seed "$seed"
	bed_put size "$SIZE"
	bed_put sum "$sum"
	bed_put fiemap "$map"
	bed_barrier written
	;;
b)
	bed_barrier written
	sum=$(bed_get sum)
	[ "$(timeout 120 sha256sum < $M/big | cut -d' ' -f1)" = "$sum" ] ||
		fail "B reads big differently"
	echo "lunbytes: B read the same 256 MiB"
	;;
esac
bed_barrier read
timeout 60 umount $M || fail "umount failed"
echo "lunbytes: $BED_GUEST done"
