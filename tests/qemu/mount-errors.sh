# bed: guests=1 luns=lun0:64M mdc=vol1 deadline=150
# SPDX-License-Identifier: GPL-2.0
# Mount failure sentences of issue 5 that mount-mdc.sh and
# insmod-mount-rmmod.sh do not show:
#  - an MDC that cannot be reached names the address and port it tried,
#    for a port nothing serves on the relay address (10.0.2.100:1: slirp
#    with restrict=on resets it at once, so the failure is immediate and the
#    same on every run) and for a refused loopback port;
#  - "protocol version mismatch" with both version ranges, from a fake MDC
#    in the guest that answers HELLO with EPROTONOSUPPORT and the range
#    7-9, a frame built here byte by byte as protocol.rst describes it;
#  - a good mount right after, so none of the failures left state behind.
set -euo pipefail
. /bed/lib.sh

insmod /opt/xsanfs/xsanfs.ko
mkdir -p /mnt/x

# mnt_msg EXPECTED-REGEX MAX-SECONDS MOUNT-ARGS...: the mount fails within
# MAX-SECONDS, printing a sentence that matches.
mnt_msg() {
	local want=$1 max=$2 out rc t0 t1
	shift 2
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
	[ $((t1 - t0)) -le "$max" ] || fail "mount $* took $((t1 - t0)) s, more than $max s"
	grep -qs ' /mnt/x ' /proc/mounts && fail "something is mounted on /mnt/x"
	return 0
}

# wait_listen PORT: until a TCP socket listens on PORT (no fixed sleep).
wait_listen() {
	local port i
	port=$(printf ':%04X' "$1")
	for i in $(seq 100); do
		awk -v p="$port" 'substr($2, length($2) - 4) == p && $4 == "0A" { f = 1 }
			END { exit !f }' /proc/net/tcp /proc/net/tcp6 && return 0
		sleep 0.1
	done
	fail "nothing listens on port $1 after 10 s"
}

# --- MDC unreachable: the sentence names the address and the port -------
# Port 1 of the relay address has no guestfwd rule: slirp (restrict=on)
# answers the SYN with a reset, so the kernel gets ECONNREFUSED at once.
mnt_msg 'volume vol1: metadata controller 10\.0\.2\.100:1 refused the connection \(is xsanmdc running there\?\)' \
	10 -o mdc=10.0.2.100:1 vol1 /mnt/x
# The guest's own loopback, a port nobody listens on.
mnt_msg 'volume vol1: metadata controller 127\.0\.0\.1:9 refused the connection' \
	10 -o mdc=127.0.0.1:9 vol1 /mnt/x

# --- protocol version mismatch ------------------------------------------
# crc32c BYTES-AS-HEX: CRC32C (Castagnoli, reflected 0x82F63B78) of the
# bytes, started at ~0 and complemented at the end, as net/codec.c does
# for a frame; printed as 8 hex digits.
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
[ "$(crc32c 313233343536373839)" = e3069283 ] || fail "crc32c self-check: $(crc32c 313233343536373839)"
# le16/le32/le64 N: little-endian hex of N
le() {
	local n=$2 i out=
	for ((i = 0; i < $1; i++)); do
		out+=$(printf '%02x' $((n & 0xff)))
		n=$((n >> 8))
	done
	printf '%s' "$out"
}
# The reply to the probe's HELLO (opcode 2, xid 1): header {magic "XSAN",
# version 7, opcode 2, flags REPLY, len 4, xid 1, status EPROTONOSUPPORT
# (93), crc} + payload {u16 oldest 7, u16 newest 9}. The CRC covers the
# header with crc = 0, then the payload.
payload=$(le 2 7)$(le 2 9)
hdr=$(le 4 0x4e415358)$(le 2 7)$(le 2 2)$(le 4 1)$(le 4 4)$(le 8 1)$(le 4 93)
crc=$(crc32c "${hdr}00000000${payload}")
frame=$hdr$(le 4 $((16#$crc)))$payload
echo "fake MDC frame: $frame"
[ ${#frame} -eq 72 ] || fail "the frame is ${#frame} hex digits, not 72"
# shellcheck disable=SC2001 # a back-reference, which ${//} lacks
esc=$(sed 's/../\\x&/g' <<<"$frame")
# The peer sends the frame as soon as the client connects and keeps the
# connection open (cat of a FIFO) so the answer is read before any close;
# writing the FIFO ends it (bash's wait waits for the whole pipeline).
mkfifo /tmp/hold
{ printf '%b' "$esc"; cat /tmp/hold; } | nc -l -p 7005 > /dev/null &
fake_pid=$!
wait_listen 7005
mnt_msg 'volume vol1: protocol version mismatch: we speak 1-1, MDC 127\.0\.0\.1:7005 7-9' \
	10 -o mdc=127.0.0.1:7005 vol1 /mnt/x
: > /tmp/hold
kill "$fake_pid" 2>/dev/null || true
wait "$fake_pid" 2>/dev/null || true

# --- and the real MDC still answers this client --------------------------
set +e
out=$(timeout 60 mount -t xsanfs -o mdc=10.0.2.100 vol1 /mnt/x 2>&1)
rc=$?
set -e
echo "mount vol1 -> status $rc: $out"
[ "$rc" -ne 124 ] || fail "mount of vol1 hung"
[ "$rc" -eq 0 ] || fail "after the failures, vol1 did not mount: $out"
grep -qs ' /mnt/x xsanfs ' /proc/mounts || fail "vol1 is not in /proc/mounts"
ls /mnt/x > /dev/null || fail "cannot list vol1's root"
umount /mnt/x
rmmod xsanfs
echo "mount-errors: ok"
