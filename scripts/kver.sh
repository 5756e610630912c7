#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Print the kernel release (e.g. 6.1.0-56-amd64) of the build directory the
# module is built against: the guest kernel must be exactly that ABI.
# /lib/modules/*/build is a symlink named "build", so read the release
# from the tree itself rather than from its path.
kdir=${1:-$("$(dirname "$0")/kdir.sh")}
f=$kdir/include/generated/utsrelease.h
if [ -f "$f" ]; then
	sed -n 's/^#define UTS_RELEASE "\(.*\)"$/\1/p' "$f"
else
	basename "$(readlink -f "$kdir")" | sed 's/^linux-headers-//'
fi
