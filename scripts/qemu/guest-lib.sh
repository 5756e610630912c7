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
#   bed_link G off|on  the host sets guest G's network link down / up
#                      (QMP set_link; G must be in the test's linkcut=):
#                      its TCP to the MDC stalls, its LUNs keep working
#   bed_mdclog REGEX   prints how many lines of the MDC's log match
#                      REGEX (a Python regular expression; with mdc=)
#   bed_mdclog_wait REGEX SECS  wait until a line of the MDC's log
#                      matches REGEX, at most SECS seconds (fails after)
#   bed_upload NAME FILE  the host appends FILE's lines (text) to
#                      RESULTS/TEST/up-NAME (for a hostpost= checker)
#   bed_clock          the host's monotonic clock in ns (xsanfuzz sends
#                      "clock" on BED_FD itself to align its own)
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

bed_link() {
	local reply
	bed_send "link $1 $2"
	reply=$(bed_recv) || fail "bed_link $1 $2: no answer from the host"
	[ "$reply" = "link $1 $2 ok" ] || fail "bed_link $1 $2: $reply"
}

# bed_slow G on|off: throttle guest G's LUNs (a guest listed in linkcut=)
bed_slow() {
	local reply
	bed_send "slow $1 $2"
	reply=$(bed_recv) || fail "bed_slow $1 $2: no answer from the host"
	[ "$reply" = "slow $1 $2 ok" ] || fail "bed_slow $1 $2: $reply"
}

# bed_mdc kill|start|stop|cont: SIGKILL the bed's xsanmdc, start it again
# on the same state and ports (its sessions come back as ghosts: a
# restart), or SIGSTOP/SIGCONT it.
bed_mdc() {
	local reply
	bed_send "mdc $1"
	reply=$(bed_recv) || fail "bed_mdc $1: no answer from the host"
	[ "$reply" = "mdc $1 ok" ] || fail "bed_mdc $1: $reply"
}

bed_upload() {
	sed "s/^/append $1 /" "$2" >&"$BED_FD"
}

bed_clock() {
	local reply
	bed_send clock
	reply=$(bed_recv) || fail "bed_clock: no answer from the host"
	printf '%s\n' "${reply#clock }"
}

bed_mdclog() {
	local reply
	bed_send "mdclog $1"
	reply=$(bed_recv) || fail "bed_mdclog: no answer from the host"
	case "$reply" in
	"mdclog "[0-9]*) printf '%s\n' "${reply#mdclog }" ;;
	*) fail "bed_mdclog $1: $reply" ;;
	esac
}

bed_mdclog_wait() {
	local i n
	for ((i = 0; i < $2 * 2; i++)); do
		n=$(bed_mdclog "$1")
		[ "$n" -gt 0 ] && return 0
		sleep 0.5
	done
	fail "the MDC did not log /$1/ in $2 s"
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
