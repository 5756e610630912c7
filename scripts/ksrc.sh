#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Unpack Debian's linux-source-6.1 once into the cache (outside the git tree)
# and print its path. Used for checkpatch.pl and for KUnit on UML.
set -euo pipefail
cache=${XSAN_CACHE:-/var/cache/xsanfs}
tarball=$(ls /usr/src/linux-source-6.1*.tar.xz 2>/dev/null | sort -V | tail -n 1)
[ -n "$tarball" ] || { echo "ksrc: linux-source-6.1 is not installed (run scripts/deps.sh)" >&2; exit 1; }
name=$(basename "$tarball" .tar.xz)
dir=$cache/$name
if [ ! -f "$dir/.xsan-unpacked" ]; then
	mkdir -p "$cache"
	rm -rf "$dir" "$dir.tmp"
	mkdir -p "$dir.tmp"
	echo "ksrc: unpacking $tarball into $cache (once)" >&2
	tar -xJf "$tarball" -C "$dir.tmp" --strip-components=1
	touch "$dir.tmp/.xsan-unpacked"
	mv "$dir.tmp" "$dir"
fi
echo "$dir"
