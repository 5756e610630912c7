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
# A peer that accepts and never answers: the wait is bounded by timeout=.
# wait_listen PORT: until a TCP socket listens on PORT (no fixed sleep: TCG
# may take longer than any guess to start nc)
wait_listen() {
	local port i
	port=$(printf ':%04X' "$1")
	for i in $(seq 100); do
		# local_address is ADDR:PORT in hex; state 0A is LISTEN
		awk -v p="$port" 'substr($2, length($2) - 4) == p && $4 == "0A" { f = 1 }
			END { exit !f }' /proc/net/tcp /proc/net/tcp6 && return 0
		sleep 0.1
	done
	fail "nothing listens on port $1 after 10 s"
}
silent_mdc() {
	sleep 900 | nc -l -p "$1" > /dev/null &
	silent_pid=$!
	wait_listen "$1"
}
silent_mdc 7001
mnt_msg 'no answer from metadata controller 127\.0\.0\.1:7001 within 3 s' \
	-o mdc=127.0.0.1:7001,timeout=3 vol1 /mnt/x
# A peer that answers at once: something is there, but this client cannot
# speak the session protocol yet.
printf 'x' | nc -l -p 7003 > /dev/null &
wait_listen 7003
mnt_msg 'metadata controller 127\.0\.0\.1:7003 answered, but not in the xsanfs protocol' \
	-o mdc=127.0.0.1:7003 vol1 /mnt/x
# An address on the guest's network that nobody owns.
mnt_msg 'metadata controller 10\.0\.2\.99:60766 (is unreachable|no answer)' \
	-o mdc=10.0.2.99,timeout=5 vol1 /mnt/x
# Off the guest's network: restrict=on makes slirp answer with a reset.
mnt_msg 'metadata controller 192\.0\.2\.1:60766 (refused the connection|cannot be reached)' \
	-o mdc=192.0.2.1,timeout=3 vol1 /mnt/x
# Option and name errors.
mnt_msg 'no metadata controller for volume vol1: give -o mdc=HOST or list name servers in /etc/xsanfs/fsnameservers' vol1 /mnt/x
mnt_msg 'mdc=not-an-address is not an IP address|cannot resolve metadata controller' \
	-o mdc=not-an-address vol1 /mnt/x
mnt_msg 'timeout=0 is out of range' -o mdc=10.0.2.100,timeout=0 vol1 /mnt/x
mnt_msg "is not a volume name" -o mdc=10.0.2.100 'bad/name' /mnt/x
# The helper refuses an unknown option; the kernel too, without the helper.
mnt_msg "unknown option 'bogus'" -o mdc=10.0.2.100,bogus=1 vol1 /mnt/x
mnt_msg "xsanfs: Unknown parameter 'bogus'|wrong fs type, bad option" -i -o mdc=10.0.2.100,bogus=1 vol1 /mnt/x
dmesg | tail -n 5 | grep "xsanfs: Unknown parameter 'bogus'" > /dev/null ||
	fail "the kernel did not log the unknown parameter"

# A signal ends a long wait for the MDC at once (killable, never D state).
t0=$(date +%s)
silent_mdc 7002
# its own process group, as a terminal's Ctrl-C would signal mount and helper
setsid mount -t xsanfs -o mdc=127.0.0.1:7002,timeout=600 vol1 /mnt/x > /tmp/sig.out 2>&1 &
pid=$!
sleep 2
# the helper is the process waiting in the kernel: S (interruptible), not D
helper=$(pgrep -s "$pid" -x mount.xsanfs) || fail "no mount.xsanfs waiting: $(cat /tmp/sig.out)"
state=$(awk '/^State:/ { print $2 }' "/proc/$helper/status")
[ "$state" = S ] || fail "mount.xsanfs waits in state $state, not S (interruptible)"
kill -TERM -- "-$pid" || fail "mount ended before the signal: $(cat /tmp/sig.out)"
for i in $(seq 50); do kill -0 -- "-$pid" 2>/dev/null || break; sleep 0.2; done
kill -0 -- "-$pid" 2>/dev/null && fail "mount or its helper still waiting 10 s after SIGTERM"
wait "$pid" && fail "interrupted mount succeeded"
kill "$silent_pid" 2>/dev/null || true
echo "signalled mount ended after $(( $(date +%s) - t0 )) s: $(cat /tmp/sig.out)"

rmmod xsanfs
lsmod | grep -q '^xsanfs ' && fail "xsanfs still loaded after rmmod"
grep -qw xsanfs /proc/filesystems && fail "xsanfs still registered after rmmod"
# and it loads again cleanly
insmod "$ko"
rmmod xsanfs
echo "insmod-mount-rmmod: ok"
