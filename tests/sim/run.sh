#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The token protocol simulation's runs (Documentation/testing.rst, "The
# token protocol simulation"). One PASS:/FAIL: line per configuration;
# exits non-zero if any failed. Full output of each: build/logs/NAME.log.
#
#   run.sh short   `make check` (via `make -C tests/sim run`): 2, 3 and
#                  4 clients, 10^6 steps each, plain; 3 clients under
#                  ASan+UBSan; cluster locks (--locks), plain and ASan;
#                  and every --hole=N, which must be seen
#   run.sh long    `make sim-long`: the same, 30 times longer, with figures
#
# SIM_SEED=N starts the seeds at N (default 1): a CI can vary it.
set -u
cd "$(dirname "$0")"
mode=${1:-short}
seed=${SIM_SEED:-1}
plain=build/xsan-sim
san=build-san/xsan-sim
logs=build/logs
mkdir -p "$logs"
rc=0

case $mode in
short) seeds=50; steps=20000; hole_seeds=200 ;;
long) seeds=300; steps=100000; hole_seeds=1000 ;;
*) echo "usage: run.sh short|long" >&2; exit 2 ;;
esac

summary() {
	grep '^xsan-sim: [0-9]' "$1" | sed 's/^/  /'
}

# ok NAME BINARY ARGS...: the run must end without a violation.
ok() {
	local name=$1 bin=$2 log=$logs/$1.log
	shift 2
	if "$bin" "$@" > "$log" 2>&1; then
		echo "PASS: sim.$name"
	else
		echo "FAIL: sim.$name ($bin $*)"
		grep -m1 -A40 '^VIOLATION' "$log" >&2
		tail -n 5 "$log" >&2
		rc=1
	fi
	summary "$log"
}

# bad NAME BINARY ARGS...: the checker must report a violation (and not
# crash): a checker that stops seeing a known bug fails here.
bad() {
	local name=$1 bin=$2 log=$logs/$1.log st
	shift 2
	"$bin" "$@" > "$log" 2>&1
	st=$?
	if [ $st -eq 1 ] && grep -q '^VIOLATION seed' "$log" &&
	   grep -q '  reproduce: ' "$log"; then
		echo "PASS: sim.$name"
		grep -m1 '^VIOLATION' "$log" | cut -c1-240 | sed 's/^/  /'
	else
		echo "FAIL: sim.$name (exit $st, no violation reported: $bin $*)"
		tail -n 5 "$log" >&2
		rc=1
	fi
	summary "$log"
}

common=(--seed "$seed" --steps "$steps")
ok clients2 "$plain" "${common[@]}" --seeds "$seeds" --clients 2
ok clients3 "$plain" "${common[@]}" --seeds "$seeds" --clients 3
ok clients4 "$plain" "${common[@]}" --seeds "$seeds" --clients 4
ok san.clients3 "$san" --seed $((seed + 100000)) --steps "$steps" \
	--seeds $((seeds / 2)) --clients 3
ok locks "$plain" --seed $((seed + 200000)) --steps "$steps" \
	--seeds "$seeds" --clients 3 --locks
ok san.locks "$san" --seed $((seed + 300000)) --steps "$steps" \
	--seeds $((seeds / 5)) --clients 4 --locks

# The old bugs, put back one at a time: each must be seen.
holes=(--seed "$seed" --steps "$steps" --seeds "$hole_seeds" --clients 3)
bad hole2 "$plain" "${holes[@]}" --hole=2
bad hole3 "$plain" "${holes[@]}" --hole=3
bad hole6 "$plain" "${holes[@]}" --hole=6
bad no-grant-mask "$plain" "${holes[@]}" --no-grant-mask
bad san.hole2 "$san" "${holes[@]}" --hole=2

# The MDC exactly as linked, without the harness's fence: it passes once
# tools/mdc stops renewing a session that owes an overdue REVOKE
# (branch mdc-fence); until then the checker must see the hole.
if "$plain" --steps 1 --clients 2 | grep -q 'linked MDC stops renewing'; then
	ok mdc-as-linked "$plain" "${common[@]}" --seeds "$seeds" --fence=off
else
	bad mdc-as-linked-unfenced "$plain" "${holes[@]}" --fence=off
fi
exit $rc
