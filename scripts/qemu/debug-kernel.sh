#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Build the QEMU bed's debug guest kernel once (cached outside git) and print
# its build directory: the KDIR that xsanfs.ko is built against (M=), whose
# arch/x86/boot/bzImage the guests boot.
#
# Debian's linux-source-6.1, `make ARCH=x86_64 tinyconfig`, then
# debug-kernel.config merged over it: the bed's drivers and filesystems built
# in, lockdep, KASAN and the other checks on. `make all` also runs modpost,
# so Module.symvers exists for an out-of-tree M= build. A cold build takes
# about half an hour on 2 cores (figures: Documentation/testing.rst);
# afterwards this is a no-op.
#
# Cache: $XSAN_CACHE/debug-kernel/KEY/{src,build}, KEY a hash of the config
# fragment, this script's commands (not its comments), the source package's
# version and the compiler's.
# Its own copy of the source: scripts/kunit.sh grafts fs/xsanfs into the
# shared unpacked tree of scripts/ksrc.sh.
set -euo pipefail
export PATH=$PATH:/usr/local/sbin:/usr/sbin:/sbin
die() { echo "debug-kernel: $*" >&2; exit 1; }
here=$(cd "$(dirname "$0")" && pwd)
frag=$here/debug-kernel.config
cache=${XSAN_CACHE:-/var/cache/xsanfs}
jobs=${XSAN_DEBUG_JOBS:-$(nproc)}

tarball=$(ls /usr/src/linux-source-6.1*.tar.xz 2>/dev/null | sort -V | tail -n 1)
[ -n "$tarball" ] || die "linux-source-6.1 is not installed (run scripts/deps.sh)"
key=$( { grep -v '^[[:space:]]*#' "$0"; cat "$frag"; basename "$tarball";
	 dpkg-query -W linux-source-6.1 2>/dev/null || true;
	 gcc --version | head -n 1; } | sha256sum | cut -c1-16)
dir=$cache/debug-kernel/$key
src=$dir/src
out=$dir/build

if [ -f "$dir/.ok" ]; then echo "$out"; exit 0; fi

mkdir -p "$cache/debug-kernel"
exec 9>"$cache/debug-kernel/lock"
flock -w 3600 9 || die "another build held $cache/debug-kernel/lock for an hour"
if [ -f "$dir/.ok" ]; then echo "$out"; exit 0; fi

log=$dir/build.log
mkdir -p "$dir"
: > "$log"
echo "debug-kernel: building $out (log: $log)" >&2
t0=$(date +%s)

if [ ! -f "$src/.xsan-unpacked" ]; then
	rm -rf "$src"
	mkdir -p "$src"
	tar -xJf "$tarball" -C "$src" --strip-components=1
	touch "$src/.xsan-unpacked"
fi

kmake() { make -C "$src" O="$out" ARCH=x86_64 "$@" >>"$log" 2>&1 ||
	{ tail -n 40 "$log" >&2; die "make $* failed (log: $log)"; }; }

rm -rf "$out"
mkdir -p "$out"
kmake tinyconfig
(cd "$out" && "$src/scripts/kconfig/merge_config.sh" -m -O "$out" "$out/.config" "$frag") \
	>>"$log" 2>&1 || die "merge_config.sh failed (log: $log)"
kmake olddefconfig

# Every line of the fragment must hold in the final .config: a symbol whose
# dependencies are missing is silently dropped by kconfig.
bad=0
while IFS= read -r line; do
	case "$line" in
	CONFIG_*=*) want=$line ;;
	"# CONFIG_"*" is not set") want=$line ;;
	*) continue ;;
	esac
	sym=${want#\# }
	sym=${sym%%[= ]*}
	got=$(grep -E "^(# )?$sym[= ]" "$out/.config" || true)
	if [ "$want" != "$got" ]; then
		# "not set" is also met by a symbol that no longer appears at all
		case "$want" in "# "*) [ -z "$got" ] && continue ;; esac
		echo "debug-kernel: wanted '$want', got '${got:-nothing}'" >&2
		bad=1
	fi
done < "$frag"
[ $bad = 0 ] || die "debug-kernel.config does not hold (see above)"

kmake -j"$jobs" all
[ -f "$out/Module.symvers" ] || die "no Module.symvers in $out"
[ -f "$out/arch/x86/boot/bzImage" ] || die "no bzImage in $out"
echo "debug-kernel: built $(cat "$out/include/config/kernel.release") in $(( $(date +%s) - t0 )) s" |
	tee -a "$log" >&2
touch "$dir/.ok"
# keep only the newest two builds (each ≈ 3 GB with its source)
ls -dt "$cache"/debug-kernel/*/ 2>/dev/null | tail -n +3 | xargs -r rm -rf
echo "$out"
