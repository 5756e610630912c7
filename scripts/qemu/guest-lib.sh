# SPDX-License-Identifier: GPL-2.0
# Helpers for test scripts inside a QEMU bed guest (sourced by /init and by
# every test). The host side of each call is in scripts/qemu/bed.py.
#
#   BED_GUEST   this guest's name: a, b, c      BED_INDEX   0, 1, 2
#   BED_GUESTS  number of guests in the test    BED_MDC     MDC address
#   bed_barrier NAME   wait until every guest reached NAME (fails if a
#                      guest ended without reaching it)
#   bed_put KEY VALUE / bed_get KEY   pass a value to / from other guests
#                      (bed_get waits until some guest has put KEY)
#   bed_kill G         the host kills guest G's QEMU now (a power cut;
#                      G must be listed in the test's killable=)
#   fail MSG           print MSG and exit 1

: "${BED_WAIT:=600}"
BED_MDC=10.0.2.100
export BED_MDC

bed_open() {
	exec {BED_FD}<>"$BED_CTL"
	export BED_FD
}

bed_send() {
	printf '%s\n' "$*" >&"$BED_FD"
}

bed_recv() {
	local line
	IFS= read -r -t "$BED_WAIT" line <&"$BED_FD" || return 1
	printf '%s\n' "$line"
}

bed_barrier() {
	local reply
	bed_send "barrier $1"
	reply=$(bed_recv) || fail "barrier $1: no answer from the host"
	[ "$reply" = "go $1" ] || fail "barrier $1: $reply"
}

bed_put() {
	bed_send "put $1 $2"
}

bed_get() {
	local reply
	bed_send "get $1"
	reply=$(bed_recv) || fail "get $1: no answer from the host"
	case "$reply" in
	"val $1 "*) printf '%s\n' "${reply#"val $1 "}" ;;
	*) fail "get $1: $reply" ;;
	esac
}

bed_kill() {
	bed_send "kill $1"
}

fail() {
	echo "xsanbed[$BED_GUEST]: FAILED: $*"
	exit 1
}

# expect_fail CMD...: CMD must fail; its output is shown
expect_fail() {
	if "$@"; then
		fail "expected failure: $*"
	fi
	return 0
}
