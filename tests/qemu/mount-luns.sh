# bed: guests=1 luns=lun0:64M,lun1:64M,spare0:64M:spare mdc=vol1 deadline=180
# SPDX-License-Identifier: GPL-2.0
# The kernel opens the volume's LUNs (issue 6): mount.xsanfs finds both
# LUN partitions of vol1 by their headers and passes them (lunprobe=); the
# kernel opens them exclusively (ext4 cannot open them; a second mount of
# vol1 shares them) and shows them in /proc/mounts; a missing LUN fails the mount with its label named; a
# wrong LUN (lun1's header cloned onto the spare, then changed: another LUN
# uuid, another volume) fails with a sentence naming it and the field;
# umount releases the devices.
set -euo pipefail
. /bed/lib.sh

part() {
	local dev i
	dev=$(readlink -f "/dev/lun/$1")
	for i in $(seq 50); do [ -b "${dev}1" ] && break; sleep 0.1; done
	[ -b "${dev}1" ] || fail "$1: no partition ${dev}1"
	echo "${dev}1"
}
p0=$(part lun0)
p1=$(part lun1)
spare=$(readlink -f /dev/lun/spare0)
echo "lun0 $p0, lun1 $p1, spare $spare"

insmod /opt/xsanfs/xsanfs.ko
modprobe ext4 2>/dev/null || true
mkdir -p /mnt/x /mnt/y /mnt/e

# mnt_msg EXPECTED-REGEX MOUNT-ARGS...: the mount fails, printing a match.
mnt_msg() {
	local want=$1 out rc
	shift
	set +e
	out=$(timeout 60 mount -t xsanfs "$@" 2>&1)
	rc=$?
	set -e
	echo "mount $* -> status $rc: $out"
	[ "$rc" -ne 124 ] || fail "mount $* hung"
	[ "$rc" -ne 0 ] || fail "mount $* succeeded"
	grep -Eq "$want" <<<"$out" || fail "mount $* printed '$out', expected /$want/"
	grep -qs ' /mnt/y ' /proc/mounts && fail "something is mounted on /mnt/y"
	return 0
}

# ext4_busy PART: 0 if an ext4 mount of PART fails with EBUSY (someone
# holds it exclusively), 1 if it fails for any other reason (no ext4
# there), which is the state of a free LUN.
ext4_busy() {
	local out
	if out=$(timeout 30 mount -t ext4 -o ro "$1" /mnt/e 2>&1); then
		umount /mnt/e
		fail "ext4 mounted the LUN partition $1"
	fi
	echo "mount -t ext4 $1: $out"
	grep -qi 'busy' <<<"$out"
}

# Free before the mount.
ext4_busy "$p0" && fail "$p0 busy before the mount"

# --- the helper finds both LUNs; the kernel opens and shows them ------
out=$(timeout 60 mount -v -t xsanfs -o mdc=10.0.2.100 vol1 /mnt/x 2>&1) ||
	fail "mount failed (status $?): $out"
echo "$out"
grep -q "\"lunprobe\", \"$p0\"" <<<"$out" || fail "mount.xsanfs did not pass $p0"
grep -q "\"lunprobe\", \"$p1\"" <<<"$out" || fail "mount.xsanfs did not pass $p1"
line=$(grep ' /mnt/x ' /proc/mounts) || fail "/mnt/x is not in /proc/mounts"
echo "/proc/mounts: $line"
grep -q ",lun=$p0\(,\|$\| \)" <<<"$line" || fail "/proc/mounts lacks lun=$p0"
grep -q ",lun=$p1\(,\|$\| \)" <<<"$line" || fail "/proc/mounts lacks lun=$p1"
grep -q "lun=$spare" <<<"$line" && fail "/proc/mounts shows the spare"
stat /mnt/x > /dev/null || fail "stat of the mounted root failed"

# Held exclusively: ext4 gets EBUSY. A second mount of vol1 (a second
# session) shares them: xsanfs is the holder, not one superblock.
ext4_busy "$p0" || fail "$p0 is not held exclusively while mounted"
ext4_busy "$p1" || fail "$p1 is not held exclusively while mounted"
out=$(timeout 60 mount -t xsanfs -o mdc=10.0.2.100,lun=$p0,lun=$p1 vol1 /mnt/y 2>&1) ||
	fail "a second mount of vol1 naming its LUNs failed (status $?): $out"
timeout 30 umount /mnt/y || fail "umount /mnt/y failed or hung (status $?)"
ext4_busy "$p0" || fail "$p0 released while /mnt/x still holds it"

timeout 30 umount /mnt/x || fail "umount failed or hung (status $?)"
# --- umount released them ----------------------------------------------
ext4_busy "$p0" && fail "$p0 still held after umount"
ext4_busy "$p1" && fail "$p1 still held after umount"

# --- a missing LUN: named by its label and stripe group ----------------
mnt_msg "volume vol1: LUN 'lun1' \(stripe group 0\) was not found: pass its partition with -o lun=" \
	-o mdc=10.0.2.100,lun=$p0 vol1 /mnt/y
# lunprobe= of the other one alone: the same sentence, for lun0
mnt_msg "volume vol1: LUN 'lun0' \(stripe group 0\) was not found" \
	-o mdc=10.0.2.100,lunprobe=$p1 vol1 /mnt/y

# --- a wrong LUN: lun1's label and header cloned onto the spare ----------
# (xsanlabel needs libfdisk, which the guest lacks.) The clone is first
# changed in its LUN uuid (a LUN of vol1 that does not match the table),
# then in its volume uuid (a LUN "lun1" of another volume); each time the
# header's CRC32C is made right again, so only the field differs.
# crc32c HEX: CRC32C of the bytes (as net/codec.c, fs/lunhdr.c), 8 hex digits
crc32c() {
	local hex=$1 crc=$((0xffffffff)) i b k
	for ((i = 0; i < ${#hex}; i += 2)); do
		b=$((16#${hex:i:2}))
		crc=$((crc ^ b))
		for ((k = 0; k < 8; k++)); do
			if ((crc & 1)); then
				crc=$(((crc >> 1) ^ 0x82F63B78))
			else
				crc=$((crc >> 1))
			fi
		done
	done
	printf '%08x' $((crc ^ 0xffffffff))
}
[ "$(crc32c 313233343536373839)" = e3069283 ] || fail "crc32c self-check"
# rewrite_hdr DEV BYTE: flip header byte BYTE of DEV, fix the CRC (LE at 16)
rewrite_hdr() {
	local dev=$1 at=$2 hex crc esc i
	hex=$(dd if="$dev" bs=256 count=1 2>/dev/null | od -An -tx1 -v | tr -d ' \n')
	[ ${#hex} -eq 512 ] || fail "cannot read the header of $dev"
	hex=${hex:0:$((at * 2))}$(printf '%02x' $((16#${hex:$((at * 2)):2} ^ 0xff)))${hex:$((at * 2 + 2))}
	hex=${hex:0:32}00000000${hex:40}
	crc=$(crc32c "$hex")
	hex=${hex:0:32}${crc:6:2}${crc:4:2}${crc:2:2}${crc:0:2}${hex:40}
	esc=
	for ((i = 0; i < 512; i += 2)); do esc+="\\x${hex:i:2}"; done
	printf "$esc" | dd of="$dev" bs=256 count=1 conv=notrunc,fsync 2>/dev/null ||
		fail "cannot write the header of $dev"
}
dd if="$(readlink -f /dev/lun/lun1)" of="$spare" bs=1M count=2 conv=fsync 2>/dev/null ||
	fail "cannot copy lun1's start to the spare"
blockdev --rereadpt "$spare" 2>/dev/null || partx -a "$spare" 2>/dev/null || true
sp=$(part spare0)
rewrite_hdr "$sp" 40		# first byte of the LUN uuid
mnt_msg "volume vol1: LUN 'lun1' at $sp does not match the volume's LUN table: its LUN uuid differs" \
	-o mdc=10.0.2.100,lun=$p0,lun=$sp vol1 /mnt/y
rewrite_hdr "$sp" 40		# back
rewrite_hdr "$sp" 24		# first byte of the volume uuid
mnt_msg "volume vol1: LUN 'lun1' at $sp belongs to another volume" \
	-o mdc=10.0.2.100,lun=$p0,lun=$sp vol1 /mnt/y
# not a LUN at all: the raw disk of lun0, whose start is a GPT
mnt_msg "volume vol1: $(readlink -f /dev/lun/lun0) has no valid xsanfs LUN header" \
	-o mdc=10.0.2.100,lun=$(readlink -f /dev/lun/lun0),lun=$p1 vol1 /mnt/y
# the helper passes the other volume's "lun1" too; the kernel skips it
out=$(timeout 60 mount -v -t xsanfs -o mdc=10.0.2.100 vol1 /mnt/x 2>&1) ||
	fail "mount with another volume's lun1 present failed (status $?): $out"
echo "$out"
line=$(grep ' /mnt/x ' /proc/mounts) || fail "/mnt/x is not in /proc/mounts"
grep -q ",lun=$p1\(,\|$\| \)" <<<"$line" || fail "/proc/mounts lacks lun=$p1: $line"
grep -q "lun=$sp" <<<"$line" && fail "/proc/mounts shows the other volume's LUN: $line"
timeout 30 umount /mnt/x || fail "second umount failed or hung"

# --- a bad lun= value is refused by the kernel's option parser ---------
mnt_msg "lun=relative is not an absolute path" \
	-o mdc=10.0.2.100,lun=relative vol1 /mnt/y

rmmod xsanfs
echo "mount-luns: ok"
