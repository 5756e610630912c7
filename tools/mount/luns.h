/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The LUNs of a volume on this host: block devices whose xsanfs LUN header
 * (include/xsanfs/disk.h) carries the volume's uuid. Found with libblkid
 * through tools/lib/lun.c, shown with -v and passed to the kernel as one
 * lun=/dev/PARTITION option each (fs/lun.c opens and checks them).
 */
#ifndef XMOUNT_LUNS_H
#define XMOUNT_LUNS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/**
 * struct xmount_lun_scan - what a scan found
 * @found: devices that carry a LUN of the volume
 * @unreadable: devices that could not be opened or probed (no privilege)
 * @checked: devices looked at
 */
struct xmount_lun_scan {
	size_t found;
	size_t unreadable;
	size_t checked;
};

/**
 * struct xmount_lun_list - partition devices found (xmount_luns_find())
 * @paths: "/dev/PARTITION", owned
 * @n: how many
 */
struct xmount_lun_list {
	char **paths;
	size_t n;
};

int xmount_luns_find(const char *volume, const uint8_t *volume_uuid, FILE *out,
		     struct xmount_lun_list *list);
void xmount_lun_list_free(struct xmount_lun_list *list);
void xmount_luns_scan(const uint8_t *volume_uuid, char *const *paths, size_t n,
		      FILE *out, struct xmount_lun_scan *res);
int xmount_luns_show(const char *volume, const uint8_t *volume_uuid, FILE *out);

#endif /* XMOUNT_LUNS_H */
