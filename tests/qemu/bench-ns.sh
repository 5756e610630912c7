# bed: guests=1 luns=lun0:256M,local:256M:spare mdc=vol1 deadline=1200 memory=1024
# SPDX-License-Identifier: GPL-2.0
# Namespace benchmark (figures, not a test; `make bench-ns`, never part of
# `make check`, which runs tests/qemu/*.sh except bench-*). In one guest:
# an xsanfs mount of vol1 (its one LUN, lun0, 256 MiB) and ext4 on an equal
# local LUN (local, 256 MiB, a spare LUN outside the volume, same
# virtio-scsi and cache mode). On each, in one directory of N files:
#   create      xargs touch (open O_CREAT, close, utimensat per file)
#   stat-cold   xargs stat after umount + mount + drop_caches (xsanfs:
#               a new session, so no token, dentry or inode is cached)
#   stat-warm   the same stat again
#   readdir     ls -f | wc -l, cold (after remount) and warm
#   unlink      xargs rm -f
# and prints ops/s per operation for both and the ratio xsanfs/ext4.
# Every phase includes a few execs of the tools (50-100 ms each under TCG).
# Lines "bench-ns: ..." are the results.
set -euo pipefail
. /bed/lib.sh
export LC_ALL=C

N=10000
X=/mnt/xsan
E=/mnt/ext4
mkdir -p $X $E
insmod /opt/xsanfs/xsanfs.ko
mkfs.ext4 -q -F /dev/lun/local

mount_x() {
	local out
	out=$(timeout 60 mount -t xsanfs -o mdc=10.0.2.100 vol1 $X 2>&1) ||
		fail "mount of vol1 failed: $out"
}
mount_e() { mount -t ext4 /dev/lun/local $E; }
# remount FS: everything cached about it is gone
remount() {
	case $1 in
	xsanfs) umount $X; echo 3 > /proc/sys/vm/drop_caches; mount_x ;;
	ext4) umount $E; echo 3 > /proc/sys/vm/drop_caches; mount_e ;;
	esac
}
mount_x
mount_e

printf 'f%05d\n' $(seq 1 $N) > /tmp/names
now() { date +%s%N; }
declare -A rate
# timed FS OP COUNT CMD...: run CMD in the benchmark directory of FS,
# record COUNT/seconds as rate[FS.OP]
timed() {
	local fs=$1 op=$2 count=$3 t0 t1
	shift 3
	t0=$(now)
	"$@"
	t1=$(now)
	rate[$fs.$op]=$(awk -v n="$count" -v ns=$((t1 - t0)) 'BEGIN { printf "%.0f", n / (ns / 1e9) }')
	echo "bench-ns: $fs $op: $count in $(awk -v ns=$((t1 - t0)) 'BEGIN { printf "%.2f", ns / 1e9 }') s, ${rate[$fs.$op]} ops/s"
}
count_entries() {
	local n
	# shellcheck disable=SC2012 # ls -f is the operation measured
	n=$(ls -f | wc -l)
	[ "$n" -eq $((N + 2)) ] || fail "readdir saw $n entries, not $((N + 2))"
}
stat_all() { xargs -a /tmp/names stat -c '' > /dev/null; }

for fs in ext4 xsanfs; do
	case $fs in ext4) d=$E/bench ;; xsanfs) d=$X/bench ;; esac
	mkdir "$d"
	cd "$d"
	timed $fs create $N xargs -a /tmp/names touch
	cd /
	remount $fs
	cd "$d"
	timed $fs stat-cold $N stat_all
	timed $fs stat-warm $N stat_all
	cd /
	remount $fs
	cd "$d"
	timed $fs readdir-cold $N count_entries
	timed $fs readdir-warm $N count_entries
	timed $fs unlink $N xargs -a /tmp/names rm -f
	[ -z "$(ls -A)" ] || fail "$fs: files left after unlink"
	cd /
	rmdir "$d"
done

echo "bench-ns: N=$N, guest $(uname -r), $(nproc) vCPU, TCG"
printf 'bench-ns: %-14s %12s %12s %12s\n' operation 'ext4 ops/s' 'xsanfs ops/s' xsanfs/ext4
for op in create stat-cold stat-warm readdir-cold readdir-warm unlink; do
	printf 'bench-ns: %-14s %12s %12s %12s\n' $op "${rate[ext4.$op]}" \
		"${rate[xsanfs.$op]}" \
		"$(awk -v x="${rate[xsanfs.$op]}" -v e="${rate[ext4.$op]}" 'BEGIN { printf "%.3f", x / e }')"
done
umount $X
umount $E
rmmod xsanfs
