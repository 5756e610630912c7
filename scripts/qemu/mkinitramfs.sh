#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Build the QEMU bed's base initramfs (cached outside git) and print its path.
#
# The guest runs Debian's stock linux-image of the same ABI as the headers the
# module is built against (extracted from the .deb, never installed on the
# host). Its root is this initramfs: host binaries and their libraries (bash,
# coreutils, util-linux, kmod, fio, attr, ...), the guest kernel's modules
# needed for virtio-scsi/net/serial plus crypto and lib (so on-demand loading
# such as crc32c works), the bed's /init and /bed/lib.sh. Per-run files (the
# fresh xsanfs.ko, the tools, the test) are appended by bed.py as a second
# cpio archive, so rebuilding the module never rebuilds this.
#
# XSAN_KDIR=DIR (make check-debug): the guest boots a kernel built in DIR
# (scripts/qemu/debug-kernel.sh) with every driver built in; no .deb is
# fetched and no module is copied, only DIR's modules.builtin, so that
# modprobe of a built-in driver succeeds as a no-op.
set -euo pipefail
# depmod, ip and friends live in sbin, which a CI PATH may lack
export PATH=$PATH:/usr/local/sbin:/usr/sbin:/sbin
die() { echo "mkinitramfs: $*" >&2; exit 1; }
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
cache=${XSAN_CACHE:-/var/cache/xsanfs}
kdir=${XSAN_KDIR:-}
if [ -n "$kdir" ]; then
	kver=$("$top/scripts/kver.sh" "$kdir")
else
	kver=${XSAN_GUEST_KVER:-$("$top/scripts/kver.sh")}
fi
[ -n "$kver" ] || die "no kernel headers found (run scripts/deps.sh)"

# Host packages whose programs go into the guest.
PKGS="bash coreutils util-linux mount kmod e2fsprogs iproute2 attr fio grep sed
      mawk findutils diffutils procps xxd bsdextrautils strace busybox-static
      sqlite3 acl"
# Libraries the project's own tools (mount.xsanfs) link, not only pulled in
# by a package above by chance.
PKGS="$PKGS libxml2 libblkid1 libssl3"
# Guest kernel modules loaded by /init or by the tests (dependencies follow).
MODS="virtio_pci virtio_console virtio_scsi sd_mod virtio_net ext4 loop
      crc32c_generic crc32c-intel libcrc32c"

# One builder at a time (make demo and make check may overlap).
mkdir -p "$cache"
exec 8>"$cache/bed.lock"
flock -w 600 8 || die "another mkinitramfs held $cache/bed.lock for 600 s"

# --- guest kernel: download the matching linux-image .deb once -------------
gk=$cache/guest-kernel/$kver
if [ -n "$kdir" ]; then
	[ -f "$kdir/modules.builtin" ] || die "no modules.builtin in $kdir (not built?)"
elif [ ! -f "$gk/.ok" ]; then
	rm -rf "$gk" && mkdir -p "$gk/dl"
	echo "mkinitramfs: fetching linux-image-$kver (guest kernel)" >&2
	(cd "$gk/dl" && apt-get download "linux-image-$kver" >/dev/null 2>&1) ||
		{ apt-get update -qq && (cd "$gk/dl" && apt-get download "linux-image-$kver" >/dev/null); } ||
		die "cannot download linux-image-$kver"
	dpkg-deb -x "$gk"/dl/*.deb "$gk/root"
	depmod -b "$gk/root" "$kver"
	rm -rf "$gk/dl"
	touch "$gk/.ok"
fi
[ -n "$kdir" ] || [ -f "$gk/root/boot/vmlinuz-$kver" ] || die "no vmlinuz-$kver in $gk"

# --- cache key: inputs of the image ---------------------------------------
key=$( { cat "$0" "$here/guest-init.sh" "$here/guest-lib.sh"; echo "$kver";
	 [ -z "$kdir" ] || cat "$kdir/modules.builtin";
	 dpkg-query -W $PKGS 2>/dev/null; } | sha256sum | cut -c1-16)
out=$cache/bed/base-$key.cpio
if [ -f "$out" ]; then echo "$out"; exit 0; fi

echo "mkinitramfs: building $out" >&2
st=$(mktemp -d "$cache/bed-stage.XXXXXX")
trap 'rm -rf "$st" "$st.cpio"' EXIT
mkdir -p "$cache/bed"
mkdir -p "$st"/{usr/bin,usr/sbin,usr/lib,usr/lib64,etc,proc,sys,dev,tmp,run,root,mnt,bed,opt/xsanfs,home/xsan}
for d in bin sbin lib lib64; do ln -s "usr/$d" "$st/$d"; done
chmod 1777 "$st/tmp"

# Copy one host file to the same (canonical-directory) path in the stage.
put() {
	local src=$1 dir dst
	dir=$(readlink -f "$(dirname "$src")")
	dst=$st$dir/$(basename "$src")
	[ -e "$dst" ] || [ -L "$dst" ] && return 0
	mkdir -p "$st$dir"
	if [ -L "$src" ]; then
		cp -a "$src" "$dst"
		local tgt
		tgt=$(readlink -f "$src")
		[ -e "$tgt" ] && put "$tgt"
	else
		cp -L --preserve=mode "$src" "$dst"
	fi
}

elfs=()
for p in $PKGS; do
	while IFS= read -r f; do
		case "$f" in
		*/bin/*|*/sbin/*) ;;
		*) continue ;;
		esac
		[ -f "$f" ] || continue
		put "$f"
		elfs+=("$(readlink -f "$f")")
	done < <(dpkg -L "$p" 2>/dev/null || die "package $p is not installed (scripts/deps.sh installs it)")
done
# alternatives the tests use
ln -sf mawk "$st/usr/bin/awk"
ln -sf bash "$st/usr/bin/sh"
# busybox provides poweroff and anything missing, never shadowing a real tool
for a in $(busybox --list); do
	[ -e "$st/usr/bin/$a" ] || [ -e "$st/usr/sbin/$a" ] || ln -s busybox "$st/usr/bin/$a"
done

# shared libraries of everything copied, and the loader
for f in "${elfs[@]}"; do
	ldd "$f" 2>/dev/null | grep -o '/[^ ]*' || true
done | sort -u | while IFS= read -r lib; do put "$lib"; done
put /lib64/ld-linux-x86-64.so.2

# guest kernel modules
mdst=$st/usr/lib/modules/$kver
mkdir -p "$mdst"
if [ -n "$kdir" ]; then
	cp "$kdir"/modules.{order,builtin,builtin.modinfo} "$mdst/"
else
	cp "$gk/root/lib/modules/$kver"/modules.{order,builtin,builtin.modinfo} "$mdst/"
	{
		modprobe -d "$gk/root" -S "$kver" --show-depends -a $MODS | awk '$1 == "insmod" { print $2 }' | sed 's#/\./#/#g'
		find "$gk/root/lib/modules/$kver/kernel/"{crypto,lib,arch/x86/crypto} -name '*.ko*'
	} | sort -u | while IFS= read -r ko; do
		rel=${ko#"$gk/root/lib/modules/$kver/"}
		mkdir -p "$mdst/$(dirname "$rel")"
		cp "$ko" "$mdst/$rel"
	done
fi
depmod -b "$st" "$kver"

# minimal /etc: root and an unprivileged user for permission tests
cat > "$st/etc/passwd" <<PW
root:x:0:0:root:/root:/bin/bash
xsan:x:1000:1000:xsanfs test user:/home/xsan:/bin/bash
xsan2:x:1001:1001:second test user:/tmp:/bin/bash
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
PW
cat > "$st/etc/group" <<GR
root:x:0:
xsan:x:1000:
xsan2:x:1001:
nogroup:x:65534:
GR
chown 1000:1000 "$st/home/xsan"
: > "$st/etc/fstab"
ln -s /proc/self/mounts "$st/etc/mtab"
echo "xsanbed" > "$st/etc/hostname"

install -m 0755 "$here/guest-init.sh" "$st/init"
install -m 0644 "$here/guest-lib.sh" "$st/bed/lib.sh"

(cd "$st" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc --quiet) > "$st.cpio"
mv "$st.cpio" "$out"
# keep only the newest few images
ls -t "$cache"/bed/base-*.cpio 2>/dev/null | tail -n +4 | xargs -r rm -f
echo "$out"
