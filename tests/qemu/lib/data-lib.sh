# SPDX-License-Identifier: GPL-2.0
# Shell functions of the data tests, in every guest as /bed/data-lib.sh
# (scripts/qemu/bed.py copies tests/qemu/lib/*.sh to /bed/). Source it
# after /bed/lib.sh, whose fail() it uses.

# gen SEED BYTES: numbered lines of 16 bytes or more, a seed per run, so
# bytes at the wrong offset or from an earlier run differ
gen() {
	{ seq -f "$1-%014.0f" 0 $(($2 / 16)) || true; } | head -c "$2"
}

# sum FILE: its sha256
sum() { sha256sum < "$1" | cut -d' ' -f1; }

# rd FILE [direct]: the sha256 of FILE read through the page cache or
# with O_DIRECT
rd() {
	if [ "${2:-}" = direct ]; then
		timeout 60 dd if="$1" bs=1M iflag=direct status=none | sha256sum | cut -d' ' -f1
	else
		timeout 60 cat "$1" | sha256sum | cut -d' ' -f1
	fi
}

# wait_file PATH: wait until PATH exists, at most 60 s
wait_file() {
	local i
	for i in $(seq 600); do
		[ -e "$1" ] && return 0
		sleep 0.1
	done
	fail "$1 did not appear in 60 s"
}
