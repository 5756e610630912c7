#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# PID 1 of a QEMU bed guest. Sets up the guest (filesystems, drivers, LUN
# names, network, control channel), runs /bed/test.sh, reports its exit
# status to the host over the control channel and powers off. It must never
# exit: init exiting is a kernel panic, which the bed would report.

export PATH=/usr/sbin:/usr/bin
export HOME=/root
umask 022

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs -o mode=1777 tmpfs /tmp
mount -t tmpfs tmpfs /run
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
hostname "$(cat /etc/hostname)"

# xsanbed.KEY=VALUE on the kernel command line -> BED_KEY=VALUE
for kv in $(cat /proc/cmdline); do
	case "$kv" in
	xsanbed.*=*)
		k=${kv#xsanbed.}
		k=${k%%=*}
		case "$k" in *[!a-z_]*) continue ;; esac
		export "BED_${k^^}=${kv#*=}"
		;;
	esac
done

say() { echo "xsanbed[$BED_GUEST]: $*"; }

halt_now() {
	sync
	poweroff -f
	sleep 5
	echo o > /proc/sysrq-trigger
	while :; do sleep 3600; done
}

for m in virtio_pci virtio_console virtio_scsi sd_mod virtio_net; do
	modprobe "$m" || say "cannot load $m"
done

# control channel: the virtio-serial port the host named "xsanbed"
BED_CTL=
for i in $(seq 200); do
	for f in /sys/class/virtio-ports/*/name; do
		[ -f "$f" ] && [ "$(cat "$f")" = xsanbed ] &&
			BED_CTL=/dev/$(basename "$(dirname "$f")")
	done
	[ -n "$BED_CTL" ] && [ -c "$BED_CTL" ] && break
	sleep 0.1
done
export BED_CTL
[ -n "$BED_CTL" ] || { say "no control channel"; halt_now; }

# LUNs: wait for all of them, then name them by serial: /dev/lun/SERIAL
want=${BED_LUNS:-0}
for i in $(seq 300); do
	n=$(ls -d /sys/block/sd* 2>/dev/null | wc -l)
	[ "$n" -ge "$want" ] && break
	sleep 0.1
done
mkdir -p /dev/lun
for b in /sys/block/sd*; do
	[ -e "$b" ] || continue
	s=$(tail -c +5 "$b/device/vpd_pg80" 2>/dev/null | tr -d '\0 ')
	[ -n "$s" ] && ln -sf "/dev/$(basename "$b")" "/dev/lun/$s"
done

ip link set lo up
if ip link set eth0 up 2>/dev/null; then
	ip addr add 10.0.2.15/24 dev eth0
	ip route add default via 10.0.2.2
fi

. /bed/lib.sh
bed_open
bed_send "hello $BED_GUEST"
say "ready: $(uname -r), $(ls /dev/lun | wc -l) LUN(s), control $BED_CTL"

cd /tmp
bash /bed/test.sh
rc=$?
say "test exited with status $rc"
# taint bits catch a WARN or oops whatever reached the console
bed_send "taint $(cat /proc/sys/kernel/tainted)"
bed_send "exit $rc"
halt_now
