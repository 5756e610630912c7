#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `make demo`: show what xsanfs does today, from nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
cat <<'TXT'
xsanfs demo
===========
Two QEMU guests (Debian's stock 6.1 kernel, no KVM) boot on the same two
LUN image files (virtio-scsi, shared). Guest a writes a sector raw, guest b
reads it back raw; both load xsanfs.ko and try to mount volume "demo".

TXT
mkdir -p results/demo
if ! scripts/qemu/bed.py --results results/demo tests/demo/guest.sh 2> results/demo/bed.stderr; then
	echo "demo: the guests did not finish cleanly; logs in results/demo/guest/" >&2
	exit 1
fi
echo
for g in a b; do
	grep -h "^demo\[$g\]" "results/demo/guest/$g.console.log" || true
done
cat <<'TXT'

What is not there yet (see `issues`): the metadata controller xsanmdc,
mkfs.xsanfs and the other admin tools, the session protocol, and so any
mounted volume. The mount fails above with the kernel's own sentence because
no MDC listens behind the guests' 10.0.2.100:60766. When those land, this
demo formats the LUNs, starts xsanmdc on 127.0.0.1, mounts the volume on
both guests and writes a file on one that the other reads.
TXT
