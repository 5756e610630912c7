# bed: guests=2 luns=lun0:160M,lun1:160M mdc=vol1 deadline=400
# SPDX-License-Identifier: GPL-2.0
# fio --verify across two clients (issue 6): A writes with crc32c verify
# headers and verifies itself (buffered sequential 64 KiB, then O_DIRECT
# random 64 KiB); after a barrier B runs the same jobs with --verify_only,
# buffered and O_DIRECT: every block must carry A's checksum and offset
# (and all 48 MiB are read). Then B changes one byte and the verifier must
# fail, so a verifier that reads nothing cannot pass.
set -euo pipefail
. /bed/lib.sh
export LC_ALL=C

M=/mnt/x
insmod /opt/xsanfs/xsanfs.ko
mkdir -p $M
out=$(timeout 60 mount -t xsanfs -o mdc=10.0.2.100 vol1 $M 2>&1) ||
	fail "mount of vol1 failed: $out"
bed_barrier mounted

# job NAME FILE RW DIRECT [extra fio args]: one fio job, same on A and B
job() {
	local name=$1 file=$2 rw=$3 direct=$4
	shift 4
	timeout 240 fio --name="$name" --filename="$file" --size=48M --bs=64k \
		--rw="$rw" --direct="$direct" --ioengine=psync \
		--verify=crc32c --verify_fatal=1 --randseed=4242 \
		--output-format=terse --terse-version=3 "$@" > /tmp/fio.$name 2>&1 || {
		cat /tmp/fio.$name
		fail "fio $name ($*) failed"
	}
	# terse v3: field 6 is KiB read (the verify passes read it all)
	rkb=$(grep '^3;' /tmp/fio.$name | cut -d';' -f6)
	echo "fio: $name $rw direct=$direct $* passed, $rkb KiB read"
	[ "$rkb" = 49152 ] || fail "fio $name read $rkb KiB, not the 48 MiB"
}

case "$BED_GUEST" in
a)
	job buf $M/fio-buf write 0 --end_fsync=1
	job dio $M/fio-dio randwrite 1
	;;
esac
bed_barrier written
case "$BED_GUEST" in
b)
	job buf $M/fio-buf write 0 --verify_only
	job dio $M/fio-dio randwrite 1 --verify_only
	# and the buffered file through O_DIRECT, the direct one buffered
	job buf $M/fio-buf write 1 --verify_only
	job dio $M/fio-dio randwrite 0 --verify_only
	# the verifier must catch one changed block
	printf 'X' | dd of=$M/fio-buf bs=1 seek=$((20 * 1048576 + 100)) \
		conv=notrunc,fsync status=none || fail "corrupting fio-buf failed"
	if timeout 240 fio --name=buf --filename=$M/fio-buf --size=48M --bs=64k \
		--rw=write --direct=0 --ioengine=psync --verify=crc32c \
		--verify_fatal=1 --randseed=4242 --verify_only > /tmp/fio.bad 2>&1; then
		fail "fio --verify_only missed a corrupted block"
	fi
	grep -a -m1 -i 'crc32c\|verify' /tmp/fio.bad || true
	echo "fio: a corrupted block is caught"
	;;
esac
bed_barrier verified
timeout 60 umount $M || fail "umount failed"
