# bed: guests=1 deadline=150
# SPDX-License-Identifier: GPL-2.0
# On a freshly booted stock kernel, with nothing loaded by hand: the module
# has no module dependencies, insmod works, `mount -t xsanfs` fails with the
# sentence the kernel wrote (which MDC, why) and never hangs, rmmod works.
set -euo pipefail
. /bed/lib.sh

ko=/opt/xsanfs/xsanfs.ko
deps=$(modinfo -F depends "$ko")
[ -z "$deps" ] || fail "xsanfs.ko depends on modules ($deps): insmod would fail on a fresh node"
lsmod | grep -q '^xsanfs ' && fail "xsanfs loaded before the test"

insmod "$ko"
grep -qw xsanfs /proc/filesystems || fail "xsanfs not in /proc/filesystems after insmod"
mkdir -p /mnt/x

# mnt_msg EXPECTED-REGEX MOUNT-ARGS...: the mount fails, in bounded time,
# printing a sentence that matches.
mnt_msg() {
	local want=$1 out rc t0 t1
	shift
	t0=$(date +%s)
	set +e
	out=$(timeout 60 mount -t xsanfs "$@" 2>&1)
	rc=$?
	set -e
	t1=$(date +%s)
	echo "mount $* -> status $rc in $((t1 - t0)) s: $out"
	[ "$rc" -ne 124 ] || fail "mount $* hung"
	[ "$rc" -ne 0 ] || fail "mount $* succeeded"
	grep -Eq "$want" <<<"$out" || fail "mount $* printed '$out', expected /$want/"
	grep -qs ' /mnt/x ' /proc/mounts && fail "something is mounted on /mnt/x"
	return 0
}

# Nothing listens behind the guestfwd relay: the MDC closes at once.
mnt_msg 'volume vol1: metadata controller 10\.0\.2\.100:60766 closed the connection' \
	-o mdc=10.0.2.100 vol1 /mnt/x
# An address restrict=on never lets through: bounded by timeout=.
mnt_msg 'no answer from metadata controller 10\.0\.2\.99:60766 within 3 s' \
	-o mdc=10.0.2.99,timeout=3 vol1 /mnt/x
# Unreachable network: refused by the guest's own stack.
mnt_msg 'metadata controller 192\.0\.2\.1:60766 cannot be reached|no answer from metadata controller 192\.0\.2\.1' \
	-o mdc=192.0.2.1,timeout=3 vol1 /mnt/x
# Option and name errors.
mnt_msg 'no metadata controller: use -o mdc=ADDRESS' vol1 /mnt/x
mnt_msg 'mdc=not-an-address is not an IP address|cannot resolve metadata controller' \
	-o mdc=not-an-address vol1 /mnt/x
mnt_msg 'timeout=0 is out of range' -o mdc=10.0.2.100,timeout=0 vol1 /mnt/x
mnt_msg "is not a volume name" -o mdc=10.0.2.100 'bad/name' /mnt/x
mnt_msg 'Unknown parameter .bogus.|bogus' -o mdc=10.0.2.100,bogus=1 vol1 /mnt/x

rmmod xsanfs
lsmod | grep -q '^xsanfs ' && fail "xsanfs still loaded after rmmod"
grep -qw xsanfs /proc/filesystems && fail "xsanfs still registered after rmmod"
# and it loads again cleanly
insmod "$ko"
rmmod xsanfs
echo "insmod-mount-rmmod: ok"
