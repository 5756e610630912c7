#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The one place that lists the Debian packages xsanfs needs to build and test.
# Idempotent: installs only what is missing, so every make target may call it.
# Set XSAN_NO_DEPS=1 to skip (for a machine you manage yourself).
set -euo pipefail
# depmod, ip and friends live in sbin, which a CI PATH may lack
export PATH=$PATH:/usr/local/sbin:/usr/sbin:/sbin

[ "${XSAN_NO_DEPS:-0}" = 1 ] && exit 0

PKGS=(
	# build: module (kbuild against Debian's stock 6.1 headers) and tools;
	# bc flex bison libelf-dev libssl-dev also build the debug guest kernel
	# (make check-debug, from linux-source-6.1 below)
	build-essential make gcc clang llvm pkg-config bc flex bison libelf-dev
	linux-headers-amd64 sparse
	# kernel sources: checkpatch.pl, KUnit on UML
	linux-source-6.1 xz-utils python3 python3-docutils
	# userspace libraries (DESIGN.md section 8)
	liblmdb-dev lmdb-utils libxml2-dev libblkid-dev libfdisk-dev libssl-dev
	# QEMU test bed: emulator, relay for guestfwd, initramfs assembly, guest tools
	qemu-system-x86 qemu-utils socat cpio busybox-static kmod
	fio attr util-linux coreutils bash e2fsprogs iproute2 procps strace xxd
	bsdextrautils grep sed mawk findutils diffutils sqlite3 acl
	# checks
	valgrind check libclang-rt-14-dev
)

missing=()
for p in "${PKGS[@]}"; do
	case "$p" in \#*) continue ;; esac
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed'; then
		missing+=("$p")
	fi
done

if [ ${#missing[@]} -gt 0 ]; then
	if [ "$(id -u)" != 0 ]; then
		echo "deps: missing Debian packages: ${missing[*]} (run as root, or install them)" >&2
		exit 1
	fi
	echo "deps: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	# a new machine's unattended-upgrades may hold the dpkg lock for a while
	apt-get -o DPkg::Lock::Timeout=600 update -qq
	apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends \
		"${missing[@]}" >/dev/null
fi
