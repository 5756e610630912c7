#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Print the kernel build directory to build against: the running kernel's
# when it has one, else the newest Debian linux-headers-*-amd64 installed.
d=/lib/modules/$(uname -r)/build
if [ -d "$d" ]; then echo "$d"; exit 0; fi
ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | sort -V | tail -n 1
